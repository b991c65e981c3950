// What the HTTP layer (listener and sessions) and the routes exchange: a parsed request in,
// a response or an event stream out. Beast stays inside src/server.
#pragma once

#include <boost/beast/http.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "server/question_hub.h"
#include "store/store.h"

namespace drux {

namespace http = boost::beast::http;
using HttpRequest = http::request<http::string_body>;
using HttpResponse = http::response<http::string_body>;

// A response that is a Server-Sent Events stream of a question's events.
struct EventStreamPlan {
  // The live log of a running question; null for a finished one.
  std::shared_ptr<QuestionHub> hub;
  // A finished question: its whole stored log, sent from `after` on, then the stream ends.
  std::vector<StoredEvent> replay;
  std::int64_t after = 0;  // the Last-Event-ID the client saw
};

struct RoutedResponse {
  HttpResponse response;
  std::optional<EventStreamPlan> stream;  // set: answer with this stream instead
  std::string route;                      // the route's pattern, for metrics
};

class RequestRouter {
 public:
  virtual ~RequestRouter() = default;
  // Answers one request; called on an I/O thread, so it must not wait for long.
  virtual RoutedResponse Route(HttpRequest& request, const std::string& client_ip) = 0;
};

}  // namespace drux

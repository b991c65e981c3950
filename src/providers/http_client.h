// A small blocking HTTP client for provider calls: one POST, the response body delivered
// as it arrives. The only place in Drux that knows libcurl.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace drux {

struct HttpRequest {
  std::string url;
  std::vector<std::string> headers;  // "Name: value" lines
  std::string body;
  std::chrono::milliseconds connect_timeout{5000};
  // The whole exchange, connecting included, ends by this deadline.
  std::chrono::milliseconds total_timeout{120000};
  // When it becomes true the call returns kCancelled within about 50 ms. May be null.
  const std::atomic<bool>* cancel = nullptr;
};

struct HttpResponseHead {
  int status = 0;
  std::string reason;        // "Bad Gateway"; empty when the server sent none
  std::string content_type;  // as the server sent it; empty when absent
  // The Retry-After header in seconds (either form of the header); 0 when absent.
  int retry_after_seconds = 0;
};

// Receives the response body piece by piece, on the calling thread; head is complete
// from the first call on. Returning false stops the transfer, which then counts as ended.
using HttpBodySink = std::function<bool(const HttpResponseHead& head, std::string_view piece)>;

// Sends a POST and blocks until the response has ended, the sink stopped it, a deadline
// passed or the cancel flag was raised. Returns the response head whatever the status.
// Errors: kConnection (refused, unresolvable host, TLS failure, connection lost) with the
// URL in the message; kTimeout; kCancelled; kInvalidArgument for an unusable URL.
// Thread-safe: concurrent calls share nothing.
Expected<HttpResponseHead> HttpPost(const HttpRequest& request, const HttpBodySink& on_body);

}  // namespace drux

// The question and panel endpoints: ask, read a result (from memory once complete), the
// event stream, history, and the panels a caller may use.
#pragma once

#include <string>

#include "core/config.h"
#include "server/account_routes.h"
#include "server/auth/rate_limiter.h"
#include "server/http_types.h"
#include "server/question_service.h"
#include "server/result_cache.h"
#include "store/store.h"

namespace drux {

class QuestionRoutes {
 public:
  // Every argument must outlive this object.
  QuestionRoutes(const Config& config, Store& store, QuestionService& questions, ResultCache& cache,
                 RateLimiter& anonymous_limit);

  HttpResponse Ask(const HttpRequest& request, const Caller& caller, const std::string& client_ip);
  HttpResponse History(const HttpRequest& request, const Caller& caller);
  HttpResponse Get(const HttpRequest& request, const std::string& id);
  RoutedResponse Events(const HttpRequest& request, const std::string& id);
  HttpResponse Panels(const HttpRequest& request, const Caller& caller);

 private:
  const Config& config_;
  Store& store_;
  QuestionService& questions_;
  ResultCache& cache_;
  RateLimiter& anonymous_limit_;
};

}  // namespace drux

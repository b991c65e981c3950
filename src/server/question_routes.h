// The question and panel endpoints: ask, read a result (from memory once complete), the
// event stream, history, and the panels a caller may use.
#pragma once

#include <optional>
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
  // POST /api/questions/ID/compare: asks question ID again on another panel, with Ask's
  // checks; its url is the comparison page /compare/ID/NEW.
  HttpResponse AskAgain(const HttpRequest& request, const Caller& caller,
                        const std::string& client_ip, const std::string& id);
  // GET /api/compare/A/B: both question objects and, once both are complete, how far their
  // syntheses agree (cached with an ETag from then on).
  HttpResponse Compare(const HttpRequest& request, const std::string& a, const std::string& b);
  HttpResponse History(const HttpRequest& request, const Caller& caller);
  HttpResponse Get(const HttpRequest& request, const std::string& id);
  RoutedResponse Events(const HttpRequest& request, const std::string& id);
  HttpResponse Panels(const HttpRequest& request, const Caller& caller);

 private:
  // A question's GET /api/questions/ID object and whether it is final.
  struct QuestionObject {
    std::string body;
    bool complete = false;
    bool cacheable = false;  // complete and read from the store or the cache
  };

  // Starts question on panel_name for caller after the panel, premium and rate checks; the
  // 202 answer links to url_prefix + the new id.
  HttpResponse Start(const HttpRequest& request, const Caller& caller, const std::string& client_ip,
                     const std::string& question, const std::string& panel_name,
                     const std::string& url_prefix);
  // The question object of id; nullopt when there is none, an error when the store fails.
  Expected<std::optional<QuestionObject>> Load(const std::string& id);

  const Config& config_;
  Store& store_;
  QuestionService& questions_;
  ResultCache& cache_;
  RateLimiter& anonymous_limit_;
};

}  // namespace drux

// Maps each request of docs/http-api.md to its handler: the API, /healthz, /metrics, and
// the browser UI's files for everything else.
#pragma once

#include <string>

#include "server/account_routes.h"
#include "server/http_types.h"
#include "server/metrics.h"
#include "server/question_routes.h"
#include "server/static_files.h"

namespace drux {

class ApiRouter : public RequestRouter {
 public:
  // Every argument must outlive the router.
  ApiRouter(AccountRoutes& accounts, QuestionRoutes& questions, const StaticFiles& files,
            const Metrics& metrics);

  RoutedResponse Route(HttpRequest& request, const std::string& client_ip) override;

 private:
  RoutedResponse RouteApi(HttpRequest& request, std::string_view path,
                          const std::string& client_ip);
  RoutedResponse RoutePost(HttpRequest& request, std::string_view path,
                           const std::string& client_ip);

  AccountRoutes& accounts_;
  QuestionRoutes& questions_;
  const StaticFiles& files_;
  const Metrics& metrics_;
};

}  // namespace drux

#include "server/api_router.h"

#include "server/http_responses.h"
#include "server/request_parts.h"

namespace drux {
namespace {

constexpr std::string_view kQuestionsPrefix = "/api/questions/";
constexpr std::string_view kEventsSuffix = "/events";
constexpr std::string_view kCompareSuffix = "/compare";
constexpr std::string_view kComparePrefix = "/api/compare/";

// The id in kQuestionsPrefix + ID + suffix, or "" when path is not of that form.
std::string_view QuestionIdBefore(std::string_view path, std::string_view suffix) {
  if (!path.starts_with(kQuestionsPrefix) || !path.ends_with(suffix) ||
      path.size() <= kQuestionsPrefix.size() + suffix.size()) {
    return {};
  }
  const std::string_view id =
      path.substr(kQuestionsPrefix.size(), path.size() - kQuestionsPrefix.size() - suffix.size());
  return id.find('/') == std::string_view::npos ? id : std::string_view();
}

RoutedResponse Respond(HttpResponse response, std::string route) {
  RoutedResponse routed;
  routed.response = std::move(response);
  routed.route = std::move(route);
  return routed;
}

RoutedResponse MethodNotAllowed(const HttpRequest& request, std::string route,
                                const char* allowed) {
  HttpResponse response =
      ErrorResponse(http::status::method_not_allowed, "invalid_argument",
                    std::string("Use ") + allowed + " on " + route + ".", request.version());
  response.set(http::field::allow, allowed);
  return Respond(std::move(response), std::move(route));
}

bool IsGet(const HttpRequest& request) {
  return request.method() == http::verb::get;
}

}  // namespace

ApiRouter::ApiRouter(AccountRoutes& accounts, QuestionRoutes& questions, const StaticFiles& files,
                     const Metrics& metrics)
    : accounts_(accounts), questions_(questions), files_(files), metrics_(metrics) {}

RoutedResponse ApiRouter::Route(HttpRequest& request, const std::string& client_ip) {
  const std::string_view path = PathOf(request.target());
  // The permalink of a complete result comes first: it is the hot path.
  if (path.starts_with(kQuestionsPrefix) && IsGet(request)) {
    const std::string_view rest = path.substr(kQuestionsPrefix.size());
    if (!rest.empty() && rest.find('/') == std::string_view::npos) {
      return Respond(questions_.Get(request, std::string(rest)), "/api/questions/:id");
    }
  }
  if (path == "/healthz") {
    if (!IsGet(request)) return MethodNotAllowed(request, "/healthz", "GET");
    return Respond(JsonResponse(http::status::ok, R"({"status":"ok"})", request.version()),
                   "/healthz");
  }
  if (path == "/metrics") {
    if (!IsGet(request)) return MethodNotAllowed(request, "/metrics", "GET");
    HttpResponse response{http::status::ok, request.version()};
    response.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
    response.set(http::field::cache_control, "no-store");
    response.body() = metrics_.Render();
    response.prepare_payload();
    return Respond(std::move(response), "/metrics");
  }
  if (path == "/api" || path.starts_with("/api/")) return RouteApi(request, path, client_ip);
  if (!IsGet(request)) {
    return MethodNotAllowed(request, "(static)", "GET");
  }
  return Respond(files_.Serve(path, request.version()), "(static)");
}

RoutedResponse ApiRouter::RouteApi(HttpRequest& request, std::string_view path,
                                   const std::string& client_ip) {
  if (request.method() == http::verb::post) return RoutePost(request, path, client_ip);
  if (!IsGet(request)) return MethodNotAllowed(request, std::string(path), "GET, POST");
  if (const std::string_view id = QuestionIdBefore(path, kEventsSuffix); !id.empty()) {
    return questions_.Events(request, std::string(id));
  }
  if (path.starts_with(kComparePrefix)) {
    const std::string_view ids = path.substr(kComparePrefix.size());
    const std::size_t slash = ids.find('/');
    if (slash != std::string_view::npos && slash > 0 && slash + 1 < ids.size() &&
        ids.find('/', slash + 1) == std::string_view::npos) {
      return Respond(questions_.Compare(request, std::string(ids.substr(0, slash)),
                                        std::string(ids.substr(slash + 1))),
                     "/api/compare/:a/:b");
    }
  }
  if (path == "/api/me") {
    return Respond(accounts_.Me(request, accounts_.Identify(request)), "/api/me");
  }
  if (path == "/api/questions") {
    return Respond(questions_.History(request, accounts_.Identify(request)), "/api/questions");
  }
  if (path == "/api/panels") {
    return Respond(questions_.Panels(request, accounts_.Identify(request)), "/api/panels");
  }
  return Respond(
      ErrorResponse(http::status::not_found, "not_found",
                    "There is no API endpoint " + std::string(path) + ".", request.version()),
      "(unknown)");
}

RoutedResponse ApiRouter::RoutePost(HttpRequest& request, std::string_view path,
                                    const std::string& client_ip) {
  const std::string_view compared = QuestionIdBefore(path, kCompareSuffix);
  const std::string route = compared.empty() ? std::string(path) : "/api/questions/:id/compare";
  const bool known = !compared.empty() || path == "/api/questions" || path == "/api/auth/signup" ||
                     path == "/api/auth/signin" || path == "/api/auth/signout" ||
                     path == "/api/tokens";
  if (!known) {
    return Respond(
        ErrorResponse(http::status::not_found, "not_found",
                      "There is no API endpoint " + std::string(path) + ".", request.version()),
        "(unknown)");
  }
  const Caller caller = accounts_.Identify(request);
  if (auto rejected = accounts_.CheckCsrf(request, caller)) {
    return Respond(std::move(*rejected), route);
  }
  if (path == "/api/questions") {
    return Respond(questions_.Ask(request, caller, client_ip), route);
  }
  if (!compared.empty()) {
    return Respond(questions_.AskAgain(request, caller, client_ip, std::string(compared)), route);
  }
  if (path == "/api/auth/signup") return Respond(accounts_.SignUp(request), route);
  if (path == "/api/auth/signin") return Respond(accounts_.SignIn(request), route);
  if (path == "/api/auth/signout") return Respond(accounts_.SignOut(request, caller), route);
  return Respond(accounts_.CreateToken(request, caller), route);
}

}  // namespace drux

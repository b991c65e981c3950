#include "server/account_routes.h"

#include <spdlog/spdlog.h>

#include <ctime>
#include <nlohmann/json.hpp>

#include "server/http_responses.h"
#include "server/request_parts.h"

namespace drux {
namespace {

using nlohmann::json;

constexpr const char* kSessionCookie = "drux_session";
constexpr const char* kCsrfCookie = "drux_csrf";

json UserObject(const User& user) {
  return {{"id", user.id}, {"email", user.email}, {"tier", TierName(user.tier)}};
}

HttpResponse ErrorFor(const Error& error, unsigned version) {
  return ErrorResponse(StatusOfError(error), CodeOfError(error), error.message, version);
}

// {"email", "password"} from the body, or the 400 response.
struct Credentials {
  std::string email;
  std::string password;
};
std::optional<Credentials> ReadCredentials(const HttpRequest& request, HttpResponse& error) {
  const json body = json::parse(request.body(), nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("email") ||
      !body.contains("password") || !body["email"].is_string() || !body["password"].is_string()) {
    error =
        ErrorResponse(http::status::bad_request, "invalid_argument",
                      "Send JSON {\"email\": \"...\", \"password\": \"...\"}.", request.version());
    return std::nullopt;
  }
  return Credentials{body["email"].get<std::string>(), body["password"].get<std::string>()};
}

}  // namespace

std::string UserJson(const User& user) {
  return UserObject(user).dump();
}

http::status StatusOfError(const Error& error) {
  switch (error.code) {
    case ErrorCode::kInvalidArgument:
      return http::status::bad_request;
    case ErrorCode::kNotFound:
      return http::status::not_found;
    case ErrorCode::kAlreadyExists:
      return http::status::conflict;
    case ErrorCode::kUnauthenticated:
      return http::status::unauthorized;
    case ErrorCode::kPermissionDenied:
    case ErrorCode::kBudgetExceeded:
      return http::status::forbidden;
    case ErrorCode::kRateLimited:
      return http::status::too_many_requests;
    default:
      return http::status::internal_server_error;
  }
}

std::string CodeOfError(const Error& error) {
  switch (error.code) {
    case ErrorCode::kUnauthenticated:
      return "unauthorized";
    case ErrorCode::kPermissionDenied:
      return "forbidden";
    default:
      return ErrorCodeName(error.code);
  }
}

AccountRoutes::AccountRoutes(Accounts& accounts, bool secure_cookies)
    : accounts_(accounts), secure_cookies_(secure_cookies) {}

Caller AccountRoutes::Identify(const HttpRequest& request) {
  Caller caller;
  if (const std::string bearer = BearerToken(request); !bearer.empty()) {
    auto user = accounts_.AuthenticateApiToken(bearer);
    if (user && *user) {
      caller.auth = RequestAuth::kBearerToken;
      caller.user = std::move(**user);
    }
    return caller;
  }
  const std::string token = CookieValue(request, kSessionCookie);
  if (token.empty()) return caller;
  auto session = accounts_.AuthenticateSession(token);
  if (!session) {
    spdlog::error("checking a session failed: {}", session.error().message);
    return caller;
  }
  if (!*session) return caller;
  caller.auth = RequestAuth::kSessionCookie;
  caller.user = std::move((*session)->user);
  caller.session_token = token;
  caller.csrf_token = (*session)->session.csrf_token;
  return caller;
}

std::optional<HttpResponse> AccountRoutes::CheckCsrf(const HttpRequest& request,
                                                     const Caller& caller) const {
  const std::string cookie = CookieValue(request, kCsrfCookie);
  const auto header = request.find("X-CSRF-Token");
  CsrfRequest check;
  check.method = request.method_string();
  check.auth = caller.auth;
  check.session_csrf_token = caller.csrf_token;
  check.csrf_cookie = cookie;
  if (header != request.end()) check.csrf_header = header->value();
  if (PassesCsrfCheck(check)) return std::nullopt;
  return ErrorResponse(http::status::forbidden, "csrf", std::string(kCsrfFailureMessage),
                       request.version());
}

std::string AccountRoutes::SessionCookie(const std::string& token, std::int64_t max_age) const {
  return std::string(kSessionCookie) + "=" + token + "; Max-Age=" + std::to_string(max_age) +
         "; Path=/; HttpOnly; SameSite=Lax" + (secure_cookies_ ? "; Secure" : "");
}

HttpResponse AccountRoutes::SessionResponse(http::status status, const NewSession& session,
                                            unsigned version) const {
  const json body = {{"user", UserObject(session.user)}, {"csrf_token", session.csrf_token}};
  HttpResponse response = JsonResponse(status, body.dump(), version);
  const std::int64_t max_age =
      std::max<std::int64_t>(0, session.expires_at - static_cast<std::int64_t>(std::time(nullptr)));
  response.set(http::field::set_cookie, SessionCookie(session.token, max_age));
  return response;
}

HttpResponse AccountRoutes::Me(const HttpRequest& request, const Caller& caller) {
  json body = {{"user", caller.user ? UserObject(*caller.user) : json(nullptr)}};
  std::optional<std::string> new_cookie;
  if (caller.auth == RequestAuth::kSessionCookie) {
    body["csrf_token"] = caller.csrf_token;
  } else {
    std::string token = CookieValue(request, kCsrfCookie);
    if (token.empty()) {
      token = NewAnonymousCsrfToken();
      new_cookie = token;
    }
    body["csrf_token"] = token;
  }
  HttpResponse response = JsonResponse(http::status::ok, body.dump(), request.version());
  if (new_cookie) {
    response.set(http::field::set_cookie, std::string(kCsrfCookie) + "=" + *new_cookie +
                                              "; Path=/; SameSite=Lax" +
                                              (secure_cookies_ ? "; Secure" : ""));
  }
  return response;
}

HttpResponse AccountRoutes::SignUp(const HttpRequest& request) {
  HttpResponse error;
  const auto credentials = ReadCredentials(request, error);
  if (!credentials) return error;
  const auto session = accounts_.SignUp(credentials->email, credentials->password);
  if (!session) return ErrorFor(session.error(), request.version());
  return SessionResponse(http::status::created, *session, request.version());
}

HttpResponse AccountRoutes::SignIn(const HttpRequest& request) {
  HttpResponse error;
  const auto credentials = ReadCredentials(request, error);
  if (!credentials) return error;
  const auto session = accounts_.SignIn(credentials->email, credentials->password,
                                        CookieValue(request, kSessionCookie));
  if (!session) return ErrorFor(session.error(), request.version());
  return SessionResponse(http::status::ok, *session, request.version());
}

HttpResponse AccountRoutes::SignOut(const HttpRequest& request, const Caller& caller) {
  if (!caller.session_token.empty()) {
    if (auto done = accounts_.SignOut(caller.session_token); !done) {
      return ErrorFor(done.error(), request.version());
    }
  }
  HttpResponse response{http::status::no_content, request.version()};
  response.set(http::field::cache_control, "no-store");
  response.set(http::field::set_cookie, SessionCookie("", 0));
  response.prepare_payload();
  return response;
}

HttpResponse AccountRoutes::CreateToken(const HttpRequest& request, const Caller& caller) {
  if (!caller.user) {
    return ErrorResponse(http::status::unauthorized, "unauthorized",
                         "Sign in to create an API token.", request.version());
  }
  const json body = json::parse(request.body(), nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("name") ||
      !body["name"].is_string()) {
    return ErrorResponse(http::status::bad_request, "invalid_argument",
                         "Send JSON {\"name\": \"...\"} naming the token.", request.version());
  }
  const std::string name = body["name"].get<std::string>();
  const auto token = accounts_.CreateApiToken(caller.user->id, name);
  if (!token) return ErrorFor(token.error(), request.version());
  return JsonResponse(http::status::created, json({{"token", *token}, {"name", name}}).dump(),
                      request.version());
}

}  // namespace drux

// The account endpoints (/api/me, /api/auth/*, /api/tokens) and who a request comes from:
// a session cookie, a bearer API token, or nobody. All secrets go through drux_auth.
#pragma once

#include <optional>
#include <string>

#include "server/auth/accounts.h"
#include "server/auth/csrf.h"
#include "server/http_types.h"

namespace drux {

// Who made a request.
struct Caller {
  RequestAuth auth = RequestAuth::kAnonymous;
  std::optional<User> user;
  std::string session_token;  // the cookie's token when it names a live session
  std::string csrf_token;     // the session's CSRF token
};

class AccountRoutes {
 public:
  // accounts must outlive this object.
  AccountRoutes(Accounts& accounts, bool secure_cookies);

  // The caller of a request; anonymous for unknown or expired credentials.
  Caller Identify(const HttpRequest& request);

  // Whether a state-changing request passes the CSRF rule; the 403 response when not.
  std::optional<HttpResponse> CheckCsrf(const HttpRequest& request, const Caller& caller) const;

  HttpResponse Me(const HttpRequest& request, const Caller& caller);
  HttpResponse SignUp(const HttpRequest& request);
  HttpResponse SignIn(const HttpRequest& request);
  HttpResponse SignOut(const HttpRequest& request, const Caller& caller);
  HttpResponse CreateToken(const HttpRequest& request, const Caller& caller);

 private:
  HttpResponse SessionResponse(http::status status, const NewSession& session,
                               unsigned version) const;
  std::string SessionCookie(const std::string& token, std::int64_t max_age) const;

  Accounts& accounts_;
  const bool secure_cookies_;
};

// The JSON of a user for the API: id, email, tier (never the password hash).
std::string UserJson(const User& user);

// The status and code of an error from the engine or the store.
http::status StatusOfError(const Error& error);
std::string CodeOfError(const Error& error);

}  // namespace drux

// The CSRF rule of docs/http-api.md as one decision. A browser sends cookies with any
// request to our origin, even one a foreign page started, but only our own pages can read
// a token and put it in a header: so a state-changing request made with cookies must echo
// a token in `X-CSRF-Token`.
#pragma once

#include <string>
#include <string_view>

namespace drux {

// How a request identified its caller.
enum class RequestAuth {
  kAnonymous,      // no valid session cookie and no bearer token
  kSessionCookie,  // a valid `drux_session` cookie
  kBearerToken,    // a valid `Authorization: Bearer` API token (sent by scripts, not browsers)
};

struct CsrfRequest {
  std::string_view method;  // the HTTP method as sent, e.g. "POST"
  RequestAuth auth = RequestAuth::kAnonymous;
  std::string_view session_csrf_token;  // kSessionCookie: the session's csrf token
  std::string_view csrf_cookie;         // the `drux_csrf` cookie's value; empty when absent
  std::string_view csrf_header;         // the `X-CSRF-Token` header's value; empty when absent
};

// Whether the request passes the rule:
// - GET, HEAD and OPTIONS change nothing and bearer-token requests carry no ambient
//   credentials: they pass without a token;
// - any other method with a session cookie needs the header equal to the session's token;
// - any other method from an anonymous client needs the header equal to the `drux_csrf`
//   cookie (double submit); an empty cookie or header never passes.
// Tokens are compared in constant time.
bool PassesCsrfCheck(const CsrfRequest& request);

// The message of the 403 `csrf` error for a request that does not pass.
inline constexpr std::string_view kCsrfFailureMessage =
    "The request has no valid CSRF token: send the token from GET /api/me in the X-CSRF-Token "
    "header. In the browser, reload the page and try again.";

// A new token for an anonymous visitor's `drux_csrf` cookie.
std::string NewAnonymousCsrfToken();

}  // namespace drux

#include "server/auth/csrf.h"

#include "server/auth/secret_tokens.h"

namespace drux {
namespace {

bool IsSafeMethod(std::string_view method) {
  // Methods are case-sensitive (RFC 9110); an unknown method is treated as state-changing.
  return method == "GET" || method == "HEAD" || method == "OPTIONS";
}

bool TokenMatches(std::string_view expected, std::string_view sent) {
  return !expected.empty() && !sent.empty() && SecretsEqual(expected, sent);
}

}  // namespace

bool PassesCsrfCheck(const CsrfRequest& request) {
  if (IsSafeMethod(request.method)) return true;
  switch (request.auth) {
    case RequestAuth::kBearerToken:
      return true;
    case RequestAuth::kSessionCookie:
      return TokenMatches(request.session_csrf_token, request.csrf_header);
    case RequestAuth::kAnonymous:
      return TokenMatches(request.csrf_cookie, request.csrf_header);
  }
  return false;
}

std::string NewAnonymousCsrfToken() {
  return NewSecretToken();
}

}  // namespace drux

// Building the server's responses: JSON bodies, the one error shape of docs/http-api.md,
// and the security headers every response carries.
#pragma once

#include <string>

#include "server/http_types.h"

namespace drux {

// A response with a JSON body (already serialized) and no-store caching.
HttpResponse JsonResponse(http::status status, std::string body, unsigned version = 11);

// {"error": {"code": code, "message": message}}.
HttpResponse ErrorResponse(http::status status, const std::string& code, const std::string& message,
                           unsigned version = 11);

// Content-Security-Policy, X-Content-Type-Options, Referrer-Policy and framing denial.
void AddSecurityHeaders(HttpResponse& response);

}  // namespace drux

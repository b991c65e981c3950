#include "server/http_responses.h"

#include <nlohmann/json.hpp>

namespace drux {

HttpResponse JsonResponse(http::status status, std::string body, unsigned version) {
  HttpResponse response{status, version};
  response.set(http::field::content_type, "application/json");
  response.set(http::field::cache_control, "no-store");
  response.body() = std::move(body);
  AddSecurityHeaders(response);
  response.prepare_payload();
  return response;
}

HttpResponse ErrorResponse(http::status status, const std::string& code, const std::string& message,
                           unsigned version) {
  const nlohmann::json body = {{"error", {{"code", code}, {"message", message}}}};
  return JsonResponse(status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                      version);
}

void AddSecurityHeaders(HttpResponse& response) {
  response.set("Content-Security-Policy",
               "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; "
               "frame-ancestors 'none'");
  response.set("X-Content-Type-Options", "nosniff");
  response.set("Referrer-Policy", "no-referrer");
  response.set("X-Frame-Options", "DENY");
}

}  // namespace drux

// Reading the parts of a request the routes need: path, query parameters, cookies, the
// bearer token, a JSON body.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "server/http_types.h"

namespace drux {

// The target's path, without the query string.
std::string_view PathOf(std::string_view target);

// The value of a query parameter (percent-decoded), or empty.
std::string QueryParam(std::string_view target, std::string_view name);

// The value of a cookie sent in the Cookie header, or empty.
std::string CookieValue(const HttpRequest& request, std::string_view name);

// The token of `Authorization: Bearer TOKEN`, or empty.
std::string BearerToken(const HttpRequest& request);

// Percent-decodes text; nullopt for a malformed escape.
std::optional<std::string> PercentDecode(std::string_view text);

}  // namespace drux

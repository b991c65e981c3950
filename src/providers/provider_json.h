// Reading what a provider sent: its JSON (tolerating raw invalid UTF-8), its error pages
// and messages, quoted safely for error messages. Shared by the wire protocols.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "providers/http_client.h"

namespace drux {

// JSON from a provider, parsed without exceptions. Servers that stream raw token bytes may
// split one character across two chunks, leaving invalid UTF-8 in each chunk's JSON;
// such bytes survive the parse and come back out of String() unchanged.
struct ProviderJson {
  nlohmann::json value;
  bool had_stray_bytes = false;

  // The raw bytes of a string member of object, or nullopt when it is absent or no string.
  std::optional<std::string> String(const nlohmann::json& object, const char* key) const;
};

// nullopt when text is not JSON.
std::optional<ProviderJson> ParseProviderJson(std::string_view text);

// The member key of object, or null when object is no object or lacks it.
const nlohmann::json* Member(const nlohmann::json& object, const char* key);
// A numeric member as an int; 0 when absent or not a number.
int IntMember(const nlohmann::json& object, const char* key);

std::string_view Trim(std::string_view text);
std::string Lowercase(std::string_view text);
// Valid UTF-8, at most max_bytes of text, "..." marking a cut.
std::string Shorten(std::string_view text, std::size_t max_bytes);
// The start of a body as a quoted, escaped string for an error message.
std::string QuoteSnippet(std::string_view body);
// An HTML page (a proxy's or load balancer's error page) rather than an API response.
bool LooksLikeHtml(const HttpResponseHead& head, std::string_view body);
// The text of an HTML page's <title>, or "" when it has none.
std::string HtmlTitle(std::string_view html);
// Replaces every occurrence of secret in text by "[redacted]".
void Redact(std::string& text, const std::string& secret);
// The value of the environment variable env_name; "" when env_name is empty or unset.
std::string ReadApiKey(const std::string& env_name);

}  // namespace drux

#include "providers/provider_json.h"

#include <cctype>
#include <cstdio>
#include <cstdlib>

#include "core/utf8.h"

namespace drux {
namespace {

using Json = nlohmann::json;

constexpr std::size_t kSnippetBytes = 200;

// Each stray byte b travels through the parse as the private-use character U+10FF00 + b
// (encoded F4 8F BE|BF xx) and is turned back into b afterwards, so the pieces of a split
// character join up again in the answer text.
std::string ProtectStrayBytes(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  while (const auto invalid = FindInvalidUtf8(text)) {
    out.append(text.substr(0, *invalid));
    const unsigned code_point = 0x10FF00u + static_cast<unsigned char>(text[*invalid]);
    out += '\xF4';
    out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
    text.remove_prefix(*invalid + 1);
  }
  out.append(text);
  return out;
}

std::string RestoreStrayBytes(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i + 3 < text.size() && text[i] == '\xF4' && text[i + 1] == '\x8F' &&
        (text[i + 2] == '\xBE' || text[i + 2] == '\xBF')) {
      out += static_cast<char>(0x80 | ((text[i + 2] & 1) << 6) | (text[i + 3] & 0x3F));
      i += 3;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace

std::optional<std::string> ProviderJson::String(const Json& object, const char* key) const {
  if (!object.is_object()) return std::nullopt;
  const auto found = object.find(key);
  if (found == object.end() || !found->is_string()) return std::nullopt;
  const auto& text = found->get_ref<const std::string&>();
  return had_stray_bytes ? RestoreStrayBytes(text) : text;
}

std::optional<ProviderJson> ParseProviderJson(std::string_view text) {
  ProviderJson parsed;
  parsed.had_stray_bytes = FindInvalidUtf8(text).has_value();
  const std::string protected_text = parsed.had_stray_bytes ? ProtectStrayBytes(text) : "";
  parsed.value = Json::parse(parsed.had_stray_bytes ? std::string_view(protected_text) : text,
                             nullptr, /*allow_exceptions=*/false);
  if (parsed.value.is_discarded()) return std::nullopt;
  return parsed;
}

const Json* Member(const Json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  const auto found = object.find(key);
  return found == object.end() ? nullptr : &*found;
}

int IntMember(const Json& object, const char* key) {
  const Json* member = Member(object, key);
  return member != nullptr && member->is_number() ? member->get<int>() : 0;
}

std::string_view Trim(std::string_view text) {
  const auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

std::string Lowercase(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

std::string Shorten(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return SanitizeUtf8(text);
  return SanitizeUtf8(text.substr(0, CompleteUtf8Prefix(text.substr(0, max_bytes)))) + "...";
}

std::string QuoteSnippet(std::string_view body) {
  std::string quoted = "\"";
  for (const char c : Shorten(body, kSnippetBytes)) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      quoted += '\\';
      quoted += c;
    } else if (c == '\n') {
      quoted += "\\n";
    } else if (byte < 0x20 || byte == 0x7F) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02X", byte);
      quoted += escaped;
    } else {
      quoted += c;
    }
  }
  return quoted + "\"";
}

bool LooksLikeHtml(const HttpResponseHead& head, std::string_view body) {
  return Lowercase(head.content_type).find("text/html") != std::string::npos ||
         Trim(body).starts_with('<');
}

std::string HtmlTitle(std::string_view html) {
  const std::string lower = Lowercase(html.substr(0, 64 * 1024));
  const std::size_t open = lower.find("<title");
  const std::size_t start = open == std::string::npos ? open : lower.find('>', open);
  const std::size_t end = start == std::string::npos ? start : lower.find("</title", start);
  if (end == std::string::npos) return "";
  std::string title;
  for (const char c : Trim(html.substr(start + 1, end - start - 1))) {
    const bool space = std::isspace(static_cast<unsigned char>(c)) != 0;
    if (!space)
      title += c;
    else if (!title.empty() && title.back() != ' ')
      title += ' ';
  }
  return Shorten(title, 120);
}

void Redact(std::string& text, const std::string& secret) {
  if (secret.empty()) return;
  for (std::size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at)) {
    text.replace(at, secret.size(), "[redacted]");
  }
}

std::string ReadApiKey(const std::string& env_name) {
  if (env_name.empty()) return "";
  const char* value = std::getenv(env_name.c_str());
  return value != nullptr ? value : "";
}

}  // namespace drux

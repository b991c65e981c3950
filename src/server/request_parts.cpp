#include "server/request_parts.h"

#include <cctype>

namespace drux {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

std::string_view PathOf(std::string_view target) {
  return target.substr(0, target.find('?'));
}

std::optional<std::string> PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int high = HexDigit(text[i + 1]);
    const int low = HexDigit(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

std::string QueryParam(std::string_view target, std::string_view name) {
  const std::size_t question_mark = target.find('?');
  if (question_mark == std::string_view::npos) return "";
  std::string_view query = target.substr(question_mark + 1);
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const std::size_t equals = pair.find('=');
    if (pair.substr(0, equals) == name) {
      if (equals == std::string_view::npos) return "";
      return PercentDecode(pair.substr(equals + 1)).value_or("");
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return "";
}

std::string CookieValue(const HttpRequest& request, std::string_view name) {
  for (auto it = request.find(http::field::cookie);
       it != request.end() && it->name() == http::field::cookie; ++it) {
    std::string_view cookies = it->value();
    while (!cookies.empty()) {
      const std::size_t semicolon = cookies.find(';');
      const std::string_view pair = Trim(cookies.substr(0, semicolon));
      const std::size_t equals = pair.find('=');
      if (equals != std::string_view::npos && Trim(pair.substr(0, equals)) == name) {
        return std::string(Trim(pair.substr(equals + 1)));
      }
      if (semicolon == std::string_view::npos) break;
      cookies.remove_prefix(semicolon + 1);
    }
  }
  return "";
}

std::string BearerToken(const HttpRequest& request) {
  const auto it = request.find(http::field::authorization);
  if (it == request.end()) return "";
  const std::string_view value = Trim(it->value());
  constexpr std::string_view kPrefix = "Bearer ";
  if (value.size() <= kPrefix.size()) return "";
  for (std::size_t i = 0; i < kPrefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(value[i])) !=
        std::tolower(static_cast<unsigned char>(kPrefix[i]))) {
      return "";
    }
  }
  return std::string(Trim(value.substr(kPrefix.size())));
}

}  // namespace drux

#include "cli/terminal.h"

#include <unistd.h>

#include <cstdlib>

namespace drux {

std::string TerminalStyle::Wrap(std::string_view code, std::string_view text) const {
  if (!color) return std::string(text);
  return "\033[" + std::string(code) + "m" + std::string(text) + "\033[0m";
}

bool IsColorTerminal(int fd) {
  const char* no_color = std::getenv("NO_COLOR");
  return isatty(fd) == 1 && (no_color == nullptr || *no_color == '\0');
}

std::string ForTerminal(std::string_view untrusted) {
  std::string out;
  out.reserve(untrusted.size());
  for (const char c : untrusted) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte == '\n' || byte == '\t') {
      out += c;
    } else if (byte < 0x20 || byte == 0x7F) {
      out += "\xEF\xBF\xBD";  // U+FFFD: visible, harmless
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace drux

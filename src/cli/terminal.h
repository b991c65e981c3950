// Terminal output helpers: styles that vanish when output is not a terminal, and
// neutralizing of control characters in untrusted (model) text.
#pragma once

#include <string>
#include <string_view>

namespace drux {

struct TerminalStyle {
  bool color = false;  // ANSI styles on

  std::string Bold(std::string_view text) const { return Wrap("1", text); }
  std::string Dim(std::string_view text) const { return Wrap("2", text); }
  std::string Green(std::string_view text) const { return Wrap("32", text); }
  std::string Yellow(std::string_view text) const { return Wrap("33", text); }
  std::string Red(std::string_view text) const { return Wrap("31", text); }

 private:
  std::string Wrap(std::string_view code, std::string_view text) const;
};

// True when the file descriptor is a terminal and NO_COLOR is not set.
bool IsColorTerminal(int fd);

// Model output with control characters (ANSI escapes, backspaces, ...) replaced, so an
// answer cannot rewrite the user's terminal. Newlines and tabs are kept.
std::string ForTerminal(std::string_view untrusted);

}  // namespace drux

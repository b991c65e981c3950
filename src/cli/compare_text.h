// Two panels' results for one question laid out for people (`drux ask --compare`): side by
// side on a wide terminal, one after the other otherwise, then how far they agree.
#pragma once

#include <string>

#include "cli/terminal.h"
#include "core/result.h"
#include "engine/compare.h"

namespace drux {

// Side by side when width (the terminal's columns; 0 when not a terminal) is at least
// kSideBySideWidth.
inline constexpr int kSideBySideWidth = 110;

std::string RenderComparisonText(const Result& a, const Result& b, const Comparison& comparison,
                                 const TerminalStyle& style, int width);

}  // namespace drux

#include "cli/compare_text.h"

#include <algorithm>
#include <cstdio>
#include <vector>

namespace drux {
namespace {

enum class Tone { kPlain, kBold, kDim, kGreen, kYellow, kRed };

struct Line {
  std::string text;  // already safe for the terminal
  Tone tone = Tone::kPlain;
};

std::string Styled(const std::string& text, Tone tone, const TerminalStyle& style) {
  switch (tone) {
    case Tone::kPlain:
      return text;
    case Tone::kBold:
      return style.Bold(text);
    case Tone::kDim:
      return style.Dim(text);
    case Tone::kGreen:
      return style.Green(text);
    case Tone::kYellow:
      return style.Yellow(text);
    case Tone::kRed:
      return style.Red(text);
  }
  return text;
}

// Columns a UTF-8 string takes, one per code point (wide CJK characters aside).
std::size_t Columns(const std::string& text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

// The byte length of the longest prefix of text that fits columns, at a code point boundary.
std::size_t PrefixFitting(const std::string& text, std::size_t columns) {
  std::size_t used = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (used == columns) return i;
    ++used;
  }
  return text.size();
}

std::string Format(const char* format, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, value);
  return buffer;
}

// Word-wraps untrusted text into width columns, the first line after first, the others
// after rest (both prefixes count in the width).
void AddWrapped(std::vector<Line>& lines, const std::string& untrusted, std::size_t width,
                const std::string& first, const std::string& rest, Tone tone = Tone::kPlain) {
  std::string text = ForTerminal(untrusted);
  std::replace(text.begin(), text.end(), '\t', ' ');
  std::size_t start = 0;
  bool first_line = true;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string paragraph = text.substr(start, end - start);
    do {
      const std::string& prefix = first_line ? first : rest;
      const std::size_t room = std::max<std::size_t>(width - std::min(width, Columns(prefix)), 8);
      std::size_t cut = paragraph.size();
      if (Columns(paragraph) > room) {
        cut = PrefixFitting(paragraph, room);
        const std::size_t space = paragraph.rfind(' ', cut);
        if (space != std::string::npos && space > 0) cut = space;
      }
      lines.push_back({prefix + paragraph.substr(0, cut), tone});
      first_line = false;
      paragraph.erase(0, cut);
      if (!paragraph.empty() && paragraph.front() == ' ') paragraph.erase(0, 1);
    } while (!paragraph.empty());
    start = end + 1;
  }
}

std::string MemberLine(const Answer& answer) {
  std::string line = answer.model;
  if (answer.ok()) {
    line += " · " + Format("%.1f s", answer.latency_ms / 1000);
    if (answer.cost_usd > 0) line += " · " + Format("$%.4f", answer.cost_usd);
    if (!answer.answered_by.empty() && answer.answered_by != answer.model) {
      line += " · answered by " + answer.answered_by + " (fallback)";
    }
    return line;
  }
  return line + (answer.skipped ? " skipped: " : " failed: ") + answer.error->message;
}

void AddPoints(std::vector<Line>& lines, const std::string& heading,
               const std::vector<std::string>& points, std::size_t width) {
  if (!lines.empty()) lines.push_back({"", Tone::kPlain});
  lines.push_back({heading, Tone::kBold});
  if (points.empty()) lines.push_back({"  (none)", Tone::kDim});
  for (const std::string& point : points) AddWrapped(lines, point, width, "  • ", "    ");
}

// One panel's block in sections that line up beside the other panel's: status and score,
// agreements, disagreements, synthesis, members and cost.
using Section = std::vector<Line>;

std::vector<Section> PanelBlock(const Result& result, std::size_t width) {
  std::vector<Section> sections(5);
  std::vector<Line>& lines = sections[0];
  AddWrapped(lines, result.panel + " · " + result.summary, width, "", "",
             result.status == ResultStatus::kComplete ? Tone::kBold : Tone::kYellow);
  const ConsensusScore& consensus = result.analysis.consensus;
  const Tone tone = consensus.score >= 65   ? Tone::kGreen
                    : consensus.score >= 40 ? Tone::kYellow
                                            : Tone::kRed;
  lines.push_back(
      {"Consensus: " + Format("%.0f%%", consensus.score) + " · " + consensus.label, tone});

  std::vector<std::string> agreements;
  std::vector<std::string> disagreements;
  const Synthesis& synthesis = result.synthesis;
  if (!synthesis.agreements.empty() || !synthesis.disagreements.empty()) {
    for (const SynthesisPoint& point : synthesis.agreements) agreements.push_back(point.text);
    for (const SynthesisPoint& point : synthesis.disagreements) {
      disagreements.push_back(point.versus_text.empty() ? point.text
                                                        : point.text + " ≠ " + point.versus_text);
    }
  } else {
    for (const AgreementPoint& point : result.analysis.agreements) agreements.push_back(point.text);
    for (const DisagreementPoint& point : result.analysis.disagreements) {
      disagreements.push_back(point.kind == DisagreementPoint::Kind::kContradiction
                                  ? point.text + " ≠ " + point.versus_text
                                  : point.text);
    }
  }
  AddPoints(sections[1], "Models agree on", agreements, width);
  AddPoints(sections[2], "Points of disagreement", disagreements, width);

  Section& answer = sections[3];
  answer.push_back({"Synthesized answer", Tone::kBold});
  if (synthesis.text.empty()) {
    AddWrapped(answer, synthesis.note.empty() ? "(none)" : synthesis.note, width, "  ", "  ",
               Tone::kDim);
  } else {
    AddWrapped(answer, synthesis.text, width, "  ", "  ");
  }

  Section& members = sections[4];
  members.push_back({"Members", Tone::kBold});
  for (const Answer& member : result.answers) {
    AddWrapped(members, MemberLine(member), width, member.ok() ? "  ✓ " : "  ✗ ", "    ",
               member.ok() ? Tone::kPlain : Tone::kYellow);
  }
  if (result.total_cost_usd > 0) {
    members.push_back({"Total cost: " + Format("$%.4f", result.total_cost_usd), Tone::kPlain});
  }
  return sections;
}

std::vector<Line> ComparisonBlock(const Comparison& comparison, std::size_t width) {
  std::vector<Line> lines;
  if (!comparison.note.empty()) {
    lines.push_back({"Comparison", Tone::kBold});
    AddWrapped(lines, comparison.note, width, "  ", "  ", Tone::kYellow);
    return lines;
  }
  const std::string what =
      comparison.compared_a == "synthesis" && comparison.compared_b == "synthesis"
          ? "the two syntheses"
          : ForTerminal(comparison.panel_a + "'s " + comparison.compared_a + " and " +
                        comparison.panel_b + "'s " + comparison.compared_b);
  lines.push_back(
      {"Comparison: " + what + " agree " + Format("%.0f%%", 100 * comparison.synthesis_agreement),
       Tone::kBold});
  AddPoints(lines, "Both say", comparison.shared_points, width);
  AddPoints(lines, "Only " + ForTerminal(comparison.panel_a) + " says", comparison.only_a, width);
  AddPoints(lines, "Only " + ForTerminal(comparison.panel_b) + " says", comparison.only_b, width);
  return lines;
}

void Append(std::string& out, const std::vector<Line>& lines, const TerminalStyle& style) {
  for (const Line& line : lines) out += Styled(line.text, line.tone, style) + "\n";
}

void Append(std::string& out, const std::vector<Section>& sections, const TerminalStyle& style) {
  for (std::size_t i = 0; i < sections.size(); ++i) {
    if (i > 0) out += "\n";
    Append(out, sections[i], style);
  }
}

}  // namespace

std::string RenderComparisonText(const Result& a, const Result& b, const Comparison& comparison,
                                 const TerminalStyle& style, int width) {
  std::string out = style.Bold("Question: ") + ForTerminal(a.question) + "\n\n";
  if (width >= kSideBySideWidth) {
    const std::size_t column = (static_cast<std::size_t>(width) - 3) / 2;
    const std::vector<Section> left = PanelBlock(a, column);
    const std::vector<Section> right = PanelBlock(b, column);
    for (std::size_t section = 0; section < left.size(); ++section) {
      const Section& l_lines = left[section];
      const Section& r_lines = right[section];
      if (section > 0) out += std::string(column, ' ') + style.Dim(" │") + "\n";
      for (std::size_t i = 0; i < std::max(l_lines.size(), r_lines.size()); ++i) {
        const Line blank;
        const Line& l = i < l_lines.size() ? l_lines[i] : blank;
        const Line& r = i < r_lines.size() ? r_lines[i] : blank;
        const std::string padding(column - std::min(column, Columns(l.text)), ' ');
        out += Styled(l.text, l.tone, style) + padding + style.Dim(" │ ") +
               Styled(r.text, r.tone, style) + "\n";
      }
    }
    out += "\n";
    Append(out, ComparisonBlock(comparison, static_cast<std::size_t>(width)), style);
    return out;
  }
  const std::size_t column = width > 0 ? static_cast<std::size_t>(width) : 100;
  Append(out, PanelBlock(a, column), style);
  out += "\n";
  Append(out, PanelBlock(b, column), style);
  out += "\n";
  Append(out, ComparisonBlock(comparison, column), style);
  return out;
}

}  // namespace drux

#include "cli/result_text.h"

#include <cstdio>

namespace drux {
namespace {

std::string JoinModels(const std::vector<std::string>& models) {
  std::string out;
  for (const std::string& model : models) out += (out.empty() ? "" : ", ") + ForTerminal(model);
  return out;
}

std::string Format(const char* format, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, value);
  return buffer;
}

std::string StyledLabel(const ConsensusScore& consensus, const TerminalStyle& style) {
  const std::string text = Format("%.0f%%", consensus.score) + " · " + consensus.label;
  if (consensus.score >= 65) return style.Green(style.Bold(text));
  if (consensus.score >= 40) return style.Yellow(style.Bold(text));
  return style.Red(style.Bold(text));
}

// Indents every line of untrusted text for display under a heading.
std::string Indented(const std::string& text, const std::string& prefix) {
  std::string out = prefix;
  for (const char c : ForTerminal(text)) {
    out += c;
    if (c == '\n') out += prefix;
  }
  return out;
}

void RenderAnalysis(const Result& result, const TerminalStyle& style, std::string& out) {
  const Analysis& analysis = result.analysis;
  out += style.Bold("Consensus: ") + StyledLabel(analysis.consensus, style) + "\n";
  if (!analysis.consensus.meaning.empty()) out += "  " + analysis.consensus.meaning + "\n";

  out += "\n" + style.Bold("Models agree on") + "\n";
  if (analysis.agreements.empty()) out += style.Dim("  (no point is shared by the panel)") + "\n";
  for (const AgreementPoint& point : analysis.agreements) {
    out += "  • " + ForTerminal(point.text) + " " +
           style.Dim("[" + JoinModels(point.models) + "]") + "\n";
  }

  out += "\n" + style.Bold("Points of disagreement") + "\n";
  if (analysis.disagreements.empty()) out += style.Dim("  (none found)") + "\n";
  for (const DisagreementPoint& point : analysis.disagreements) {
    if (point.kind == DisagreementPoint::Kind::kContradiction) {
      out += "  " + style.Red("≠ ") + JoinModels(point.models) + ": " + ForTerminal(point.text) +
             "\n    " + style.Red("vs ") + JoinModels(point.versus) + ": " +
             ForTerminal(point.versus_text) + "\n";
    } else {
      out += "  • " + style.Dim("only " + JoinModels(point.models) + ": ") +
             ForTerminal(point.text) + "\n";
    }
  }
}

void RenderSynthesis(const Synthesis& synthesis, const TerminalStyle& style, std::string& out) {
  out += "\n" + style.Bold("Synthesized answer");
  if (synthesis.method == "extractive") {
    out += style.Dim(" (extractive: the panel's best-supported points, in their own words)");
  }
  out += "\n";
  if (synthesis.sentences.empty()) {
    out += "  " + style.Dim(synthesis.note.empty() ? "(none)" : synthesis.note) + "\n";
  }
  for (const SynthesisSentence& sentence : synthesis.sentences) {
    const std::string support = sentence.models.empty()
                                    ? style.Red("[no model says this]")
                                    : style.Dim("[" + JoinModels(sentence.models) + "]");
    out += Indented(sentence.text, "  ") + " " + support + "\n";
  }
  if (synthesis.error) {
    out +=
        style.Yellow("  The synthesizer failed: ") + ForTerminal(synthesis.error->message) + "\n";
  }
}

void RenderAnswers(const Result& result, const TerminalStyle& style, std::string& out) {
  out += "\n" + style.Bold("Answers") + "\n";
  for (const Answer& answer : result.answers) {
    std::string header = "── " + ForTerminal(answer.model) + " · " +
                         Format("%.1f s", answer.latency_ms / 1000) + " · " +
                         std::to_string(answer.usage.completion_tokens) + " tokens";
    if (answer.cost_usd > 0) header += " · " + Format("$%.4f", answer.cost_usd);
    if (!answer.ok()) {
      out += style.Bold(header) + " · " + style.Red("failed") + "\n";
      out += Indented(answer.error->message, "   ") + "\n";
      if (!answer.text.empty()) out += style.Dim("   (partial text before the failure:)") + "\n";
    } else {
      out += style.Bold(header) + "\n";
    }
    if (!answer.text.empty()) out += Indented(answer.text, "   ") + "\n";
  }
}

}  // namespace

std::string RenderResultText(const Result& result, const TerminalStyle& style) {
  std::string out;
  out += style.Bold("Question: ") + ForTerminal(result.question) + "\n";
  std::string panel = result.panel + " · " + result.summary;
  out += style.Bold("Panel: ") +
         (result.status == ResultStatus::kComplete ? panel : style.Yellow(panel)) + "\n\n";
  RenderAnalysis(result, style, out);
  RenderSynthesis(result.synthesis, style, out);
  RenderAnswers(result, style, out);
  if (result.total_cost_usd > 0)
    out += "\nTotal cost: " + Format("$%.4f", result.total_cost_usd) + "\n";
  return out;
}

}  // namespace drux

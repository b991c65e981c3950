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

bool HasSynthesizerPoints(const Synthesis& synthesis) {
  return !synthesis.agreements.empty() || !synthesis.disagreements.empty() ||
         synthesis.dropped_points > 0;
}

// "[qwen, llama; unconfirmed: gemma]": the models a point names, those its answer does not
// back marked.
std::string PointModels(const std::vector<std::string>& models,
                        const std::vector<std::string>& unconfirmed, const TerminalStyle& style) {
  std::string out = style.Dim("[" + JoinModels(models));
  if (unconfirmed.empty()) return out + style.Dim("]");
  return out + style.Dim("; ") + style.Yellow("unconfirmed: " + JoinModels(unconfirmed)) +
         style.Dim("]");
}

void RenderSynthesizerPoints(const Synthesis& synthesis, const TerminalStyle& style,
                             std::string& out) {
  const std::string source = style.Dim("  (written by " + ForTerminal(synthesis.synthesizer) +
                                       ", each model checked against its answer)");
  out += "\n" + style.Bold("Models agree on") + "\n" + source + "\n";
  if (synthesis.agreements.empty()) out += style.Dim("  (none)") + "\n";
  for (const SynthesisPoint& point : synthesis.agreements) {
    out += "  • " + ForTerminal(point.text) + " " +
           PointModels(point.models, point.unconfirmed, style) + "\n";
  }
  out += "\n" + style.Bold("Points of disagreement") + "\n" + source + "\n";
  if (synthesis.disagreements.empty()) out += style.Dim("  (none)") + "\n";
  for (const SynthesisPoint& point : synthesis.disagreements) {
    const bool contradiction = !point.versus.empty() || !point.versus_unconfirmed.empty();
    out += "  " + (contradiction ? style.Red("≠ ") : std::string("• ")) + ForTerminal(point.text) +
           " " + PointModels(point.models, point.unconfirmed, style) + "\n";
    if (contradiction) {
      out += "    " + style.Red("vs ") + ForTerminal(point.versus_text) + " " +
             PointModels(point.versus, point.versus_unconfirmed, style) + "\n";
    }
  }
  if (synthesis.dropped_points > 0) {
    out += style.Yellow("  Dropped " + std::to_string(synthesis.dropped_points) +
                        " point(s) the synthesizer wrote: no answer of a model it named says "
                        "them.") +
           "\n";
  }
}

void RenderAnalysisPoints(const Analysis& analysis, const TerminalStyle& style, std::string& out) {
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

// The synthesizer's points when it wrote usable ones, else the analysis's own.
void RenderAnalysis(const Result& result, const TerminalStyle& style, std::string& out) {
  const Analysis& analysis = result.analysis;
  out += style.Bold("Consensus: ") + StyledLabel(analysis.consensus, style) + "\n";
  if (!analysis.consensus.meaning.empty()) out += "  " + analysis.consensus.meaning + "\n";
  if (HasSynthesizerPoints(result.synthesis)) {
    RenderSynthesizerPoints(result.synthesis, style, out);
  } else {
    RenderAnalysisPoints(analysis, style, out);
  }
  if (result.synthesis.points_error) {
    out += style.Yellow("  The synthesizer's points are not shown: ") +
           ForTerminal(result.synthesis.points_error->message) + "\n";
  }
}

// "Synthesized answer · written by qwen (synthesis-v1) from all 4 answers".
std::string SynthesisHeading(const Result& result, const TerminalStyle& style) {
  const Synthesis& synthesis = result.synthesis;
  std::string heading = style.Bold("Synthesized answer");
  if (synthesis.method == "model") {
    heading += style.Dim(" · written by " + ForTerminal(synthesis.synthesizer) + " (" +
                         synthesis.prompt + ")");
  } else if (synthesis.method == "extractive") {
    heading += style.Dim(" · extractive: the panel's best-supported points, in their own words");
  }
  if (synthesis.basis.empty()) return heading;
  const std::string basis = " · from " + synthesis.basis;
  return heading +
         (result.status == ResultStatus::kComplete ? style.Dim(basis) : style.Yellow(basis));
}

void RenderSynthesis(const Result& result, const TerminalStyle& style, std::string& out) {
  const Synthesis& synthesis = result.synthesis;
  out += "\n" + SynthesisHeading(result, style) + "\n";
  if (synthesis.error) out += style.Yellow("  " + ForTerminal(synthesis.error->message)) + "\n";
  if (synthesis.sentences.empty()) {
    out += "  " + style.Dim(synthesis.note.empty() ? "(none)" : synthesis.note) + "\n";
    return;
  }
  std::size_t unsupported = 0;
  for (const SynthesisSentence& sentence : synthesis.sentences) {
    const std::string support = sentence.models.empty()
                                    ? style.Red("[no model says this]")
                                    : style.Dim("[" + JoinModels(sentence.models) + "]");
    out += Indented(sentence.text, "  ") + " " + support + "\n";
    unsupported += sentence.models.empty() ? 1 : 0;
  }
  if (unsupported > 0) {
    out += style.Red("  " + std::to_string(unsupported) + " of " +
                     std::to_string(synthesis.sentences.size()) +
                     " sentences are the synthesizer's own: no model's answer supports them.") +
           "\n";
  }
  if (!synthesis.note.empty()) out += style.Dim("  " + synthesis.note) + "\n";
  if (synthesis.usage.prompt_tokens + synthesis.usage.completion_tokens > 0) {
    out += style.Dim("  Synthesizer: " + std::to_string(synthesis.usage.prompt_tokens) +
                     " prompt + " + std::to_string(synthesis.usage.completion_tokens) +
                     " completion tokens · " + Format("%.1f s", synthesis.latency_ms / 1000) +
                     (synthesis.cost_usd > 0 ? " · " + Format("$%.4f", synthesis.cost_usd) : "")) +
           "\n";
  }
}

void RenderRounds(const Result& result, const TerminalStyle& style, std::string& out) {
  if (result.rounds.size() < 2) return;
  out += "\n" + style.Bold("Rounds") +
         style.Dim(" (Mixture-of-Agents: each round read the one before)") + "\n";
  for (std::size_t i = 0; i < result.rounds.size(); ++i) {
    const PanelRound& round = result.rounds[i];
    const RoundCost cost = CostOfRound(round.answers);
    out += "  " + std::to_string(i + 1) + ": " + std::to_string(cost.answered) + " of " +
           std::to_string(round.answers.size()) + " answered · " +
           std::to_string(cost.prompt_tokens) + " prompt + " +
           std::to_string(cost.completion_tokens) + " completion tokens · " +
           Format("$%.4f", cost.cost_usd) + " · " + Format("%.1f s", round.wall_ms / 1000) + "\n";
  }
}

// "1200 prompt (1024 cached) + 350 completion tokens (128 reasoning)", the details only
// when the provider reported them.
std::string TokensOf(const TokenUsage& usage) {
  std::string text;
  if (usage.prompt_tokens > 0) {
    text += std::to_string(usage.prompt_tokens) + " prompt";
    if (usage.cached_prompt_tokens > 0) {
      text += " (" + std::to_string(usage.cached_prompt_tokens) + " cached)";
    }
    text += " + ";
  }
  text += std::to_string(usage.completion_tokens) +
          (usage.prompt_tokens > 0 ? " completion tokens" : " tokens");
  if (usage.reasoning_tokens > 0) {
    text += " (" + std::to_string(usage.reasoning_tokens) + " reasoning)";
  }
  return text;
}

// "── claude · 2.1 s · 1200 prompt + 350 completion tokens · $0.0038 · answered by
// claude-haiku (fallback) · 3 attempts".
std::string AnswerHeader(const Answer& answer, const TerminalStyle& style) {
  std::string header = "── " + ForTerminal(answer.model);
  if (answer.skipped) return style.Bold(header) + " · " + style.Yellow("skipped");
  header += " · " + Format("%.1f s", answer.latency_ms / 1000) + " · " + TokensOf(answer.usage);
  if (answer.cost_usd > 0) header += " · " + Format("$%.4f", answer.cost_usd);
  std::string notes;
  if (!answer.answered_by.empty() && answer.answered_by != answer.model) {
    notes += " · answered by " + ForTerminal(answer.answered_by) + " (fallback)";
  }
  if (answer.attempts > 1) notes += " · " + std::to_string(answer.attempts) + " attempts";
  std::string out = style.Bold(header) + (notes.empty() ? "" : style.Yellow(notes));
  if (!answer.ok()) out += " · " + style.Red("failed");
  return out;
}

void RenderAnswers(const Result& result, const TerminalStyle& style, std::string& out) {
  out += "\n" + style.Bold("Answers") + "\n";
  for (const Answer& answer : result.answers) {
    out += AnswerHeader(answer, style) + "\n";
    if (!answer.ok()) {
      out += Indented(answer.error->message, "   ") + "\n";
      if (!answer.text.empty()) out += style.Dim("   (partial text before the failure:)") + "\n";
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
  RenderSynthesis(result, style, out);
  RenderAnswers(result, style, out);
  RenderRounds(result, style, out);
  if (result.total_cost_usd > 0)
    out += "\nTotal cost: " + Format("$%.4f", result.total_cost_usd) + "\n";
  return out;
}

}  // namespace drux

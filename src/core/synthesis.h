// The synthesized answer, every sentence with the models that support it, and the
// synthesizer's own "agree on" / "disagree on" points, each checked against the answers.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/answer.h"
#include "core/error.h"

namespace drux {

struct SynthesisSentence {
  std::string text;
  std::vector<std::string> models;  // empty: no model supports it (the synthesizer's own)
};

// A bullet the synthesizer wrote for "Models agree on" or "Points of disagreement". The
// synthesizer names the models behind it; each named model is kept only where its own
// answer says the point (see docs/synthesis.md).
struct SynthesisPoint {
  std::string text;
  std::vector<std::string> models;       // named and confirmed by their answers
  std::vector<std::string> unconfirmed;  // named, but their answers do not say text
  // A contradiction's other side; empty for an agreement or a point only one side makes.
  std::string versus_text;
  std::vector<std::string> versus;
  std::vector<std::string> versus_unconfirmed;

  bool confirmed() const { return unconfirmed.empty() && versus_unconfirmed.empty(); }
};

// An answer's anonymous label in the synthesizer's prompt ("Model A") and who it is.
struct AnonymizedModel {
  std::string label;
  std::string model;
};

struct Synthesis {
  // "model" (written by a synthesizer model), "extractive" (built from the best-supported
  // claims, also the fallback when the synthesizer fails), or "none" when fewer than two
  // answers make a synthesis meaningless.
  std::string method = "none";
  std::string synthesizer;  // the model that wrote it, empty for extractive
  std::string prompt;       // the prompt's version ("synthesis-v1"), empty for extractive
  // What it is built from, for the answer's header: "all 4 answers", or for a partial
  // panel "3 of 4 answers · partial panel: 1 timed out".
  std::string basis;
  std::string text;  // Markdown
  // Every sentence of text (headings aside) with the models whose answers support it: the
  // audit. Empty when there is no text.
  std::vector<SynthesisSentence> sentences;
  // The synthesizer's points; empty unless method is "model" and its structured output
  // was usable (else points_error says why). Points no named model confirms are dropped
  // and counted in dropped_points.
  std::vector<SynthesisPoint> agreements;
  std::vector<SynthesisPoint> disagreements;
  int dropped_points = 0;
  std::optional<Error> points_error;
  // The answers as the synthesizer saw them, in the shuffled order of its prompt.
  std::vector<AnonymizedModel> anonymized;
  // The synthesizer's calls together (prompt tokens include both calls).
  TokenUsage usage;
  double latency_ms = 0;
  double cost_usd = 0;
  double audit_ms = 0;  // time the audit of the sentences took
  // Why the synthesizer failed, when the synthesis fell back to extractive.
  std::optional<Error> error;
  std::string note;  // e.g. why there is no synthesis
};

}  // namespace drux

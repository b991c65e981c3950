// How the synthesis stage works: the extractive synthesis, the synthesizer model's calls,
// its structured points and the audit. Defaults suit a 4-model panel of chat models.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace drux {

// Bounds of the synthesizer's structured points, enforced by the grammar or JSON schema:
// they keep the reply short enough to finish within points_max_tokens.
struct PointsLimits {
  std::size_t max_points = 6;   // per list (agreements, disagreements)
  std::size_t max_chars = 200;  // per point's text
};

struct AuditOptions {
  // A model supports a sentence when its answer states every name and number of the
  // sentence, and one claim of the answer, or two taken together, states at least this
  // share of the sentence's idf-weighted terms and numbers without contradicting it. See
  // docs/synthesis.md.
  double min_coverage = 0.5;
};

struct SynthesisOptions {
  // The extractive synthesis (the fallback): at most this many points are written.
  std::size_t max_sentences = 8;
  // A point needs this many supporting models to be written. When no point has them,
  // the representative answer's own points are written instead and the note says so.
  std::size_t min_models = 2;
  // A point whose lexical similarity to one already written reaches this repeats it and
  // is left out.
  double repeat_threshold = 0.6;

  // The synthesizer's two calls (answer, then points) together must finish within this.
  std::chrono::milliseconds timeout{300000};
  std::chrono::milliseconds connect_timeout{5000};
  int max_tokens = 1024;         // the written answer
  int points_max_tokens = 1024;  // the structured points
  // Low: the synthesizer should combine what it is given, not improvise.
  double temperature = 0.2;
  // Shuffles the anonymized answers and seeds the synthesizer's sampling; none derives it
  // from the question, so one question always gets one order.
  std::optional<std::uint32_t> seed;
  PointsLimits points;
  // Prompt templates replacing the built-in ones; empty keeps the built-in.
  std::string prompt_path;
  std::string points_prompt_path;

  AuditOptions audit;
};

}  // namespace drux

// The synthesized answer, every sentence with the models that support it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"

namespace drux {

struct SynthesisSentence {
  std::string text;
  std::vector<std::string> models;  // empty: no model supports it (the synthesizer's own)
};

struct Synthesis {
  // "extractive" (built from the best-supported claims) or "model" (written by a
  // synthesizer model); "none" when fewer than two answers make a synthesis meaningless.
  std::string method = "none";
  std::string synthesizer;  // the model that wrote it, empty for extractive
  std::string text;         // Markdown
  std::vector<SynthesisSentence> sentences;
  std::optional<Error> error;  // why the synthesizer failed, when it fell back
  std::string note;            // e.g. why there is no synthesis
};

}  // namespace drux

// The panel's answers as a synthesizer or a Mixture-of-Agents proposer sees them: under
// anonymous labels ("Model A") in a shuffled order, so that no model is favoured by its
// name or by coming first (position bias).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/answer.h"
#include "core/synthesis.h"

namespace drux {

// The label of the answer shown at position (0-based): "Model A" ... "Model Z", then
// "Model AA", "Model AB", ...
std::string AnonymousLabel(std::size_t position);

// A seed for the shuffle from text (the question): FNV-1a, the same on every platform.
std::uint32_t SeedFromText(std::string_view text);

// The answers that count (ok and not blank), in an order shuffled by seed, labelled by
// their new position. The same answers and seed give the same order on every platform:
// the shuffle is Fisher-Yates over std::mt19937, whose output the standard fixes, where
// std::shuffle and the standard distributions are free to differ between libraries.
std::vector<AnonymizedModel> AnonymizeAnswers(const std::vector<Answer>& answers,
                                              std::uint32_t seed);

// The answers in order, each as <answer label="Model A"> ... </answer>. An answer's own
// "<answer" and "</answer>" are defused so it cannot close its block early or open one
// under another label.
std::string RenderAnonymizedAnswers(const std::vector<AnonymizedModel>& order,
                                    const std::vector<Answer>& answers);

// Model name -> label, for writing the analysis in labels.
std::map<std::string, std::string> LabelsByModel(const std::vector<AnonymizedModel>& order);

// text with every whole-word mention of a label ("Model B", not "Model BA") replaced by
// the model's name: a synthesizer that names an answer despite its instructions should
// name the real model to the reader.
std::string NameLabelledModels(std::string_view text, const std::vector<AnonymizedModel>& order);

}  // namespace drux

// The claims of a panel's counted answers, as the analysis compares them. Internal to
// src/analysis.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/claims.h"
#include "core/answer.h"

namespace drux {

// A "slot" is a counted answer's position among the counted answers.
struct PanelClaims {
  std::vector<std::string> models;           // per slot
  std::vector<Claim> claims;                 // all claims, slot by slot, in reading order
  std::vector<size_t> slot_of;               // per claim
  std::vector<std::vector<size_t>> by_slot;  // claim indices per slot
  // Per claim: it states something beyond the question (always true without a question).
  std::vector<bool> beyond_question;
};

// The claims of the answers that count (ok and not blank), headings left out: they label
// a part of an answer and assert nothing. With a non-empty question, each claim's
// features the question already uses are ignored (IgnoreQuestionTerms).
PanelClaims CollectClaims(const std::vector<Answer>& answers, std::string_view question,
                          ClaimSegmenter& segmenter);

}  // namespace drux

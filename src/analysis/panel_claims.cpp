#include "analysis/panel_claims.h"

#include <utility>

namespace drux {

PanelClaims CollectClaims(const std::vector<Answer>& answers, std::string_view question,
                          ClaimSegmenter& segmenter) {
  const bool has_question = question.find_first_not_of(" \t\r\n") != std::string_view::npos;
  const Claim question_claim =
      has_question ? segmenter.Make(question, ClaimKind::kSentence, -1) : Claim{};
  PanelClaims panel;
  for (size_t i = 0; i < answers.size(); ++i) {
    const Answer& answer = answers[i];
    if (!answer.ok() || answer.text.find_first_not_of(" \t\r\n") == std::string::npos) continue;
    const size_t slot = panel.models.size();
    panel.models.push_back(answer.model);
    panel.by_slot.emplace_back();
    for (Claim& claim : segmenter.Segment(answer.text, static_cast<int>(i))) {
      if (claim.kind == ClaimKind::kHeading) continue;
      const bool beyond = claim.kind == ClaimKind::kCode || !has_question ||
                          IgnoreQuestionTerms(question_claim, &claim);
      panel.by_slot[slot].push_back(panel.claims.size());
      panel.slot_of.push_back(slot);
      panel.claims.push_back(std::move(claim));
      panel.beyond_question.push_back(beyond);
    }
  }
  return panel;
}

}  // namespace drux

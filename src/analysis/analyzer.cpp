#include "analysis/analyzer.h"

#include "analysis/answer_weights.h"
#include "analysis/claim_alignment.h"
#include "analysis/panel_claims.h"
#include "analysis/whole_answers.h"

namespace drux {
namespace {

std::vector<PairwiseAgreement> ListPairwise(const PanelClaims& panel,
                                            const AgreementMatrix& agreement) {
  std::vector<PairwiseAgreement> pairwise;
  for (size_t a = 0; a < panel.models.size(); ++a) {
    for (size_t b = a + 1; b < panel.models.size(); ++b) {
      pairwise.push_back({panel.models[a], panel.models[b], agreement[a][b]});
    }
  }
  return pairwise;
}

// The representative, pairwise agreements and score, the same for either comparison.
void Summarize(const PanelClaims& panel, const AgreementMatrix& agreement,
               const std::vector<double>& weights, size_t representative, Analysis* analysis) {
  analysis->representative = panel.models[representative];
  analysis->pairwise = ListPairwise(panel, agreement);
  analysis->consensus =
      LabelConsensus(100.0 * WeightedMeanAgreement(agreement, weights), panel.models.size());
}

bool CompareWhole(const PanelClaims& panel, const AnalysisOptions& options) {
  switch (options.shape) {
    case AnswerShape::kShort:
      return true;
    case AnswerShape::kLong:
      return false;
    case AnswerShape::kAuto:
      break;
  }
  return AnswersAreShort(panel, options.short_answer_max_claims);
}

}  // namespace

ConsensusScore LabelConsensus(double score, size_t answered_models) {
  if (answered_models == 0) {
    return {0, "No answers", "No model answered, so there is nothing to compare."};
  }
  if (answered_models == 1) {
    return {0, "Single answer",
            "Only one model answered, so there is no second answer to agree or disagree with."};
  }
  if (score >= 85) {
    return {score, "Strong consensus",
            "The models make nearly all the same points; agreement makes an answer more "
            "likely right but does not prove it."};
  }
  if (score >= 65) {
    return {score, "Consensus", "The models agree on most points and differ on some details."};
  }
  if (score >= 40) {
    return {score, "Mixed",
            "The models share some points but each also makes others; check the points of "
            "disagreement."};
  }
  return {score, "Disagreement",
          "The models mostly make different points or contradict each other; check any "
          "answer before relying on it."};
}

Analysis AnswerAnalyzer::Analyze(std::string_view question, const std::vector<Answer>& answers,
                                 Similarity& similarity, const AnalysisOptions& options) {
  Analysis analysis;
  analysis.similarity = similarity.name();
  const PanelClaims panel = CollectClaims(answers, question, segmenter_);
  const size_t answered = panel.models.size();
  if (answered == 0) {
    analysis.consensus = LabelConsensus(0, 0);
    return analysis;
  }
  if (CompareWhole(panel, options)) {
    const WholeAnswerComparison comparison(panel, similarity, options);
    const AgreementMatrix& agreement = comparison.agreement();
    const std::vector<double> weights = AnswerWeights(panel.models, agreement, options);
    // The medoid of the heaviest cluster of answers.
    const size_t representative = ChooseRepresentative(agreement, weights);
    Summarize(panel, agreement, weights, representative, &analysis);
    comparison.Describe(representative, weights, &analysis);
  } else {
    similarity.Prepare(panel.claims);
    ClaimAlignment alignment(panel, similarity, options);
    const AgreementMatrix& agreement = alignment.agreement();
    const std::vector<double> weights = AnswerWeights(panel.models, agreement, options);
    // The answer that says the most of what the others say: for long answers the most
    // complete account of the panel's points, where the medoid would favour the
    // answer that says least.
    const size_t representative = ChooseRepresentative(alignment.coverage(), weights);
    Summarize(panel, agreement, weights, representative, &analysis);
    alignment.Describe(representative, &analysis);
  }
  return analysis;
}

Analysis AnalyzeAnswers(std::string_view question, const std::vector<Answer>& answers,
                        Similarity& similarity, const AnalysisOptions& options) {
  AnswerAnalyzer analyzer;
  return analyzer.Analyze(question, answers, similarity, options);
}

Analysis AnalyzeAnswers(const std::vector<Answer>& answers, Similarity& similarity,
                        const AnalysisOptions& options) {
  return AnalyzeAnswers(std::string_view(), answers, similarity, options);
}

}  // namespace drux

#include "eval/sick.h"

#include <fstream>
#include <sstream>

#include "eval/metrics.h"

namespace drux::eval {
namespace {

std::vector<std::string> SplitTabs(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream stream(line);
  for (std::string field; std::getline(stream, field, '\t');) fields.push_back(field);
  return fields;
}

double Ratio(size_t part, size_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

}  // namespace

Expected<std::vector<SickPair>> LoadSick(const std::string& path) {
  std::ifstream file(path);
  if (!file) return MakeError(ErrorCode::kNotFound, "Cannot read " + path + ".");
  std::vector<SickPair> pairs;
  std::string line;
  std::getline(file, line);  // the header
  for (size_t line_number = 2; std::getline(file, line); ++line_number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const std::vector<std::string> fields = SplitTabs(line);
    const std::string where = path + " line " + std::to_string(line_number);
    if (fields.size() < 5) return MakeError(ErrorCode::kInvalidArgument, where + ": not 5 fields.");
    SickPair pair{fields[1], fields[2], SickLabel::kNeutral};
    if (fields[4] == "ENTAILMENT") {
      pair.label = SickLabel::kEntailment;
    } else if (fields[4] == "CONTRADICTION") {
      pair.label = SickLabel::kContradiction;
    } else if (fields[4] != "NEUTRAL") {
      return MakeError(ErrorCode::kInvalidArgument, where + ": unknown label " + fields[4] + ".");
    }
    pairs.push_back(std::move(pair));
  }
  return pairs;
}

Expected<SickFigures> EvaluateSick(const std::vector<SickPair>& pairs,
                                   const SimilarityFactory& make_similarity) {
  auto similarity = make_similarity();
  if (!similarity) return tl::unexpected(similarity.error());
  ClaimSegmenter segmenter;
  std::vector<Claim> claims;
  for (const SickPair& pair : pairs) {
    claims.push_back(segmenter.Make(pair.a, ClaimKind::kSentence, 0));
    claims.push_back(segmenter.Make(pair.b, ClaimKind::kSentence, 1));
  }
  (*similarity)->Prepare(claims);
  const double overlap = AnalysisOptions{}.contradiction_overlap;
  SickFigures figures;
  figures.pairs = pairs.size();
  std::vector<double> scores;
  std::vector<bool> entailed;
  for (size_t i = 0; i < pairs.size(); ++i) {
    const Claim& a = claims[2 * i];
    const Claim& b = claims[2 * i + 1];
    const bool labelled = pairs[i].label == SickLabel::kContradiction;
    const bool flagged = ClaimsContradict(a, b, overlap);
    figures.contradictions += labelled ? 1 : 0;
    figures.flagged += flagged ? 1 : 0;
    figures.flagged_correct += labelled && flagged ? 1 : 0;
    if (labelled) continue;
    scores.push_back((*similarity)->Score(a, b));
    entailed.push_back(pairs[i].label == SickLabel::kEntailment);
  }
  figures.contradiction_precision = Ratio(figures.flagged_correct, figures.flagged);
  figures.contradiction_recall = Ratio(figures.flagged_correct, figures.contradictions);
  figures.similarity_auroc_entailment_vs_neutral = Auroc(scores, entailed);
  return figures;
}

}  // namespace drux::eval

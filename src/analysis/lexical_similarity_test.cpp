#include "analysis/lexical_similarity.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "analysis/analyzer.h"

namespace drux {
namespace {

Claim Sentence(const std::string& text, int answer = 0) {
  return MakeClaim(text, ClaimKind::kSentence, answer);
}

const double kThreshold = AnalysisOptions{}.match_threshold;

TEST(LexicalSimilarityTest, IdenticalClaimsScoreOne) {
  LexicalSimilarity similarity;
  const Claim a = Sentence("The first Nobel Prizes were awarded in 1901.");
  similarity.Prepare({a});
  EXPECT_DOUBLE_EQ(similarity.Score(a, a), 1.0);
  EXPECT_EQ(similarity.name(), "lexical");
}

TEST(LexicalSimilarityTest, ClaimsWithoutSharedTermsScoreZero) {
  LexicalSimilarity similarity;
  EXPECT_DOUBLE_EQ(similarity.Score(Sentence("Photosynthesis needs light."),
                                    Sentence("The revolution began in 1789.")),
                   0.0);
}

TEST(LexicalSimilarityTest, ClaimsWithoutTermsCompareTheirText) {
  LexicalSimilarity similarity;
  EXPECT_DOUBLE_EQ(similarity.Score(Sentence("It is."), Sentence("It is.")), 1.0);
  EXPECT_DOUBLE_EQ(similarity.Score(Sentence("It is."), Sentence("It was.")), 0.0);
}

TEST(LexicalSimilarityTest, IsSymmetricAndBounded) {
  const std::vector<Claim> claims = {
      Sentence("Paris is the capital of France."),
      Sentence("The capital of France is Paris, a city of two million people.", 1),
      Sentence("France is in Europe.", 2),
      Sentence("It is not the capital.", 3),
  };
  LexicalSimilarity similarity;
  similarity.Prepare(claims);
  for (const Claim& a : claims) {
    for (const Claim& b : claims) {
      const double score = similarity.Score(a, b);
      EXPECT_GE(score, 0.0);
      EXPECT_LE(score, 1.0);
      EXPECT_DOUBLE_EQ(score, similarity.Score(b, a));
    }
  }
}

TEST(LexicalSimilarityTest, RestatementMatchesAndDifferentFactDoesNot) {
  const Claim short_claim = Sentence("Paris.");
  const Claim restated = Sentence("Paris is the capital of France.", 1);
  const Claim other = Sentence("France borders Spain and Italy.", 2);
  LexicalSimilarity similarity;
  similarity.Prepare({short_claim, restated, other});
  EXPECT_GE(similarity.Score(short_claim, restated), kThreshold);
  EXPECT_LT(similarity.Score(restated, other), kThreshold);
}

TEST(LexicalSimilarityTest, ConflictingValuesAreNotTheSamePoint) {
  const std::vector<std::pair<std::string, std::string>> conflicts = {
      {"The first Nobel Prizes were awarded in 1901.",
       "The first Nobel Prizes were awarded in 1902."},
      {"The capital of Australia is Canberra.", "The capital of Australia is Sydney."},
      {"It is safe to eat raw eggs.", "It is not safe to eat raw eggs."},
  };
  for (const auto& [a_text, b_text] : conflicts) {
    const Claim a = Sentence(a_text);
    const Claim b = Sentence(b_text, 1);
    LexicalSimilarity similarity;
    similarity.Prepare({a, b});
    EXPECT_LT(similarity.Score(a, b), kThreshold) << a_text << " / " << b_text;
  }
}

TEST(LexicalSimilarityTest, TermsInEveryClaimWeighLess) {
  LexicalSimilarity similarity;
  similarity.Prepare({Sentence("Nobel prize physics."), Sentence("Nobel prize chemistry."),
                      Sentence("Nobel prize peace.")});
  EXPECT_LT(similarity.Weight("nobel"), similarity.Weight("physic"));
  EXPECT_LT(similarity.Weight("physic"), similarity.Weight("unseen"));

  const LexicalSimilarity unprepared;
  EXPECT_DOUBLE_EQ(unprepared.Weight("nobel"), unprepared.Weight("physic"));
}

TEST(LexicalSimilarityTest, ScoreAcrossGivesScoresValuesForPairsOfDifferentGroups) {
  const std::vector<Claim> claims = {
      Sentence("The first Nobel Prizes were awarded in 1901."),
      Sentence("Alfred Nobel funded the prizes."),
      Sentence("Nobel Prizes were first awarded in 1902.", 1),
      Sentence("The prizes were funded by Alfred Nobel's will.", 1),
      Sentence("It is not about Nobel.", 2),
      Sentence("", 2),
  };
  const std::vector<size_t> group = {0, 0, 1, 1, 2, 2};
  LexicalSimilarity similarity;
  similarity.Prepare(claims);
  const std::vector<double> values = similarity.ScoreAcross(claims, group);
  ASSERT_EQ(values.size(), claims.size() * claims.size());
  for (size_t i = 0; i < claims.size(); ++i) {
    for (size_t j = 0; j < claims.size(); ++j) {
      const double expected = group[i] == group[j] ? 0.0 : similarity.Score(claims[i], claims[j]);
      EXPECT_NEAR(values[i * claims.size() + j], expected, 1e-12) << i << ", " << j;
    }
  }
}

TEST(LexicalSimilarityTest, AnswersMatchWhenOneContainsTheOther) {
  const Claim brief = Sentence("Canberra.");
  const Claim detailed =
      Sentence("Canberra, a planned city opened in 1913, between Sydney and Melbourne.", 1);
  const Claim other = Sentence("Sydney.", 2);
  LexicalSimilarity similarity;
  similarity.Prepare({brief, detailed, other});
  EXPECT_DOUBLE_EQ(similarity.ScoreAnswers(brief, detailed), 1.0);
  EXPECT_DOUBLE_EQ(similarity.ScoreAnswers(detailed, brief), 1.0);
  EXPECT_DOUBLE_EQ(similarity.ScoreAnswers(brief, other), 0.0);
  EXPECT_LT(similarity.Score(brief, detailed), 1.0) << "claims of long answers are stricter";
}

}  // namespace
}  // namespace drux

// The short-answer comparison and how answers are weighed: question words ignored, model
// weights, family discount, and the representative of long answers.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "analysis/analyzer.h"
#include "analysis/lexical_similarity.h"

namespace drux {
namespace {

using Models = std::vector<std::string>;

Answer Ok(const std::string& model, const std::string& text) {
  Answer answer;
  answer.model = model;
  answer.text = text;
  return answer;
}

Analysis Analyze(const std::string& question, const std::vector<Answer>& answers,
                 const AnalysisOptions& options = {}) {
  LexicalSimilarity similarity;
  return AnalyzeAnswers(question, answers, similarity, options);
}

double Agreement(const Analysis& analysis, const std::string& a, const std::string& b) {
  for (const PairwiseAgreement& pair : analysis.pairwise) {
    if ((pair.model_a == a && pair.model_b == b) || (pair.model_a == b && pair.model_b == a)) {
      return pair.agreement;
    }
  }
  ADD_FAILURE() << "no pair " << a << ", " << b;
  return -1;
}

const std::vector<Answer> kHamlet = {
    Ok("a", "Shakespeare wrote Hamlet."),
    Ok("b", "Hamlet was written by William Shakespeare around 1600."),
    Ok("c", "Christopher Marlowe wrote Hamlet."),
};

TEST(WholeAnswersTest, TheQuestionsOwnWordsAreNoAgreement) {
  const Analysis with_question = Analyze("Who wrote Hamlet?", kHamlet);
  EXPECT_EQ(Agreement(with_question, "a", "c"), 0);
  EXPECT_EQ(Agreement(with_question, "a", "b"), 1);
  EXPECT_GT(Agreement(Analyze("", kHamlet), "a", "c"), 0)
      << "without the question they share words";
  EXPECT_EQ(with_question.representative, "a");
  ASSERT_EQ(with_question.disagreements.size(), 1u);
  EXPECT_EQ(with_question.disagreements[0].kind, DisagreementPoint::Kind::kContradiction);
  EXPECT_EQ(with_question.disagreements[0].models, (Models{"a", "b"}));
  EXPECT_EQ(with_question.disagreements[0].versus, Models{"c"});
}

TEST(WholeAnswersTest, LongerAnswersWithTheSameAnswerAgree) {
  const Analysis analysis =
      Analyze("What is the capital of Australia?",
              {Ok("a", "Canberra."),
               Ok("b",
                  "The capital of Australia is Canberra. It was purpose-built and opened in 1913, "
                  "chosen as a compromise between Sydney and Melbourne."),
               Ok("c", "Canberra is the capital.")});
  EXPECT_EQ(analysis.consensus.label, "Strong consensus");
  ASSERT_EQ(analysis.agreements.size(), 1u);
  EXPECT_EQ(analysis.agreements[0].models, (Models{"a", "b", "c"}));
}

const std::vector<Answer> kSplit = {Ok("a", "Paris."), Ok("b", "It is Paris."), Ok("c", "Lyon."),
                                    Ok("d", "It is Lyon.")};

TEST(WholeAnswersTest, ModelWeightsDecideASplitPanel) {
  EXPECT_EQ(Analyze("Which city?", kSplit).representative, "a") << "a tie goes to the first";
  AnalysisOptions options;
  options.model_weights = {{"c", 2.0}, {"d", 2.0}};
  const Analysis weighted = Analyze("Which city?", kSplit, options);
  EXPECT_EQ(weighted.representative, "c");
  EXPECT_EQ(weighted.clusters.front().models, (Models{"c", "d"}));
}

TEST(WholeAnswersTest, NearRepeatsWithinAFamilyCountLess) {
  const std::vector<Answer> answers = {Ok("a", "Paris."), Ok("b", "Paris."), Ok("c", "Lyon."),
                                       Ok("d", "Lyon, I think.")};
  AnalysisOptions options;
  options.model_weights = {{"c", 0.8}, {"d", 0.8}};
  EXPECT_EQ(Analyze("Which city?", answers, options).representative, "a");
  options.model_families = {{"a", "one-family"}, {"b", "one-family"}};
  EXPECT_EQ(Analyze("Which city?", answers, options).representative, "c")
      << "b repeats a of its own family: 1 + 0.5 against 0.8 + 0.8";
}

TEST(WholeAnswersTest, ShapeCanBeForced) {
  const std::vector<Answer> answers = {
      Ok("a", "Paris is the capital. It is on the Seine. It has many museums."),
      Ok("b", "The capital is Paris. The Seine runs through it. Its museums are famous.")};
  AnalysisOptions options;
  options.shape = AnswerShape::kShort;
  const Analysis whole = Analyze("", answers, options);
  EXPECT_EQ(whole.clusters.size(), 1u) << "one point per answer, and these are one answer";
  options.shape = AnswerShape::kLong;
  EXPECT_GT(Analyze("", answers, options).clusters.size(), 1u);
}

TEST(LongAnswersTest, RepresentativeSaysMostOfWhatTheOthersSay) {
  const std::string core = "Rust has no garbage collector. Ownership rules free memory. ";
  const std::vector<Answer> answers = {
      Ok("brief1", core), Ok("brief2", core),
      Ok("full", core + "Borrowing lets code use a value without owning it. Lifetimes bound "
                        "references. The compiler checks all of this before the program runs.")};
  EXPECT_EQ(Analyze("", answers).representative, "full");
}

}  // namespace
}  // namespace drux

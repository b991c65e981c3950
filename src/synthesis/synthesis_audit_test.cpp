#include "synthesis/synthesis_audit.h"

#include <gtest/gtest.h>

#include "analysis/analyzer.h"
#include "synthesis/extractive_synthesis.h"

namespace drux {
namespace {

using Models = std::vector<std::string>;

Answer Ok(const std::string& model, const std::string& text) {
  Answer answer;
  answer.model = model;
  answer.text = text;
  return answer;
}

const std::vector<Answer> kAnswers = {
    Ok("qwen",
       "The first Nobel Prizes were awarded in 1901. They were funded by the will of Alfred "
       "Nobel, the inventor of dynamite."),
    Ok("llama",
       "Alfred Nobel's will created the prizes. The first ones were given in 1901 in Stockholm."),
    Ok("gemma", "The Nobel Prizes began in 1902. Marie Curie won two of them.")};

Models Support(const std::string& sentence) {
  SupportIndex index(kAnswers);
  return index.SupportingModels(sentence);
}

TEST(SynthesisAuditTest, StatementsTheAnswersMakeAreSupported) {
  EXPECT_EQ(Support("The first Nobel Prizes were awarded in 1901."), (Models{"qwen", "llama"}));
  EXPECT_EQ(Support("Marie Curie won two Nobel Prizes."), Models{"gemma"});
  // Joined from two sentences of one answer.
  EXPECT_EQ(Support("The prizes were funded by Alfred Nobel, who invented dynamite."),
            Models{"qwen"});
}

TEST(SynthesisAuditTest, StatementsNoAnswerMakesAreFlagged) {
  EXPECT_EQ(Support("Albert Einstein won the 1921 Nobel Prize in Physics."), Models{});
  EXPECT_EQ(Support("The first Nobel Prizes were awarded in 1905."), Models{})
      << "a year no answer gives";
  EXPECT_EQ(Support("The prizes are handed out in Oslo by the King of Norway."), Models{});
}

TEST(SynthesisAuditTest, AContradictingAnswerDoesNotSupport) {
  const Models support = Support("The Nobel Prizes began in 1901.");
  EXPECT_EQ(std::count(support.begin(), support.end(), "gemma"), 0) << "gemma says 1902";
}

TEST(SynthesisAuditTest, CitingAModelIsAttributionNotContent) {
  std::vector<Answer> answers = kAnswers;
  answers[0].model = "Mixtral-8x7B-Instruct";
  SupportIndex index(answers);
  const std::string cited = "As Mixtral-8x7B-Instruct says, the first prizes were awarded in 1901.";
  EXPECT_TRUE(index.SupportingModels(cited).empty()) << "the name counts until it is ignored";
  index.IgnoreModelNames({"Mixtral-8x7B-Instruct", "llama", "gemma"});
  EXPECT_EQ(index.SupportingModels(cited), (Models{"Mixtral-8x7B-Instruct", "llama"}));
}

TEST(SynthesisAuditTest, AuditCoversEverySentenceButHeadings) {
  SupportIndex index(kAnswers);
  const auto sentences = index.Audit(
      "## Origins\n\nThe first Nobel Prizes were awarded in 1901. Napoleon founded them in "
      "1850.\n\n- Marie Curie won two of them.\n");
  ASSERT_EQ(sentences.size(), 3u);
  EXPECT_EQ(sentences[0].models, (Models{"qwen", "llama"}));
  EXPECT_EQ(sentences[1].text, "Napoleon founded them in 1850.");
  EXPECT_TRUE(sentences[1].models.empty());
  EXPECT_EQ(sentences[2].models, Models{"gemma"});
}

TEST(SynthesisAuditTest, ExtractiveSynthesisIsFullySupported) {
  LexicalSimilarity similarity;
  Synthesis synthesis =
      SynthesizeExtractive(kAnswers, AnalyzeAnswers(kAnswers, similarity), SynthesisOptions{});
  ASSERT_EQ(synthesis.method, "extractive");
  AuditSynthesis(kAnswers, AuditOptions{}, &synthesis);
  ASSERT_FALSE(synthesis.sentences.empty());
  for (const SynthesisSentence& sentence : synthesis.sentences) {
    EXPECT_FALSE(sentence.models.empty()) << sentence.text;
  }
  EXPECT_GE(synthesis.audit_ms, 0);
}

}  // namespace
}  // namespace drux

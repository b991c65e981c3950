#include "analysis/analyzer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/lexical_similarity.h"

namespace drux {
namespace {

using Models = std::vector<std::string>;

Answer Ok(const std::string& model, const std::string& text) {
  Answer answer;
  answer.model = model;
  answer.text = text;
  answer.finish_reason = "stop";
  return answer;
}

Answer Failed(const std::string& model, const std::string& partial_text) {
  Answer answer = Ok(model, partial_text);
  answer.error = Error{ErrorCode::kTimeout, "no answer within 60 s", 0, 0};
  return answer;
}

Analysis Analyze(const std::vector<Answer>& answers) {
  LexicalSimilarity similarity;
  return AnalyzeAnswers(answers, similarity);
}

const std::string kNobel =
    "The first Nobel Prizes were awarded in 1901. They were funded by the will of Alfred "
    "Nobel. The prizes cover physics, chemistry, medicine, literature and peace.";

std::vector<const DisagreementPoint*> OfKind(const Analysis& analysis,
                                             DisagreementPoint::Kind kind) {
  std::vector<const DisagreementPoint*> points;
  for (const DisagreementPoint& point : analysis.disagreements) {
    if (point.kind == kind) points.push_back(&point);
  }
  return points;
}

// Everything an Analysis holds, as text, to compare two runs.
std::string Dump(const Analysis& analysis) {
  std::ostringstream out;
  out << analysis.consensus.score << analysis.consensus.label << analysis.representative
      << analysis.similarity << '\n';
  for (const auto& p : analysis.pairwise) out << p.model_a << p.model_b << p.agreement << '\n';
  for (const auto& a : analysis.agreements) out << a.text << a.models.size() << '\n';
  for (const auto& d : analysis.disagreements) {
    out << static_cast<int>(d.kind) << d.text << d.models.size() << d.versus_text << '\n';
  }
  for (const auto& c : analysis.clusters) out << c.text << c.support << '\n';
  return out.str();
}

TEST(AnalyzeAnswersTest, IdenticalAnswersAreStrongConsensus) {
  const Analysis analysis = Analyze({Ok("a", kNobel), Ok("b", kNobel), Ok("c", kNobel)});
  EXPECT_GE(analysis.consensus.score, 85);
  EXPECT_EQ(analysis.consensus.label, "Strong consensus");
  EXPECT_FALSE(analysis.consensus.meaning.empty());
  ASSERT_EQ(analysis.agreements.size(), 3u);
  for (const AgreementPoint& point : analysis.agreements) {
    EXPECT_EQ(point.models, (Models{"a", "b", "c"}));
  }
  EXPECT_EQ(analysis.agreements[0].text, "The first Nobel Prizes were awarded in 1901.");
  EXPECT_TRUE(analysis.disagreements.empty());
  EXPECT_EQ(analysis.pairwise.size(), 3u);
  EXPECT_EQ(analysis.similarity, "lexical");
}

TEST(AnalyzeAnswersTest, UnrelatedAnswersScoreLow) {
  const Analysis analysis = Analyze(
      {Ok("a", "Photosynthesis converts light into chemical energy. It happens in chloroplasts."),
       Ok("b", "The French Revolution began in 1789. It ended the monarchy.")});
  EXPECT_LT(analysis.consensus.score, 40);
  EXPECT_EQ(analysis.consensus.label, "Disagreement");
  EXPECT_TRUE(analysis.agreements.empty());
  EXPECT_EQ(OfKind(analysis, DisagreementPoint::Kind::kUnique).size(), 4u);
}

TEST(AnalyzeAnswersTest, FindsYearContradictionWithBothSidesModels) {
  const std::string shared =
      " The prizes cover physics, chemistry, medicine, literature and peace.";
  const Analysis analysis =
      Analyze({Ok("a", "The first Nobel Prizes were awarded in 1901." + shared),
               Ok("b", "Nobel Prizes were first awarded in 1901." + shared),
               Ok("c", "The first Nobel Prizes were awarded in 1902." + shared)});
  const auto contradictions = OfKind(analysis, DisagreementPoint::Kind::kContradiction);
  ASSERT_EQ(contradictions.size(), 1u);
  EXPECT_EQ(contradictions[0]->text, "The first Nobel Prizes were awarded in 1901.");
  EXPECT_EQ(contradictions[0]->models, (Models{"a", "b"}));
  EXPECT_EQ(contradictions[0]->versus_text, "The first Nobel Prizes were awarded in 1902.");
  EXPECT_EQ(contradictions[0]->versus, (Models{"c"}));
  EXPECT_EQ(analysis.disagreements.front().kind, DisagreementPoint::Kind::kContradiction)
      << "contradictions come first";
  ASSERT_EQ(analysis.agreements.size(), 1u);
  EXPECT_EQ(analysis.agreements[0].models, (Models{"a", "b", "c"}));
}

TEST(AnalyzeAnswersTest, FindsAContradictionInClaimsThatRestateTheQuestion) {
  // Without the question's own words the two claims are "1901" and "1902": nothing in
  // common but what they are about, which is exactly the contradiction.
  LexicalSimilarity similarity;
  const Analysis analysis = AnalyzeAnswers(
      "When was the Nobel Prize first awarded?",
      {Ok("alpha",
          "The Nobel Prize was first awarded in 1901.\n\nThe prizes are presented "
          "in Stockholm every December."),
       Ok("beta",
          "The Nobel Prize was first awarded in 1902.\n\nThe prizes are presented in "
          "Stockholm every December.")},
      similarity);
  const auto contradictions = OfKind(analysis, DisagreementPoint::Kind::kContradiction);
  ASSERT_EQ(contradictions.size(), 1u);
  EXPECT_EQ(contradictions[0]->text, "The Nobel Prize was first awarded in 1901.");
  EXPECT_EQ(contradictions[0]->versus_text, "The Nobel Prize was first awarded in 1902.");
}

TEST(AnalyzeAnswersTest, ListsUniqueClaimsWithTheirModel) {
  const Analysis analysis =
      Analyze({Ok("a", kNobel + " The economics prize was added later by Sweden's central bank."),
               Ok("b", kNobel)});
  const auto unique = OfKind(analysis, DisagreementPoint::Kind::kUnique);
  ASSERT_EQ(unique.size(), 1u);
  EXPECT_EQ(unique[0]->text, "The economics prize was added later by Sweden's central bank.");
  EXPECT_EQ(unique[0]->models, Models{"a"});
  EXPECT_TRUE(unique[0]->versus.empty());
}

TEST(AnalyzeAnswersTest, CapsUniquePointsMostSubstantialFirst) {
  std::string long_answer;
  for (int i = 0; i < 15; ++i) long_answer += "Topic" + std::to_string(i) + " matters. ";
  long_answer += "Quantum chromodynamics explains gluons binding quarks inside protons.";
  AnalysisOptions options;
  options.max_unique_points = 5;
  LexicalSimilarity similarity;
  const Analysis analysis = AnalyzeAnswers(
      {Ok("a", long_answer), Ok("b", "Something else entirely.")}, similarity, options);
  ASSERT_EQ(analysis.disagreements.size(), 5u);
  EXPECT_EQ(analysis.disagreements[0].text,
            "Quantum chromodynamics explains gluons binding quarks inside protons.");
}

TEST(AnalyzeAnswersTest, IgnoresFailedAndBlankAnswers) {
  const Analysis analysis = Analyze({Ok("a", kNobel), Failed("slow", "Completely different words"),
                                     Ok("blank", "  \n "), Ok("b", kNobel)});
  ASSERT_EQ(analysis.pairwise.size(), 1u);
  EXPECT_EQ(analysis.pairwise[0].model_a, "a");
  EXPECT_EQ(analysis.pairwise[0].model_b, "b");
  EXPECT_EQ(analysis.consensus.label, "Strong consensus");
  for (const ClaimCluster& cluster : analysis.clusters) {
    EXPECT_EQ(cluster.models, (Models{"a", "b"}));
    EXPECT_DOUBLE_EQ(cluster.support, 1.0);
  }
}

TEST(AnalyzeAnswersTest, OneAnswerIsASingleAnswer) {
  const Analysis analysis = Analyze({Ok("a", kNobel), Failed("b", "")});
  EXPECT_EQ(analysis.consensus.score, 0);
  EXPECT_EQ(analysis.consensus.label, "Single answer");
  EXPECT_EQ(analysis.representative, "a");
  EXPECT_TRUE(analysis.agreements.empty());
  EXPECT_TRUE(analysis.disagreements.empty());
  EXPECT_TRUE(analysis.pairwise.empty());
  EXPECT_EQ(analysis.clusters.size(), 3u);
}

TEST(AnalyzeAnswersTest, NoAnswers) {
  const Analysis analysis = Analyze({Failed("a", ""), Failed("b", "partial")});
  EXPECT_EQ(analysis.consensus.label, "No answers");
  EXPECT_TRUE(analysis.representative.empty());
  EXPECT_TRUE(analysis.clusters.empty());
  EXPECT_EQ(Analyze({}).consensus.label, "No answers");
}

TEST(AnalyzeAnswersTest, ShortAnswersAreClusteredWhole) {
  const Analysis agreeing = Analyze({Ok("a", "Paris."), Ok("b", "Paris is the capital of France."),
                                     Ok("c", "The capital of France is Paris.")});
  EXPECT_EQ(agreeing.consensus.label, "Strong consensus");
  ASSERT_EQ(agreeing.agreements.size(), 1u);
  EXPECT_EQ(agreeing.agreements[0].models, (Models{"a", "b", "c"}));

  const Analysis split = Analyze(
      {Ok("a", "The capital of Australia is Canberra."), Ok("b", "Canberra"), Ok("c", "Sydney.")});
  EXPECT_EQ(split.representative, "a");
  ASSERT_EQ(split.disagreements.size(), 1u);
  EXPECT_EQ(split.disagreements[0].kind, DisagreementPoint::Kind::kContradiction);
  EXPECT_EQ(split.disagreements[0].models, (Models{"a", "b"}));
  EXPECT_EQ(split.disagreements[0].versus_text, "Sydney.");
  EXPECT_EQ(split.disagreements[0].versus, Models{"c"});
  EXPECT_LT(split.consensus.score, 40);
}

TEST(AnalyzeAnswersTest, RepresentativeIsTheMedoidAnswer) {
  const std::string a = "Water boils at 100 degrees Celsius at sea level.";
  const std::string b = "Salt raises the boiling point of water slightly.";
  const Analysis analysis =
      Analyze({Ok("edge1", a + " Altitude lowers the boiling point."), Ok("middle", a + " " + b),
               Ok("edge2", b + " Pressure cookers raise the boiling point.")});
  EXPECT_EQ(analysis.representative, "middle");
}

TEST(AnalyzeAnswersTest, WithFourModelsOneDissenterStillAllowsAgreement) {
  const Analysis analysis =
      Analyze({Ok("a", kNobel), Ok("b", kNobel), Ok("c", kNobel), Ok("d", "I do not know.")});
  ASSERT_EQ(analysis.agreements.size(), 3u);
  EXPECT_EQ(analysis.agreements[0].models, (Models{"a", "b", "c"}));
  EXPECT_EQ(analysis.clusters.front().support, 0.75);
}

TEST(AnalyzeAnswersTest, ClustersAreBestSupportedFirst) {
  const Analysis analysis = Analyze({Ok("a", "Unique opening remark about llamas. " + kNobel),
                                     Ok("b", kNobel + " A closing aside about alpacas.")});
  ASSERT_EQ(analysis.clusters.size(), 5u);
  EXPECT_TRUE(std::is_sorted(
      analysis.clusters.begin(), analysis.clusters.end(),
      [](const ClaimCluster& x, const ClaimCluster& y) { return x.support > y.support; }));
  EXPECT_EQ(analysis.clusters[0].text, "The first Nobel Prizes were awarded in 1901.");
}

TEST(AnalyzeAnswersTest, IsDeterministic) {
  const std::vector<Answer> answers = {
      Ok("a", kNobel + " Sweden's central bank added economics in 1968."),
      Ok("b", "- Nobel Prizes started in 1901.\n- Economics was added in 1969.\n- Peace too."),
      Ok("c", "## Nobel\nThe prizes began in 1901 after Alfred Nobel's death in 1896."),
  };
  const std::string first = Dump(Analyze(answers));
  for (int run = 0; run < 3; ++run) EXPECT_EQ(Dump(Analyze(answers)), first);
}

TEST(AnalyzeAnswersTest, OddTextDoesNotCrash) {
  const std::vector<Answer> answers = {
      Ok("emoji", "🎉🎉🎉 👍"),
      Ok("cjk", "東京は日本の首都です。大阪も大きい。"),
      Ok("lines", "\n\n\n   \n"),
      Ok("code", "```\nint main() { return 0; }\n```"),
      Ok("invalid", "Broken \xff\xfe bytes \xc3 here."),
      Ok("markup", "**\n\n__\n\n[]()\n\n|---|\n\n> \n\n#"),
  };
  const Analysis analysis = Analyze(answers);
  EXPECT_EQ(analysis.pairwise.size(), 10u) << "every non-blank answer counts";
  EXPECT_GE(analysis.consensus.score, 0);
  EXPECT_LE(analysis.consensus.score, 100);
}

struct LabelCase {
  double score;
  size_t answered;
  std::string label;
};

TEST(LabelConsensusTest, ThresholdsFromTheDocs) {
  const std::vector<LabelCase> cases = {
      {100, 3, "Strong consensus"}, {85, 2, "Strong consensus"}, {84.9, 2, "Consensus"},
      {65, 2, "Consensus"},         {64.9, 2, "Mixed"},          {40, 5, "Mixed"},
      {39.9, 5, "Disagreement"},    {0, 2, "Disagreement"},      {0, 1, "Single answer"},
      {0, 0, "No answers"},
  };
  for (const LabelCase& c : cases) {
    const ConsensusScore consensus = LabelConsensus(c.score, c.answered);
    EXPECT_EQ(consensus.label, c.label) << c.score << " over " << c.answered;
    EXPECT_FALSE(consensus.meaning.empty());
  }
}

}  // namespace
}  // namespace drux

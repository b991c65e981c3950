// The similarities that ask a model: an embedding model in process (a tiny generated one)
// and a judge over an OpenAI-compatible provider (a fake server with fixed replies, and a
// real llama-server serving a tiny random-weight model, whose verdicts are noise: what is
// tested is the plumbing and the handling of replies that are no verdict).
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "analysis/analyzer.h"
#include "analysis/embedding_similarity.h"
#include "analysis/judge_similarity.h"
#include "support/fake_openai_server.h"
#include "support/llama_server.h"
#include "support/tiny_models.h"

namespace drux {
namespace {

Claim Sentence(const std::string& text, int answer = 0) {
  return MakeClaim(text, ClaimKind::kSentence, answer);
}

Answer Ok(const std::string& model, const std::string& text) {
  Answer answer;
  answer.model = model;
  answer.text = text;
  return answer;
}

const std::vector<Answer> kPanel = {
    Ok("a", "Canberra is the capital of Australia."),
    Ok("b", "The capital is Canberra."),
    Ok("c", "Sydney."),
};

std::shared_ptr<Embedder> TinyEmbedder() {
  auto opened = Embedder::Open(test::TinyModelPath(21));
  EXPECT_TRUE(opened.has_value()) << opened.error().message;
  return opened ? std::shared_ptr<Embedder>(std::move(*opened)) : nullptr;
}

TEST(EmbeddingSimilarityTest, ScoresAreCosinesOfPreparedClaims) {
  const auto embedder = TinyEmbedder();
  ASSERT_NE(embedder, nullptr);
  EmbeddingSimilarity similarity(embedder);
  EXPECT_EQ(similarity.name(), "embedding");
  const std::vector<Claim> claims = {Sentence("Paris is the capital of France."),
                                     Sentence("The capital of France is Paris.", 1),
                                     Sentence("Water boils at 100 degrees.", 2)};
  similarity.Prepare(claims);
  for (const Claim& a : claims) {
    EXPECT_DOUBLE_EQ(similarity.Score(a, a), 1.0);
    for (const Claim& b : claims) {
      EXPECT_GE(similarity.Score(a, b), 0.0);
      EXPECT_LE(similarity.Score(a, b), 1.0);
      EXPECT_DOUBLE_EQ(similarity.Score(a, b), similarity.Score(b, a));
    }
  }
  EXPECT_DOUBLE_EQ(similarity.Score(claims[0], Sentence("Never prepared.")), 0.0);
  EXPECT_EQ(similarity.failed_texts(), 0u);
}

TEST(EmbeddingSimilarityTest, AnalyzesAPanel) {
  const auto embedder = TinyEmbedder();
  ASSERT_NE(embedder, nullptr);
  EmbeddingSimilarity similarity(embedder);
  AnalysisOptions options;
  options.match_threshold = EmbeddingSimilarity::kMatchThreshold;
  const Analysis analysis =
      AnalyzeAnswers("What is the capital of Australia?", kPanel, similarity, options);
  EXPECT_EQ(analysis.similarity, "embedding");
  EXPECT_EQ(analysis.pairwise.size(), 3u);
  EXPECT_GE(analysis.consensus.score, 0);
  EXPECT_LE(analysis.consensus.score, 100);
  EXPECT_FALSE(analysis.representative.empty());
}

struct VerdictCase {
  std::string reply;
  std::optional<JudgeVerdict> verdict;
};

TEST(ParseJudgeVerdictTest, ReadsTheFirstVerdictWord) {
  const std::vector<VerdictCase> cases = {
      {"agree", JudgeVerdict::kAgree},
      {"  Agrees.", JudgeVerdict::kAgree},
      {"CONTRADICTION!", JudgeVerdict::kContradict},
      {"They disagree", JudgeVerdict::kContradict},
      {"**Unrelated**", JudgeVerdict::kUnrelated},
      {"I think they agree, not contradict", JudgeVerdict::kAgree},
      {"yes", std::nullopt},
      {"", std::nullopt},
      {"a9#k agr", std::nullopt},
  };
  for (const VerdictCase& c : cases) EXPECT_EQ(ParseJudgeVerdict(c.reply), c.verdict) << c.reply;
}

std::shared_ptr<Provider> ProviderAt(const std::string& base_url) {
  ModelSpec spec;
  spec.name = "judge";
  spec.provider = "openai";
  spec.endpoint = base_url;
  auto provider = MakeProvider(spec);
  EXPECT_TRUE(provider.has_value());
  return provider ? std::shared_ptr<Provider>(std::move(*provider)) : nullptr;
}

std::unique_ptr<test::FakeOpenAiServer> JudgeReplying(const std::string& reply) {
  test::FakeOpenAiServer::Options options;
  options.answer = reply;
  return std::make_unique<test::FakeOpenAiServer>(options);
}

TEST(JudgeSimilarityTest, AsksOncePerPairAndMapsVerdicts) {
  const Claim a = Sentence("Canberra is the capital.");
  const Claim b = Sentence("Sydney is the capital.", 1);
  for (const auto& [reply, expected] :
       std::vector<std::pair<std::string, double>>{{"Agree.", 1.0}, {"Contradict", 0.0}}) {
    const auto server = JudgeReplying(reply);
    JudgeSimilarity judge(ProviderAt(server->Start()));
    judge.Prepare({a, b});
    EXPECT_DOUBLE_EQ(judge.Score(a, b), expected) << reply;
    EXPECT_DOUBLE_EQ(judge.Score(b, a), expected) << "cached, and symmetric";
    EXPECT_DOUBLE_EQ(judge.Score(a, a), 1.0) << "equal texts need no verdict";
    EXPECT_EQ(server->request_count(), 1);
    EXPECT_EQ(judge.calls(), 1u);
    EXPECT_EQ(judge.unusable_verdicts(), 0u);
  }
}

TEST(JudgeSimilarityTest, ARepliesWithoutAVerdictFallBackToLexical) {
  const auto server = JudgeReplying("Bananas are yellow.");
  JudgeSimilarity judge(ProviderAt(server->Start()));
  const Claim a = Sentence("Canberra is the capital of Australia.");
  const Claim b = Sentence("The capital of Australia is Canberra.", 1);
  judge.Prepare({a, b});
  LexicalSimilarity lexical;
  lexical.Prepare({a, b});
  EXPECT_DOUBLE_EQ(judge.Score(a, b), lexical.Score(a, b));
  EXPECT_EQ(judge.unusable_verdicts(), 1u);
}

TEST(JudgeSimilarityTest, AnUnreachableJudgeFallsBackToLexical) {
  JudgeOptions options;
  options.limits.total_timeout = std::chrono::milliseconds(2000);
  JudgeSimilarity judge(ProviderAt("http://127.0.0.1:9/v1"), options);
  const Analysis analysis = AnalyzeAnswers("What is the capital?", kPanel, judge);
  EXPECT_EQ(analysis.similarity, "judge");
  EXPECT_GT(judge.calls(), 0u);
  EXPECT_EQ(judge.unusable_verdicts(), judge.calls());
}

// The real peer: llama-server with a tiny random model. Its verdicts are noise; whatever
// it says, the analysis completes and every call is either a verdict or a fallback.
TEST(JudgeSimilarityTest, WorksAgainstLlamaServer) {
  const auto server = test::LlamaServer::Start(test::TinyModelPath(7));
  JudgeSimilarity judge(ProviderAt(server->base_url()));
  AnalysisOptions options;
  options.match_threshold = 0.5;
  const Analysis analysis =
      AnalyzeAnswers("What is the capital of Australia?", kPanel, judge, options);
  EXPECT_EQ(analysis.pairwise.size(), 3u);
  EXPECT_GE(analysis.consensus.score, 0);
  EXPECT_LE(analysis.consensus.score, 100);
  EXPECT_GT(judge.calls(), 0u) << server->LogTail();
  EXPECT_LE(judge.unusable_verdicts(), judge.calls());
}

}  // namespace
}  // namespace drux

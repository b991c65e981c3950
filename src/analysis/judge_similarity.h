// Similarity judged by a language model: any configured Provider is asked whether two
// claims agree, contradict each other or are unrelated. Slow (one call per new pair of
// claims) but sees meaning; verdicts are cached.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "analysis/lexical_similarity.h"
#include "analysis/similarity.h"
#include "providers/provider.h"

namespace drux {

enum class JudgeVerdict { kAgree, kContradict, kUnrelated };

// The verdict a judge's reply gives: its first word among "agree", "contradict" (or
// "disagree") and "unrelated", case and punctuation ignored, other endings accepted
// ("agrees", "contradiction"); nullopt when the reply names none of them.
std::optional<JudgeVerdict> ParseJudgeVerdict(std::string_view reply);

struct JudgeOptions {
  // Limits of one verdict call.
  CallLimits limits{std::chrono::milliseconds(5000), std::chrono::milliseconds(60000), nullptr};
  // Tokens the judge may write; a verdict is one word.
  int max_tokens = 8;
};

class JudgeSimilarity final : public Similarity {
 public:
  // provider is shared: several JudgeSimilarity objects, one per thread, may ask one
  // judge (Providers are thread-safe).
  JudgeSimilarity(std::shared_ptr<Provider> provider, JudgeOptions options = {});

  std::string name() const override { return "judge"; }

  // Prepares the lexical fallback.
  void Prepare(const std::vector<Claim>& all_claims) override;

  // 1 for "agree", 0 for "contradict" or "unrelated", 1 for equal texts without asking.
  // A failed call or a reply that is no verdict falls back to the lexical similarity of
  // the pair (and is counted). Verdicts are cached per unordered pair of texts; the
  // judge always sees the two texts in the same order, so the score is symmetric.
  double Score(const Claim& a, const Claim& b) const override;

  size_t calls() const;              // verdicts asked of the judge so far
  size_t unusable_verdicts() const;  // calls that failed or gave no verdict

 private:
  std::shared_ptr<Provider> provider_;
  JudgeOptions options_;
  LexicalSimilarity fallback_;
  mutable std::mutex mutex_;
  mutable std::map<std::pair<std::string, std::string>, std::optional<JudgeVerdict>> verdicts_;
  mutable size_t calls_ = 0;
  mutable size_t unusable_ = 0;
};

}  // namespace drux

#include "analysis/judge_similarity.h"

#include <algorithm>
#include <cctype>

namespace drux {
namespace {

constexpr std::string_view kInstructions =
    "You compare two statements. Reply with one word: agree if they say the same thing, "
    "contradict if they cannot both be true, unrelated otherwise.";

ChatRequest VerdictRequest(const std::string& first, const std::string& second, int max_tokens) {
  ChatRequest request;
  request.messages = {{"system", std::string(kInstructions)},
                      {"user", "Statement A: " + first + "\nStatement B: " + second +
                                   "\nOne word (agree, contradict or unrelated):"}};
  request.max_tokens = max_tokens;
  request.temperature = 0;
  request.stream = false;
  return request;
}

std::optional<JudgeVerdict> VerdictOfWord(const std::string& word) {
  if (word.starts_with("agree")) return JudgeVerdict::kAgree;
  if (word.starts_with("contradict") || word.starts_with("disagree")) {
    return JudgeVerdict::kContradict;
  }
  if (word.starts_with("unrelated")) return JudgeVerdict::kUnrelated;
  return std::nullopt;
}

}  // namespace

std::optional<JudgeVerdict> ParseJudgeVerdict(std::string_view reply) {
  std::string word;
  for (size_t i = 0; i <= reply.size(); ++i) {
    const bool letter = i < reply.size() && std::isalpha(static_cast<unsigned char>(reply[i]));
    if (letter) {
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(reply[i])));
      continue;
    }
    if (word.empty()) continue;
    if (auto verdict = VerdictOfWord(word)) return verdict;
    word.clear();
  }
  return std::nullopt;
}

JudgeSimilarity::JudgeSimilarity(std::shared_ptr<Provider> provider, JudgeOptions options)
    : provider_(std::move(provider)), options_(std::move(options)) {}

void JudgeSimilarity::Prepare(const std::vector<Claim>& all_claims) {
  fallback_.Prepare(all_claims);
}

double JudgeSimilarity::Score(const Claim& a, const Claim& b) const {
  if (a.text == b.text) return 1.0;
  auto key = std::minmax(a.text, b.text);
  std::pair<std::string, std::string> pair(key.first, key.second);
  std::optional<JudgeVerdict> verdict;
  bool cached = false;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    const auto found = verdicts_.find(pair);
    if (found != verdicts_.end()) {
      verdict = found->second;
      cached = true;
    }
  }
  if (!cached) {
    const Answer reply =
        provider_->Complete(VerdictRequest(pair.first, pair.second, options_.max_tokens),
                            options_.limits, [](std::string_view) {});
    if (reply.ok()) verdict = ParseJudgeVerdict(reply.text);
    const std::lock_guard<std::mutex> lock(mutex_);
    ++calls_;
    if (!verdict) ++unusable_;
    verdicts_.emplace(std::move(pair), verdict);
  }
  if (!verdict) return fallback_.Score(a, b);
  return *verdict == JudgeVerdict::kAgree ? 1.0 : 0.0;
}

size_t JudgeSimilarity::calls() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return calls_;
}

size_t JudgeSimilarity::unusable_verdicts() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return unusable_;
}

}  // namespace drux

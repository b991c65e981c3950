#include "analysis/embedding_similarity.h"

#include <algorithm>
#include <set>
#include <utility>

namespace drux {

EmbeddingSimilarity::EmbeddingSimilarity(std::shared_ptr<Embedder> embedder)
    : embedder_(std::move(embedder)) {}

void EmbeddingSimilarity::Prepare(const std::vector<Claim>& all_claims) {
  std::set<std::string> missing;
  for (const Claim& claim : all_claims) {
    if (!vectors_.contains(claim.text)) missing.insert(claim.text);
  }
  if (missing.empty()) return;
  if (vectors_.size() + missing.size() > kMaxCachedTexts) vectors_.clear();
  const std::vector<std::string> texts(missing.begin(), missing.end());
  auto vectors = embedder_->Embed(texts);
  if (!vectors) {
    EmbedOneByOne(texts);
    return;
  }
  for (size_t i = 0; i < texts.size(); ++i) vectors_[texts[i]] = std::move((*vectors)[i]);
}

void EmbeddingSimilarity::EmbedOneByOne(const std::vector<std::string>& texts) {
  for (const std::string& text : texts) {
    auto vectors = embedder_->Embed({text});
    if (vectors && vectors->size() == 1) {
      vectors_[text] = std::move(vectors->front());
    } else {
      ++failed_texts_;
    }
  }
}

double EmbeddingSimilarity::Score(const Claim& a, const Claim& b) const {
  if (a.text == b.text) return 1.0;
  const auto found_a = vectors_.find(a.text);
  const auto found_b = vectors_.find(b.text);
  if (found_a == vectors_.end() || found_b == vectors_.end()) return 0;
  const std::vector<float>& x = found_a->second;
  const std::vector<float>& y = found_b->second;
  double dot = 0;
  for (size_t i = 0; i < std::min(x.size(), y.size()); ++i) {
    dot += static_cast<double>(x[i]) * static_cast<double>(y[i]);
  }
  return std::clamp(dot, 0.0, 1.0);
}

}  // namespace drux

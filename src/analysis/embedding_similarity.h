// Similarity from sentence embeddings of a local model (drux::Embedder): sees paraphrase
// that shares no words. Claims are embedded in one batch per analysis and cached.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "analysis/similarity.h"
#include "providers/embedder.h"

namespace drux {

class EmbeddingSimilarity final : public Similarity {
 public:
  // Cosines of sentence embeddings run higher than lexical overlaps: unrelated sentences
  // on one topic still reach 0.5-0.7 with BGE-style models, restatements 0.8 and above.
  // The match threshold to use with this similarity (AnalysisOptions::match_threshold).
  static constexpr double kMatchThreshold = 0.8;
  // Vectors kept between analyses; beyond this the cache starts afresh.
  static constexpr size_t kMaxCachedTexts = 20000;

  // embedder is shared (it serializes its calls), so several EmbeddingSimilarity objects,
  // one per thread, may use one model.
  explicit EmbeddingSimilarity(std::shared_ptr<Embedder> embedder);

  std::string name() const override { return "embedding"; }

  // Embeds the texts of all_claims not yet cached, in one batch. A batch the model
  // refuses (a text without tokens) is embedded text by text; a text that still fails
  // has no vector and scores 0 against others.
  void Prepare(const std::vector<Claim>& all_claims) override;

  // The cosine of the two texts' vectors, floored at 0; 1 for equal texts.
  double Score(const Claim& a, const Claim& b) const override;

  // Texts the model could not embed so far.
  size_t failed_texts() const { return failed_texts_; }

 private:
  void EmbedOneByOne(const std::vector<std::string>& texts);

  std::shared_ptr<Embedder> embedder_;
  std::unordered_map<std::string, std::vector<float>> vectors_;
  size_t failed_texts_ = 0;
};

}  // namespace drux

// How alike two claims are. The analysis aligns claims across answers with one of these;
// lexical overlap is the first, embeddings and a judge model come behind the same
// interface.
#pragma once

#include <string>
#include <vector>

#include "analysis/claims.h"

namespace drux {

class Similarity {
 public:
  virtual ~Similarity() = default;

  // A short stable name recorded in Analysis::similarity ("lexical").
  virtual std::string name() const = 0;

  // Called once per analysis, before any Score, with every claim of every counted
  // answer: the corpus a similarity may learn from (term weights, a batch of
  // embeddings). Must not fail; a similarity that cannot prepare scores without it.
  virtual void Prepare(const std::vector<Claim>& all_claims) { (void)all_claims; }

  // sim(a, b) in [0, 1]; symmetric; 1 for a claim and itself. Safe to call from several
  // threads once Prepare has returned.
  virtual double Score(const Claim& a, const Claim& b) const = 0;
};

}  // namespace drux

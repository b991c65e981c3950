// How alike two claims are. The analysis aligns claims across answers with one of these;
// lexical overlap is the first, embeddings and a judge model come behind the same
// interface.
#pragma once

#include <cstddef>
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

  // How far two whole short answers (or their lead claims) give the same answer, in
  // [0, 1], symmetric; Score unless a similarity knows better. Unlike two claims of a
  // long answer, a short answer restated inside a longer one with more detail is the
  // same answer. Same threading rules as Score.
  virtual double ScoreAnswers(const Claim& a, const Claim& b) const { return Score(a, b); }

  // Score of every two claims of different groups (group[i] != group[j]; a group is an
  // answer), as a row-major claims.size() x claims.size() matrix, symmetric, 0 within a
  // group and on the diagonal. A similarity may compute the pairs faster together than
  // one Score at a time; the values are Score's. Same threading rules as Score.
  virtual std::vector<double> ScoreAcross(const std::vector<Claim>& claims,
                                          const std::vector<size_t>& group) const {
    const size_t n = claims.size();
    std::vector<double> values(n * n, 0.0);
    for (size_t i = 0; i < n; ++i) {
      for (size_t j = i + 1; j < n; ++j) {
        if (group[i] == group[j]) continue;
        values[i * n + j] = values[j * n + i] = Score(claims[i], claims[j]);
      }
    }
    return values;
  }
};

}  // namespace drux

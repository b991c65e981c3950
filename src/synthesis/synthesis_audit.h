// The audit: which models' answers support each sentence of a synthesis, and so which
// sentences are the synthesizer's own. Built on the analysis layer's claims and term
// weights; the measure is one-directional, unlike a similarity: a sentence is supported by
// an answer that states what the sentence states, whatever else the answer says.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "analysis/claims.h"
#include "analysis/lexical_similarity.h"
#include "core/answer.h"
#include "core/synthesis.h"
#include "synthesis/synthesis_options.h"

namespace drux {

// The claims of a panel's answers (ok and not blank), indexed to find the models that
// support a piece of text. Holds a ClaimSegmenter: not thread-safe, one per thread.
class SupportIndex {
 public:
  SupportIndex(const std::vector<Answer>& answers, const AuditOptions& options = {});

  // The models, in panel order, whose answers support claim: the answer states every name
  // (a capitalized first word included) and number of claim somewhere (a sentence naming a
  // person or a year the answer never names is not its statement, whatever words they
  // share), and one claim of the answer,
  // or the two that cover it best taken together (a sentence often joins two), states at
  // least options.min_coverage of claim's terms and numbers, each weighted by its inverse
  // document frequency over the answers' claims, without contradicting claim
  // (ClaimsContradict). A claim without terms or numbers is supported by the answers
  // holding a claim of the same text.
  std::vector<std::string> SupportingModels(const Claim& claim) const;

  // The same for text taken as one claim (a point the synthesizer wrote).
  std::vector<std::string> SupportingModels(std::string_view text);

  // Words of the models' own names, left out of every claim checked from now on: a
  // sentence citing a model ("as qwen says, ...") is attribution, not content the answers
  // should state.
  void IgnoreModelNames(const std::vector<std::string>& names);

  // Every sentence, list item and code block of markdown (headings assert nothing and are
  // left out) with the models that support it; no models flags the synthesizer's own.
  std::vector<SynthesisSentence> Audit(std::string_view markdown);

 private:
  struct ModelClaims {
    std::string model;
    std::vector<Claim> claims;
    std::vector<std::string> terms;    // of all claims, sorted, unique
    std::vector<std::string> numbers;  // of all claims, sorted, unique
  };

  bool Supports(const ModelClaims& model, const Claim& claim) const;
  Claim WithoutModelNames(const Claim& claim) const;

  AuditOptions options_;
  ClaimSegmenter segmenter_;
  LexicalSimilarity weights_;
  std::vector<ModelClaims> models_;
  std::vector<std::string> ignored_terms_;  // sorted, unique
};

// Fills synthesis->sentences from its text and synthesis->audit_ms with the time taken;
// the names of synthesis->anonymized are attribution (IgnoreModelNames).
void AuditSynthesis(const std::vector<Answer>& answers, const AuditOptions& options,
                    Synthesis* synthesis);

}  // namespace drux

#include "synthesis/synthesis_audit.h"

#include <algorithm>
#include <chrono>

namespace drux {
namespace {

// A contradiction needs this share of the shorter claim's terms shared, as the analysis's
// default (AnalysisOptions::contradiction_overlap).
constexpr double kContradictionOverlap = 0.5;

bool Counts(const Answer& answer) {
  return answer.ok() && answer.text.find_first_not_of(" \t\r\n") != std::string::npos;
}

bool Contains(const std::vector<std::string>& sorted, const std::string& value) {
  return std::binary_search(sorted.begin(), sorted.end(), value);
}

}  // namespace

SupportIndex::SupportIndex(const std::vector<Answer>& answers, const AuditOptions& options)
    : options_(options) {
  std::vector<Claim> all_claims;
  for (std::size_t i = 0; i < answers.size(); ++i) {
    if (!Counts(answers[i])) continue;
    ModelClaims model;
    model.model = answers[i].model;
    model.claims = segmenter_.Segment(answers[i].text, static_cast<int>(i));
    std::erase_if(model.claims,
                  [](const Claim& claim) { return claim.kind == ClaimKind::kHeading; });
    for (const Claim& claim : model.claims) {
      model.terms.insert(model.terms.end(), claim.terms.begin(), claim.terms.end());
      model.numbers.insert(model.numbers.end(), claim.numbers.begin(), claim.numbers.end());
    }
    for (std::vector<std::string>* features : {&model.terms, &model.numbers}) {
      std::sort(features->begin(), features->end());
      features->erase(std::unique(features->begin(), features->end()), features->end());
    }
    all_claims.insert(all_claims.end(), model.claims.begin(), model.claims.end());
    models_.push_back(std::move(model));
  }
  weights_.Prepare(all_claims);
}

bool SupportIndex::Supports(const ModelClaims& model, const Claim& claim) const {
  if (claim.terms.empty() && claim.numbers.empty()) {
    return std::any_of(model.claims.begin(), model.claims.end(),
                       [&](const Claim& said) { return said.text == claim.text; });
  }
  // Names and numbers are the facts: each must appear somewhere in the answer. A capitalized
  // first word counts as a name: it is usually the sentence's subject ("Lyon is the capital").
  const auto stated = [&](const std::string& name) { return Contains(model.terms, name); };
  const bool values_stated =
      (claim.opening_name.empty() || stated(claim.opening_name)) &&
      std::all_of(claim.names.begin(), claim.names.end(), stated) &&
      std::all_of(claim.numbers.begin(), claim.numbers.end(),
                  [&](const std::string& number) { return Contains(model.numbers, number); });
  if (!values_stated) return false;
  double total = 0;
  for (const std::string& term : claim.terms) total += weights_.Weight(term);
  for (const std::string& number : claim.numbers) total += weights_.Weight(number);
  // The weight of claim's features that said states, leaving out those besides states.
  const auto covered = [&](const Claim& said, const Claim* besides) {
    const auto count = [&](const std::vector<std::string>& features,
                           const std::vector<std::string>& in,
                           const std::vector<std::string>* skip) {
      double weight = 0;
      for (const std::string& feature : features) {
        if (Contains(in, feature) && (skip == nullptr || !Contains(*skip, feature))) {
          weight += weights_.Weight(feature);
        }
      }
      return weight;
    };
    return count(claim.terms, said.terms, besides != nullptr ? &besides->terms : nullptr) +
           count(claim.numbers, said.numbers, besides != nullptr ? &besides->numbers : nullptr);
  };
  const Claim* best = nullptr;
  double best_weight = 0;
  std::vector<const Claim*> consistent;
  for (const Claim& said : model.claims) {
    if (ClaimsContradict(claim, said, kContradictionOverlap)) continue;
    consistent.push_back(&said);
    const double weight = covered(said, nullptr);
    if (weight > best_weight) {
      best = &said;
      best_weight = weight;
    }
  }
  if (best == nullptr) return false;
  double second_weight = 0;
  for (const Claim* said : consistent) {
    if (said != best) second_weight = std::max(second_weight, covered(*said, best));
  }
  return best_weight + second_weight >= options_.min_coverage * total;
}

Claim SupportIndex::WithoutModelNames(const Claim& claim) const {
  Claim kept = claim;
  const auto ignored = [&](const std::string& term) { return Contains(ignored_terms_, term); };
  std::erase_if(kept.terms, ignored);
  std::erase_if(kept.names, ignored);
  if (ignored(kept.opening_name)) kept.opening_name.clear();
  return kept;
}

std::vector<std::string> SupportIndex::SupportingModels(const Claim& claim) const {
  const Claim checked = ignored_terms_.empty() ? claim : WithoutModelNames(claim);
  std::vector<std::string> supporting;
  for (const ModelClaims& model : models_) {
    if (Supports(model, checked)) supporting.push_back(model.model);
  }
  return supporting;
}

void SupportIndex::IgnoreModelNames(const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    const Claim claim = segmenter_.Make(name, ClaimKind::kSentence, -1);
    ignored_terms_.insert(ignored_terms_.end(), claim.terms.begin(), claim.terms.end());
  }
  std::sort(ignored_terms_.begin(), ignored_terms_.end());
  ignored_terms_.erase(std::unique(ignored_terms_.begin(), ignored_terms_.end()),
                       ignored_terms_.end());
}

std::vector<std::string> SupportIndex::SupportingModels(std::string_view text) {
  return SupportingModels(segmenter_.Make(text, ClaimKind::kSentence, -1));
}

std::vector<SynthesisSentence> SupportIndex::Audit(std::string_view markdown) {
  std::vector<SynthesisSentence> sentences;
  for (const Claim& claim : segmenter_.Segment(markdown, -1)) {
    if (claim.kind == ClaimKind::kHeading) continue;
    sentences.push_back({claim.text, SupportingModels(claim)});
  }
  return sentences;
}

void AuditSynthesis(const std::vector<Answer>& answers, const AuditOptions& options,
                    Synthesis* synthesis) {
  const auto start = std::chrono::steady_clock::now();
  synthesis->sentences.clear();
  if (!synthesis->text.empty()) {
    SupportIndex index(answers, options);
    std::vector<std::string> names;
    for (const AnonymizedModel& entry : synthesis->anonymized) names.push_back(entry.model);
    index.IgnoreModelNames(names);
    synthesis->sentences = index.Audit(synthesis->text);
  }
  synthesis->audit_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace drux

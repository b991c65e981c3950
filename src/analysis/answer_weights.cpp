#include "analysis/answer_weights.h"

#include <algorithm>
#include <iterator>

namespace drux {
namespace {

double ModelWeight(const std::string& model, const AnalysisOptions& options) {
  const auto found = options.model_weights.find(model);
  return found == options.model_weights.end() ? 1.0 : found->second;
}

// A model's family; a model not listed is a family of its own.
std::string FamilyOf(const std::string& model, const AnalysisOptions& options) {
  const auto found = options.model_families.find(model);
  return found == options.model_families.end() ? "model:" + model : found->second;
}

}  // namespace

std::vector<double> AnswerWeights(const std::vector<std::string>& models,
                                  const AgreementMatrix& agreement,
                                  const AnalysisOptions& options) {
  std::vector<double> weights;
  for (size_t slot = 0; slot < models.size(); ++slot) {
    double weight = ModelWeight(models[slot], options);
    const std::string family = FamilyOf(models[slot], options);
    for (size_t earlier = 0; earlier < slot; ++earlier) {
      if (FamilyOf(models[earlier], options) == family &&
          agreement[slot][earlier] >= options.family_duplicate_agreement) {
        weight *= options.family_duplicate_discount;
        break;
      }
    }
    weights.push_back(weight);
  }
  return weights;
}

std::vector<double> WeightedSupport(const AgreementMatrix& agreement,
                                    const std::vector<double>& weights) {
  std::vector<double> support(agreement.size(), 0.0);
  for (size_t a = 0; a < agreement.size(); ++a) {
    for (size_t b = 0; b < agreement.size(); ++b) support[a] += weights[b] * agreement[a][b];
  }
  return support;
}

size_t ChooseRepresentative(const AgreementMatrix& agreement, const std::vector<double>& weights) {
  const std::vector<double> support = WeightedSupport(agreement, weights);
  return static_cast<size_t>(
      std::distance(support.begin(), std::max_element(support.begin(), support.end())));
}

double WeightedMeanAgreement(const AgreementMatrix& agreement, const std::vector<double>& weights) {
  double sum = 0;
  double total_weight = 0;
  for (size_t a = 0; a < agreement.size(); ++a) {
    for (size_t b = a + 1; b < agreement.size(); ++b) {
      const double weight = weights[a] * weights[b];
      sum += weight * agreement[a][b];
      total_weight += weight;
    }
  }
  return total_weight > 0 ? sum / total_weight : 0.0;
}

}  // namespace drux

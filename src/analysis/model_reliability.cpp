#include "analysis/model_reliability.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace drux {
namespace {

// How often each pair of models agreed (their agreement reached the threshold) over the
// analyses where both answered.
class MeanAgreement {
 public:
  MeanAgreement(const std::vector<Analysis>& analyses, double threshold) {
    for (const Analysis& analysis : analyses) {
      for (const PairwiseAgreement& pair : analysis.pairwise) {
        Sum& sum = sums_[Key(pair.model_a, pair.model_b)];
        if (pair.agreement >= threshold) sum.total += 1;
        ++sum.count;
        models_.push_back(pair.model_a);
        models_.push_back(pair.model_b);
      }
    }
    std::sort(models_.begin(), models_.end());
    models_.erase(std::unique(models_.begin(), models_.end()), models_.end());
  }

  const std::vector<std::string>& models() const { return models_; }

  bool Seen(const std::string& a, const std::string& b) const {
    return sums_.find(Key(a, b)) != sums_.end();
  }

  // 0 when the two were never seen together.
  double operator()(const std::string& a, const std::string& b) const {
    const auto found = sums_.find(Key(a, b));
    if (found == sums_.end() || found->second.count == 0) return 0;
    return found->second.total / static_cast<double>(found->second.count);
  }

 private:
  struct Sum {
    double total = 0;
    size_t count = 0;
  };
  static std::pair<std::string, std::string> Key(const std::string& a, const std::string& b) {
    return a < b ? std::make_pair(a, b) : std::make_pair(b, a);
  }
  std::map<std::pair<std::string, std::string>, Sum> sums_;
  std::vector<std::string> models_;
};

}  // namespace

ModelReliability EstimateModelReliability(const std::vector<Analysis>& analyses,
                                          double agreement_threshold) {
  const MeanAgreement agreement(analyses, agreement_threshold);
  const std::vector<std::string>& models = agreement.models();
  ModelReliability reliability;
  for (const std::string& model : models) {
    double sum = 0;
    size_t estimates = 0;
    for (size_t j = 0; j < models.size(); ++j) {
      for (size_t k = j + 1; k < models.size(); ++k) {
        if (models[j] == model || models[k] == model || !agreement.Seen(model, models[j]) ||
            !agreement.Seen(model, models[k])) {
          continue;
        }
        const double between = agreement(models[j], models[k]);
        if (between <= 0) continue;
        sum += std::sqrt(agreement(model, models[j]) * agreement(model, models[k]) / between);
        ++estimates;
      }
    }
    if (estimates == 0) continue;
    const double accuracy =
        std::clamp(sum / static_cast<double>(estimates), ModelReliability::kMinAccuracy,
                   ModelReliability::kMaxAccuracy);
    reliability.accuracy[model] = accuracy;
    reliability.weight[model] = std::log(accuracy / (1 - accuracy));
  }
  return reliability;
}

}  // namespace drux

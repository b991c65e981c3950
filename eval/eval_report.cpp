#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "eval/evaluation.h"

namespace drux::eval {
namespace {

using nlohmann::json;

json ReliabilityJson(const std::vector<ReliabilityBin>& bins) {
  json rows = json::array();
  for (const ReliabilityBin& bin : bins) {
    rows.push_back({{"lower", bin.lower},
                    {"upper", bin.upper},
                    {"count", bin.count},
                    {"mean_score", bin.mean_score},
                    {"accuracy", bin.accuracy}});
  }
  return rows;
}

json TqFiguresJson(const TqFigures& figures) {
  json out = {{"configuration", figures.configuration},
              {"questions", figures.questions},
              {"representative_accuracy", figures.representative_accuracy},
              {"score_auroc", figures.score_auroc},
              {"reliability", ReliabilityJson(figures.reliability)}};
  if (!figures.learned.accuracy.empty()) {
    out["learned_accuracy"] = figures.learned.accuracy;
    out["learned_weight"] = figures.learned.weight;
  }
  return out;
}

json TqJson(const EvalReport& report) {
  json out = {{"model_accuracy", report.tq_model_accuracy}};
  const auto best =
      std::max_element(report.tq_model_accuracy.begin(), report.tq_model_accuracy.end(),
                       [](const auto& a, const auto& b) { return a.second < b.second; });
  if (best != report.tq_model_accuracy.end()) {
    out["best_single_model"] = {{"model", best->first}, {"accuracy", best->second}};
  }
  if (report.tq_plain) out["plain"] = TqFiguresJson(*report.tq_plain);
  if (report.tq_headline) out["headline"] = TqFiguresJson(*report.tq_headline);
  out["plot"] = report.plot_path.empty() ? json(nullptr) : json(report.plot_path);
  return out;
}

json SickJson(const SickFigures& figures) {
  return {
      {"pairs", figures.pairs},
      {"contradictions", figures.contradictions},
      {"flagged", figures.flagged},
      {"flagged_correct", figures.flagged_correct},
      {"contradiction_precision", figures.contradiction_precision},
      {"contradiction_recall", figures.contradiction_recall},
      {"similarity_auroc_entailment_vs_neutral", figures.similarity_auroc_entailment_vs_neutral}};
}

json AlpacaJson(const AlpacaFigures& figures) {
  return {{"questions", figures.questions},
          {"representative_mean_preference", figures.representative_mean},
          {"members_mean_preference", figures.members_mean},
          {"member_mean_preference", figures.member_mean},
          {"representative_picks", figures.picked}};
}

std::string Line(const char* format, auto... values) {
  char buffer[256];
  std::snprintf(buffer, sizeof buffer, format, values...);
  return buffer;
}

std::string TqText(const EvalReport& report) {
  std::string text = "EVOUNA TQ (" + std::to_string(report.tq_headline->questions) +
                     " questions; panel gpt35, chatgpt, gpt4, newbing)\n";
  for (const auto& [model, accuracy] : report.tq_model_accuracy) {
    text += Line("  %-44s accuracy %.3f\n", ("single model " + model).c_str(), accuracy);
  }
  for (const TqFigures* figures : {&*report.tq_plain, &*report.tq_headline}) {
    text += Line("  %-44s accuracy %.3f  score AUROC %.3f\n", "representative",
                 figures->representative_accuracy, figures->score_auroc);
    text += "    (" + figures->configuration + ")\n";
  }
  text += "  reliability (headline): score bin   questions   accuracy\n";
  for (const ReliabilityBin& bin : report.tq_headline->reliability) {
    text += Line("    %5.0f-%-5.0f %10zu %10.3f\n", bin.lower, bin.upper, bin.count, bin.accuracy);
  }
  for (const auto& [model, accuracy] : report.tq_headline->learned.accuracy) {
    text += Line("  learned reliability %-10s %.3f (weight %.2f)\n", model.c_str(), accuracy,
                 report.tq_headline->learned.weight.at(model));
  }
  if (!report.plot_path.empty()) text += "  reliability plot: " + report.plot_path + "\n";
  return text;
}

std::string SickText(const SickFigures& figures) {
  return Line("SICK (%zu pairs, %zu contradictions)\n", figures.pairs, figures.contradictions) +
         Line("  contradiction detection: precision %.3f, recall %.3f (%zu flagged)\n",
              figures.contradiction_precision, figures.contradiction_recall, figures.flagged) +
         Line("  similarity AUROC, entailment vs neutral: %.3f\n",
              figures.similarity_auroc_entailment_vs_neutral);
}

std::string AlpacaText(const AlpacaFigures& figures) {
  std::string text = Line("AlpacaEval panel (%zu instructions; preference vs GPT-4-turbo, 1-2)\n",
                          figures.questions);
  for (const auto& [model, mean] : figures.member_mean) {
    text += Line("  %-44s mean %.3f  picked %zu\n", model.c_str(), mean,
                 figures.picked.count(model) ? figures.picked.at(model) : 0);
  }
  text += Line("  %-44s mean %.3f\n", "members' mean", figures.members_mean);
  text += Line("  %-44s mean %.3f\n", "representative", figures.representative_mean);
  return text;
}

}  // namespace

std::string EvalReportJson(const EvalReport& report) {
  json out = {{"data", report.data_dir}, {"similarity", report.similarity}};
  if (report.tq_headline) out["evouna_tq"] = TqJson(report);
  if (report.sick) out["sick"] = SickJson(*report.sick);
  if (report.alpaca) out["alpaca_eval"] = AlpacaJson(*report.alpaca);
  out["notes"] = report.notes;
  return out.dump(2);
}

std::string EvalSummaryText(const EvalReport& report) {
  std::string text =
      "drux eval: " + report.similarity + " similarity, data " + report.data_dir + "\n\n";
  if (report.tq_headline && report.tq_plain) text += TqText(report) + "\n";
  if (report.sick) text += SickText(*report.sick) + "\n";
  if (report.alpaca) text += AlpacaText(*report.alpaca) + "\n";
  for (const std::string& note : report.notes) text += "note: " + note + "\n";
  return text;
}

}  // namespace drux::eval

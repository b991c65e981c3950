#include "eval/evouna_tq.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace drux::eval {
namespace {

using nlohmann::json;

// A question of the file, or nullopt when it is left out.
std::optional<TqQuestion> ReadQuestion(const json& record, size_t index) {
  if (record.value("improper", false)) return std::nullopt;
  TqQuestion question;
  question.panel.id = "tq-" + std::to_string(index);
  question.panel.question = record.value("question", "");
  for (const std::string& model : TqPanel()) {
    const auto judged = record.find("judge_" + model);
    const auto text = record.find("answer_" + model);
    if (judged == record.end() || !judged->is_boolean()) return std::nullopt;
    Answer answer;
    answer.model = model;
    answer.text = text != record.end() && text->is_string() ? text->get<std::string>() : "";
    answer.finish_reason = "stop";
    question.panel.answers.push_back(std::move(answer));
    question.right[model] = judged->get<bool>();
  }
  return question;
}

}  // namespace

const std::vector<std::string>& TqPanel() {
  static const std::vector<std::string> panel = {"gpt35", "chatgpt", "gpt4", "newbing"};
  return panel;
}

Expected<std::vector<TqQuestion>> LoadTq(const std::string& path) {
  std::ifstream file(path);
  if (!file) return MakeError(ErrorCode::kNotFound, "Cannot read " + path + ".");
  std::vector<TqQuestion> questions;
  try {
    const json records = json::parse(file);
    if (!records.is_array()) {
      return MakeError(ErrorCode::kInvalidArgument, path + " is not a JSON array of questions.");
    }
    for (size_t i = 0; i < records.size(); ++i) {
      if (!records[i].is_object()) continue;
      if (auto question = ReadQuestion(records[i], i)) questions.push_back(std::move(*question));
    }
  } catch (const json::exception& error) {
    return MakeError(ErrorCode::kInvalidArgument, path + " is not valid JSON: " + error.what());
  }
  return questions;
}

Expected<TqFigures> EvaluateTq(const std::vector<TqQuestion>& questions,
                               const SimilarityFactory& make_similarity,
                               const BatchOptions& options, std::string configuration) {
  std::vector<PanelQuestion> panels;
  for (const TqQuestion& question : questions) panels.push_back(question.panel);
  auto batch = AnalyzeBatch(panels, make_similarity, options);
  if (!batch) return tl::unexpected(batch.error());
  std::vector<double> scores;
  std::vector<bool> right;
  for (size_t i = 0; i < questions.size(); ++i) {
    const Analysis& analysis = batch->analyses[i];
    const auto judged = questions[i].right.find(analysis.representative);
    scores.push_back(analysis.consensus.score);
    right.push_back(judged != questions[i].right.end() && judged->second);
  }
  TqFigures figures;
  figures.configuration = std::move(configuration);
  figures.questions = questions.size();
  figures.representative_accuracy = Share(right);
  figures.score_auroc = Auroc(scores, right);
  figures.reliability = ReliabilityTable(scores, right, 10);
  figures.learned = std::move(batch->reliability);
  return figures;
}

std::map<std::string, double> ModelAccuracy(const std::vector<TqQuestion>& questions) {
  std::map<std::string, double> accuracy;
  for (const std::string& model : TqPanel()) {
    std::vector<bool> right;
    for (const TqQuestion& question : questions) right.push_back(question.right.at(model));
    accuracy[model] = Share(right);
  }
  return accuracy;
}

BatchOptions TqBatchOptions(size_t threads) {
  BatchOptions options;
  options.threads = threads;
  options.analysis.shape = AnswerShape::kShort;
  options.analysis.model_families = {{"gpt35", "gpt-3.5"}, {"chatgpt", "gpt-3.5"}};
  options.learn_model_weights = true;
  return options;
}

}  // namespace drux::eval

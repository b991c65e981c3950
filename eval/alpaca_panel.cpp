#include "eval/alpaca_panel.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace drux::eval {
namespace {

using nlohmann::json;

struct ModelOutputs {
  std::string model;
  std::map<std::string, std::pair<std::string, double>> by_instruction;  // text, preference
  std::vector<std::string> instructions;                                 // in file order
};

Expected<ModelOutputs> ReadModel(const std::filesystem::path& path) {
  ModelOutputs outputs;
  outputs.model = path.stem().string();
  std::ifstream file(path);
  if (!file) return MakeError(ErrorCode::kNotFound, "Cannot read " + path.string() + ".");
  size_t line_number = 0;
  for (std::string line; std::getline(file, line);) {
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    try {
      const json record = json::parse(line);
      const std::string instruction = record.at("instruction").get<std::string>();
      outputs.by_instruction[instruction] = {record.at("output").get<std::string>(),
                                             record.at("preference_vs_gpt4_turbo").get<double>()};
      outputs.instructions.push_back(instruction);
    } catch (const json::exception& error) {
      return MakeError(
          ErrorCode::kInvalidArgument,
          path.string() + " line " + std::to_string(line_number) + ": " + error.what());
    }
  }
  return outputs;
}

}  // namespace

Expected<std::vector<AlpacaQuestion>> LoadAlpacaPanel(const std::string& directory) {
  std::vector<std::filesystem::path> files;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(directory, error)) {
    if (entry.path().extension() == ".jsonl") files.push_back(entry.path());
  }
  if (files.empty()) {
    return MakeError(ErrorCode::kNotFound, "No model outputs (*.jsonl) in " + directory + ".");
  }
  std::sort(files.begin(), files.end());
  std::vector<ModelOutputs> models;
  for (const auto& file : files) {
    auto outputs = ReadModel(file);
    if (!outputs) return tl::unexpected(outputs.error());
    models.push_back(std::move(*outputs));
  }
  std::vector<AlpacaQuestion> questions;
  for (const std::string& instruction : models.front().instructions) {
    AlpacaQuestion question;
    question.panel.id = "alpaca-" + std::to_string(questions.size());
    question.panel.question = instruction;
    for (const ModelOutputs& model : models) {
      const auto found = model.by_instruction.find(instruction);
      if (found == model.by_instruction.end()) break;
      Answer answer;
      answer.model = model.model;
      answer.text = found->second.first;
      answer.finish_reason = "stop";
      question.panel.answers.push_back(std::move(answer));
      question.preference[model.model] = found->second.second;
    }
    if (question.panel.answers.size() == models.size()) questions.push_back(std::move(question));
  }
  return questions;
}

Expected<AlpacaFigures> EvaluateAlpaca(const std::vector<AlpacaQuestion>& questions,
                                       const SimilarityFactory& make_similarity,
                                       const BatchOptions& options) {
  std::vector<PanelQuestion> panels;
  for (const AlpacaQuestion& question : questions) panels.push_back(question.panel);
  auto batch = AnalyzeBatch(panels, make_similarity, options);
  if (!batch) return tl::unexpected(batch.error());
  AlpacaFigures figures;
  figures.questions = questions.size();
  if (questions.empty()) return figures;
  const auto count = static_cast<double>(questions.size());
  for (size_t i = 0; i < questions.size(); ++i) {
    for (const auto& [model, preference] : questions[i].preference) {
      figures.member_mean[model] += preference / count;
    }
    const std::string& representative = batch->analyses[i].representative;
    ++figures.picked[representative];
    figures.representative_mean += questions[i].preference.at(representative) / count;
  }
  for (const auto& [model, mean] : figures.member_mean) {
    figures.members_mean += mean / static_cast<double>(figures.member_mean.size());
  }
  figures.learned = std::move(batch->reliability);
  return figures;
}

}  // namespace drux::eval

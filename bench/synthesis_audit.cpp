// The audit over real answers: 100 AlpacaEval questions, each answered by the four recorded
// models of ../shared/data/alpaca_eval (read as replay files), analysed and synthesized
// extractively. Prints how many synthesized sentences the audit flags as unsupported
// (every extractive sentence is a model's own words, so the right figure is 0) and the time
// the audit adds per question; and, as a check that the audit does flag what no model said,
// the share of sentences flagged when each synthesis is audited against the answers to the
// next question instead.
//
//   build/release/bench/drux_bench_synthesis_audit [--questions N] [--data DIR]
#include "synthesis/synthesis_audit.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "analysis/analyzer.h"
#include "analysis/lexical_similarity.h"
#include "providers/replay.h"
#include "synthesis/extractive_synthesis.h"

namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kModels[] = {"FuseChat-Llama-3.1-8B-Instruct", "OpenHermes-2.5-Mistral-7B",
                                   "gemma-7b-it", "Mixtral-8x7B-Instruct-v0.1_concise"};

double Percentile(std::vector<double> values, double fraction) {
  std::sort(values.begin(), values.end());
  const auto index = static_cast<std::size_t>(fraction * static_cast<double>(values.size() - 1));
  return values[index];
}

double Mean(const std::vector<double>& values) {
  double sum = 0;
  for (const double value : values) sum += value;
  return values.empty() ? 0 : sum / static_cast<double>(values.size());
}

double MillisecondsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::size_t Unsupported(const std::vector<drux::SynthesisSentence>& sentences) {
  return static_cast<std::size_t>(std::count_if(
      sentences.begin(), sentences.end(),
      [](const drux::SynthesisSentence& sentence) { return sentence.models.empty(); }));
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t wanted = 100;
  std::filesystem::path data = DRUX_SHARED_DATA_DIR "/alpaca_eval";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--questions") == 0) wanted = std::strtoul(argv[i + 1], nullptr, 10);
    if (std::strcmp(argv[i], "--data") == 0) data = argv[i + 1];
  }
  std::vector<std::shared_ptr<const drux::ReplayFile>> files;
  for (const char* model : kModels) {
    const auto file = drux::ReplayFile::Load((data / (std::string(model) + ".jsonl")).string());
    if (!file) {
      std::printf(
          "SKIPPED: the AlpacaEval answers are not available (%s); this benchmark needs "
          "../shared/data/alpaca_eval or --data DIR.\n",
          file.error().message.c_str());
      return 0;
    }
    files.push_back(*file);
  }

  std::vector<std::string> questions;
  std::vector<std::vector<drux::Answer>> panels;
  for (const std::string& question : files.front()->questions()) {
    if (questions.size() == wanted) break;
    std::vector<drux::Answer> answers;
    for (const auto& file : files) {
      const std::string* text = file->Find(question);
      if (text == nullptr) break;
      drux::Answer answer;
      answer.model = file->generator();
      answer.text = *text;
      answers.push_back(std::move(answer));
    }
    if (answers.size() != files.size()) continue;
    questions.push_back(question);
    panels.push_back(std::move(answers));
  }

  std::vector<drux::Synthesis> syntheses;
  std::vector<double> audit_ms;
  std::vector<double> analysis_ms;
  std::size_t sentences = 0;
  std::size_t unsupported = 0;
  for (std::size_t i = 0; i < questions.size(); ++i) {
    const auto analysis_start = Clock::now();
    drux::LexicalSimilarity similarity;
    const drux::Analysis analysis = drux::AnalyzeAnswers(questions[i], panels[i], similarity);
    drux::Synthesis synthesis = drux::SynthesizeExtractive(panels[i], analysis);
    analysis_ms.push_back(MillisecondsSince(analysis_start));
    drux::AuditSynthesis(panels[i], drux::AuditOptions{}, &synthesis);
    audit_ms.push_back(synthesis.audit_ms);
    sentences += synthesis.sentences.size();
    unsupported += Unsupported(synthesis.sentences);
    for (const drux::SynthesisSentence& sentence : synthesis.sentences) {
      if (sentence.models.empty()) std::printf("  unsupported: %s\n", sentence.text.c_str());
    }
    syntheses.push_back(std::move(synthesis));
  }

  std::size_t foreign_sentences = 0;
  std::size_t foreign_flagged = 0;
  for (std::size_t i = 0; i + 1 < syntheses.size(); ++i) {
    drux::Synthesis foreign = syntheses[i];
    drux::AuditSynthesis(panels[i + 1], drux::AuditOptions{}, &foreign);
    foreign_sentences += foreign.sentences.size();
    foreign_flagged += Unsupported(foreign.sentences);
  }

  std::printf("questions: %zu (4 recorded answers each, extractive synthesis)\n", questions.size());
  std::printf("synthesized sentences: %zu, flagged unsupported: %zu\n", sentences, unsupported);
  std::printf("audit time per question: mean %.2f ms, median %.2f ms, p95 %.2f ms, max %.2f ms\n",
              Mean(audit_ms), Percentile(audit_ms, 0.5), Percentile(audit_ms, 0.95),
              Percentile(audit_ms, 1.0));
  std::printf("for scale, analysis + extractive synthesis per question: mean %.2f ms\n",
              Mean(analysis_ms));
  std::printf(
      "check: sentences audited against the next question's answers: %zu, flagged "
      "unsupported: %zu (%.1f%%)\n",
      foreign_sentences, foreign_flagged,
      foreign_sentences == 0
          ? 0.0
          : 100.0 * static_cast<double>(foreign_flagged) / static_cast<double>(foreign_sentences));
  return 0;
}

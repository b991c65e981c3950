// Analysis speed: AnalyzeAnswers on long answers (lexical similarity, one thread) for 2,
// 4, 8 and 16 answers of about 600 words, and `drux analyze` throughput (the JSON Lines
// batch, parsing and writing included) over the whole EVOUNA TQ file when
// ../shared/data is present.
//
//   build/analysis-release/bench/drux_bench_analysis [--runs N] [--data DIR] [--threads N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/analysis_jsonl.h"
#include "analysis/analyzer.h"
#include "analysis/claims.h"
#include "analysis/lexical_similarity.h"

namespace {

using Clock = std::chrono::steady_clock;

struct BenchOptions {
  int runs = 50;
  std::string data_dir = "../shared/data";
  size_t threads = 2;
};

BenchOptions ParseOptions(int argc, char** argv) {
  BenchOptions options;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--runs") == 0) options.runs = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--data") == 0) options.data_dir = argv[i + 1];
    if (std::strcmp(argv[i], "--threads") == 0) options.threads = std::atoi(argv[i + 1]);
  }
  return options;
}

double Milliseconds(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

// An answer of about `words` words in sentences of 8-20 words: half of its sentences come
// from a pool every answer draws on (points a panel shares), the rest are its own, so
// alignment finds both agreements and unique points as with real answers.
std::string MakeAnswer(int seed, int words) {
  static const std::vector<std::string> vocabulary = [] {
    std::vector<std::string> list;
    const char* roots[] = {"system",   "network", "model",   "energy", "market", "protein", "river",
                           "policy",   "signal",  "memory",  "theory", "engine", "planet",  "city",
                           "language", "history", "climate", "design", "value",  "method"};
    const char* endings[] = {"", "s", "ing", "ed", "al", "ity", "er", "ion"};
    for (const char* root : roots) {
      for (const char* ending : endings) list.push_back(std::string(root) + ending);
    }
    return list;
  }();
  std::mt19937 shared_words(7);
  std::mt19937 own_words(static_cast<unsigned>(seed) * 7919u + 1);
  std::string text;
  int written = 0;
  for (int sentence = 0; written < words; ++sentence) {
    std::mt19937& source = sentence % 2 == 0 ? shared_words : own_words;
    const int length = 8 + static_cast<int>(source() % 13);
    for (int w = 0; w < length; ++w) {
      std::string word = vocabulary[source() % vocabulary.size()];
      if (w == 0) word[0] = static_cast<char>(word[0] - 'a' + 'A');
      text += word + (w + 1 < length ? " " : ". ");
    }
    if (sentence % 5 == 4) text += "\n\n";
    written += length;
  }
  return text;
}

void BenchAnswers(const BenchOptions& options) {
  std::printf(
      "AnalyzeAnswers, lexical similarity, one thread, answers of ~600 words "
      "(median of %d runs)\n",
      options.runs);
  std::printf("  %7s %7s %11s %18s\n", "answers", "claims", "median ms", "us per claim pair");
  for (const int count : {2, 4, 8, 16}) {
    std::vector<drux::Answer> answers;
    size_t claims = 0;
    for (int i = 0; i < count; ++i) {
      drux::Answer answer;
      answer.model = "model" + std::to_string(i);
      answer.text = MakeAnswer(i, 600);
      claims += drux::SegmentClaims(answer.text, i).size();
      answers.push_back(std::move(answer));
    }
    std::vector<double> times;
    for (int run = 0; run < options.runs + 3; ++run) {
      drux::LexicalSimilarity similarity;
      const auto start = Clock::now();
      const drux::Analysis analysis = drux::AnalyzeAnswers(answers, similarity);
      if (run >= 3) times.push_back(Milliseconds(start));  // the first runs warm up
      if (analysis.pairwise.empty()) std::printf("  unexpected: no pairwise agreement\n");
    }
    const double median = Median(times);
    const double pairs = static_cast<double>(claims) * static_cast<double>(claims);
    std::printf("  %7d %7zu %11.2f %18.3f\n", count, claims, median, 1000 * median / pairs);
  }
}

// EVOUNA TQ as `drux analyze` input: one line per question with the four LLMs' answers.
std::string TqAsJsonLines(const std::string& path) {
  std::ifstream file(path);
  const nlohmann::json records = nlohmann::json::parse(file, nullptr, false);
  std::string lines;
  if (!records.is_array()) return lines;
  size_t index = 0;
  for (const nlohmann::json& record : records) {
    nlohmann::json line = {{"id", index++}, {"question", record.value("question", "")}};
    for (const char* model : {"gpt35", "chatgpt", "gpt4", "newbing"}) {
      line["answers"].push_back(
          {{"model", model}, {"text", record.value(std::string("answer_") + model, "")}});
    }
    lines += line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  }
  return lines;
}

void BenchThroughput(const BenchOptions& options) {
  const std::string path = options.data_dir + "/evouna/TQ.json";
  if (!std::filesystem::exists(path)) {
    std::printf("\ndrux analyze throughput skipped: %s is absent (pass --data DIR)\n",
                path.c_str());
    return;
  }
  const std::string input = TqAsJsonLines(path);
  const drux::SimilarityFactory lexical =
      []() -> drux::Expected<std::unique_ptr<drux::Similarity>> {
    return std::make_unique<drux::LexicalSimilarity>();
  };
  std::printf("\ndrux analyze throughput over %s (JSON Lines in and out, lexical)\n", path.c_str());
  for (const size_t threads : {size_t{1}, options.threads}) {
    drux::BatchOptions batch;
    batch.threads = threads;
    std::istringstream in(input);
    std::ostringstream out;
    const auto start = Clock::now();
    const auto summary = drux::AnalyzeJsonLines(in, out, lexical, batch);
    const double seconds = Milliseconds(start) / 1000;
    if (!summary) {
      std::printf("  failed: %s\n", summary.error().message.c_str());
      return;
    }
    std::printf("  %zu thread(s): %zu lines, %zu answers in %.2f s: %.0f lines/s, %.0f answers/s\n",
                threads, summary->lines, summary->answers, seconds,
                static_cast<double>(summary->lines) / seconds,
                static_cast<double>(summary->answers) / seconds);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const BenchOptions options = ParseOptions(argc, argv);
  BenchAnswers(options);
  BenchThroughput(options);
  return 0;
}

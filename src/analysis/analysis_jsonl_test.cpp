#include "analysis/analysis_jsonl.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/lexical_similarity.h"

namespace drux {
namespace {

using nlohmann::json;

const SimilarityFactory kLexical = []() -> Expected<std::unique_ptr<Similarity>> {
  return std::make_unique<LexicalSimilarity>();
};

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream content;
  content << file.rdbuf();
  return content.str();
}

std::string AnalyzeText(const std::string& input, const BatchOptions& options) {
  std::istringstream in(input);
  std::ostringstream out;
  const auto summary = AnalyzeJsonLines(in, out, kLexical, options);
  EXPECT_TRUE(summary.has_value()) << (summary ? "" : summary.error().message);
  return out.str();
}

// Every field of expected is in actual with the same value; objects recursively, arrays
// element by element.
void ExpectSubset(const json& expected, const json& actual, const std::string& where) {
  if (expected.is_object()) {
    ASSERT_TRUE(actual.is_object()) << where << ": " << actual.dump();
    for (const auto& [key, value] : expected.items()) {
      ASSERT_TRUE(actual.contains(key)) << where << ": no \"" << key << "\" in " << actual.dump();
      ExpectSubset(value, actual.at(key), where + "." + key);
    }
  } else if (expected.is_array()) {
    ASSERT_TRUE(actual.is_array() && actual.size() == expected.size())
        << where << ": " << actual.dump();
    for (size_t i = 0; i < expected.size(); ++i) {
      ExpectSubset(expected[i], actual[i], where + "[" + std::to_string(i) + "]");
    }
  } else if (expected.is_number()) {
    ASSERT_TRUE(actual.is_number()) << where << ": " << actual.dump();
    EXPECT_NEAR(expected.get<double>(), actual.get<double>(), 1e-9) << where;
  } else {
    EXPECT_EQ(expected, actual) << where;
  }
}

// Each tests/data/analyze/NAME.jsonl gives one output line per input line, as
// NAME.expected describes.
TEST(AnalyzeJsonLinesTest, MatchesEveryCaseInTheDataDirectory) {
  size_t cases = 0;
  for (const auto& entry : std::filesystem::directory_iterator(DRUX_ANALYZE_DATA_DIR)) {
    if (entry.path().extension() != ".jsonl") continue;
    ++cases;
    SCOPED_TRACE(entry.path().filename().string());
    std::filesystem::path expected_path = entry.path();
    expected_path.replace_extension(".expected");
    const std::vector<std::string> expected = Lines(ReadFile(expected_path));
    const std::vector<std::string> actual = Lines(AnalyzeText(ReadFile(entry.path()), {}));
    ASSERT_EQ(actual.size(), expected.size());
    for (size_t i = 0; i < actual.size(); ++i) {
      const json record = json::parse(actual[i], nullptr, false);
      ASSERT_FALSE(record.is_discarded()) << "output line " << i + 1 << ": " << actual[i];
      ExpectSubset(json::parse(expected[i]), record, "line " + std::to_string(i + 1));
    }
  }
  EXPECT_GT(cases, 0u);
}

// A panel of five models over many questions, some agreeing, some not.
std::string GeneratedInput() {
  const std::vector<std::string> cities = {"Paris", "Lyon", "Nice", "Lille"};
  std::string input;
  for (int q = 0; q < 40; ++q) {
    json line = {{"id", q}, {"question", "Which city is number " + std::to_string(q) + "?"}};
    for (int m = 0; m < 5; ++m) {
      const std::string& city = cities[(q * (m + 1) + m) % (m == 0 ? 1 : 3)];
      const std::string text =
          q % 5 == 0 ? "It is " + city + ". It has a river. Many visit it." : city + ".";
      line["answers"].push_back({{"model", "m" + std::to_string(m)}, {"text", text}});
    }
    input += line.dump() + "\n";
  }
  return input;
}

TEST(AnalyzeJsonLinesTest, ThreadsDoNotChangeTheOutput) {
  const std::string input = GeneratedInput();
  BatchOptions options;
  options.threads = 1;
  const std::string one = AnalyzeText(input, options);
  EXPECT_EQ(Lines(one).size(), 40u);
  options.threads = 4;
  EXPECT_EQ(AnalyzeText(input, options), one);
  options.learn_model_weights = true;
  const std::string learned = AnalyzeText(input, options);
  options.threads = 1;
  EXPECT_EQ(AnalyzeText(input, options), learned);
}

TEST(AnalyzeJsonLinesTest, ReportsWhatItDid) {
  std::istringstream in("{\"answers\": []}\nnot json\n{\"answers\": [{\"model\": \"a\"}]}\n");
  std::ostringstream out;
  const auto summary = AnalyzeJsonLines(in, out, kLexical, {});
  ASSERT_TRUE(summary.has_value());
  EXPECT_EQ(summary->lines, 3u);
  EXPECT_EQ(summary->analysed, 2u);
  EXPECT_EQ(summary->errors, 1u);
  EXPECT_EQ(summary->answers, 1u);
}

TEST(AnalyzeJsonLinesTest, AFailingSimilarityFailsTheBatch) {
  const SimilarityFactory failing = []() -> Expected<std::unique_ptr<Similarity>> {
    return MakeError(ErrorCode::kNotFound, "no model file");
  };
  std::istringstream in("{\"answers\": []}\n");
  std::ostringstream out;
  const auto summary = AnalyzeJsonLines(in, out, failing, {});
  ASSERT_FALSE(summary.has_value());
  EXPECT_EQ(summary.error().message, "no model file");
}

TEST(ParsePanelQuestionTest, KeepsIdsQuestionAndFailedMembers) {
  const auto parsed =
      ParsePanelQuestion(R"({"id": 12, "question": "Q?", "answers": [{"model": "a", "text": "A."},)"
                         R"( {"model": "b", "error": "timeout", "text": "partial"}]})");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->id, "12");
  EXPECT_EQ(parsed->question, "Q?");
  ASSERT_EQ(parsed->answers.size(), 2u);
  EXPECT_TRUE(parsed->answers[0].ok());
  EXPECT_FALSE(parsed->answers[1].ok());
  EXPECT_EQ(parsed->answers[1].error->message, "timeout");
  EXPECT_EQ(parsed->answers[1].text, "partial");
}

}  // namespace
}  // namespace drux

#include "providers/sse_parser.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace drux {
namespace {

// The cases are pairs of files: NAME.sse (input bytes) and NAME.expected (the events, in
// the text format described in tests/data/sse/README.md).
const std::filesystem::path kCaseDir = std::filesystem::path(DRUX_TEST_DATA_DIR) / "sse";

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

std::vector<std::string> CaseNames() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(kCaseDir)) {
    if (entry.path().extension() == ".sse") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

void RenderEvent(const SseEvent& event, std::string_view end, std::string& out) {
  if (!event.event.empty()) out += "event " + event.event + "\n";
  if (!event.id.empty()) out += "id " + event.id + "\n";
  std::istringstream lines(event.data + "\n");
  for (std::string line; std::getline(lines, line);) {
    out += line.empty() ? "data\n" : "data " + line + "\n";
  }
  out += std::string(end) + "\n";
}

// Parses the stream fed in the given pieces and renders the events as NAME.expected does.
std::string ParseInPieces(const std::vector<std::string_view>& pieces) {
  SseParser parser;
  std::string rendered;
  for (const std::string_view piece : pieces) {
    for (const SseEvent& event : parser.Feed(piece)) RenderEvent(event, "---", rendered);
  }
  if (const auto unterminated = parser.Finish()) {
    RenderEvent(*unterminated, "--- unterminated", rendered);
  }
  return rendered;
}

std::string ExpectedEvents(const std::string& name) {
  std::istringstream lines(ReadFile(kCaseDir / (name + ".expected")));
  std::string expected;
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && !line.starts_with('#')) expected += line + "\n";
  }
  return expected;
}

TEST(SseParserCases, EachStreamParsesAsExpected) {
  const auto names = CaseNames();
  ASSERT_GE(names.size(), 10u) << "no SSE cases found in " << kCaseDir;
  for (const std::string& name : names) {
    SCOPED_TRACE(name);
    const std::string input = ReadFile(kCaseDir / (name + ".sse"));
    EXPECT_EQ(ParseInPieces({input}), ExpectedEvents(name));
  }
}

TEST(SseParserCases, SplittingTheStreamAtAnyByteChangesNothing) {
  for (const std::string& name : CaseNames()) {
    SCOPED_TRACE(name);
    const std::string input = ReadFile(kCaseDir / (name + ".sse"));
    const std::string_view view = input;
    const std::string expected = ExpectedEvents(name);
    for (std::size_t split = 0; split <= view.size(); ++split) {
      ASSERT_EQ(ParseInPieces({view.substr(0, split), view.substr(split)}), expected)
          << "split at byte " << split;
    }
    std::vector<std::string_view> bytes;
    for (std::size_t i = 0; i < view.size(); ++i) bytes.push_back(view.substr(i, 1));
    EXPECT_EQ(ParseInPieces(bytes), expected) << "fed one byte at a time";
  }
}

TEST(SseParserCases, RandomPiecesChangeNothing) {
  std::mt19937 random(20240611);  // fixed: a failure must reproduce
  for (const std::string& name : CaseNames()) {
    SCOPED_TRACE(name);
    const std::string input = ReadFile(kCaseDir / (name + ".sse"));
    const std::string_view view = input;
    const std::string expected = ExpectedEvents(name);
    for (int round = 0; round < 50; ++round) {
      std::vector<std::string_view> pieces;
      for (std::size_t at = 0; at < view.size();) {
        const std::size_t size = std::uniform_int_distribution<std::size_t>(0, 7)(random);
        pieces.push_back(view.substr(at, size));
        at += size;
      }
      ASSERT_EQ(ParseInPieces(pieces), expected) << "round " << round;
    }
  }
}

TEST(SseParser, FinishStartsANewStream) {
  SseParser parser;
  parser.Feed("id: 4\ndata: cut");
  ASSERT_TRUE(parser.Finish().has_value());
  const auto events = parser.Feed("data: fresh\n\n");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, "fresh");
  EXPECT_EQ(events[0].id, "") << "the id of the previous stream must not carry over";
  EXPECT_FALSE(parser.Finish().has_value());
}

}  // namespace
}  // namespace drux

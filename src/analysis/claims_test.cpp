#include "analysis/claims.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace drux {
namespace {

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream content;
  content << file.rdbuf();
  return content.str();
}

std::vector<std::string> ReadLines(const std::filesystem::path& path) {
  std::vector<std::string> lines;
  std::ifstream file(path);
  for (std::string line; std::getline(file, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

const char* KindTag(ClaimKind kind) {
  switch (kind) {
    case ClaimKind::kSentence:
      return "[sentence] ";
    case ClaimKind::kListItem:
      return "[item] ";
    case ClaimKind::kHeading:
      return "[heading] ";
    case ClaimKind::kCode:
      return "[code] ";
  }
  return "[?] ";
}

// A claim as written in a .claims file: "[kind] text", line breaks as "\n".
std::string Describe(const Claim& claim) {
  std::string text;
  for (const char c : claim.text) {
    if (c == '\n') {
      text += "\\n";
    } else {
      text += c;
    }
  }
  return KindTag(claim.kind) + text;
}

std::vector<std::filesystem::path> FilesWithExtension(const std::filesystem::path& dir,
                                                      const std::string& extension) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == extension) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Each tests/data/claims/NAME.claims lists the claims expected from NAME.md.
TEST(SegmentClaimsTest, MatchesEveryCaseInTheDataDirectory) {
  const auto cases = FilesWithExtension(DRUX_CLAIMS_DATA_DIR, ".claims");
  ASSERT_FALSE(cases.empty());
  for (const auto& expected_path : cases) {
    SCOPED_TRACE(expected_path.filename().string());
    std::filesystem::path input_path = expected_path;
    input_path.replace_extension(".md");
    std::vector<std::string> actual;
    for (const Claim& claim : SegmentClaims(ReadFile(input_path), 3)) {
      EXPECT_EQ(claim.answer_index, 3);
      actual.push_back(Describe(claim));
    }
    EXPECT_EQ(actual, ReadLines(expected_path));
  }
}

// Each tests/data/contradictions/NAME.pair holds two claims and whether they contradict.
TEST(ClaimsContradictTest, MatchesEveryCaseInTheDataDirectory) {
  const auto cases = FilesWithExtension(DRUX_CONTRADICTIONS_DATA_DIR, ".pair");
  ASSERT_FALSE(cases.empty());
  for (const auto& path : cases) {
    SCOPED_TRACE(path.filename().string());
    const std::vector<std::string> lines = ReadLines(path);
    ASSERT_EQ(lines.size(), 3u);
    const Claim a = MakeClaim(lines[0], ClaimKind::kSentence, 0);
    const Claim b = MakeClaim(lines[1], ClaimKind::kSentence, 1);
    const bool expected = lines[2] == "contradiction";
    EXPECT_EQ(ClaimsContradict(a, b, 0.5), expected);
    EXPECT_EQ(ClaimsContradict(b, a, 0.5), expected) << "must be symmetric";
  }
}

TEST(ClaimTermsTest, StemsAndDropsStopWords) {
  const Claim claim = MakeClaim("The prizes were awarded to the winners.", ClaimKind::kSentence, 0);
  EXPECT_EQ(claim.terms, (std::vector<std::string>{"award", "prize", "winner"}));
  EXPECT_TRUE(claim.numbers.empty());
  EXPECT_FALSE(claim.negated);
}

TEST(ClaimTermsTest, NormalizesNumbers) {
  const Claim claim = MakeClaim("In 1,000 cases, 3.50 and 07 and the 4th of three, 2.0 too.",
                                ClaimKind::kSentence, 0);
  EXPECT_EQ(claim.numbers, (std::vector<std::string>{"1000", "2", "3", "3.5", "4", "7"}));
}

TEST(ClaimTermsTest, NormalizesCompatibilityForms) {
  const Claim ligature = MakeClaim("The ﬁrst ＦＵＬＬＷＩＤＴＨ word", ClaimKind::kSentence, 0);
  const Claim plain = MakeClaim("The first fullwidth word", ClaimKind::kSentence, 0);
  EXPECT_EQ(ligature.terms, plain.terms);
}

TEST(ClaimTermsTest, FindsNamesAndNegation) {
  const Claim claim =
      MakeClaim("Sydney isn't the capital of Australia, says NASA.", ClaimKind::kSentence, 0);
  EXPECT_EQ(claim.names, (std::vector<std::string>{"australia", "nasa"}));
  EXPECT_EQ(claim.opening_name, "sydney");
  EXPECT_TRUE(claim.negated);
}

TEST(ClaimTermsTest, CodeIsLowerCasedButNotStemmed) {
  const Claim claim = MakeClaim("Running = The_Values(42)", ClaimKind::kCode, 0);
  EXPECT_EQ(claim.terms, (std::vector<std::string>{"42", "running", "the_values"}));
  EXPECT_TRUE(claim.numbers.empty());
  EXPECT_TRUE(claim.names.empty());
}

TEST(SegmentClaimsTest, SkipsEmptyAndSymbolOnlyText) {
  EXPECT_TRUE(SegmentClaims("", 0).empty());
  EXPECT_TRUE(SegmentClaims(" \n\t\n  ", 0).empty());
  EXPECT_TRUE(SegmentClaims("🎉 👍\n---\n...\n```\n```", 0).empty());
}

TEST(SegmentClaimsTest, SurvivesInvalidUtf8) {
  const std::string text = "Valid start. Broken \xff\xfe bytes \xc3 here. End.";
  const std::vector<Claim> claims = SegmentClaims(text, 0);
  ASSERT_EQ(claims.size(), 3u);
  EXPECT_EQ(claims[0].text, "Valid start.");
  EXPECT_EQ(claims[1].text, "Broken \uFFFD\uFFFD bytes \uFFFD here.");
  EXPECT_EQ(claims[2].text, "End.");
}

TEST(ClaimTermsTest, ExtractsDatesInAnyOrder) {
  const Claim us = MakeClaim("Signed on July 4, 1776.", ClaimKind::kSentence, 0);
  const Claim uk = MakeClaim("Signed on 4th July 1776.", ClaimKind::kSentence, 0);
  EXPECT_EQ(us.numbers, (std::vector<std::string>{"1776", "4", "july"}));
  EXPECT_EQ(uk.numbers, us.numbers);
  const Claim short_month = MakeClaim("Signed on Jan. 5, 1999.", ClaimKind::kSentence, 0);
  EXPECT_EQ(short_month.numbers, (std::vector<std::string>{"1999", "5", "january"}));
}

TEST(ClaimTermsTest, ExtractsUnitsSignsAndSymbols) {
  const Claim claim =
      MakeClaim("It is 5 km away, -3 °C, 212°F, 29 stone, $40, €7, 50% and 3 million, in 1990-91.",
                ClaimKind::kSentence, 0);
  EXPECT_EQ(claim.numbers,
            (std::vector<std::string>{"-3", "1990", "212", "29", "3", "40", "5", "50", "7", "91"}));
  EXPECT_EQ(claim.quantities, (std::vector<Quantity>{{"-3", "celsius"},
                                                     {"212", "fahrenheit"},
                                                     {"29", "stone"},
                                                     {"3", "million"},
                                                     {"40", "dollar"},
                                                     {"5", "km"},
                                                     {"50", "percent"},
                                                     {"7", "euro"}}));
}

TEST(ClaimTermsTest, KeepsAbbreviationsWholeAndDropsLatinOnes) {
  const Claim claim = MakeClaim("The U.S. and the U.K. agreed, e.g. on trade, i.e. tariffs.",
                                ClaimKind::kSentence, 0);
  EXPECT_EQ(claim.terms, (std::vector<std::string>{"agre", "tariff", "trade", "u.k", "u.s"}));
  EXPECT_EQ(claim.names, (std::vector<std::string>{"u.k", "u.s"}));
}

TEST(CompareValuesTest, NumbersInDifferentUnitsMayBeOneQuantity) {
  const Claim celsius = MakeClaim("Water boils at 100 °C.", ClaimKind::kSentence, 0);
  const Claim fahrenheit = MakeClaim("Water boils at 212 °F.", ClaimKind::kSentence, 1);
  const Claim wrong = MakeClaim("Water boils at 90 °C.", ClaimKind::kSentence, 1);
  EXPECT_TRUE(CompareValues(celsius, fahrenheit).units_differ);
  EXPECT_FALSE(CompareValues(celsius, fahrenheit).NumbersDiffer());
  EXPECT_TRUE(CompareValues(celsius, wrong).NumbersDiffer());
}

TEST(IgnoreQuestionTermsTest, KeepsOnlyWhatTheAnswerAdds) {
  const Claim question = MakeClaim("Who wrote Hamlet in 1600?", ClaimKind::kSentence, -1);
  Claim answer = MakeClaim("Shakespeare wrote Hamlet in 1600.", ClaimKind::kSentence, 0);
  EXPECT_TRUE(IgnoreQuestionTerms(question, &answer));
  EXPECT_EQ(answer.terms, (std::vector<std::string>{"shakespear"}));
  EXPECT_TRUE(answer.numbers.empty());
  EXPECT_EQ(answer.opening_name, "shakespear");
  EXPECT_EQ(answer.text, "Shakespeare wrote Hamlet in 1600.") << "the wording stays";
}

TEST(IgnoreQuestionTermsTest, KeepsAClaimThatOnlyRestatesTheQuestion) {
  const Claim question = MakeClaim("Is it red, green or blue?", ClaimKind::kSentence, -1);
  Claim answer = MakeClaim("Blue.", ClaimKind::kSentence, 0);
  EXPECT_FALSE(IgnoreQuestionTerms(question, &answer));
  EXPECT_EQ(answer.terms, (std::vector<std::string>{"blue"}));
}

TEST(MergeClaimsTest, UnitesTheClaimsOfAnAnswer) {
  const std::vector<Claim> claims =
      SegmentClaims("Canberra is the capital. It was founded in 1913, not 1901.", 2);
  const Claim whole = MergeClaims(claims, 2);
  EXPECT_EQ(whole.text, "Canberra is the capital. It was founded in 1913, not 1901.");
  EXPECT_EQ(whole.terms, (std::vector<std::string>{"canberra", "capit", "found"}));
  EXPECT_EQ(whole.numbers, (std::vector<std::string>{"1901", "1913"}));
  EXPECT_EQ(whole.opening_name, "canberra");
  EXPECT_TRUE(whole.negated);
  EXPECT_EQ(whole.answer_index, 2);
  EXPECT_TRUE(MergeClaims({}, 0).text.empty());
}

TEST(SegmentClaimsTest, OneLineAnswerIsOneClaim) {
  const std::vector<Claim> claims = SegmentClaims("Canberra", 2);
  ASSERT_EQ(claims.size(), 1u);
  EXPECT_EQ(claims[0].text, "Canberra");
  EXPECT_EQ(claims[0].terms, (std::vector<std::string>{"canberra"}));
}

}  // namespace
}  // namespace drux

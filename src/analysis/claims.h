// Claims: the units in which answers are compared. An answer is cut into sentences, list
// items, headings and code blocks, each with the terms, numbers and names it states.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/claim_terms.h"

namespace drux {

enum class ClaimKind {
  kSentence,  // a sentence of a paragraph
  kListItem,  // a whole list item or table row
  kHeading,   // a section title: labels a part of the answer, asserts nothing
  kCode,      // a whole fenced code block
};

struct Claim {
  std::string text;  // the original wording, Markdown formatting stripped
  ClaimKind kind = ClaimKind::kSentence;
  // Normalized content terms: NFKC, lower-case, Snowball English stem, stop words
  // removed; sorted, unique. Code claims hold lower-cased tokens, unstemmed.
  std::vector<std::string> terms;
  // Numbers, years and date parts, normalized for contradiction checks ("1,000" ->
  // "1000"); sorted, unique. Empty for code.
  std::vector<std::string> numbers;
  // The numbers written with a unit ("5 km", "100 °C"), sorted, unique.
  std::vector<Quantity> quantities;
  // Terms written with a capital letter after the first word: names. Sorted, unique.
  std::vector<std::string> names;
  // The first word's term when capitalized: possibly a name, possibly just a capital.
  std::string opening_name;
  bool negated = false;  // the wording carries "not", "never", "isn't", ...
  int answer_index = 0;  // the answer the claim comes from
  // The question's own terms the claim restates, removed from terms by
  // IgnoreQuestionTerms. They show what two claims are about ("The prize was first awarded
  // in 1901." / "... in 1902."), so contradiction checks count them; agreement does not.
  std::vector<std::string> question_terms;
};

// Cuts answers into claims. Holds an ICU sentence iterator and a TermExtractor, which
// are costly to create and not thread-safe: reuse one per thread.
class ClaimSegmenter {
 public:
  ClaimSegmenter();
  ~ClaimSegmenter();
  ClaimSegmenter(const ClaimSegmenter&) = delete;
  ClaimSegmenter& operator=(const ClaimSegmenter&) = delete;

  // As SegmentClaims below.
  std::vector<Claim> Segment(std::string_view answer_text, int answer_index);
  // As MakeClaim below.
  Claim Make(std::string_view text, ClaimKind kind, int answer_index);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The claims of one answer in reading order. Markdown is respected: each list item,
// table body row and heading is its own claim; a fenced code block is one claim; prose
// is cut into sentences with ICU. Formatting (emphasis, backticks, link syntax, leading
// "#", "-", "*", "1.") is stripped from the text. Claims without any letter or digit
// (blank, rules, emoji only) are skipped. Never fails; invalid UTF-8 is replaced.
std::vector<Claim> SegmentClaims(std::string_view answer_text, int answer_index);

// One claim of text exactly as given, without segmenting or stripping it: for wording
// that is already a single claim (a cluster's representative text, for instance).
Claim MakeClaim(std::string_view text, ClaimKind kind, int answer_index);

// One claim standing for a whole answer: the texts joined by spaces, the union of the
// terms, numbers, names and quantities, the first claim's opening name, negated when any
// claim is. Empty claims give an empty claim.
Claim MergeClaims(const std::vector<Claim>& claims, int answer_index);

// Removes from claim the terms, numbers and names the question already uses: they are
// given, not asserted, so two answers sharing them agree on nothing yet ("Who wrote
// Hamlet?" - "Shakespeare wrote Hamlet." / "Marlowe wrote Hamlet."). A claim that would
// be left with no term or number is kept whole (it restates the question, or answers
// with one of the question's own words, "Red, green or blue?" - "Blue."); returns
// whether the claim states anything beyond the question. The removed terms are kept in
// claim->question_terms.
bool IgnoreQuestionTerms(const Claim& question, Claim* claim);

// The values each of two claims states that the other does not.
struct ValueDifference {
  std::vector<std::string> numbers_only_a;
  std::vector<std::string> numbers_only_b;
  std::vector<std::string> names_only_a;  // names (opening one included) b never uses
  std::vector<std::string> names_only_b;
  // Every number one side states without the other is in a unit the other side's such
  // numbers are not ("100 °C" / "212 °F"): possibly one quantity converted, so no conflict.
  bool units_differ = false;
  // The claims say the same with one name swapped for another ("The capital is
  // Canberra" / "Sydney is the capital"): one name only on each side, not both opening
  // words, and the other terms of the shorter claim all in the longer one, which has at
  // most twice as many. A name one claim merely adds is detail, not a conflict.
  bool names_swapped = false;

  // Both claims state numbers the other does not, in the same units or none: "1901"
  // against "1902".
  bool NumbersDiffer() const {
    return !numbers_only_a.empty() && !numbers_only_b.empty() && !units_differ;
  }
  // Both claims use names the other does not: possibly about different things.
  bool NamesDiffer() const { return !names_only_a.empty() && !names_only_b.empty(); }
};

ValueDifference CompareValues(const Claim& a, const Claim& b);

// Whether a and b state conflicting values for the same thing: they differ in numbers
// but not in names and at least min_overlap of the shorter claim's terms (the question's
// terms each restates included) are shared; or
// they swap one name (ValueDifference::names_swapped) but not numbers; or one negates
// what the other says (all terms, at least two, of the shorter one in the longer one).
// Numbers and names both different mean different things ("Mercury has 0 moons", "Mars
// has 2"). Code never contradicts.
bool ClaimsContradict(const Claim& a, const Claim& b, double min_overlap);

}  // namespace drux

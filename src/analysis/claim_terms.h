// The comparable content of a claim's wording: stemmed content terms, the numbers it
// states, the names it mentions and whether it is negated.
#pragma once

#include <compare>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace drux {

// A number written with its unit: "5 km", "100 °C", "3 million". Units have one
// spelling each ("kilometres" -> "km", "°C" -> "celsius").
struct Quantity {
  std::string value;  // as in ClaimTerms::numbers
  std::string unit;
  auto operator<=>(const Quantity&) const = default;
};

struct ClaimTerms {
  // NFKC, lower-cased, Snowball English stems, stop words removed; sorted, unique.
  std::vector<std::string> terms;
  // Numbers, years and date parts, normalized ("1,000" -> "1000", "3.50" -> "3.5",
  // "07" -> "7", "4th" -> "4", "three" -> "3", "Aug." -> "august"); sorted, unique. Not
  // part of terms.
  std::vector<std::string> numbers;
  // The numbers followed by a unit word; sorted, unique.
  std::vector<Quantity> quantities;
  // The terms written with a capital letter after the first word ("Paris", "NASA"): the
  // names a claim uses, for contradiction checks. A subset of terms; sorted, unique.
  std::vector<std::string> names;
  // The first word's term when it is capitalized and not a stop word. Every sentence
  // starts with a capital, so this is only a possible name ("Sydney is ..." or
  // "Founded in ..."); empty otherwise.
  std::string opening_name;
  // True when the wording carries a negation ("not", "never", "isn't").
  bool negated = false;
};

// Extracts ClaimTerms with ICU word segmentation and a Snowball English stemmer. Holds a
// stemmer, which is not thread-safe: use one extractor per thread. ICU failures degrade to
// a simpler tokenizer; nothing throws.
class TermExtractor {
 public:
  TermExtractor();
  ~TermExtractor();
  TermExtractor(const TermExtractor&) = delete;
  TermExtractor& operator=(const TermExtractor&) = delete;

  // Terms of prose (sentences, list items, headings).
  ClaimTerms Extract(std::string_view text);
  // Terms of code: lower-cased identifiers and literals, neither stemmed nor filtered,
  // and no numbers or names, so code never takes part in contradiction checks.
  ClaimTerms ExtractCode(std::string_view text);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace drux

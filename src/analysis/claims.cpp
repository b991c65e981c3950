#include "analysis/claims.h"

#include <unicode/brkiter.h>
#include <unicode/filteredbrk.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <iterator>
#include <memory>
#include <utility>

#include "analysis/claim_terms.h"
#include "analysis/markdown_blocks.h"
#include "core/utf8.h"

namespace drux {
namespace {

// Abbreviations ICU's English list lacks but answers use; a period after them does not
// end a sentence. Matched as whole words, which ICU's own suppression list is not
// ("ca." would also match "Africa.").
constexpr std::array<std::string_view, 9> kAbbreviations = {
    "Dr.", "Prof.", "St.", "Mt.", "Fig.", "Eq.", "approx.", "e.g.", "i.e.",
};

// Capital initials, each followed by a period: "U.S.", "J.K.", "J.". ICU ends a sentence
// after them when a capitalized word follows ("the U.S. Army", "J. K. Rowling"), which is
// far more often a name than a new sentence.
bool IsInitialism(std::string_view word) {
  if (word.empty() || word.size() % 2 != 0) return false;
  for (size_t i = 0; i < word.size(); i += 2) {
    if (word[i] < 'A' || word[i] > 'Z' || word[i + 1] != '.') return false;
  }
  return true;
}

bool EndsWithAbbreviation(std::string_view sentence) {
  const size_t last = sentence.find_last_not_of(" \t");
  if (last == std::string_view::npos) return false;
  sentence = sentence.substr(0, last + 1);
  const size_t space = sentence.find_last_of(" \t(");
  const std::string_view word =
      space == std::string_view::npos ? sentence : sentence.substr(space + 1);
  return IsInitialism(word) ||
         std::find(kAbbreviations.begin(), kAbbreviations.end(), word) != kAbbreviations.end();
}

std::string_view Trim(std::string_view s) {
  const size_t first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

// Code keeps its first line's indentation; only blank lines and trailing space go.
std::string_view TrimCode(std::string_view code) {
  while (!code.empty()) {
    const size_t end = code.find('\n');
    if (end == std::string_view::npos || !Trim(code.substr(0, end)).empty()) break;
    code.remove_prefix(end + 1);
  }
  const size_t last = code.find_last_not_of(" \t\r\n");
  return last == std::string_view::npos ? std::string_view() : code.substr(0, last + 1);
}

bool HasLetterOrDigit(std::string_view text) {
  int32_t i = 0;
  const auto length = static_cast<int32_t>(text.size());
  while (i < length) {
    UChar32 c = 0;
    U8_NEXT(text.data(), i, length, c);
    if (c >= 0 && u_isalnum(c) != 0) return true;
  }
  return false;
}

// ICU sentence segmentation with English abbreviations suppressed. Without ICU data a
// paragraph stays one claim.
class SentenceSplitter {
 public:
  SentenceSplitter() {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::BreakIterator> base(
        icu::BreakIterator::createSentenceInstance(icu::Locale::getEnglish(), status));
    if (U_FAILURE(status)) return;
    std::unique_ptr<icu::FilteredBreakIteratorBuilder> builder(
        icu::FilteredBreakIteratorBuilder::createInstance(icu::Locale::getEnglish(), status));
    if (U_FAILURE(status)) {
      sentences_ = std::move(base);
      return;
    }
    sentences_.reset(builder->wrapIteratorWithFilter(base.release(), status));
    if (U_FAILURE(status)) sentences_.reset();
  }

  std::vector<std::string> Split(std::string_view paragraph) const {
    if (!sentences_) return {std::string(paragraph)};
    const icu::UnicodeString text = icu::UnicodeString::fromUTF8(
        icu::StringPiece(paragraph.data(), static_cast<int32_t>(paragraph.size())));
    sentences_->setText(text);
    std::vector<std::string> out;
    bool join = false;
    int32_t start = sentences_->first();
    for (int32_t end = sentences_->next(); end != icu::BreakIterator::DONE;
         start = end, end = sentences_->next()) {
      std::string sentence;
      text.tempSubStringBetween(start, end).toUTF8String(sentence);
      if (join) {
        out.back() += sentence;
      } else {
        out.push_back(std::move(sentence));
      }
      join = EndsWithAbbreviation(out.back());
    }
    return out;
  }

 private:
  std::unique_ptr<icu::BreakIterator> sentences_;
};

Claim BuildClaim(std::string_view text, ClaimKind kind, int answer_index,
                 TermExtractor& extractor) {
  Claim claim;
  claim.text = std::string(text);
  claim.kind = kind;
  claim.answer_index = answer_index;
  ClaimTerms terms =
      kind == ClaimKind::kCode ? extractor.ExtractCode(text) : extractor.Extract(text);
  claim.terms = std::move(terms.terms);
  claim.numbers = std::move(terms.numbers);
  claim.quantities = std::move(terms.quantities);
  claim.names = std::move(terms.names);
  claim.opening_name = std::move(terms.opening_name);
  claim.negated = terms.negated;
  return claim;
}

std::vector<std::string> Missing(const std::vector<std::string>& values,
                                 const std::vector<std::string>& in) {
  std::vector<std::string> missing;
  std::set_difference(values.begin(), values.end(), in.begin(), in.end(),
                      std::back_inserter(missing));
  return missing;
}

// Adds to the sorted, unique values those of more that it lacks.
template <typename T>
void AppendUnion(std::vector<T>* values, const std::vector<T>& more) {
  std::vector<T> merged;
  std::set_union(values->begin(), values->end(), more.begin(), more.end(),
                 std::back_inserter(merged));
  *values = std::move(merged);
}

size_t CountShared(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<std::string> shared;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(shared));
  return shared.size();
}

std::vector<std::string> NamesOf(const Claim& claim) {
  std::vector<std::string> names = claim.names;
  if (!claim.opening_name.empty() &&
      !std::binary_search(names.begin(), names.end(), claim.opening_name)) {
    names.insert(std::lower_bound(names.begin(), names.end(), claim.opening_name),
                 claim.opening_name);
  }
  return names;
}

// The units of the given numbers of claim; "" for a number written without one.
std::vector<std::string> UnitsOf(const Claim& claim, const std::vector<std::string>& numbers) {
  std::vector<std::string> units;
  for (const std::string& number : numbers) {
    bool with_unit = false;
    for (const Quantity& quantity : claim.quantities) {
      if (quantity.value != number) continue;
      units.push_back(quantity.unit);
      with_unit = true;
    }
    if (!with_unit) units.emplace_back();
  }
  std::sort(units.begin(), units.end());
  units.erase(std::unique(units.begin(), units.end()), units.end());
  return units;
}

bool UnitsDiffer(const Claim& a, const Claim& b, const ValueDifference& difference) {
  if (difference.numbers_only_a.empty() || difference.numbers_only_b.empty()) return false;
  const std::vector<std::string> units_a = UnitsOf(a, difference.numbers_only_a);
  const std::vector<std::string> units_b = UnitsOf(b, difference.numbers_only_b);
  const auto unitless = [](const std::vector<std::string>& units) {
    return std::find(units.begin(), units.end(), "") != units.end();
  };
  return !unitless(units_a) && !unitless(units_b) && CountShared(units_a, units_b) == 0;
}

bool HasDefiniteName(const std::vector<std::string>& candidates, const Claim& claim) {
  return std::any_of(candidates.begin(), candidates.end(), [&](const std::string& name) {
    return std::binary_search(claim.names.begin(), claim.names.end(), name);
  });
}

bool SwapsOneName(const Claim& a, const Claim& b, const ValueDifference& difference) {
  if (difference.names_only_a.size() != 1 || difference.names_only_b.size() != 1) return false;
  if (!HasDefiniteName(difference.names_only_a, a) &&
      !HasDefiniteName(difference.names_only_b, b)) {
    return false;
  }
  const std::vector<std::string> rest_a = Missing(a.terms, difference.names_only_a);
  const std::vector<std::string> rest_b = Missing(b.terms, difference.names_only_b);
  const size_t shorter = std::min(rest_a.size(), rest_b.size());
  const size_t longer = std::max(rest_a.size(), rest_b.size());
  return shorter > 0 && CountShared(rest_a, rest_b) == shorter && longer <= 2 * shorter;
}

}  // namespace

struct ClaimSegmenter::Impl {
  TermExtractor extractor;
  SentenceSplitter splitter;
};

ClaimSegmenter::ClaimSegmenter() : impl_(std::make_unique<Impl>()) {}
ClaimSegmenter::~ClaimSegmenter() = default;

std::vector<Claim> ClaimSegmenter::Segment(std::string_view answer_text, int answer_index) {
  const std::string text = SanitizeUtf8(answer_text);
  std::vector<Claim> claims;
  const auto add = [&](std::string_view wording, ClaimKind kind) {
    if (HasLetterOrDigit(wording)) {
      claims.push_back(BuildClaim(wording, kind, answer_index, impl_->extractor));
    }
  };
  for (const MarkdownBlock& block : SplitMarkdownBlocks(text)) {
    switch (block.kind) {
      case BlockKind::kCode:
        add(TrimCode(block.text), ClaimKind::kCode);
        break;
      case BlockKind::kHeading:
        add(StripInlineMarkdown(block.text), ClaimKind::kHeading);
        break;
      case BlockKind::kListItem:
      case BlockKind::kTableRow:
        add(StripInlineMarkdown(block.text), ClaimKind::kListItem);
        break;
      case BlockKind::kParagraph:
        for (const std::string& sentence : impl_->splitter.Split(StripInlineMarkdown(block.text))) {
          add(Trim(sentence), ClaimKind::kSentence);
        }
        break;
    }
  }
  return claims;
}

Claim ClaimSegmenter::Make(std::string_view text, ClaimKind kind, int answer_index) {
  return BuildClaim(text, kind, answer_index, impl_->extractor);
}

std::vector<Claim> SegmentClaims(std::string_view answer_text, int answer_index) {
  ClaimSegmenter segmenter;
  return segmenter.Segment(answer_text, answer_index);
}

Claim MakeClaim(std::string_view text, ClaimKind kind, int answer_index) {
  TermExtractor extractor;
  return BuildClaim(text, kind, answer_index, extractor);
}

Claim MergeClaims(const std::vector<Claim>& claims, int answer_index) {
  Claim whole;
  whole.answer_index = answer_index;
  if (claims.empty()) return whole;
  whole.kind = claims.front().kind;
  whole.opening_name = claims.front().opening_name;
  for (const Claim& claim : claims) {
    if (!whole.text.empty()) whole.text += ' ';
    whole.text += claim.text;
    whole.negated = whole.negated || claim.negated;
    AppendUnion(&whole.terms, claim.terms);
    AppendUnion(&whole.numbers, claim.numbers);
    AppendUnion(&whole.names, claim.names);
    AppendUnion(&whole.quantities, claim.quantities);
  }
  return whole;
}

bool IgnoreQuestionTerms(const Claim& question, Claim* claim) {
  std::vector<std::string> terms = Missing(claim->terms, question.terms);
  std::vector<std::string> numbers = Missing(claim->numbers, question.numbers);
  if (terms.empty() && numbers.empty()) return false;
  std::set_intersection(claim->terms.begin(), claim->terms.end(), question.terms.begin(),
                        question.terms.end(), std::back_inserter(claim->question_terms));
  claim->terms = std::move(terms);
  claim->numbers = std::move(numbers);
  claim->names = Missing(claim->names, question.terms);
  if (std::binary_search(question.terms.begin(), question.terms.end(), claim->opening_name)) {
    claim->opening_name.clear();
  }
  std::erase_if(claim->quantities, [&](const Quantity& quantity) {
    return std::binary_search(question.numbers.begin(), question.numbers.end(), quantity.value);
  });
  return true;
}

ValueDifference CompareValues(const Claim& a, const Claim& b) {
  ValueDifference difference;
  difference.numbers_only_a = Missing(a.numbers, b.numbers);
  difference.numbers_only_b = Missing(b.numbers, a.numbers);
  difference.names_only_a = Missing(NamesOf(a), b.terms);
  difference.names_only_b = Missing(NamesOf(b), a.terms);
  difference.units_differ = UnitsDiffer(a, b, difference);
  difference.names_swapped = SwapsOneName(a, b, difference);
  return difference;
}

bool ClaimsContradict(const Claim& a, const Claim& b, double min_overlap) {
  if (a.kind == ClaimKind::kCode || b.kind == ClaimKind::kCode) return false;
  if (a.negated != b.negated) {
    // "X is safe" against "X is not safe": one claim's terms all in the other's.
    const size_t shared = CountShared(a.terms, b.terms);
    return shared >= 2 && shared == std::min(a.terms.size(), b.terms.size());
  }
  const ValueDifference difference = CompareValues(a, b);
  // With a name and a number both different, the claims are about different things
  // ("Mercury has 0 moons", "Mars has 2").
  if (difference.names_swapped) return !difference.NumbersDiffer();
  if (!difference.NumbersDiffer() || difference.NamesDiffer()) return false;
  const size_t shared =
      CountShared(a.terms, b.terms) + CountShared(a.question_terms, b.question_terms);
  const size_t shorter =
      std::min(a.terms.size() + a.question_terms.size(), b.terms.size() + b.question_terms.size());
  return shared > 0 && static_cast<double>(shared) >= min_overlap * static_cast<double>(shorter);
}

}  // namespace drux

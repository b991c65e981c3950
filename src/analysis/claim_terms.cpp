#include "analysis/claim_terms.h"

#include <libstemmer.h>
#include <unicode/brkiter.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <functional>
#include <string_view>

namespace drux {
namespace {

// Function words, titles and Latin abbreviations that carry no content of their own.
// Negations are here too: they are tracked by ClaimTerms::negated rather than as terms.
// "no" and "yes" are kept because whole answers can consist of them.
constexpr std::array<std::string_view, 211> kStopWords = {
    "a",          "about",   "above",   "after",     "again",   "against",  "all",
    "also",       "am",      "an",      "and",       "any",     "approx",   "are",
    "aren't",     "as",      "at",      "be",        "because", "been",     "before",
    "being",      "below",   "between", "both",      "but",     "by",       "can",
    "can't",      "cannot",  "could",   "couldn't",  "did",     "didn't",   "do",
    "does",       "doesn't", "doing",   "don't",     "down",    "dr",       "during",
    "e.g",        "each",    "either",  "else",      "etc",     "even",     "ever",
    "every",      "few",     "for",     "from",      "further", "had",      "hadn't",
    "has",        "hasn't",  "have",    "haven't",   "having",  "he",       "he'd",
    "he'll",      "he's",    "her",     "here",      "here's",  "hers",     "herself",
    "him",        "himself", "his",     "how",       "how's",   "however",  "i",
    "i'd",        "i'll",    "i'm",     "i've",      "i.e",     "if",       "in",
    "into",       "is",      "isn't",   "it",        "it's",    "its",      "itself",
    "just",       "let's",   "may",     "me",        "might",   "more",     "most",
    "mr",         "mrs",     "ms",      "must",      "mustn't", "my",       "myself",
    "neither",    "never",   "nor",     "not",       "of",      "off",      "on",
    "once",       "only",    "or",      "other",     "ought",   "our",      "ours",
    "ourselves",  "out",     "over",    "own",       "per",     "prof",     "quite",
    "rather",     "really",  "same",    "shall",     "shan't",  "she",      "she'd",
    "she'll",     "she's",   "should",  "shouldn't", "so",      "some",     "such",
    "than",       "that",    "that's",  "the",       "their",   "theirs",   "them",
    "themselves", "then",    "there",   "there's",   "these",   "they",     "they'd",
    "they'll",    "they're", "they've", "this",      "those",   "though",   "through",
    "thus",       "to",      "too",     "under",     "until",   "up",       "upon",
    "us",         "very",    "via",     "viz",       "vs",      "was",      "wasn't",
    "we",         "we'd",    "we'll",   "we're",     "we've",   "were",     "weren't",
    "what",       "what's",  "when",    "when's",    "where",   "where's",  "whether",
    "which",      "while",   "who",     "who's",     "whom",    "whose",    "why",
    "why's",      "will",    "with",    "won't",     "would",   "wouldn't", "you",
    "you'd",      "you'll",  "you're",  "you've",    "your",    "yours",    "yourself",
    "yourselves",
};
static_assert(std::is_sorted(kStopWords.begin(), kStopWords.end()));

constexpr std::array<std::string_view, 7> kNegations = {
    "cannot", "neither", "never", "no", "nobody", "nor", "not",
};

// Small numbers are often spelled out ("three-way", "3-way"). "one" is left out: it is
// mostly a pronoun ("one of the oldest").
constexpr std::array<std::string_view, 11> kNumberWords = {
    "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
};

// The digits of a spelled-out number, or empty.
std::string SpelledNumber(std::string_view word) {
  const auto* found = std::find(kNumberWords.begin(), kNumberWords.end(), word);
  if (found == kNumberWords.end()) return {};
  return std::to_string(found - kNumberWords.begin() + 2);
}

struct MonthName {
  std::string_view written;
  std::string_view month;
};

// Months are date parts, compared like numbers ("July 4" against "August 2"), not names.
constexpr std::array<MonthName, 23> kMonthNames = {{
    {"january", "january"},   {"jan", "january"},
    {"february", "february"}, {"feb", "february"},
    {"march", "march"},       {"mar", "march"},
    {"april", "april"},       {"apr", "april"},
    {"may", "may"},           {"june", "june"},
    {"jun", "june"},          {"july", "july"},
    {"jul", "july"},          {"august", "august"},
    {"aug", "august"},        {"september", "september"},
    {"sep", "september"},     {"sept", "september"},
    {"october", "october"},   {"oct", "october"},
    {"november", "november"}, {"nov", "november"},
    {"december", "december"},
}};

// The month a capitalized word names, or empty. "May" and "March" open many sentences as
// a verb, so a sentence's first word is not read as a month.
std::string_view MonthOf(std::string_view lower, bool capitalized, bool opening) {
  if (!capitalized || opening) return {};
  for (const MonthName& name : kMonthNames) {
    if (name.written == lower) return name.month;
  }
  return {};
}

struct UnitName {
  std::string_view written;
  std::string_view unit;
};

// Unit words that follow a number, lower-cased, with one spelling per unit. Sorted by
// written form for binary search. "°" is not a word to ICU, so "100 °C" reaches this as
// "100" then "c".
constexpr std::array<UnitName, 72> kUnitNames = {{
    {"acre", "acre"},       {"acres", "acre"},
    {"billion", "billion"}, {"c", "celsius"},
    {"calorie", "calorie"}, {"calories", "calorie"},
    {"celsius", "celsius"}, {"centimeter", "cm"},
    {"centimeters", "cm"},  {"centimetre", "cm"},
    {"centimetres", "cm"},  {"centuries", "century"},
    {"century", "century"}, {"cm", "cm"},
    {"day", "day"},         {"days", "day"},
    {"degree", "degree"},   {"degrees", "degree"},
    {"dollar", "dollar"},   {"dollars", "dollar"},
    {"euro", "euro"},       {"euros", "euro"},
    {"f", "fahrenheit"},    {"fahrenheit", "fahrenheit"},
    {"feet", "foot"},       {"foot", "foot"},
    {"ft", "foot"},         {"g", "g"},
    {"gallon", "gallon"},   {"gallons", "gallon"},
    {"gram", "g"},          {"grams", "g"},
    {"hour", "hour"},       {"hours", "hour"},
    {"inch", "inch"},       {"inches", "inch"},
    {"kelvin", "kelvin"},   {"kg", "kg"},
    {"kilogram", "kg"},     {"kilograms", "kg"},
    {"kilometer", "km"},    {"kilometers", "km"},
    {"kilometre", "km"},    {"kilometres", "km"},
    {"km", "km"},           {"lb", "pound"},
    {"lbs", "pound"},       {"liter", "litre"},
    {"liters", "litre"},    {"litre", "litre"},
    {"litres", "litre"},    {"m", "m"},
    {"meter", "m"},         {"meters", "m"},
    {"metre", "m"},         {"metres", "m"},
    {"mile", "mile"},       {"miles", "mile"},
    {"million", "million"}, {"minute", "minute"},
    {"minutes", "minute"},  {"mm", "mm"},
    {"mph", "mph"},         {"percent", "percent"},
    {"pound", "pound"},     {"pounds", "pound"},
    {"stone", "stone"},     {"thousand", "thousand"},
    {"tonne", "tonne"},     {"tonnes", "tonne"},
    {"year", "year"},       {"years", "year"},
}};

static_assert(std::is_sorted(kUnitNames.begin(), kUnitNames.end(),
                             [](const UnitName& a, const UnitName& b) {
                               return a.written < b.written;
                             }));

// The unit a lower-cased word names, or empty.
std::string_view UnitOf(std::string_view lower) {
  const auto* found = std::lower_bound(
      kUnitNames.begin(), kUnitNames.end(), lower,
      [](const UnitName& name, std::string_view word) { return name.written < word; });
  return found != kUnitNames.end() && found->written == lower ? found->unit : std::string_view();
}

std::string LowerCase(const icu::UnicodeString& word) {
  icu::UnicodeString lower_word = word;
  std::string lower;
  lower_word.toLower(icu::Locale::getRoot()).toUTF8String(lower);
  return lower;
}

bool IsStopWord(std::string_view word) {
  return std::binary_search(kStopWords.begin(), kStopWords.end(), word);
}

bool IsNegation(std::string_view word) {
  return std::find(kNegations.begin(), kNegations.end(), word) != kNegations.end() ||
         word.ends_with("n't");
}

enum class WordKind { kNumber, kLetters, kIdeographic };

// "1,000" -> "1000", "007" -> "7", "3.50" -> "3.5", "2.0" -> "2": one spelling per value.
// Digits of other scripts stay as written.
std::string NormalizeNumber(std::string_view written) {
  std::string digits;
  for (const char c : written) {
    if (std::isdigit(static_cast<unsigned char>(c)) != 0 || c == '.') digits += c;
  }
  if (digits.find_first_not_of('.') == std::string::npos) return std::string(written);
  const size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return "0";
  digits.erase(0, first);
  if (digits.find('.') != std::string::npos) {
    digits.erase(digits.find_last_not_of('0') + 1);
    if (digits.back() == '.') digits.pop_back();
  }
  // Prepending builds a new string: insert(0, ...) trips a false -Wrestrict in g++ 12.
  if (digits.empty() || digits.front() == '.') return "0" + digits;
  return digits;
}

// "4th" -> "4", "1990s" -> "1990": a word that is a number with a suffix, or empty.
std::string OrdinalNumber(std::string_view word) {
  size_t digits = 0;
  while (digits < word.size() && std::isdigit(static_cast<unsigned char>(word[digits])) != 0) {
    ++digits;
  }
  const std::string_view suffix = word.substr(digits);
  if (digits == 0 ||
      (suffix != "st" && suffix != "nd" && suffix != "rd" && suffix != "th" && suffix != "s")) {
    return {};
  }
  return NormalizeNumber(word.substr(0, digits));
}

// The value a word stands for ("4th", "three", "July"), or empty.
std::string NumberOf(std::string_view lower, bool capitalized, bool opening) {
  if (std::string number = OrdinalNumber(lower); !number.empty()) return number;
  if (std::string number = SpelledNumber(lower); !number.empty()) return number;
  return std::string(MonthOf(lower, capitalized, opening));
}

void SortUnique(std::vector<std::string>* values) {
  std::sort(values->begin(), values->end());
  values->erase(std::unique(values->begin(), values->end()), values->end());
}

// Called with the whole text and the bounds of one word in it, so a word's neighbours
// (a minus or currency sign, a percent sign) can be read.
using WordSink =
    std::function<void(const icu::UnicodeString& text, int32_t start, int32_t end, WordKind kind)>;

// Without ICU's word data, words are maximal runs of letters and digits.
void ForEachWordFallback(const icu::UnicodeString& text, const WordSink& sink) {
  int32_t start = -1;
  bool all_digits = true;
  for (int32_t i = 0; i <= text.length(); i = text.moveIndex32(i, 1)) {
    const bool alnum = i < text.length() && u_isalnum(text.char32At(i)) != 0;
    if (alnum && start < 0) {
      start = i;
      all_digits = true;
    }
    if (alnum) all_digits = all_digits && u_isdigit(text.char32At(i)) != 0;
    if (!alnum && start >= 0) {
      sink(text, start, i, all_digits ? WordKind::kNumber : WordKind::kLetters);
      start = -1;
    }
    if (i == text.length()) break;
  }
}

UChar32 CharBefore(const icu::UnicodeString& text, int32_t index) {
  return index > 0 ? text.char32At(text.moveIndex32(index, -1)) : 0;
}

UChar32 CharAt(const icu::UnicodeString& text, int32_t index) {
  return index < text.length() ? text.char32At(index) : 0;
}

// "-3" and "−3", but not the "91" of "1990-91": a minus sign right before the number,
// with no letter or digit before the sign.
bool HasMinusSign(const icu::UnicodeString& text, int32_t start) {
  const UChar32 before = CharBefore(text, start);
  if (before != '-' && before != 0x2212) return false;
  return u_isalnum(CharBefore(text, text.moveIndex32(start, -1))) == 0;
}

// The unit a currency sign before a number or a percent sign after it gives: "$5", "£5",
// "€5", "5%".
std::string_view SymbolUnit(const icu::UnicodeString& text, int32_t start, int32_t end) {
  switch (CharBefore(text, start)) {
    case '$':
      return "dollar";
    case 0x00A3:
      return "gbp";
    case 0x20AC:
      return "euro";
    default:
      break;
  }
  return CharAt(text, end) == '%' ? "percent" : std::string_view();
}

// A number word with its sign and symbol unit.
void AddNumber(const icu::UnicodeString& text, int32_t start, int32_t end, ClaimTerms* out) {
  std::string written;
  text.tempSubStringBetween(start, end).toUTF8String(written);
  std::string value = NormalizeNumber(written);
  if (HasMinusSign(text, start) && value != "0") value.insert(value.begin(), '-');
  const std::string_view unit = SymbolUnit(text, start, end);
  if (!unit.empty()) out->quantities.push_back({value, std::string(unit)});
  out->numbers.push_back(std::move(value));
}

}  // namespace

struct TermExtractor::Impl {
  struct StemmerDeleter {
    void operator()(sb_stemmer* stemmer) const { sb_stemmer_delete(stemmer); }
  };
  std::unique_ptr<sb_stemmer, StemmerDeleter> stemmer{sb_stemmer_new("english", "UTF_8")};
  std::unique_ptr<icu::BreakIterator> words;
  const icu::Normalizer2* nfkc = nullptr;

  Impl() {
    UErrorCode status = U_ZERO_ERROR;
    words.reset(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
    if (U_FAILURE(status)) words.reset();
    status = U_ZERO_ERROR;
    nfkc = icu::Normalizer2::getNFKCInstance(status);
    if (U_FAILURE(status)) nfkc = nullptr;
  }

  // NFKC, with typographic apostrophes made plain so "France’s" stems like "France's".
  icu::UnicodeString Normalize(std::string_view text) const {
    icu::UnicodeString unicode = icu::UnicodeString::fromUTF8(
        icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
    unicode.findAndReplace(icu::UnicodeString(static_cast<UChar32>(0x2019)),
                           icu::UnicodeString(static_cast<UChar32>('\'')));
    if (nfkc == nullptr) return unicode;
    UErrorCode status = U_ZERO_ERROR;
    icu::UnicodeString normalized = nfkc->normalize(unicode, status);
    return U_SUCCESS(status) ? normalized : unicode;
  }

  void ForEachWord(const icu::UnicodeString& text, const WordSink& sink) const {
    if (!words) {
      ForEachWordFallback(text, sink);
      return;
    }
    words->setText(text);
    int32_t start = words->first();
    for (int32_t end = words->next(); end != icu::BreakIterator::DONE;
         start = end, end = words->next()) {
      const int32_t status = words->getRuleStatus();
      if (status < UBRK_WORD_NONE_LIMIT) continue;
      const WordKind kind = status < UBRK_WORD_NUMBER_LIMIT   ? WordKind::kNumber
                            : status < UBRK_WORD_LETTER_LIMIT ? WordKind::kLetters
                                                              : WordKind::kIdeographic;
      sink(text, start, end, kind);
    }
  }

  std::string Stem(const std::string& word) const {
    if (!stemmer) return word;
    const sb_symbol* stem =
        sb_stemmer_stem(stemmer.get(), reinterpret_cast<const sb_symbol*>(word.data()),
                        static_cast<int>(word.size()));
    if (stem == nullptr) return word;
    return std::string(reinterpret_cast<const char*>(stem),
                       static_cast<size_t>(sb_stemmer_length(stemmer.get())));
  }

  // A word of letters or ideographs.
  void AddWord(const icu::UnicodeString& word, WordKind kind, bool opening, ClaimTerms* out) const {
    const UChar32 first = word.char32At(0);
    const std::string lower = LowerCase(word);
    // A lone capital is a unit or a variable ("100 °C", "x = N"), not a name.
    const bool capitalized =
        (u_isupper(first) != 0 || u_istitle(first) != 0) && word.countChar32() > 1;
    if (std::string number = NumberOf(lower, capitalized, opening); !number.empty()) {
      out->numbers.push_back(std::move(number));
      return;
    }
    out->negated = out->negated || IsNegation(lower);
    if (IsStopWord(lower)) return;
    // Ideographs have no stems; abbreviations ("u.s", "e.g") are not English words, and
    // stemming would cut "u.s" to "u.".
    const bool unstemmed = kind == WordKind::kIdeographic || lower.find('.') != std::string::npos;
    std::string term = unstemmed ? lower : Stem(lower);
    if (capitalized) {
      if (opening) {
        out->opening_name = term;
      } else {
        out->names.push_back(term);
      }
    }
    out->terms.push_back(std::move(term));
  }
};

TermExtractor::TermExtractor() : impl_(std::make_unique<Impl>()) {}
TermExtractor::~TermExtractor() = default;

ClaimTerms TermExtractor::Extract(std::string_view text) {
  ClaimTerms out;
  bool opening = true;
  std::string previous_number;  // the previous word's value when it was a number
  const icu::UnicodeString normalized = impl_->Normalize(text);
  impl_->ForEachWord(
      normalized, [&](const icu::UnicodeString& whole, int32_t start, int32_t end, WordKind kind) {
        const icu::UnicodeString word = whole.tempSubStringBetween(start, end);
        if (!previous_number.empty() && kind == WordKind::kLetters) {
          const std::string_view unit = UnitOf(LowerCase(word));
          if (!unit.empty()) out.quantities.push_back({previous_number, std::string(unit)});
        }
        const size_t numbers_before = out.numbers.size();
        if (kind == WordKind::kNumber) {
          AddNumber(whole, start, end, &out);
        } else {
          impl_->AddWord(word, kind, opening, &out);
        }
        previous_number = out.numbers.size() > numbers_before ? out.numbers.back() : std::string();
        opening = false;
      });
  SortUnique(&out.terms);
  SortUnique(&out.numbers);
  SortUnique(&out.names);
  std::sort(out.quantities.begin(), out.quantities.end());
  out.quantities.erase(std::unique(out.quantities.begin(), out.quantities.end()),
                       out.quantities.end());
  return out;
}

ClaimTerms TermExtractor::ExtractCode(std::string_view text) {
  ClaimTerms out;
  impl_->ForEachWord(impl_->Normalize(text),
                     [&](const icu::UnicodeString& whole, int32_t start, int32_t end, WordKind) {
                       out.terms.push_back(LowerCase(whole.tempSubStringBetween(start, end)));
                     });
  SortUnique(&out.terms);
  return out;
}

}  // namespace drux

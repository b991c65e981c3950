#include "analysis/markdown_blocks.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstddef>
#include <utility>

namespace drux {
namespace {

bool IsBlank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c) != 0; });
}

std::string_view TrimView(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0) {
    s.remove_prefix(1);
  }
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0) {
    s.remove_suffix(1);
  }
  return s;
}

size_t LeadingSpaces(std::string_view line) {
  size_t n = 0;
  while (n < line.size() && (line[n] == ' ' || line[n] == '\t')) ++n;
  return n;
}

// Bytes >= 0x80 belong to multi-byte UTF-8 letters; counting them as word characters keeps
// "_" inside non-ASCII words from being read as emphasis.
bool IsWordByte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u >= 0x80 || std::isalnum(u) != 0;
}

struct Fence {
  char marker = 0;
  size_t length = 0;
  size_t indent = 0;
};

// A fence opens with three or more backticks or tildes; any indentation is accepted
// because models indent fences inside list items.
bool ParseFence(std::string_view line, Fence* fence) {
  const size_t indent = LeadingSpaces(line);
  const std::string_view rest = line.substr(indent);
  if (rest.empty() || (rest[0] != '`' && rest[0] != '~')) return false;
  const size_t length = rest.find_first_not_of(rest[0]);
  const size_t run = length == std::string_view::npos ? rest.size() : length;
  if (run < 3) return false;
  *fence = Fence{rest[0], run, indent};
  return true;
}

bool ClosesFence(std::string_view line, const Fence& fence) {
  const std::string_view trimmed = TrimView(line);
  return trimmed.size() >= fence.length &&
         trimmed.find_first_not_of(fence.marker) == std::string_view::npos;
}

// "---", "* * *", "===": thematic breaks and setext underlines separate blocks.
bool IsRule(std::string_view trimmed) {
  if (trimmed.size() < 3) return false;
  const char marker = trimmed[0];
  if (marker != '-' && marker != '*' && marker != '_' && marker != '=') return false;
  size_t count = 0;
  for (const char c : trimmed) {
    if (c == marker) {
      ++count;
    } else if (c != ' ' && c != '\t') {
      return false;
    }
  }
  return count >= 3;
}

// The heading text of an ATX heading line, or false.
bool ParseHeading(std::string_view line, std::string_view* text) {
  if (LeadingSpaces(line) > 3) return false;
  std::string_view rest = line.substr(LeadingSpaces(line));
  const size_t level = rest.find_first_not_of('#');
  if (level == 0 || level > 6) return false;
  if (level != std::string_view::npos && rest[level] != ' ' && rest[level] != '\t') return false;
  rest = TrimView(level == std::string_view::npos ? std::string_view() : rest.substr(level));
  const size_t closing = rest.find_last_not_of('#');
  if (closing != std::string_view::npos && closing + 1 < rest.size() &&
      (rest[closing] == ' ' || rest[closing] == '\t')) {
    rest = TrimView(rest.substr(0, closing));
  }
  *text = rest;
  return true;
}

// The item text of a bullet ("- x", "* x", "+ x") or numbered ("1. x", "2) x") line.
bool ParseListItem(std::string_view line, std::string_view* text) {
  const std::string_view rest = line.substr(LeadingSpaces(line));
  size_t marker_end = 0;
  if (!rest.empty() && (rest[0] == '-' || rest[0] == '*' || rest[0] == '+')) {
    marker_end = 1;
  } else {
    while (marker_end < rest.size() && marker_end < 9 &&
           std::isdigit(static_cast<unsigned char>(rest[marker_end])) != 0) {
      ++marker_end;
    }
    if (marker_end == 0 || marker_end >= rest.size() ||
        (rest[marker_end] != '.' && rest[marker_end] != ')')) {
      return false;
    }
    ++marker_end;
  }
  if (marker_end < rest.size() && rest[marker_end] != ' ' && rest[marker_end] != '\t') {
    return false;
  }
  *text = TrimView(rest.substr(marker_end));
  return true;
}

bool IsTableSeparator(std::string_view trimmed) {
  return trimmed.find('-') != std::string_view::npos &&
         trimmed.find_first_not_of("|-: \t") == std::string_view::npos;
}

std::string JoinTableCells(std::string_view row) {
  std::string joined;
  size_t start = 0;
  while (start <= row.size()) {
    const size_t end = std::min(row.find('|', start), row.size());
    const std::string_view cell = TrimView(row.substr(start, end - start));
    if (!cell.empty()) {
      if (!joined.empty()) joined += ", ";
      joined += cell;
    }
    start = end + 1;
  }
  return joined;
}

// Walks the lines once; the open paragraph, list item, table or fence is the state.
class BlockSplitter {
 public:
  void AddLine(std::string_view line) {
    if (in_fence_) {
      AddFenceLine(line);
      return;
    }
    while (LeadingSpaces(line) <= 3 && TrimView(line).starts_with('>')) {
      line = TrimView(line).substr(1);
    }
    const std::string_view trimmed = TrimView(line);
    std::string_view text;
    if (trimmed.empty() || IsRule(trimmed)) {
      Flush();
    } else if (ParseFence(line, &fence_)) {
      Flush();
      in_fence_ = true;
    } else if (trimmed.starts_with('|')) {
      AddTableRow(trimmed);
    } else if (ParseHeading(line, &text)) {
      Flush();
      Emit(BlockKind::kHeading, std::string(text));
    } else if (ParseListItem(line, &text)) {
      Flush();
      in_item_ = true;
      item_ = text;
    } else if (in_item_) {
      Append(&item_, trimmed);
    } else {
      if (!table_rows_.empty()) Flush();
      Append(&paragraph_, trimmed);
    }
  }

  std::vector<MarkdownBlock> Finish() && {
    if (in_fence_) Emit(BlockKind::kCode, std::move(code_));
    Flush();
    return std::move(blocks_);
  }

 private:
  void AddFenceLine(std::string_view line) {
    if (ClosesFence(line, fence_)) {
      Emit(BlockKind::kCode, std::move(code_));
      code_.clear();
      in_fence_ = false;
      return;
    }
    line.remove_prefix(std::min(LeadingSpaces(line), fence_.indent));
    if (!code_.empty()) code_ += '\n';
    code_ += line;
  }

  void AddTableRow(std::string_view trimmed) {
    if (table_rows_.empty()) Flush();
    if (IsTableSeparator(trimmed)) {
      // Rows above the separator are the header: labels, not claims.
      table_rows_.clear();
      return;
    }
    table_rows_.push_back(JoinTableCells(trimmed));
  }

  static void Append(std::string* block, std::string_view line) {
    if (!block->empty()) *block += ' ';
    *block += line;
  }

  void Emit(BlockKind kind, std::string text) {
    if (!IsBlank(text)) blocks_.push_back(MarkdownBlock{kind, std::move(text)});
  }

  void Flush() {
    Emit(BlockKind::kParagraph, std::move(paragraph_));
    paragraph_.clear();
    if (in_item_) Emit(BlockKind::kListItem, std::move(item_));
    item_.clear();
    in_item_ = false;
    for (std::string& row : table_rows_) Emit(BlockKind::kTableRow, std::move(row));
    table_rows_.clear();
  }

  std::vector<MarkdownBlock> blocks_;
  std::string paragraph_;
  std::string item_;
  bool in_item_ = false;
  std::vector<std::string> table_rows_;
  bool in_fence_ = false;
  Fence fence_;
  std::string code_;
};

// The index just past the bracket that closes the one at open, or npos.
size_t MatchingBracket(std::string_view text, size_t open, char open_char, char close_char) {
  int depth = 0;
  for (size_t i = open; i < text.size(); ++i) {
    if (text[i] == '\\') {
      ++i;
    } else if (text[i] == open_char) {
      ++depth;
    } else if (text[i] == close_char && --depth == 0) {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

bool IsCitationLabel(std::string_view label) {
  return !label.empty() &&
         (label[0] == '^' || label.find_first_not_of("0123456789, ") == std::string_view::npos);
}

struct Entity {
  std::string_view name;
  std::string_view value;
};
constexpr std::array<Entity, 6> kEntities = {{{"&amp;", "&"},
                                              {"&lt;", "<"},
                                              {"&gt;", ">"},
                                              {"&quot;", "\""},
                                              {"&#39;", "'"},
                                              {"&nbsp;", " "}}};

bool IsHtmlTag(std::string_view text, size_t open, size_t* end) {
  if (open + 1 >= text.size()) return false;
  const char first = text[open + 1];
  if (std::isalpha(static_cast<unsigned char>(first)) == 0 && first != '/' && first != '!') {
    return false;
  }
  const size_t close = text.find_first_of("<>\n", open + 1);
  if (close == std::string_view::npos || text[close] != '>') return false;
  *end = close + 1;
  return true;
}

class InlineStripper {
 public:
  explicit InlineStripper(std::string_view text) : text_(text) {}

  std::string Run() && {
    while (i_ < text_.size()) Step();
    return std::move(out_);
  }

 private:
  void Step() {
    const char c = text_[i_];
    if (c == '\\' && i_ + 1 < text_.size() &&
        std::ispunct(static_cast<unsigned char>(text_[i_ + 1])) != 0) {
      out_ += text_[i_ + 1];
      i_ += 2;
    } else if (c == '`') {
      CodeSpan();
    } else if (c == '[' || (c == '!' && i_ + 1 < text_.size() && text_[i_ + 1] == '[')) {
      Link();
    } else if (c == '*' || c == '_' || c == '~') {
      EmphasisRun();
    } else if (c == '<') {
      Angle();
    } else if (c == '&') {
      EntityOrAmpersand();
    } else {
      out_ += c;
      ++i_;
    }
  }

  // Code spans keep their content verbatim; an unmatched backtick run is dropped.
  void CodeSpan() {
    const size_t run = text_.find_first_not_of('`', i_) == std::string_view::npos
                           ? text_.size() - i_
                           : text_.find_first_not_of('`', i_) - i_;
    const std::string fence(run, '`');
    size_t close = text_.find(fence, i_ + run);
    while (close != std::string_view::npos && close + run < text_.size() &&
           text_[close + run] == '`') {
      close = text_.find(fence, text_.find_first_not_of('`', close));
    }
    if (close == std::string_view::npos) {
      i_ += run;
      return;
    }
    out_ += TrimView(text_.substr(i_ + run, close - i_ - run));
    i_ = close + run;
  }

  void Link() {
    const size_t open = text_[i_] == '!' ? i_ + 1 : i_;
    const size_t close = MatchingBracket(text_, open, '[', ']');
    if (close == std::string_view::npos) {
      out_ += text_[i_];
      ++i_;
      return;
    }
    const std::string_view label = text_.substr(open + 1, close - open - 2);
    size_t end = close;
    const bool has_target = close < text_.size() && (text_[close] == '(' || text_[close] == '[');
    if (has_target) {
      const char target_close = text_[close] == '(' ? ')' : ']';
      end = MatchingBracket(text_, close, text_[close], target_close);
      if (end == std::string_view::npos) end = close;
    }
    if (IsCitationLabel(label)) {
      i_ = end;
      return;
    }
    const std::string visible = InlineStripper(label).Run();
    out_ += has_target ? visible : "[" + visible + "]";
    i_ = end;
  }

  // Emphasis markers go; a run inside a word ("snake_case") or between spaces ("2 * 3")
  // is not emphasis and stays.
  void EmphasisRun() {
    const char marker = text_[i_];
    size_t end = i_;
    while (end < text_.size() && text_[end] == marker) ++end;
    const char before = i_ == 0 ? ' ' : text_[i_ - 1];
    const char after = end == text_.size() ? ' ' : text_[end];
    const bool intraword = IsWordByte(before) && IsWordByte(after);
    const bool spaced = std::isspace(static_cast<unsigned char>(before)) != 0 &&
                        std::isspace(static_cast<unsigned char>(after)) != 0;
    const bool lone_tilde = marker == '~' && end - i_ == 1;
    if (intraword || spaced || lone_tilde) out_.append(text_.substr(i_, end - i_));
    i_ = end;
  }

  void Angle() {
    size_t end = 0;
    const std::string_view rest = text_.substr(i_ + 1);
    if (rest.starts_with("http://") || rest.starts_with("https://") ||
        rest.starts_with("mailto:")) {
      const size_t close = text_.find('>', i_);
      if (close != std::string_view::npos) {
        out_ += text_.substr(i_ + 1, close - i_ - 1);
        i_ = close + 1;
        return;
      }
    }
    if (IsHtmlTag(text_, i_, &end)) {
      out_ += ' ';
      i_ = end;
      return;
    }
    out_ += '<';
    ++i_;
  }

  void EntityOrAmpersand() {
    for (const Entity& entity : kEntities) {
      if (text_.substr(i_).starts_with(entity.name)) {
        out_ += entity.value;
        i_ += entity.name.size();
        return;
      }
    }
    out_ += '&';
    ++i_;
  }

  std::string_view text_;
  size_t i_ = 0;
  std::string out_;
};

// Single spaces, none at the ends or before closing punctuation (left behind where a
// citation marker was removed: "in physics [1].").
std::string CollapseWhitespace(std::string_view text) {
  std::string out;
  bool pending_space = false;
  for (const char c : text) {
    if (std::isspace(static_cast<unsigned char>(c)) != 0) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space && std::string_view(".,;:!?").find(c) == std::string_view::npos) {
      out += ' ';
    }
    pending_space = false;
    out += c;
  }
  return out;
}

}  // namespace

std::vector<MarkdownBlock> SplitMarkdownBlocks(std::string_view text) {
  BlockSplitter splitter;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = std::min(text.find('\n', start), text.size());
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    splitter.AddLine(line);
    start = end + 1;
  }
  return std::move(splitter).Finish();
}

std::string StripInlineMarkdown(std::string_view text) {
  return CollapseWhitespace(InlineStripper(text).Run());
}

}  // namespace drux

// The block structure of a model's Markdown answer, just deep enough to cut it into
// claims: paragraphs, list items, headings, fenced code and table rows.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace drux {

enum class BlockKind {
  kParagraph,  // prose; may hold several sentences
  kListItem,   // one bullet or numbered item, continuation lines included
  kHeading,    // an ATX heading ("## Title")
  kCode,       // a fenced code block, kept whole
  kTableRow,   // one body row of a table, cells joined by ", "
};

struct MarkdownBlock {
  BlockKind kind = BlockKind::kParagraph;
  // Block markers (#, -, 1., >, |, fences) removed; inline formatting still present.
  // Code keeps its lines verbatim, joined by '\n'.
  std::string text;
};

// The blocks of text in reading order. Never fails: anything that is not recognisable
// Markdown is prose; an unclosed fence runs to the end of the text.
std::vector<MarkdownBlock> SplitMarkdownBlocks(std::string_view text);

// text without inline formatting: emphasis and code markers, link and image syntax
// (their visible text stays), footnote and citation markers ("[^1]", "[2]"), HTML tags
// and the common entities. Backslash escapes yield the escaped character.
std::string StripInlineMarkdown(std::string_view text);

}  // namespace drux

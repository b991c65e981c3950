#include "analysis/markdown_blocks.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace drux {
namespace {

struct StripCase {
  std::string markdown;
  std::string plain;
};

TEST(StripInlineMarkdownTest, RemovesFormattingButKeepsWording) {
  const std::vector<StripCase> cases = {
      {"**bold** and __bold__", "bold and bold"},
      {"*it* and _it_", "it and it"},
      {"***both***", "both"},
      {"`code` and ``a ` b``", "code and a ` b"},
      {"`**kwargs` stays", "**kwargs stays"},
      {"[text](https://x.y/a_(b)) end", "text end"},
      {"[ref][1] and ![alt](a.png)", "ref and alt"},
      {"France[1][2].", "France."},
      {"note[^1] here", "note here"},
      {"[sic] stays", "[sic] stays"},
      {"snake_case_name and 2 * 3", "snake_case_name and 2 * 3"},
      {"\\*not emphasis\\*", "*not emphasis*"},
      {"<https://drux.dev>", "https://drux.dev"},
      {"a<br/>b", "a b"},
      {"a < b and c > d", "a < b and c > d"},
      {"&amp; &lt;tag&gt; &unknown;", "& <tag> &unknown;"},
      {"~~gone~~ kept ~1 km", "gone kept ~1 km"},
      {"  spaced\n\tout  ", "spaced out"},
      {"unclosed `tick and [bracket", "unclosed tick and [bracket"},
  };
  for (const StripCase& c : cases) {
    EXPECT_EQ(StripInlineMarkdown(c.markdown), c.plain) << c.markdown;
  }
}

TEST(SplitMarkdownBlocksTest, RecognisesBlockKinds) {
  const std::vector<MarkdownBlock> blocks = SplitMarkdownBlocks(
      "# Title\nSome prose\ncontinues here.\n\n- item one\n  more\n2. item two\n\n"
      "```\ncode\n```\n| a | b |\n|---|---|\n| 1 | 2 |\n");
  ASSERT_EQ(blocks.size(), 6u);
  EXPECT_EQ(blocks[0].kind, BlockKind::kHeading);
  EXPECT_EQ(blocks[0].text, "Title");
  EXPECT_EQ(blocks[1].kind, BlockKind::kParagraph);
  EXPECT_EQ(blocks[1].text, "Some prose continues here.");
  EXPECT_EQ(blocks[2].kind, BlockKind::kListItem);
  EXPECT_EQ(blocks[2].text, "item one more");
  EXPECT_EQ(blocks[3].kind, BlockKind::kListItem);
  EXPECT_EQ(blocks[3].text, "item two");
  EXPECT_EQ(blocks[4].kind, BlockKind::kCode);
  EXPECT_EQ(blocks[4].text, "code");
  EXPECT_EQ(blocks[5].kind, BlockKind::kTableRow);
  EXPECT_EQ(blocks[5].text, "1, 2");
}

TEST(SplitMarkdownBlocksTest, HandlesCarriageReturnsAndEmptyInput) {
  EXPECT_TRUE(SplitMarkdownBlocks("").empty());
  EXPECT_TRUE(SplitMarkdownBlocks("\r\n\r\n").empty());
  const std::vector<MarkdownBlock> blocks = SplitMarkdownBlocks("one\r\ntwo\r\n");
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_EQ(blocks[0].text, "one two");
}

}  // namespace
}  // namespace drux

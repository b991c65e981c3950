#include "server/markdown_html.h"

#include <gtest/gtest.h>

namespace drux {
namespace {

TEST(MarkdownHtml, RendersGfm) {
  const std::string html =
      RenderMarkdownHtml("**bold** ~~gone~~\n\n| a | b |\n|---|---|\n| 1 | 2 |\n");
  EXPECT_NE(html.find("<strong>bold</strong>"), std::string::npos);
  EXPECT_NE(html.find("<del>gone</del>"), std::string::npos);
  EXPECT_NE(html.find("<table>"), std::string::npos);
}

TEST(MarkdownHtml, ModelOutputCannotInjectMarkup) {
  const std::string html = RenderMarkdownHtml(
      "Hi <script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n"
      "[x](javascript:alert(3)) <iframe src=\"https://evil\"></iframe>");
  EXPECT_EQ(html.find("<script"), std::string::npos) << html;
  EXPECT_EQ(html.find("<img"), std::string::npos) << html;
  EXPECT_EQ(html.find("<iframe"), std::string::npos) << html;
  EXPECT_EQ(html.find("javascript:"), std::string::npos) << html;
  EXPECT_EQ(html.find("onerror"), std::string::npos) << html;
}

}  // namespace
}  // namespace drux

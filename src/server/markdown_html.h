// Markdown from models to HTML for the browser, with cmark-gfm. Model output is untrusted:
// raw HTML is never passed through (cmark-gfm's default without CMARK_OPT_UNSAFE replaces
// it with a comment and drops javascript:/vbscript:/file:/data: link targets), and the
// tagfilter extension escapes the tags GFM names as dangerous.
#pragma once

#include <string>
#include <string_view>

namespace drux {

// GitHub-flavoured Markdown (tables, strikethrough, autolinks) as safe HTML.
std::string RenderMarkdownHtml(std::string_view markdown);

}  // namespace drux

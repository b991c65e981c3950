// The versioned prompt templates in prompts/ (synthesis-v1.md, ...): found at run time, so
// an edited prompt takes effect without a rebuild, and compiled in, so an installed binary
// has them without the repository.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace drux {

// The built-in prompts, by file name in prompts/.
inline constexpr std::string_view kSynthesisPrompt = "synthesis-v1.md";
inline constexpr std::string_view kSynthesisPointsPrompt = "synthesis-points-v1.md";
inline constexpr std::string_view kRoundPrompt = "moa-round-v1.md";

struct PromptTemplate {
  std::string version;  // the file's name without extension: "synthesis-v1"
  std::string text;     // the template, its leading <!-- comment --> removed
  std::string source;   // where it was read: a path, or "built in"
};

// The template of a built-in prompt (file_name as above), or of override_path when it is
// not empty. A built-in prompt is read from the first of <executable>/../share/drux/prompts,
// the source tree's prompts/ and the copy compiled in. Fails when override_path cannot be
// read, or when the template lacks one of the required placeholders ("{{answers}}"),
// naming the file.
Expected<PromptTemplate> LoadPrompt(std::string_view file_name, const std::string& override_path,
                                    const std::vector<std::string>& required = {});

// template_text with each {{name}} replaced by values[name] in one pass: values are never
// scanned for placeholders themselves, so model text cannot inject one. Unknown
// placeholders are left as they are.
std::string RenderPrompt(std::string_view template_text,
                         const std::map<std::string, std::string>& values);

}  // namespace drux

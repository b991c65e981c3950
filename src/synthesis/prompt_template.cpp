#include "synthesis/prompt_template.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "synthesis/embedded_prompts.h"

namespace drux {
namespace {

namespace fs = std::filesystem;

std::optional<std::string> ReadFile(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return std::nullopt;
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

fs::path ExecutableDirectory() {
  std::error_code error;
  const fs::path executable = fs::read_symlink("/proc/self/exe", error);
  return error ? fs::path() : executable.parent_path();
}

// The comment heading a prompt file is for its maintainers, not for the model.
std::string WithoutLeadingComment(std::string text) {
  if (text.starts_with("<!--")) {
    const std::size_t end = text.find("-->");
    if (end != std::string::npos) text.erase(0, text.find_first_not_of("\r\n", end + 3));
  }
  return text;
}

}  // namespace

Expected<PromptTemplate> LoadPrompt(std::string_view file_name, const std::string& override_path,
                                    const std::vector<std::string>& required) {
  PromptTemplate prompt;
  std::optional<std::string> text;
  if (!override_path.empty()) {
    text = ReadFile(override_path);
    if (!text) {
      return MakeError(ErrorCode::kConfig, "Cannot read the prompt file " + override_path +
                                               " named in the configuration's [synthesis].");
    }
    prompt.version = fs::path(override_path).stem().string();
    prompt.source = override_path;
  } else {
    prompt.version = fs::path(file_name).stem().string();
    const fs::path executable_directory = ExecutableDirectory();
    std::vector<fs::path> candidates = {fs::path(DRUX_SOURCE_PROMPTS_DIR) / file_name};
    if (!executable_directory.empty()) {
      candidates.insert(candidates.begin(),
                        executable_directory / ".." / "share" / "drux" / "prompts" / file_name);
    }
    for (const fs::path& candidate : candidates) {
      if ((text = ReadFile(candidate))) {
        prompt.source = candidate.lexically_normal().string();
        break;
      }
    }
    if (!text) {
      const std::optional<std::string_view> embedded = EmbeddedPrompt(file_name);
      if (!embedded) {
        return MakeError(ErrorCode::kInternal,
                         "No prompt named " + std::string(file_name) + " is built in.");
      }
      text = std::string(*embedded);
      prompt.source = "built in";
    }
  }
  prompt.text = WithoutLeadingComment(std::move(*text));
  for (const std::string& name : required) {
    if (prompt.text.find("{{" + name + "}}") == std::string::npos) {
      return MakeError(ErrorCode::kConfig, "The prompt " + prompt.source +
                                               " lacks the placeholder {{" + name +
                                               "}}; see docs/synthesis.md.");
    }
  }
  return prompt;
}

std::string RenderPrompt(std::string_view template_text,
                         const std::map<std::string, std::string>& values) {
  std::string out;
  out.reserve(template_text.size());
  std::size_t at = 0;
  while (at < template_text.size()) {
    const std::size_t open = template_text.find("{{", at);
    const std::size_t close =
        open == std::string_view::npos ? open : template_text.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    out.append(template_text.substr(at, open - at));
    const auto value = values.find(std::string(template_text.substr(open + 2, close - open - 2)));
    if (value != values.end()) {
      out += value->second;
    } else {
      out.append(template_text.substr(open, close + 2 - open));
    }
    at = close + 2;
  }
  out.append(template_text.substr(std::min(at, template_text.size())));
  return out;
}

}  // namespace drux

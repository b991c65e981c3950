// The prompts of prompts/, compiled into the binary by CMake (embedded_prompts.cpp is
// generated into the build directory from the files).
#pragma once

#include <optional>
#include <string_view>

namespace drux {

// The text of the prompt file file_name ("synthesis-v1.md") as it was at build time, or
// nullopt when no such file was built in.
std::optional<std::string_view> EmbeddedPrompt(std::string_view file_name);

}  // namespace drux

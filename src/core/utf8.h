// UTF-8 helpers. Model output is untrusted bytes; everything Drux stores or prints is
// valid UTF-8.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace drux {

// The byte offset of the first invalid UTF-8 sequence, or nullopt when text is valid.
std::optional<std::size_t> FindInvalidUtf8(std::string_view text);

// text with each invalid sequence replaced by U+FFFD.
std::string SanitizeUtf8(std::string_view text);

// The length of the longest prefix of text that does not end inside a multi-byte
// sequence; lets a stream emit whole characters only.
std::size_t CompleteUtf8Prefix(std::string_view text);

}  // namespace drux

// SHA-256 of model files. Keeps OpenSSL out of every other file.
#pragma once

#include <atomic>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/error.h"

namespace drux {

// The SHA-256 of the file at path as 64 lower-case hex digits. kCancelled when cancel (may
// be null) is raised meanwhile; kInternal when the file cannot be read.
Expected<std::string> Sha256OfFile(const std::filesystem::path& path,
                                   const std::atomic<bool>* cancel = nullptr);

// Whether text is 64 hex digits, so could be a SHA-256.
bool LooksLikeSha256(std::string_view text);

// A hex digest in lower case, the spelling Sha256OfFile returns, so digests compare as
// strings whoever wrote them.
std::string CanonicalSha256(std::string_view hex);

}  // namespace drux

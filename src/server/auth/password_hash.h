// Passwords are kept only as libsodium argon2id strings (salt and parameters included), at
// libsodium's "interactive" cost: about 64 MiB and a fraction of a second per hash.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/error.h"

namespace drux {

inline constexpr std::size_t kMinPasswordBytes = 8;
inline constexpr std::size_t kMaxPasswordBytes = 1024;

// kInvalidArgument, saying the allowed range, unless the password has 8 to 1024 bytes.
Expected<void> CheckPasswordLength(std::string_view password);

// The argon2id hash string of a password (a new random salt every time). kInvalidArgument
// for a password of the wrong length, kInternal when libsodium cannot hash (out of memory).
// Safe to call from several threads at once.
Expected<std::string> HashPassword(std::string_view password);

// Whether the password matches a hash made by HashPassword. False for a wrong password, a
// password of the wrong length or a malformed hash; never reports which.
bool VerifyPassword(std::string_view password, const std::string& hash);

}  // namespace drux

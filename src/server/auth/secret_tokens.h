// Secrets handed to clients (session cookies, CSRF tokens, API tokens): how they are made,
// how they are stored (only as a hash) and how they are compared (in constant time).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace drux {

// The bytes of randomness in a secret token: 256 bits, beyond guessing.
inline constexpr std::size_t kSecretTokenBytes = 32;

// `bytes` random bytes from the system's CSPRNG as unpadded base64url (letters, digits,
// '-' and '_'), safe in URLs, cookies and headers.
std::string RandomUrlSafe(std::size_t bytes);

// A new secret token: RandomUrlSafe(kSecretTokenBytes), 43 characters.
std::string NewSecretToken();

// The SHA-256 of a token as 64 lower-case hex digits: what the store keeps instead of the
// token, so that a copy of the database does not let anyone sign in.
std::string HashSecretToken(std::string_view token);

// Whether two secrets are equal, in time that depends only on their lengths (not on where
// they differ), so a client cannot find a secret byte by byte from response times.
bool SecretsEqual(std::string_view a, std::string_view b);

}  // namespace drux

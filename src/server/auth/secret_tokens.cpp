#include "server/auth/secret_tokens.h"

#include <sodium.h>

#include <vector>

#include "server/auth/sodium_init.h"

namespace drux {

std::string RandomUrlSafe(std::size_t bytes) {
  EnsureSodiumInitialized();
  std::vector<unsigned char> random(bytes);
  randombytes_buf(random.data(), random.size());
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string encoded(sodium_base64_encoded_len(bytes, kVariant), '\0');
  sodium_bin2base64(encoded.data(), encoded.size(), random.data(), random.size(), kVariant);
  encoded.resize(encoded.find('\0'));
  sodium_memzero(random.data(), random.size());
  return encoded;
}

std::string NewSecretToken() {
  return RandomUrlSafe(kSecretTokenBytes);
}

std::string HashSecretToken(std::string_view token) {
  EnsureSodiumInitialized();
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(token.data()), token.size());
  std::string hex(2 * sizeof digest + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), digest, sizeof digest);
  hex.pop_back();
  return hex;
}

bool SecretsEqual(std::string_view a, std::string_view b) {
  // The lengths of our secrets are public (fixed by their format); only content is secret.
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace drux

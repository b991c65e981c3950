#include "server/auth/password_hash.h"

#include <sodium.h>

#include "server/auth/sodium_init.h"

namespace drux {

Expected<void> CheckPasswordLength(std::string_view password) {
  if (password.size() < kMinPasswordBytes) {
    return MakeError(ErrorCode::kInvalidArgument, "The password is too short: use at least " +
                                                      std::to_string(kMinPasswordBytes) +
                                                      " characters.");
  }
  if (password.size() > kMaxPasswordBytes) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        "The password is too long: use at most " + std::to_string(kMaxPasswordBytes) + " bytes.");
  }
  return {};
}

Expected<std::string> HashPassword(std::string_view password) {
  if (auto length = CheckPasswordLength(password); !length) return tl::unexpected(length.error());
  EnsureSodiumInitialized();
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(hash, password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return MakeError(ErrorCode::kInternal,
                     "Could not hash the password: the server is out of memory. Try again later.");
  }
  return std::string(hash);
}

bool VerifyPassword(std::string_view password, const std::string& hash) {
  if (!CheckPasswordLength(password)) return false;
  EnsureSodiumInitialized();
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

}  // namespace drux

#include "models/sha256.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <vector>

namespace drux {
namespace {

struct DigestContextDeleter {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};

std::string Hex(const unsigned char* bytes, unsigned int length) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kDigits[bytes[i] >> 4];
    hex += kDigits[bytes[i] & 0xF];
  }
  return hex;
}

}  // namespace

Expected<std::string> Sha256OfFile(const std::filesystem::path& path,
                                   const std::atomic<bool>* cancel) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return MakeError(ErrorCode::kInternal, "cannot read " + path.string() +
                                               " to check its SHA-256: " + std::strerror(errno));
  }
  const std::unique_ptr<EVP_MD_CTX, DigestContextDeleter> context(EVP_MD_CTX_new());
  if (!context || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1) {
    return MakeError(ErrorCode::kInternal, "OpenSSL could not start a SHA-256 digest");
  }
  std::vector<char> buffer(1 << 20);
  while (file) {
    if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
      return MakeError(ErrorCode::kCancelled,
                       "checking the SHA-256 of " + path.string() + " was cancelled");
    }
    file.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    if (EVP_DigestUpdate(context.get(), buffer.data(), static_cast<std::size_t>(file.gcount())) !=
        1) {
      return MakeError(ErrorCode::kInternal, "OpenSSL failed while computing a SHA-256");
    }
  }
  if (file.bad()) {
    return MakeError(ErrorCode::kInternal,
                     "reading " + path.string() + " failed while checking its SHA-256");
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(context.get(), digest, &length) != 1) {
    return MakeError(ErrorCode::kInternal, "OpenSSL failed while computing a SHA-256");
  }
  return Hex(digest, length);
}

bool LooksLikeSha256(std::string_view text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return std::isxdigit(static_cast<unsigned char>(c)) != 0;
         });
}

std::string CanonicalSha256(std::string_view hex) {
  std::string lower(hex);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

}  // namespace drux

#include "server/auth/secret_tokens.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace drux {
namespace {

bool IsUrlSafe(const std::string& text) {
  for (const char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

TEST(SecretTokensTest, TokensAreUrlSafeAndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const std::string token = NewSecretToken();
    EXPECT_EQ(token.size(), 43u);  // 32 bytes in unpadded base64
    EXPECT_TRUE(IsUrlSafe(token)) << token;
    seen.insert(token);
  }
  EXPECT_EQ(seen.size(), 200u);
  EXPECT_EQ(RandomUrlSafe(16).size(), 22u);
}

TEST(SecretTokensTest, HashIsSha256Hex) {
  // The SHA-256 test vector of "abc" (FIPS 180-2).
  EXPECT_EQ(HashSecretToken("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const std::string token = NewSecretToken();
  EXPECT_EQ(HashSecretToken(token), HashSecretToken(token));
  EXPECT_NE(HashSecretToken(token), HashSecretToken(token + "x"));
}

TEST(SecretTokensTest, SecretsEqualComparesWholeValues) {
  EXPECT_TRUE(SecretsEqual("abcdef", "abcdef"));
  EXPECT_TRUE(SecretsEqual("", ""));
  EXPECT_FALSE(SecretsEqual("abcdef", "abcdeg"));
  EXPECT_FALSE(SecretsEqual("abcdef", "abcde"));
  EXPECT_FALSE(SecretsEqual("abcdef", ""));
}

}  // namespace
}  // namespace drux

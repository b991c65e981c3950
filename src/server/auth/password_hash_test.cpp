#include "server/auth/password_hash.h"

#include <gtest/gtest.h>

#include <string>

namespace drux {
namespace {

TEST(PasswordHashTest, HashVerifiesItsPasswordOnly) {
  auto hash = HashPassword("correct horse battery");
  ASSERT_TRUE(hash) << hash.error().message;
  EXPECT_TRUE(hash->starts_with("$argon2id$")) << *hash;
  EXPECT_EQ(hash->find("correct horse"), std::string::npos);
  EXPECT_TRUE(VerifyPassword("correct horse battery", *hash));
  EXPECT_FALSE(VerifyPassword("correct horse batterx", *hash));
  EXPECT_FALSE(VerifyPassword("", *hash));
}

TEST(PasswordHashTest, SaltsEveryHash) {
  auto first = HashPassword("same password");
  auto second = HashPassword("same password");
  ASSERT_TRUE(first && second);
  EXPECT_NE(*first, *second);
  EXPECT_TRUE(VerifyPassword("same password", *second));
}

TEST(PasswordHashTest, RejectsPasswordsOutsideTheAllowedLength) {
  auto too_short = HashPassword("1234567");
  ASSERT_FALSE(too_short);
  EXPECT_EQ(too_short.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(too_short.error().message.find("at least 8"), std::string::npos);

  auto too_long = HashPassword(std::string(kMaxPasswordBytes + 1, 'x'));
  ASSERT_FALSE(too_long);
  EXPECT_EQ(too_long.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(too_long.error().message.find("at most 1024"), std::string::npos);

  EXPECT_TRUE(HashPassword(std::string(kMinPasswordBytes, 'x')));
  EXPECT_TRUE(HashPassword(std::string(kMaxPasswordBytes, 'x')));
}

TEST(PasswordHashTest, MalformedHashNeverVerifies) {
  EXPECT_FALSE(VerifyPassword("long enough password", ""));
  EXPECT_FALSE(VerifyPassword("long enough password", "$argon2id$garbage"));
  EXPECT_FALSE(VerifyPassword("long enough password", "long enough password"));
}

}  // namespace
}  // namespace drux

#include "server/auth/accounts.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "server/auth/secret_tokens.h"
#include "server/auth/temp_store_for_test.h"

namespace drux {
namespace {

constexpr const char* kPassword = "correct horse battery";
constexpr std::int64_t kDay = 24 * 3600;

class AccountsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(temp_.ok()); }

  Accounts MakeAccounts(std::set<std::string> premium_emails = {}) {
    AccountsOptions options;
    options.session_ttl_seconds = 30 * kDay;
    options.premium_emails = std::move(premium_emails);
    options.clock = [this] { return now_; };
    return Accounts(temp_.store(), std::move(options));
  }

  TempStore temp_;
  std::int64_t now_ = 1'790'000'000;
};

TEST_F(AccountsTest, SignUpNormalizesEmailAndStartsASession) {
  Accounts accounts = MakeAccounts();
  auto session = accounts.SignUp("  Ada@Example.COM ", kPassword);
  ASSERT_TRUE(session) << session.error().message;
  EXPECT_EQ(session->user.email, "ada@example.com");
  EXPECT_EQ(session->user.tier, Tier::kFree);
  EXPECT_TRUE(session->user.password_hash.empty());
  EXPECT_EQ(session->expires_at, now_ + 30 * kDay);
  EXPECT_NE(session->token, session->csrf_token);

  auto auth = accounts.AuthenticateSession(session->token);
  ASSERT_TRUE(auth);
  ASSERT_TRUE(auth->has_value());
  EXPECT_EQ((*auth)->user.id, session->user.id);
  EXPECT_EQ((*auth)->session.csrf_token, session->csrf_token);
  EXPECT_TRUE((*auth)->user.password_hash.empty());

  auto stored = temp_.store().FindUserByEmail("ada@example.com");
  ASSERT_TRUE(stored && *stored);
  EXPECT_TRUE((*stored)->password_hash.starts_with("$argon2id$"));
}

TEST_F(AccountsTest, SignUpRejectsBadInputAndTakenEmails) {
  Accounts accounts = MakeAccounts();
  for (const char* email : {"", "ada", "@example.com", "ada@", "ada@example", "a b@example.com",
                            "ada@@example.com", "ada@example..com", "ada@.example.com"}) {
    auto bad = accounts.SignUp(email, kPassword);
    ASSERT_FALSE(bad) << email;
    EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument) << email;
  }
  auto too_long = accounts.SignUp(std::string(250, 'a') + "@example.com", kPassword);
  ASSERT_FALSE(too_long);
  EXPECT_EQ(too_long.error().code, ErrorCode::kInvalidArgument);

  auto short_password = accounts.SignUp("ada@example.com", "short");
  ASSERT_FALSE(short_password);
  EXPECT_EQ(short_password.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(short_password.error().message.find("at least 8"), std::string::npos);

  ASSERT_TRUE(accounts.SignUp("ada@example.com", kPassword));
  auto taken = accounts.SignUp("ADA@example.com", "another password");
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().code, ErrorCode::kAlreadyExists);
}

TEST_F(AccountsTest, WrongPasswordAndUnknownEmailGetTheSameError) {
  Accounts accounts = MakeAccounts();
  ASSERT_TRUE(accounts.SignUp("ada@example.com", kPassword));

  auto wrong_password = accounts.SignIn("ada@example.com", "not the password", "");
  ASSERT_FALSE(wrong_password);
  EXPECT_EQ(wrong_password.error().code, ErrorCode::kUnauthenticated);

  auto unknown_email = accounts.SignIn("bob@example.com", kPassword, "");
  ASSERT_FALSE(unknown_email);
  EXPECT_EQ(unknown_email.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(unknown_email.error().message, wrong_password.error().message);

  auto malformed_email = accounts.SignIn("not an email", kPassword, "");
  ASSERT_FALSE(malformed_email);
  EXPECT_EQ(malformed_email.error().message, wrong_password.error().message);

  auto signed_in = accounts.SignIn(" ADA@example.com", kPassword, "");
  ASSERT_TRUE(signed_in) << signed_in.error().message;
  EXPECT_EQ(signed_in->user.email, "ada@example.com");
}

TEST_F(AccountsTest, SignInNeverPromotesAPresentedToken) {
  Accounts accounts = MakeAccounts();
  auto first = accounts.SignUp("ada@example.com", kPassword);
  ASSERT_TRUE(first);

  auto second = accounts.SignIn("ada@example.com", kPassword, first->token);
  ASSERT_TRUE(second);
  EXPECT_NE(second->token, first->token);
  EXPECT_NE(second->csrf_token, first->csrf_token);
  auto old_session = accounts.AuthenticateSession(first->token);
  ASSERT_TRUE(old_session);
  EXPECT_FALSE(old_session->has_value());
  auto new_session = accounts.AuthenticateSession(second->token);
  ASSERT_TRUE(new_session);
  EXPECT_TRUE(new_session->has_value());

  // A token an attacker made up and planted is simply not a session, before or after.
  const std::string planted = NewSecretToken();
  auto third = accounts.SignIn("ada@example.com", kPassword, planted);
  ASSERT_TRUE(third);
  EXPECT_NE(third->token, planted);
  EXPECT_FALSE(accounts.AuthenticateSession(planted)->has_value());
}

TEST_F(AccountsTest, SignOutDeletesTheSession) {
  Accounts accounts = MakeAccounts();
  auto session = accounts.SignUp("ada@example.com", kPassword);
  ASSERT_TRUE(session);
  ASSERT_TRUE(accounts.SignOut(session->token));
  EXPECT_FALSE(accounts.AuthenticateSession(session->token)->has_value());
  auto stored = temp_.store().FindSession(HashSecretToken(session->token));
  ASSERT_TRUE(stored);
  EXPECT_FALSE(stored->has_value());
  EXPECT_TRUE(accounts.SignOut(session->token));  // twice is fine
  EXPECT_TRUE(accounts.SignOut(""));
}

TEST_F(AccountsTest, SessionsExpire) {
  Accounts accounts = MakeAccounts();
  auto session = accounts.SignUp("ada@example.com", kPassword);
  ASSERT_TRUE(session);
  now_ += 30 * kDay - 1;
  EXPECT_TRUE(accounts.AuthenticateSession(session->token)->has_value());
  now_ += 1;
  EXPECT_FALSE(accounts.AuthenticateSession(session->token)->has_value());
  now_ -= 10;  // an expired session is deleted, not just hidden
  EXPECT_FALSE(accounts.AuthenticateSession(session->token)->has_value());
}

TEST_F(AccountsTest, UnknownSessionTokensAuthenticateNobody) {
  Accounts accounts = MakeAccounts();
  EXPECT_FALSE(accounts.AuthenticateSession("")->has_value());
  EXPECT_FALSE(accounts.AuthenticateSession(NewSecretToken())->has_value());
}

TEST_F(AccountsTest, ApiTokensAreStoredOnlyAsHashes) {
  Accounts accounts = MakeAccounts();
  auto session = accounts.SignUp("ada@example.com", kPassword);
  ASSERT_TRUE(session);
  auto token = accounts.CreateApiToken(session->user.id, " laptop script ");
  ASSERT_TRUE(token) << token.error().message;
  EXPECT_TRUE(token->starts_with("drux_"));
  EXPECT_EQ(token->size(), 5u + 43u);

  auto user = accounts.AuthenticateApiToken(*token);
  ASSERT_TRUE(user);
  ASSERT_TRUE(user->has_value());
  EXPECT_EQ((*user)->id, session->user.id);
  EXPECT_TRUE((*user)->password_hash.empty());

  auto stored = temp_.store().FindApiToken(HashSecretToken(*token));
  ASSERT_TRUE(stored && *stored);
  EXPECT_EQ((*stored)->name, "laptop script");
  EXPECT_EQ((*stored)->token_hash, HashSecretToken(*token));
  // Neither the API token nor the session token is anywhere in the database's files; their
  // hashes are.
  const std::string bytes = temp_.AllFileBytes();
  EXPECT_EQ(bytes.find(token->substr(5)), std::string::npos);
  EXPECT_EQ(bytes.find(session->token), std::string::npos);
  EXPECT_EQ(bytes.find(kPassword), std::string::npos);
  EXPECT_NE(bytes.find(HashSecretToken(*token)), std::string::npos);

  EXPECT_FALSE(accounts.AuthenticateApiToken(*token + "x")->has_value());
  EXPECT_FALSE(accounts.AuthenticateApiToken(token->substr(5))->has_value());
  EXPECT_FALSE(accounts.AuthenticateApiToken("")->has_value());
  // A session token is not an API token.
  EXPECT_FALSE(accounts.AuthenticateApiToken(session->token)->has_value());
}

TEST_F(AccountsTest, ApiTokenNeedsANameAndAUser) {
  Accounts accounts = MakeAccounts();
  auto session = accounts.SignUp("ada@example.com", kPassword);
  ASSERT_TRUE(session);
  EXPECT_EQ(accounts.CreateApiToken(session->user.id, "  ").error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(accounts.CreateApiToken(session->user.id, std::string(101, 'n')).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(accounts.CreateApiToken("no-such-user", "script").error().code, ErrorCode::kNotFound);
}

TEST_F(AccountsTest, PremiumEmailsArePremiumAtSignUpAndSignIn) {
  {
    Accounts before = MakeAccounts();
    ASSERT_TRUE(before.SignUp("early@example.com", kPassword));
  }
  Accounts accounts = MakeAccounts({"VIP@example.com", "early@example.com"});
  auto vip = accounts.SignUp("vip@example.com", kPassword);
  ASSERT_TRUE(vip);
  EXPECT_EQ(vip->user.tier, Tier::kPremium);
  auto regular = accounts.SignUp("regular@example.com", kPassword);
  ASSERT_TRUE(regular);
  EXPECT_EQ(regular->user.tier, Tier::kFree);

  // An account made before its email was listed becomes premium when it signs in.
  auto early = accounts.SignIn("early@example.com", kPassword, "");
  ASSERT_TRUE(early);
  EXPECT_EQ(early->user.tier, Tier::kPremium);
  auto stored = temp_.store().FindUserByEmail("early@example.com");
  ASSERT_TRUE(stored && *stored);
  EXPECT_EQ((*stored)->tier, Tier::kPremium);
}

TEST_F(AccountsTest, SetTierChangesTheAccount) {
  Accounts accounts = MakeAccounts();
  auto session = accounts.SignUp("ada@example.com", kPassword);
  ASSERT_TRUE(session);
  ASSERT_TRUE(accounts.SetTier(" Ada@example.com", Tier::kPremium));
  EXPECT_EQ((*accounts.AuthenticateSession(session->token))->user.tier, Tier::kPremium);
  ASSERT_TRUE(accounts.SetTier("ada@example.com", Tier::kFree));
  EXPECT_EQ((*accounts.AuthenticateSession(session->token))->user.tier, Tier::kFree);
  EXPECT_EQ(accounts.SetTier("bob@example.com", Tier::kPremium).error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace drux

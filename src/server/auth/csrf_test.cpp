#include "server/auth/csrf.h"

#include <gtest/gtest.h>

#include <string>

namespace drux {
namespace {

TEST(CsrfTest, SafeMethodsNeedNoToken) {
  for (const char* method : {"GET", "HEAD", "OPTIONS"}) {
    EXPECT_TRUE(PassesCsrfCheck({method, RequestAuth::kAnonymous, "", "", ""})) << method;
    EXPECT_TRUE(PassesCsrfCheck({method, RequestAuth::kSessionCookie, "session", "", ""}));
  }
}

TEST(CsrfTest, BearerRequestsNeedNoToken) {
  EXPECT_TRUE(PassesCsrfCheck({"POST", RequestAuth::kBearerToken, "", "", ""}));
  EXPECT_TRUE(PassesCsrfCheck({"DELETE", RequestAuth::kBearerToken, "", "", ""}));
}

TEST(CsrfTest, SessionPostNeedsTheSessionsToken) {
  const std::string session_token = NewAnonymousCsrfToken();
  EXPECT_TRUE(
      PassesCsrfCheck({"POST", RequestAuth::kSessionCookie, session_token, "", session_token}));
  EXPECT_FALSE(PassesCsrfCheck({"POST", RequestAuth::kSessionCookie, session_token, "", ""}));
  EXPECT_FALSE(PassesCsrfCheck(
      {"POST", RequestAuth::kSessionCookie, session_token, "", session_token + "x"}));
  // A signed-in browser cannot fall back to the anonymous double-submit cookie.
  const std::string cookie = NewAnonymousCsrfToken();
  EXPECT_FALSE(
      PassesCsrfCheck({"POST", RequestAuth::kSessionCookie, session_token, cookie, cookie}));
  // A session without a token never passes, even with an empty header.
  EXPECT_FALSE(PassesCsrfCheck({"POST", RequestAuth::kSessionCookie, "", "", ""}));
}

TEST(CsrfTest, AnonymousPostUsesDoubleSubmitCookie) {
  const std::string cookie = NewAnonymousCsrfToken();
  EXPECT_TRUE(PassesCsrfCheck({"POST", RequestAuth::kAnonymous, "", cookie, cookie}));
  EXPECT_FALSE(PassesCsrfCheck({"POST", RequestAuth::kAnonymous, "", cookie, ""}));
  EXPECT_FALSE(PassesCsrfCheck({"POST", RequestAuth::kAnonymous, "", "", cookie}));
  EXPECT_FALSE(PassesCsrfCheck({"POST", RequestAuth::kAnonymous, "", "", ""}));
  EXPECT_FALSE(
      PassesCsrfCheck({"POST", RequestAuth::kAnonymous, "", cookie, NewAnonymousCsrfToken()}));
}

TEST(CsrfTest, OtherMethodsAreStateChanging) {
  for (const char* method : {"PUT", "PATCH", "DELETE", "get", "BREW"}) {
    EXPECT_FALSE(PassesCsrfCheck({method, RequestAuth::kAnonymous, "", "", ""})) << method;
  }
}

TEST(CsrfTest, AnonymousTokensAreFreshAndUrlSafe) {
  const std::string first = NewAnonymousCsrfToken();
  EXPECT_EQ(first.size(), 43u);
  EXPECT_EQ(
      first.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"),
      std::string::npos);
  EXPECT_NE(first, NewAnonymousCsrfToken());
}

}  // namespace
}  // namespace drux

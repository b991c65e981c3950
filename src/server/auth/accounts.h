// User accounts of the web server: sign up, sign in and out with a session cookie, API
// tokens for scripts, and tiers. Secrets reach the store only as hashes (argon2id for
// passwords, SHA-256 for tokens); a new token is returned once, to its owner, and password
// hashes are never returned at all (every User this class returns has an empty
// password_hash).
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "core/error.h"
#include "store/store.h"

namespace drux {

struct AccountsOptions {
  // How long a session lasts after sign-up or sign-in.
  std::int64_t session_ttl_seconds = 30 * 24 * 3600;
  // Accounts with these emails are premium (`--premium-email`). Applied when the account
  // signs up, signs in or authenticates a session; never downgrades. Compared after the
  // same trimming and lower-casing as sign-up.
  std::set<std::string> premium_emails;
  // The time as Unix seconds; empty reads the system clock. Tests pass their own.
  std::function<std::int64_t()> clock;
};

// What the server hands to a browser that signed up or in.
struct NewSession {
  std::string token;       // the `drux_session` cookie's value; the store keeps its hash only
  std::string csrf_token;  // to send back in X-CSRF-Token
  User user;
  std::int64_t expires_at = 0;  // Unix seconds; the cookie's Expires
};

// A request authenticated by its session cookie.
struct SessionAuth {
  User user;
  Session session;  // session.csrf_token is the token the request's X-CSRF-Token must equal
};

// Safe to call from several threads at once (the Store is).
class Accounts {
 public:
  // store must outlive this object.
  Accounts(Store& store, AccountsOptions options);

  // Creates an account and signs it in. The email is trimmed and lower-cased.
  // kInvalidArgument for a malformed email (or one over 254 bytes) or a password outside
  // 8..1024 bytes; kAlreadyExists for a taken email.
  Expected<NewSession> SignUp(std::string_view email, std::string_view password);

  // Signs in with a brand-new session; the previous session token, when one is presented
  // (non-empty), is deleted on success, so a token planted before sign-in is never
  // promoted. kUnauthenticated, with one message and about the same time, for an unknown
  // email and for a wrong password.
  Expected<NewSession> SignIn(std::string_view email, std::string_view password,
                              std::string_view previous_session_token);

  // Deletes the session of this cookie token. Ok when there is no such session.
  Expected<void> SignOut(std::string_view session_token);

  // The user and session of a `drux_session` cookie token; empty for an unknown or expired
  // token (an expired session is deleted) or a deleted user.
  Expected<std::optional<SessionAuth>> AuthenticateSession(std::string_view session_token);

  // The user of an `Authorization: Bearer` API token; empty for an unknown token.
  Expected<std::optional<User>> AuthenticateApiToken(std::string_view api_token);

  // A new API token ("drux_" + 43 random characters) for the user, named for the user's
  // own reference. Returned once; the store keeps its hash only. kInvalidArgument for an
  // empty name or one over 100 bytes, kNotFound for an unknown user.
  Expected<std::string> CreateApiToken(const std::string& user_id, std::string_view name);

  // Sets the tier of the account with this email (`drux users set-tier`). kNotFound when
  // no account has it.
  Expected<void> SetTier(std::string_view email, Tier tier);

 private:
  std::int64_t Now() const;
  Expected<NewSession> StartSession(User user);
  Expected<void> ApplyPremiumEmails(User& user);
  const std::string& DummyPasswordHash();

  Store& store_;
  AccountsOptions options_;
  std::once_flag dummy_hash_once_;
  std::string dummy_hash_;
};

// An email as accounts store it: trimmed of surrounding whitespace and lower-cased, or
// kInvalidArgument when it is not of the form name@domain.tld or is over 254 bytes.
Expected<std::string> NormalizeAccountEmail(std::string_view email);

}  // namespace drux

#include "server/auth/accounts.h"

#include <algorithm>
#include <chrono>

#include "server/auth/password_hash.h"
#include "server/auth/secret_tokens.h"

namespace drux {
namespace {

constexpr std::size_t kMaxEmailBytes = 254;
constexpr std::size_t kMaxEmailLocalBytes = 64;
constexpr std::size_t kMaxApiTokenNameBytes = 100;
constexpr std::string_view kApiTokenPrefix = "drux_";
constexpr std::string_view kWhitespace = " \t\r\n\f\v";
// Random, so that nobody knows a password that matches it.
constexpr std::size_t kDummyPasswordBytes = 24;

constexpr const char* kWrongCredentials =
    "The email or the password is wrong. Check both and try again.";

std::string_view Trim(std::string_view text) {
  const auto first = text.find_first_not_of(kWhitespace);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kWhitespace) - first + 1);
}

bool IsAllowedEmailByte(unsigned char c) {
  // No spaces, controls or the characters that delimit addresses in headers and lists.
  return c > 0x20 && c != 0x7f && c != '<' && c != '>' && c != '"' && c != ',' && c != ';' &&
         c != '(' && c != ')' && c != '[' && c != ']' && c != '\\';
}

bool IsValidDomain(std::string_view domain) {
  if (domain.empty() || domain.find('.') == std::string_view::npos) return false;
  if (domain.front() == '.' || domain.back() == '.' || domain.front() == '-') return false;
  return domain.find("..") == std::string_view::npos;
}

User WithoutPasswordHash(User user) {
  user.password_hash.clear();
  return user;
}

}  // namespace

Expected<std::string> NormalizeAccountEmail(std::string_view email) {
  const std::string_view trimmed = Trim(email);
  if (trimmed.size() > kMaxEmailBytes) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "The email address is too long: at most 254 characters are allowed.");
  }
  std::string normalized;
  normalized.reserve(trimmed.size());
  for (const char c : trimmed) {
    normalized.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  const auto at = normalized.find('@');
  const bool valid_bytes = std::all_of(normalized.begin(), normalized.end(), [](char c) {
    return IsAllowedEmailByte(static_cast<unsigned char>(c));
  });
  if (!valid_bytes || at == std::string::npos || at == 0 || at > kMaxEmailLocalBytes ||
      normalized.find('@', at + 1) != std::string::npos ||
      !IsValidDomain(std::string_view(normalized).substr(at + 1))) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "The email address is not valid. Enter an address like ada@example.com.");
  }
  return normalized;
}

Accounts::Accounts(Store& store, AccountsOptions options)
    : store_(store), options_(std::move(options)) {
  std::set<std::string> premium;
  for (const std::string& email : options_.premium_emails) {
    auto normalized = NormalizeAccountEmail(email);
    premium.insert(normalized ? *normalized : email);
  }
  options_.premium_emails = std::move(premium);
}

std::int64_t Accounts::Now() const {
  if (options_.clock) return options_.clock();
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

const std::string& Accounts::DummyPasswordHash() {
  std::call_once(dummy_hash_once_, [this] {
    auto hash = HashPassword(RandomUrlSafe(kDummyPasswordBytes));
    if (hash) dummy_hash_ = std::move(*hash);
  });
  return dummy_hash_;
}

Expected<void> Accounts::ApplyPremiumEmails(User& user) {
  if (user.tier == Tier::kPremium || !options_.premium_emails.contains(user.email)) return {};
  if (auto set = store_.SetUserTier(user.id, Tier::kPremium); !set) return set;
  user.tier = Tier::kPremium;
  return {};
}

Expected<NewSession> Accounts::StartSession(User user) {
  NewSession started;
  started.token = NewSecretToken();
  started.csrf_token = NewSecretToken();
  started.expires_at = Now() + options_.session_ttl_seconds;
  const Session session{HashSecretToken(started.token), user.id, started.csrf_token,
                        started.expires_at};
  if (auto created = store_.CreateSession(session); !created) {
    return tl::unexpected(created.error());
  }
  started.user = WithoutPasswordHash(std::move(user));
  return started;
}

Expected<NewSession> Accounts::SignUp(std::string_view email, std::string_view password) {
  auto normalized = NormalizeAccountEmail(email);
  if (!normalized) return tl::unexpected(normalized.error());
  if (auto length = CheckPasswordLength(password); !length) return tl::unexpected(length.error());
  const auto taken = [] {
    return MakeError(ErrorCode::kAlreadyExists,
                     "An account with this email exists already. Sign in instead.");
  };
  auto existing = store_.FindUserByEmail(*normalized);
  if (!existing) return tl::unexpected(existing.error());
  if (*existing) return taken();

  auto hash = HashPassword(password);
  if (!hash) return tl::unexpected(hash.error());
  User user;
  user.id = RandomUrlSafe(16);
  user.email = *normalized;
  user.password_hash = std::move(*hash);
  user.tier = options_.premium_emails.contains(user.email) ? Tier::kPremium : Tier::kFree;
  user.created_at = Now();
  if (auto created = store_.CreateUser(user); !created) {
    // Another sign-up with the same email may have won the race since the check above.
    auto raced = store_.FindUserByEmail(user.email);
    if (raced && *raced) return taken();
    return tl::unexpected(created.error());
  }
  return StartSession(std::move(user));
}

Expected<NewSession> Accounts::SignIn(std::string_view email, std::string_view password,
                                      std::string_view previous_session_token) {
  std::optional<User> user;
  if (auto normalized = NormalizeAccountEmail(email)) {
    auto found = store_.FindUserByEmail(*normalized);
    if (!found) return tl::unexpected(found.error());
    user = std::move(*found);
  }
  // An unknown email costs one argon2id verification too, so response times do not tell
  // which emails have accounts.
  if (!user) {
    VerifyPassword(password, DummyPasswordHash());
    return MakeError(ErrorCode::kUnauthenticated, kWrongCredentials);
  }
  if (!VerifyPassword(password, user->password_hash)) {
    return MakeError(ErrorCode::kUnauthenticated, kWrongCredentials);
  }

  if (auto premium = ApplyPremiumEmails(*user); !premium) return tl::unexpected(premium.error());
  if (!previous_session_token.empty()) {
    if (auto signed_out = SignOut(previous_session_token); !signed_out) {
      return tl::unexpected(signed_out.error());
    }
  }
  return StartSession(std::move(*user));
}

Expected<void> Accounts::SignOut(std::string_view session_token) {
  if (session_token.empty()) return {};
  auto deleted = store_.DeleteSession(HashSecretToken(session_token));
  if (!deleted && deleted.error().code != ErrorCode::kNotFound) return deleted;
  return {};
}

Expected<std::optional<SessionAuth>> Accounts::AuthenticateSession(std::string_view session_token) {
  if (session_token.empty()) return std::nullopt;
  const std::string token_hash = HashSecretToken(session_token);
  auto session = store_.FindSession(token_hash);
  if (!session) return tl::unexpected(session.error());
  if (!*session) return std::nullopt;
  if ((*session)->expires_at <= Now()) {
    if (auto deleted = store_.DeleteSession(token_hash); !deleted) {
      return tl::unexpected(deleted.error());
    }
    return std::nullopt;
  }
  auto user = store_.FindUserById((*session)->user_id);
  if (!user) return tl::unexpected(user.error());
  if (!*user) return std::nullopt;
  if (auto premium = ApplyPremiumEmails(**user); !premium) return tl::unexpected(premium.error());
  return SessionAuth{WithoutPasswordHash(std::move(**user)), std::move(**session)};
}

Expected<std::optional<User>> Accounts::AuthenticateApiToken(std::string_view api_token) {
  if (!api_token.starts_with(kApiTokenPrefix)) return std::nullopt;
  auto token = store_.FindApiToken(HashSecretToken(api_token));
  if (!token) return tl::unexpected(token.error());
  if (!*token) return std::nullopt;
  auto user = store_.FindUserById((*token)->user_id);
  if (!user) return tl::unexpected(user.error());
  if (!*user) return std::nullopt;
  if (auto premium = ApplyPremiumEmails(**user); !premium) return tl::unexpected(premium.error());
  return WithoutPasswordHash(std::move(**user));
}

Expected<std::string> Accounts::CreateApiToken(const std::string& user_id, std::string_view name) {
  const std::string_view trimmed = Trim(name);
  if (trimmed.empty() || trimmed.size() > kMaxApiTokenNameBytes) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "Give the API token a name of 1 to 100 characters, e.g. \"laptop script\".");
  }
  auto user = store_.FindUserById(user_id);
  if (!user) return tl::unexpected(user.error());
  if (!*user) {
    return MakeError(ErrorCode::kNotFound,
                     "The account no longer exists, so no API token was created. Sign in again.");
  }
  std::string token = std::string(kApiTokenPrefix) + NewSecretToken();
  const ApiToken stored{HashSecretToken(token), user_id, std::string(trimmed), Now()};
  if (auto created = store_.CreateApiToken(stored); !created) {
    return tl::unexpected(created.error());
  }
  return token;
}

Expected<void> Accounts::SetTier(std::string_view email, Tier tier) {
  auto normalized = NormalizeAccountEmail(email);
  if (!normalized) return tl::unexpected(normalized.error());
  auto user = store_.FindUserByEmail(*normalized);
  if (!user) return tl::unexpected(user.error());
  if (!*user) {
    return MakeError(ErrorCode::kNotFound, "No account has the email " + *normalized +
                                               ". Check the spelling, or sign up first.");
  }
  return store_.SetUserTier((*user)->id, tier);
}

}  // namespace drux

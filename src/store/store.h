// Where the server keeps what outlives a request: questions with their results and event
// logs, users, sessions, API tokens and daily spend. One interface; SQLite (the embedded
// default) and PostgreSQL implement it, and the same tests run against both.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace drux {

enum class QuestionState {
  kRunning,      // being answered now
  kComplete,     // finished; its result never changes again
  kInterrupted,  // the server stopped before it finished
};

const char* QuestionStateName(QuestionState state);  // "running", "complete", "interrupted"
// The state with that name; nullopt for any other text.
std::optional<QuestionState> QuestionStateFromName(std::string_view name);

struct StoredQuestion {
  std::string id;       // random, URL-safe; the permalink
  std::string user_id;  // empty: asked anonymously
  std::string question;
  std::string panel;
  QuestionState state = QuestionState::kRunning;
  std::string result_json;       // kComplete: the Result as JSON (ResultToJson); else empty
  std::string summary;           // kComplete: the Result's summary line, for history lists
  double score = -1;             // kComplete: the Consensus Score; -1 when there is none
  std::int64_t created_at = 0;   // Unix seconds
  std::int64_t finished_at = 0;  // Unix seconds; 0 while running
};

// One Server-Sent Event of a question's progress, as sent: seq is its id (1, 2, ...).
struct StoredEvent {
  std::int64_t seq = 0;
  std::string type;  // the SSE event name, e.g. "text", "done", "result"
  std::string data;  // its JSON payload
};

enum class Tier { kFree, kPremium };

const char* TierName(Tier tier);  // "free", "premium"
// The tier with that name; nullopt for any other text.
std::optional<Tier> TierFromName(std::string_view name);

struct User {
  std::string id;
  std::string email;          // stored lower-cased; unique
  std::string password_hash;  // libsodium's argon2id string
  Tier tier = Tier::kFree;
  std::int64_t created_at = 0;
};

struct Session {
  std::string token_hash;  // SHA-256 hex of the cookie's token; the token itself is never stored
  std::string user_id;
  std::string csrf_token;
  std::int64_t expires_at = 0;
};

struct ApiToken {
  std::string token_hash;  // SHA-256 hex of the token; the token itself is never stored
  std::string user_id;
  std::string name;
  std::int64_t created_at = 0;
};

// Every method is safe to call from several threads at once. Errors are kNotFound for a
// missing row where the method says so, kAlreadyExists for a duplicate (an email, an id,
// a token hash), kInvalidArgument for other bad input (a row naming a user that does not
// exist, a malformed day), kConnection when PostgreSQL cannot be reached, kInternal for
// anything else the database reports. Messages name what failed and never contain
// password hashes or tokens.
class Store {
 public:
  virtual ~Store() = default;

  // Questions.
  virtual Expected<void> CreateQuestion(const StoredQuestion& question) = 0;
  // Writes the result and the whole event log and marks the question complete, all in one
  // transaction: a question is either running or completely stored, never half-written.
  // kNotFound for an unknown id; kInvalidArgument when the question is not running (it is
  // complete already, or interrupted): a stored result never changes.
  virtual Expected<void> CompleteQuestion(const std::string& id, const std::string& result_json,
                                          const std::string& summary, double score,
                                          const std::vector<StoredEvent>& events,
                                          std::int64_t finished_at) = 0;
  // kNotFound for an unknown id; kInvalidArgument when the question is not running.
  virtual Expected<void> MarkInterrupted(const std::string& id, std::int64_t finished_at) = 0;
  // At startup: every question still running was cut off by a stop. Returns how many.
  virtual Expected<int> MarkAllRunningInterrupted(std::int64_t finished_at) = 0;
  virtual Expected<std::optional<StoredQuestion>> GetQuestion(const std::string& id) = 0;
  // In seq order; empty for an unknown question or one whose events are not stored yet.
  virtual Expected<std::vector<StoredEvent>> GetEvents(const std::string& id) = 0;
  // The user's questions, newest first (by created_at, then by order of creation), at
  // most limit (kInvalidArgument unless positive), without result_json.
  virtual Expected<std::vector<StoredQuestion>> ListQuestions(const std::string& user_id,
                                                              int limit) = 0;

  // Users. Emails are compared and stored with ASCII letters lower-cased.
  virtual Expected<void> CreateUser(const User& user) = 0;
  virtual Expected<std::optional<User>> FindUserByEmail(const std::string& email) = 0;
  virtual Expected<std::optional<User>> FindUserById(const std::string& id) = 0;
  // kNotFound for an unknown user.
  virtual Expected<void> SetUserTier(const std::string& user_id, Tier tier) = 0;

  // Sessions. FindSession returns a session as stored, expired or not: the caller compares
  // expires_at with its clock. Deleting a missing session is not an error.
  virtual Expected<void> CreateSession(const Session& session) = 0;
  virtual Expected<std::optional<Session>> FindSession(const std::string& token_hash) = 0;
  virtual Expected<void> DeleteSession(const std::string& token_hash) = 0;
  virtual Expected<void> DeleteUserSessions(const std::string& user_id) = 0;
  // Deletes the sessions with expires_at <= now; returns how many.
  virtual Expected<int> DeleteExpiredSessions(std::int64_t now) = 0;

  // API tokens for scripts.
  virtual Expected<void> CreateApiToken(const ApiToken& token) = 0;
  virtual Expected<std::optional<ApiToken>> FindApiToken(const std::string& token_hash) = 0;

  // Spend in US dollars per user per UTC day ("2026-11-29"), for budgets. user_id is any
  // budget key (not checked against users). AddSpend adds to the day's total atomically;
  // usd must be finite and not negative, day must be YYYY-MM-DD (else kInvalidArgument).
  // SpendOn is 0 for a day without spend.
  virtual Expected<void> AddSpend(const std::string& user_id, const std::string& day,
                                  double usd) = 0;
  virtual Expected<double> SpendOn(const std::string& user_id, const std::string& day) = 0;
};

// Opens (creating and migrating as needed) the store at url:
//   PATH or sqlite:PATH               a SQLite file in WAL mode (its directory is created)
//   postgresql://... or postgres://...  a PostgreSQL database (libpqxx); libpq's URL
//                                       parameters pass through, e.g.
//                                       ?options=-csearch_path%3Dmyschema
// A database whose schema is newer than this binary knows is an error naming it.
Expected<std::unique_ptr<Store>> OpenStore(const std::string& url);

}  // namespace drux

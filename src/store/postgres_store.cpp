#include "store/postgres_store.h"

#include <optional>
#include <pqxx/pqxx>

#include "store/migrations.h"
#include "store/postgres_connection_pool.h"
#include "store/store_input.h"

namespace drux {
namespace {

// The first line of a libpqxx message without libpq's "ERROR:  " prefix: DETAIL lines can
// quote a whole failing row, password hash included, so they never reach a message.
std::string PrimaryMessage(const char* what) {
  std::string message(what);
  message = message.substr(0, message.find('\n'));
  for (const char* prefix : {"ERROR:  ", "FATAL:  "}) {
    if (message.starts_with(prefix)) message.erase(0, std::string(prefix).size());
  }
  return message;
}

std::string Text(const pqxx::field& field) {
  return field.is_null() ? "" : field.c_str();
}

// NULL for an empty text: anonymous questions have no user.
const char* NullIfEmpty(const std::string& text) {
  return text.empty() ? nullptr : text.c_str();
}

Expected<StoredQuestion> ReadQuestion(const pqxx::row& row) {
  StoredQuestion question;
  question.id = Text(row[0]);
  question.user_id = Text(row[1]);
  question.question = Text(row[2]);
  question.panel = Text(row[3]);
  const std::string state = Text(row[4]);
  const auto parsed = QuestionStateFromName(state);
  if (!parsed) {
    return MakeError(ErrorCode::kInternal,
                     "question " + question.id + " has an unknown state '" + state + "'");
  }
  question.state = *parsed;
  question.result_json = Text(row[5]);
  question.summary = Text(row[6]);
  question.score = row[7].as<double>();
  question.created_at = row[8].as<std::int64_t>();
  question.finished_at = row[9].as<std::int64_t>();
  return question;
}

Expected<std::optional<User>> ReadUser(const pqxx::result& result) {
  if (result.empty()) return std::nullopt;
  const pqxx::row row = result[0];
  User user;
  user.id = Text(row[0]);
  user.email = Text(row[1]);
  user.password_hash = Text(row[2]);
  const std::string tier = Text(row[3]);
  const auto parsed = TierFromName(tier);
  if (!parsed) {
    return MakeError(ErrorCode::kInternal,
                     "user " + user.id + " has an unknown tier '" + tier + "'");
  }
  user.tier = *parsed;
  user.created_at = row[4].as<std::int64_t>();
  return user;
}

constexpr const char* kSelectUser = "SELECT id, email, password_hash, tier, created_at FROM users";

}  // namespace

std::string RedactPostgresUrl(const std::string& url) {
  std::string redacted = url;
  const auto scheme_end = redacted.find("://");
  if (scheme_end != std::string::npos) {
    const auto authority = scheme_end + 3;
    const auto authority_end = redacted.find_first_of("/?", authority);
    const auto at = redacted.rfind('@', authority_end);
    if (at != std::string::npos && at >= authority) {
      const auto colon = redacted.find(':', authority);
      if (colon < at) redacted.replace(colon + 1, at - colon - 1, "***");
    }
  }
  for (auto key = redacted.find("password="); key != std::string::npos;
       key = redacted.find("password=", key + 1)) {
    const auto value = key + 9;
    const auto end = redacted.find('&', value);
    redacted.replace(value, (end == std::string::npos ? redacted.size() : end) - value, "***");
  }
  return redacted;
}

PostgresStore::PostgresStore(std::string display_url, std::unique_ptr<PostgresConnectionPool> pool)
    : display_url_(std::move(display_url)), pool_(std::move(pool)) {}

PostgresStore::~PostgresStore() = default;

Expected<std::unique_ptr<Store>> PostgresStore::Open(const PostgresStoreOptions& options) {
  if (options.pool_size < 1) {
    return MakeError(ErrorCode::kInvalidArgument, "the PostgreSQL pool size must be positive");
  }
  std::unique_ptr<PostgresStore> store(
      new PostgresStore(RedactPostgresUrl(options.url),
                        std::make_unique<PostgresConnectionPool>(options.url, options.pool_size)));
  if (auto migrated = store->Migrate(); !migrated) return tl::unexpected(migrated.error());
  return std::unique_ptr<Store>(std::move(store));
}

template <typename Body>
auto PostgresStore::Transact(const std::string& action, Body&& body) {
  using Result = decltype(body(std::declval<pqxx::work&>()));
  const auto failure = [&](ErrorCode code, const std::exception& e) -> Result {
    return MakeError(code, "cannot " + action + " in the PostgreSQL store " + display_url_ + ": " +
                               PrimaryMessage(e.what()));
  };
  try {
    // A connection that broke while idle (a server restart) fails at BEGIN, before
    // anything of the call was sent: then the idle connections are closed and the call
    // is retried once on a new one.
    for (int attempt = 1;; ++attempt) {
      auto lease = pool_->Acquire();
      std::optional<pqxx::work> transaction;
      try {
        transaction.emplace(*lease);
      } catch (const pqxx::broken_connection&) {
        lease.Discard();
        if (attempt > 1) throw;
        pool_->DiscardIdle();
        continue;
      }
      try {
        Result result = body(*transaction);
        if (result) transaction->commit();
        return result;
      } catch (const pqxx::broken_connection&) {
        lease.Discard();
        throw;
      }
    }
  } catch (const pqxx::broken_connection& e) {
    return failure(ErrorCode::kConnection, e);
  } catch (const pqxx::unique_violation& e) {
    return failure(ErrorCode::kAlreadyExists, e);
  } catch (const pqxx::integrity_constraint_violation& e) {
    return failure(ErrorCode::kInvalidArgument, e);
  } catch (const std::exception& e) {
    return failure(ErrorCode::kInternal, e);
  }
}

template <typename... Args>
Expected<int> PostgresStore::Execute(const std::string& action, const char* sql,
                                     const Args&... args) {
  return Transact(action, [&](pqxx::work& txn) -> Expected<int> {
    return static_cast<int>(txn.exec_params(sql, args...).affected_rows());
  });
}

Expected<void> PostgresStore::Migrate() {
  return Transact("apply the schema migrations", [&](pqxx::work& txn) -> Expected<void> {
    // Servers starting together wait here for each other; the lock is per schema.
    txn.exec(
        "SELECT pg_advisory_xact_lock(hashtext('drux schema migrations ' || "
        "COALESCE(current_schema(), '')))");
    txn.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
        "description TEXT NOT NULL, "
        "applied_at BIGINT NOT NULL DEFAULT extract(epoch FROM now())::BIGINT)");
    const int current =
        txn.exec1("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")[0].as<int>();
    if (current > LatestSchemaVersion()) {
      return MakeError(ErrorCode::kConfig, NewerSchemaMessage(display_url_, current));
    }
    for (const Migration& migration : StoreMigrations()) {
      if (migration.version <= current) continue;
      txn.exec(migration.postgres_sql);
      txn.exec_params("INSERT INTO schema_migrations (version, description) VALUES ($1, $2)",
                      migration.version, migration.description);
    }
    return {};
  });
}

Expected<void> PostgresStore::CreateQuestion(const StoredQuestion& q) {
  return Execute("create question " + q.id,
                 "INSERT INTO questions (id, user_id, question, panel, state, result_json, "
                 "summary, score, created_at, finished_at) "
                 "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                 q.id, NullIfEmpty(q.user_id), q.question, q.panel, QuestionStateName(q.state),
                 q.result_json, q.summary, q.score, q.created_at, q.finished_at)
      .map([](int) {});
}

namespace {

// The error for an update that matched no running question: kNotFound or kInvalidArgument.
Expected<void> ExplainNotRunning(pqxx::work& txn, const std::string& id, const std::string& action,
                                 const std::string& where) {
  const pqxx::result state = txn.exec_params("SELECT state FROM questions WHERE id = $1", id);
  if (state.empty()) {
    return MakeError(ErrorCode::kNotFound,
                     "cannot " + action + ": no question " + id + " in the store " + where);
  }
  return MakeError(ErrorCode::kInvalidArgument, "cannot " + action + ": question " + id + " is " +
                                                    Text(state[0][0]) +
                                                    ", not running; a stored result never changes");
}

}  // namespace

Expected<void> PostgresStore::CompleteQuestion(const std::string& id,
                                               const std::string& result_json,
                                               const std::string& summary, double score,
                                               const std::vector<StoredEvent>& events,
                                               std::int64_t finished_at) {
  const std::string action = "complete question " + id;
  if (auto ok = CheckEvents(id, events); !ok) return ok;
  return Transact(action, [&](pqxx::work& txn) -> Expected<void> {
    // The row lock taken here makes a concurrent second completion wait, then match nothing.
    const auto updated = txn.exec_params(
        "UPDATE questions SET state = 'complete', result_json = $2, summary = $3, score = $4, "
        "finished_at = $5 WHERE id = $1 AND state = 'running'",
        id, result_json, summary, score, finished_at);
    if (updated.affected_rows() == 0) return ExplainNotRunning(txn, id, action, display_url_);
    for (const StoredEvent& event : events) {
      txn.exec_params(
          "INSERT INTO question_events (question_id, seq, type, data) VALUES ($1, $2, $3, $4)", id,
          event.seq, event.type, event.data);
    }
    return {};
  });
}

Expected<void> PostgresStore::MarkInterrupted(const std::string& id, std::int64_t finished_at) {
  const std::string action = "mark question " + id + " interrupted";
  return Transact(action, [&](pqxx::work& txn) -> Expected<void> {
    const auto updated = txn.exec_params(
        "UPDATE questions SET state = 'interrupted', finished_at = $2 "
        "WHERE id = $1 AND state = 'running'",
        id, finished_at);
    if (updated.affected_rows() == 0) return ExplainNotRunning(txn, id, action, display_url_);
    return {};
  });
}

Expected<int> PostgresStore::MarkAllRunningInterrupted(std::int64_t finished_at) {
  return Execute("mark running questions interrupted",
                 "UPDATE questions SET state = 'interrupted', finished_at = $1 "
                 "WHERE state = 'running'",
                 finished_at);
}

Expected<std::optional<StoredQuestion>> PostgresStore::GetQuestion(const std::string& id) {
  return Transact(
      "read question " + id, [&](pqxx::work& txn) -> Expected<std::optional<StoredQuestion>> {
        const auto result = txn.exec_params(
            "SELECT id, user_id, question, panel, state, result_json, summary, "
            "score, created_at, finished_at FROM questions WHERE id = $1",
            id);
        if (result.empty()) return std::nullopt;
        return ReadQuestion(result[0]).map(
            [](StoredQuestion q) { return std::optional<StoredQuestion>(std::move(q)); });
      });
}

Expected<std::vector<StoredEvent>> PostgresStore::GetEvents(const std::string& id) {
  return Transact(
      "read events of " + id, [&](pqxx::work& txn) -> Expected<std::vector<StoredEvent>> {
        std::vector<StoredEvent> events;
        for (const auto& row : txn.exec_params(
                 "SELECT seq, type, data FROM question_events WHERE question_id = $1 ORDER BY seq",
                 id)) {
          events.push_back({row[0].as<std::int64_t>(), Text(row[1]), Text(row[2])});
        }
        return events;
      });
}

Expected<std::vector<StoredQuestion>> PostgresStore::ListQuestions(const std::string& user_id,
                                                                   int limit) {
  if (auto ok = CheckListLimit(limit); !ok) return tl::unexpected(ok.error());
  return Transact("list the questions of user " + user_id,
                  [&](pqxx::work& txn) -> Expected<std::vector<StoredQuestion>> {
                    std::vector<StoredQuestion> questions;
                    // result_json stays out of the list: '' in its place.
                    for (const auto& row : txn.exec_params(
                             "SELECT id, user_id, question, panel, state, '', summary, score, "
                             "created_at, finished_at FROM questions WHERE user_id = $1 "
                             "ORDER BY created_at DESC, creation_order DESC LIMIT $2",
                             user_id, limit)) {
                      auto question = ReadQuestion(row);
                      if (!question) return tl::unexpected(question.error());
                      questions.push_back(std::move(*question));
                    }
                    return questions;
                  });
}

Expected<void> PostgresStore::CreateUser(const User& user) {
  const std::string email = NormalizeEmail(user.email);
  return Execute("create user " + user.id + " <" + email + ">",
                 "INSERT INTO users (id, email, password_hash, tier, created_at) "
                 "VALUES ($1, $2, $3, $4, $5)",
                 user.id, email, user.password_hash, TierName(user.tier), user.created_at)
      .map([](int) {});
}

Expected<std::optional<User>> PostgresStore::FindUserByEmail(const std::string& email) {
  const std::string normalized = NormalizeEmail(email);
  return Transact("find user <" + normalized + ">", [&](pqxx::work& txn) {
    return ReadUser(txn.exec_params(std::string(kSelectUser) + " WHERE email = $1", normalized));
  });
}

Expected<std::optional<User>> PostgresStore::FindUserById(const std::string& id) {
  return Transact("find user " + id, [&](pqxx::work& txn) {
    return ReadUser(txn.exec_params(std::string(kSelectUser) + " WHERE id = $1", id));
  });
}

Expected<void> PostgresStore::SetUserTier(const std::string& user_id, Tier tier) {
  const std::string action =
      std::string("set the tier of user ") + user_id + " to " + TierName(tier);
  auto updated =
      Execute(action, "UPDATE users SET tier = $2 WHERE id = $1", user_id, TierName(tier));
  if (!updated) return tl::unexpected(updated.error());
  if (*updated == 0) {
    return MakeError(ErrorCode::kNotFound,
                     "cannot " + action + ": no such user in the store " + display_url_);
  }
  return {};
}

Expected<void> PostgresStore::CreateSession(const Session& session) {
  return Execute("create a session for user " + session.user_id,
                 "INSERT INTO sessions (token_hash, user_id, csrf_token, expires_at) "
                 "VALUES ($1, $2, $3, $4)",
                 session.token_hash, session.user_id, session.csrf_token, session.expires_at)
      .map([](int) {});
}

Expected<std::optional<Session>> PostgresStore::FindSession(const std::string& token_hash) {
  return Transact("find a session", [&](pqxx::work& txn) -> Expected<std::optional<Session>> {
    const auto result = txn.exec_params(
        "SELECT token_hash, user_id, csrf_token, expires_at FROM sessions WHERE token_hash = $1",
        token_hash);
    if (result.empty()) return std::nullopt;
    const pqxx::row row = result[0];
    return Session{Text(row[0]), Text(row[1]), Text(row[2]), row[3].as<std::int64_t>()};
  });
}

Expected<void> PostgresStore::DeleteSession(const std::string& token_hash) {
  return Execute("delete a session", "DELETE FROM sessions WHERE token_hash = $1", token_hash)
      .map([](int) {});
}

Expected<void> PostgresStore::DeleteUserSessions(const std::string& user_id) {
  return Execute("delete the sessions of user " + user_id,
                 "DELETE FROM sessions WHERE user_id = $1", user_id)
      .map([](int) {});
}

Expected<int> PostgresStore::DeleteExpiredSessions(std::int64_t now) {
  return Execute("delete expired sessions", "DELETE FROM sessions WHERE expires_at <= $1", now);
}

Expected<void> PostgresStore::CreateApiToken(const ApiToken& token) {
  return Execute("create API token '" + token.name + "' for user " + token.user_id,
                 "INSERT INTO api_tokens (token_hash, user_id, name, created_at) "
                 "VALUES ($1, $2, $3, $4)",
                 token.token_hash, token.user_id, token.name, token.created_at)
      .map([](int) {});
}

Expected<std::optional<ApiToken>> PostgresStore::FindApiToken(const std::string& token_hash) {
  return Transact("find an API token", [&](pqxx::work& txn) -> Expected<std::optional<ApiToken>> {
    const auto result = txn.exec_params(
        "SELECT token_hash, user_id, name, created_at FROM api_tokens WHERE token_hash = $1",
        token_hash);
    if (result.empty()) return std::nullopt;
    const pqxx::row row = result[0];
    return ApiToken{Text(row[0]), Text(row[1]), Text(row[2]), row[3].as<std::int64_t>()};
  });
}

Expected<void> PostgresStore::AddSpend(const std::string& user_id, const std::string& day,
                                       double usd) {
  if (auto ok = CheckSpend(day, usd); !ok) return ok;
  return Execute("add spend of " + user_id + " on " + day,
                 "INSERT INTO spend (user_id, day, usd) VALUES ($1, $2, $3) "
                 "ON CONFLICT (user_id, day) DO UPDATE SET usd = spend.usd + excluded.usd",
                 user_id, day, usd)
      .map([](int) {});
}

Expected<double> PostgresStore::SpendOn(const std::string& user_id, const std::string& day) {
  return Transact(
      "read the spend of " + user_id + " on " + day, [&](pqxx::work& txn) -> Expected<double> {
        const auto result =
            txn.exec_params("SELECT usd FROM spend WHERE user_id = $1 AND day = $2", user_id, day);
        return result.empty() ? 0.0 : result[0][0].as<double>();
      });
}

}  // namespace drux

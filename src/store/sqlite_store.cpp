#include "store/sqlite_store.h"

#include <filesystem>
#include <system_error>

#include "store/migrations.h"
#include "store/store_input.h"

namespace drux {
namespace {

constexpr const char* kQuestionColumns =
    "id, user_id, question, panel, state, result_json, summary, score, created_at, "
    "finished_at";

Expected<StoredQuestion> ReadQuestion(const SqliteStatement& row) {
  StoredQuestion question;
  question.id = row.Text(0);
  question.user_id = row.Text(1);
  question.question = row.Text(2);
  question.panel = row.Text(3);
  const std::string state = row.Text(4);
  const auto parsed = QuestionStateFromName(state);
  if (!parsed) {
    return MakeError(ErrorCode::kInternal,
                     "question " + question.id + " has an unknown state '" + state + "'");
  }
  question.state = *parsed;
  question.result_json = row.Text(5);
  question.summary = row.Text(6);
  question.score = row.Real(7);
  question.created_at = row.Int(8);
  question.finished_at = row.Int(9);
  return question;
}

Expected<User> ReadUser(const SqliteStatement& row) {
  User user;
  user.id = row.Text(0);
  user.email = row.Text(1);
  user.password_hash = row.Text(2);
  const std::string tier = row.Text(3);
  const auto parsed = TierFromName(tier);
  if (!parsed) {
    return MakeError(ErrorCode::kInternal,
                     "user " + user.id + " has an unknown tier '" + tier + "'");
  }
  user.tier = *parsed;
  user.created_at = row.Int(4);
  return user;
}

// NULL for an empty text: anonymous questions have no user.
const char* NullIfEmpty(const std::string& text) {
  return text.empty() ? nullptr : text.c_str();
}

}  // namespace

Expected<std::unique_ptr<Store>> SqliteStore::Open(const SqliteStoreOptions& options) {
  const std::filesystem::path parent = std::filesystem::path(options.path).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec) {
      return MakeError(ErrorCode::kInternal, "cannot create the directory " + parent.string() +
                                                 " for the store " + options.path + ": " +
                                                 ec.message());
    }
  }
  auto connection = SqliteConnection::Open(options.path);
  if (!connection) {
    return MakeError(connection.error().code,
                     "cannot open the store " + options.path + ": " + connection.error().message);
  }
  std::unique_ptr<SqliteStore> store(new SqliteStore(options.path, std::move(*connection)));
  sqlite3_busy_timeout(store->connection_->handle(), options.busy_timeout_ms);
  if (auto configured = store->Configure(); !configured) {
    return tl::unexpected(configured.error());
  }
  if (auto migrated = store->Migrate(); !migrated) return tl::unexpected(migrated.error());
  return std::unique_ptr<Store>(std::move(store));
}

Error SqliteStore::Failure(const std::string& what, const Error& cause) const {
  return Error{cause.code, "cannot " + what + " in the store " + path_ + ": " + cause.message, 0,
               0};
}

Expected<void> SqliteStore::Configure() {
  std::lock_guard lock(mutex_);
  auto wal = connection_->Prepare("PRAGMA journal_mode = WAL");
  auto row = wal ? wal->Step() : Expected<bool>(tl::unexpected(wal.error()));
  if (!row) {
    // A file that is not a database fails here, at the first read.
    return MakeError(ErrorCode::kInternal,
                     "cannot open the store " + path_ + ": " + row.error().message);
  }
  if (!*row || wal->Text(0) != "wal") {
    return MakeError(ErrorCode::kInternal, "cannot switch the store " + path_ +
                                               " to WAL journal mode; it needs a file on a "
                                               "local file system");
  }
  if (auto fk = connection_->Execute("PRAGMA foreign_keys = ON"); !fk) {
    return tl::unexpected(Failure("turn on foreign keys", fk.error()));
  }
  return {};
}

Expected<void> SqliteStore::Migrate() {
  std::lock_guard lock(mutex_);
  SqliteTransaction transaction(*connection_);
  auto done = transaction.Begin().and_then([&] {
    return connection_->Execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
        "description TEXT NOT NULL, applied_at INTEGER NOT NULL DEFAULT (unixepoch()))");
  });
  if (!done) return tl::unexpected(Failure("prepare the schema migrations", done.error()));
  int current = 0;
  {
    auto version = connection_->Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    auto row = version ? version->Step() : Expected<bool>(tl::unexpected(version.error()));
    if (!row) return tl::unexpected(Failure("read the schema version", row.error()));
    current = static_cast<int>(version->Int(0));
  }
  if (current > LatestSchemaVersion()) {
    return MakeError(ErrorCode::kConfig, NewerSchemaMessage(path_, current));
  }
  for (const Migration& migration : StoreMigrations()) {
    if (migration.version <= current) continue;
    auto applied = connection_->Execute(migration.sqlite_sql).and_then([&] {
      return connection_
          ->Prepare("INSERT INTO schema_migrations (version, description) VALUES (?1, ?2)")
          .and_then([&](SqliteStatement&& insert) {
            return insert.Bind(migration.version, migration.description).Run();
          });
    });
    if (!applied) {
      return tl::unexpected(
          Failure("apply schema migration " + std::to_string(migration.version), applied.error()));
    }
  }
  if (auto committed = transaction.Commit(); !committed) {
    return tl::unexpected(Failure("commit the schema migrations", committed.error()));
  }
  return {};
}

template <typename... Args>
Expected<int> SqliteStore::Run(const std::string& what, const char* sql, const Args&... args) {
  auto statement = connection_->Prepare(sql);
  if (!statement) return tl::unexpected(Failure(what, statement.error()));
  if (auto ran = statement->Bind(args...).Run(); !ran) {
    return tl::unexpected(Failure(what, ran.error()));
  }
  return connection_->Changes();
}

Expected<void> SqliteStore::CreateQuestion(const StoredQuestion& q) {
  std::lock_guard lock(mutex_);
  auto created = Run("create question " + q.id,
                     "INSERT INTO questions (id, user_id, question, panel, state, result_json, "
                     "summary, score, created_at, finished_at) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                     q.id, NullIfEmpty(q.user_id), q.question, q.panel, QuestionStateName(q.state),
                     q.result_json, q.summary, q.score, q.created_at, q.finished_at);
  if (!created) return tl::unexpected(created.error());
  return {};
}

Expected<void> SqliteStore::ExplainNotRunning(const std::string& id, const std::string& action) {
  auto statement = connection_->Prepare("SELECT state FROM questions WHERE id = ?1");
  if (!statement) return tl::unexpected(Failure(action, statement.error()));
  auto row = statement->Bind(id).Step();
  if (!row) return tl::unexpected(Failure(action, row.error()));
  if (!*row) {
    return MakeError(ErrorCode::kNotFound,
                     "cannot " + action + ": no question " + id + " in the store " + path_);
  }
  return MakeError(ErrorCode::kInvalidArgument, "cannot " + action + ": question " + id + " is " +
                                                    statement->Text(0) +
                                                    ", not running; a stored result never changes");
}

Expected<void> SqliteStore::CompleteQuestion(const std::string& id, const std::string& result_json,
                                             const std::string& summary, double score,
                                             const std::vector<StoredEvent>& events,
                                             std::int64_t finished_at) {
  const std::string action = "complete question " + id;
  if (auto ok = CheckEvents(id, events); !ok) return ok;
  std::lock_guard lock(mutex_);
  SqliteTransaction transaction(*connection_);
  if (auto begun = transaction.Begin(); !begun) {
    return tl::unexpected(Failure(action, begun.error()));
  }
  auto updated = Run(action,
                     "UPDATE questions SET state = 'complete', result_json = ?2, summary = ?3, "
                     "score = ?4, finished_at = ?5 WHERE id = ?1 AND state = 'running'",
                     id, result_json, summary, score, finished_at);
  if (!updated) return tl::unexpected(updated.error());
  if (*updated == 0) return ExplainNotRunning(id, action);
  for (const StoredEvent& event : events) {
    auto inserted = Run(action,
                        "INSERT INTO question_events (question_id, seq, type, data) "
                        "VALUES (?1, ?2, ?3, ?4)",
                        id, event.seq, event.type, event.data);
    if (!inserted) return tl::unexpected(inserted.error());
  }
  if (auto committed = transaction.Commit(); !committed) {
    return tl::unexpected(Failure(action, committed.error()));
  }
  return {};
}

Expected<void> SqliteStore::MarkInterrupted(const std::string& id, std::int64_t finished_at) {
  const std::string action = "mark question " + id + " interrupted";
  std::lock_guard lock(mutex_);
  auto updated = Run(action,
                     "UPDATE questions SET state = 'interrupted', finished_at = ?2 "
                     "WHERE id = ?1 AND state = 'running'",
                     id, finished_at);
  if (!updated) return tl::unexpected(updated.error());
  if (*updated == 0) return ExplainNotRunning(id, action);
  return {};
}

Expected<int> SqliteStore::MarkAllRunningInterrupted(std::int64_t finished_at) {
  std::lock_guard lock(mutex_);
  return Run("mark running questions interrupted",
             "UPDATE questions SET state = 'interrupted', finished_at = ?1 "
             "WHERE state = 'running'",
             finished_at);
}

Expected<std::optional<StoredQuestion>> SqliteStore::GetQuestion(const std::string& id) {
  static const std::string sql =
      std::string("SELECT ") + kQuestionColumns + " FROM questions WHERE id = ?1";
  std::lock_guard lock(mutex_);
  auto statement = connection_->Prepare(sql.c_str());
  if (!statement) return tl::unexpected(Failure("read question " + id, statement.error()));
  auto row = statement->Bind(id).Step();
  if (!row) return tl::unexpected(Failure("read question " + id, row.error()));
  if (!*row) return std::nullopt;
  return ReadQuestion(*statement).map([](StoredQuestion q) {
    return std::optional<StoredQuestion>(std::move(q));
  });
}

Expected<std::vector<StoredEvent>> SqliteStore::GetEvents(const std::string& id) {
  std::lock_guard lock(mutex_);
  auto statement = connection_->Prepare(
      "SELECT seq, type, data FROM question_events WHERE question_id = ?1 ORDER BY seq");
  if (!statement) return tl::unexpected(Failure("read events of " + id, statement.error()));
  statement->Bind(id);
  std::vector<StoredEvent> events;
  while (true) {
    auto row = statement->Step();
    if (!row) return tl::unexpected(Failure("read events of " + id, row.error()));
    if (!*row) return events;
    events.push_back({statement->Int(0), statement->Text(1), statement->Text(2)});
  }
}

Expected<std::vector<StoredQuestion>> SqliteStore::ListQuestions(const std::string& user_id,
                                                                 int limit) {
  if (auto ok = CheckListLimit(limit); !ok) return tl::unexpected(ok.error());
  // result_json stays out of the list: '' in its place.
  static const std::string sql =
      "SELECT id, user_id, question, panel, state, '', summary, score, created_at, "
      "finished_at FROM questions WHERE user_id = ?1 "
      "ORDER BY created_at DESC, rowid DESC LIMIT ?2";
  std::lock_guard lock(mutex_);
  const std::string action = "list the questions of user " + user_id;
  auto statement = connection_->Prepare(sql.c_str());
  if (!statement) return tl::unexpected(Failure(action, statement.error()));
  statement->Bind(user_id, limit);
  std::vector<StoredQuestion> questions;
  while (true) {
    auto row = statement->Step();
    if (!row) return tl::unexpected(Failure(action, row.error()));
    if (!*row) return questions;
    auto question = ReadQuestion(*statement);
    if (!question) return tl::unexpected(question.error());
    questions.push_back(std::move(*question));
  }
}

Expected<void> SqliteStore::CreateUser(const User& user) {
  std::lock_guard lock(mutex_);
  const std::string email = NormalizeEmail(user.email);
  auto created = Run("create user " + user.id + " <" + email + ">",
                     "INSERT INTO users (id, email, password_hash, tier, created_at) "
                     "VALUES (?1, ?2, ?3, ?4, ?5)",
                     user.id, email, user.password_hash, TierName(user.tier), user.created_at);
  if (!created) return tl::unexpected(created.error());
  return {};
}

Expected<std::optional<User>> SqliteStore::FindUser(const std::string& what, const char* sql,
                                                    const std::string& key) {
  std::lock_guard lock(mutex_);
  auto statement = connection_->Prepare(sql);
  if (!statement) return tl::unexpected(Failure(what, statement.error()));
  auto row = statement->Bind(key).Step();
  if (!row) return tl::unexpected(Failure(what, row.error()));
  if (!*row) return std::nullopt;
  return ReadUser(*statement).map([](User user) { return std::optional<User>(std::move(user)); });
}

Expected<std::optional<User>> SqliteStore::FindUserByEmail(const std::string& email) {
  const std::string normalized = NormalizeEmail(email);
  return FindUser("find user <" + normalized + ">",
                  "SELECT id, email, password_hash, tier, created_at FROM users WHERE email = ?1",
                  normalized);
}

Expected<std::optional<User>> SqliteStore::FindUserById(const std::string& id) {
  return FindUser("find user " + id,
                  "SELECT id, email, password_hash, tier, created_at FROM users WHERE id = ?1", id);
}

Expected<void> SqliteStore::SetUserTier(const std::string& user_id, Tier tier) {
  const std::string action =
      std::string("set the tier of user ") + user_id + " to " + TierName(tier);
  std::lock_guard lock(mutex_);
  auto updated = Run(action, "UPDATE users SET tier = ?2 WHERE id = ?1", user_id, TierName(tier));
  if (!updated) return tl::unexpected(updated.error());
  if (*updated == 0) {
    return MakeError(ErrorCode::kNotFound,
                     "cannot " + action + ": no such user in the store " + path_);
  }
  return {};
}

Expected<void> SqliteStore::CreateSession(const Session& session) {
  std::lock_guard lock(mutex_);
  auto created = Run("create a session for user " + session.user_id,
                     "INSERT INTO sessions (token_hash, user_id, csrf_token, expires_at) "
                     "VALUES (?1, ?2, ?3, ?4)",
                     session.token_hash, session.user_id, session.csrf_token, session.expires_at);
  if (!created) return tl::unexpected(created.error());
  return {};
}

Expected<std::optional<Session>> SqliteStore::FindSession(const std::string& token_hash) {
  std::lock_guard lock(mutex_);
  auto statement = connection_->Prepare(
      "SELECT token_hash, user_id, csrf_token, expires_at FROM sessions WHERE token_hash = ?1");
  if (!statement) return tl::unexpected(Failure("find a session", statement.error()));
  auto row = statement->Bind(token_hash).Step();
  if (!row) return tl::unexpected(Failure("find a session", row.error()));
  if (!*row) return std::nullopt;
  return Session{statement->Text(0), statement->Text(1), statement->Text(2), statement->Int(3)};
}

Expected<void> SqliteStore::DeleteSession(const std::string& token_hash) {
  std::lock_guard lock(mutex_);
  auto deleted = Run("delete a session", "DELETE FROM sessions WHERE token_hash = ?1", token_hash);
  if (!deleted) return tl::unexpected(deleted.error());
  return {};
}

Expected<void> SqliteStore::DeleteUserSessions(const std::string& user_id) {
  std::lock_guard lock(mutex_);
  auto deleted = Run("delete the sessions of user " + user_id,
                     "DELETE FROM sessions WHERE user_id = ?1", user_id);
  if (!deleted) return tl::unexpected(deleted.error());
  return {};
}

Expected<int> SqliteStore::DeleteExpiredSessions(std::int64_t now) {
  std::lock_guard lock(mutex_);
  return Run("delete expired sessions", "DELETE FROM sessions WHERE expires_at <= ?1", now);
}

Expected<void> SqliteStore::CreateApiToken(const ApiToken& token) {
  std::lock_guard lock(mutex_);
  auto created = Run("create API token '" + token.name + "' for user " + token.user_id,
                     "INSERT INTO api_tokens (token_hash, user_id, name, created_at) "
                     "VALUES (?1, ?2, ?3, ?4)",
                     token.token_hash, token.user_id, token.name, token.created_at);
  if (!created) return tl::unexpected(created.error());
  return {};
}

Expected<std::optional<ApiToken>> SqliteStore::FindApiToken(const std::string& token_hash) {
  std::lock_guard lock(mutex_);
  auto statement = connection_->Prepare(
      "SELECT token_hash, user_id, name, created_at FROM api_tokens WHERE token_hash = ?1");
  if (!statement) return tl::unexpected(Failure("find an API token", statement.error()));
  auto row = statement->Bind(token_hash).Step();
  if (!row) return tl::unexpected(Failure("find an API token", row.error()));
  if (!*row) return std::nullopt;
  return ApiToken{statement->Text(0), statement->Text(1), statement->Text(2), statement->Int(3)};
}

Expected<void> SqliteStore::AddSpend(const std::string& user_id, const std::string& day,
                                     double usd) {
  if (auto ok = CheckSpend(day, usd); !ok) return ok;
  std::lock_guard lock(mutex_);
  auto added = Run("add spend of " + user_id + " on " + day,
                   "INSERT INTO spend (user_id, day, usd) VALUES (?1, ?2, ?3) "
                   "ON CONFLICT (user_id, day) DO UPDATE SET usd = usd + excluded.usd",
                   user_id, day, usd);
  if (!added) return tl::unexpected(added.error());
  return {};
}

Expected<double> SqliteStore::SpendOn(const std::string& user_id, const std::string& day) {
  const std::string action = "read the spend of " + user_id + " on " + day;
  std::lock_guard lock(mutex_);
  auto statement = connection_->Prepare("SELECT usd FROM spend WHERE user_id = ?1 AND day = ?2");
  if (!statement) return tl::unexpected(Failure(action, statement.error()));
  auto row = statement->Bind(user_id, day).Step();
  if (!row) return tl::unexpected(Failure(action, row.error()));
  return *row ? statement->Real(0) : 0.0;
}

}  // namespace drux

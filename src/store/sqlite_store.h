// The embedded store: one SQLite file in WAL mode. One connection serves every thread,
// one call at a time behind a mutex; WAL lets other processes read meanwhile.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "store/sqlite_connection.h"
#include "store/store.h"

namespace drux {

struct SqliteStoreOptions {
  std::string path;             // the database file; its directory is created if missing
  int busy_timeout_ms = 10000;  // how long to wait for another process's write lock
};

class SqliteStore : public Store {
 public:
  // Opens or creates the file, switches it to WAL, turns foreign keys on and applies the
  // missing migrations. Errors name the file.
  static Expected<std::unique_ptr<Store>> Open(const SqliteStoreOptions& options);

  Expected<void> CreateQuestion(const StoredQuestion& question) override;
  Expected<void> CompleteQuestion(const std::string& id, const std::string& result_json,
                                  const std::string& summary, double score,
                                  const std::vector<StoredEvent>& events,
                                  std::int64_t finished_at) override;
  Expected<void> MarkInterrupted(const std::string& id, std::int64_t finished_at) override;
  Expected<int> MarkAllRunningInterrupted(std::int64_t finished_at) override;
  Expected<std::optional<StoredQuestion>> GetQuestion(const std::string& id) override;
  Expected<std::vector<StoredEvent>> GetEvents(const std::string& id) override;
  Expected<std::vector<StoredQuestion>> ListQuestions(const std::string& user_id,
                                                      int limit) override;

  Expected<void> CreateUser(const User& user) override;
  Expected<std::optional<User>> FindUserByEmail(const std::string& email) override;
  Expected<std::optional<User>> FindUserById(const std::string& id) override;
  Expected<void> SetUserTier(const std::string& user_id, Tier tier) override;

  Expected<void> CreateSession(const Session& session) override;
  Expected<std::optional<Session>> FindSession(const std::string& token_hash) override;
  Expected<void> DeleteSession(const std::string& token_hash) override;
  Expected<void> DeleteUserSessions(const std::string& user_id) override;
  Expected<int> DeleteExpiredSessions(std::int64_t now) override;

  Expected<void> CreateApiToken(const ApiToken& token) override;
  Expected<std::optional<ApiToken>> FindApiToken(const std::string& token_hash) override;

  Expected<void> AddSpend(const std::string& user_id, const std::string& day, double usd) override;
  Expected<double> SpendOn(const std::string& user_id, const std::string& day) override;

 private:
  SqliteStore(std::string path, std::unique_ptr<SqliteConnection> connection)
      : path_(std::move(path)), connection_(std::move(connection)) {}

  // Switches to WAL and turns foreign keys on; the first read of the file.
  Expected<void> Configure();
  Expected<void> Migrate();
  // Runs one parameterized statement that returns no rows; returns the rows it changed.
  template <typename... Args>
  Expected<int> Run(const std::string& what, const char* sql, const Args&... args);
  // Why `what` failed, naming the file.
  Error Failure(const std::string& what, const Error& cause) const;
  // The error for an update of a question that matched no running row: kNotFound or
  // kInvalidArgument, saying which.
  Expected<void> ExplainNotRunning(const std::string& id, const std::string& action);
  // The user that a query with one text parameter selects.
  Expected<std::optional<User>> FindUser(const std::string& what, const char* sql,
                                         const std::string& key);

  const std::string path_;
  std::mutex mutex_;  // guards connection_
  std::unique_ptr<SqliteConnection> connection_;
};

}  // namespace drux

// The server-grade store: a PostgreSQL database through libpqxx, with a small pool of
// connections so several requests run their transactions at once.
#pragma once

#include <memory>
#include <string>

#include "store/store.h"

namespace drux {

struct PostgresStoreOptions {
  // postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?PARAMS]; libpq's parameters pass
  // through, e.g. ?options=-csearch_path%3Dmyschema to keep the tables in one schema.
  std::string url;
  int pool_size = 4;  // connections open at most
};

class PostgresConnectionPool;

class PostgresStore : public Store {
 public:
  // Connects, then applies the missing migrations under an advisory lock, so servers
  // starting together migrate once. Errors name the database (never its password).
  static Expected<std::unique_ptr<Store>> Open(const PostgresStoreOptions& options);
  ~PostgresStore() override;

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
  PostgresStore(std::string display_url, std::unique_ptr<PostgresConnectionPool> pool);

  Expected<void> Migrate();
  // Runs body(transaction) on a pooled connection and commits when it returns a value;
  // turns libpqxx's exceptions into errors saying `action` failed.
  template <typename Body>
  auto Transact(const std::string& action, Body&& body);
  // Runs one statement that returns no rows; returns how many rows it changed.
  template <typename... Args>
  Expected<int> Execute(const std::string& action, const char* sql, const Args&... args);

  const std::string display_url_;  // the URL without its password, for messages
  std::unique_ptr<PostgresConnectionPool> pool_;
};

// url with any password (in the user part or a password= parameter) replaced by ***.
std::string RedactPostgresUrl(const std::string& url);

}  // namespace drux

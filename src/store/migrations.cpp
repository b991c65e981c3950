#include "store/migrations.h"

#include <array>

namespace drux {
namespace {

// Version 1: everything the server keeps. Anonymous questions have a NULL user_id so that
// questions.user_id can reference users. spend.user_id is a budget key, not a reference:
// budgets may also be kept for callers without an account.
constexpr Migration kInitialSchema{
    1, "questions with results and event logs, users, sessions, API tokens, daily spend",
    R"sql(
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  tier TEXT NOT NULL CHECK (tier IN ('free', 'premium')),
  created_at INTEGER NOT NULL
);
CREATE TABLE questions (
  id TEXT PRIMARY KEY,
  user_id TEXT REFERENCES users (id) ON DELETE SET NULL,
  question TEXT NOT NULL,
  panel TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('running', 'complete', 'interrupted')),
  result_json TEXT NOT NULL DEFAULT '',
  summary TEXT NOT NULL DEFAULT '',
  score REAL NOT NULL DEFAULT -1,
  created_at INTEGER NOT NULL,
  finished_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX questions_by_user ON questions (user_id, created_at);
CREATE INDEX questions_running ON questions (state) WHERE state = 'running';
CREATE TABLE question_events (
  question_id TEXT NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  type TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (question_id, seq)
) WITHOUT ROWID;
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
CREATE TABLE api_tokens (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX api_tokens_by_user ON api_tokens (user_id);
CREATE TABLE spend (
  user_id TEXT NOT NULL,
  day TEXT NOT NULL,
  usd REAL NOT NULL,
  PRIMARY KEY (user_id, day)
) WITHOUT ROWID;
)sql",
    // PostgreSQL has no rowid: creation_order orders questions created in the same second.
    R"sql(
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  tier TEXT NOT NULL CHECK (tier IN ('free', 'premium')),
  created_at BIGINT NOT NULL
);
CREATE TABLE questions (
  id TEXT PRIMARY KEY,
  creation_order BIGINT GENERATED ALWAYS AS IDENTITY,
  user_id TEXT REFERENCES users (id) ON DELETE SET NULL,
  question TEXT NOT NULL,
  panel TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('running', 'complete', 'interrupted')),
  result_json TEXT NOT NULL DEFAULT '',
  summary TEXT NOT NULL DEFAULT '',
  score DOUBLE PRECISION NOT NULL DEFAULT -1,
  created_at BIGINT NOT NULL,
  finished_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX questions_by_user ON questions (user_id, created_at, creation_order);
CREATE INDEX questions_running ON questions (state) WHERE state = 'running';
CREATE TABLE question_events (
  question_id TEXT NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
  seq BIGINT NOT NULL,
  type TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (question_id, seq)
);
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
CREATE TABLE api_tokens (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX api_tokens_by_user ON api_tokens (user_id);
CREATE TABLE spend (
  user_id TEXT NOT NULL,
  day TEXT NOT NULL,
  usd DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (user_id, day)
);
)sql"};

constexpr std::array kMigrations{kInitialSchema};

}  // namespace

std::span<const Migration> StoreMigrations() {
  return kMigrations;
}

int LatestSchemaVersion() {
  return kMigrations.back().version;
}

std::string NewerSchemaMessage(const std::string& where, int found) {
  return "the store " + where + " has schema version " + std::to_string(found) +
         ", newer than this drux knows (" + std::to_string(LatestSchemaVersion()) +
         "); it was written by a newer drux: upgrade drux, or point it at another database";
}

}  // namespace drux

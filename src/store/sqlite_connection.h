// One SQLite connection with its prepared statements cached, behind a small C++ surface.
// Not thread-safe: SqliteStore serializes every use behind one mutex.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"

namespace drux {

// A cached prepared statement in use: bind, step, read columns. Resets itself (and clears
// its bindings) when it goes out of scope, so the cache can hand it out again.
class SqliteStatement {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;
  ~SqliteStatement();

  // Binds the parameters ?1, ?2, ... in order: text, integers, doubles, or nullptr (as
  // does a null const char*) for NULL.
  template <typename... Args>
  SqliteStatement& Bind(const Args&... args) {
    int index = 0;
    (BindOne(++index, args), ...);
    return *this;
  }

  // True while there is a row to read; false when the statement has finished. Errors are
  // kAlreadyExists for a unique or primary key violation, kInvalidArgument for other
  // constraints, kInternal otherwise, with SQLite's message.
  Expected<bool> Step();
  // Steps to the end, for statements that return no rows.
  Expected<void> Run();

  std::string Text(int column) const;  // "" for NULL
  std::int64_t Int(int column) const;
  double Real(int column) const;

 private:
  void BindOne(int index, std::string_view text);
  void BindOne(int index, const std::string& text) { BindOne(index, std::string_view(text)); }
  void BindOne(int index, const char* text) {
    if (text == nullptr) {
      BindOne(index, nullptr);
    } else {
      BindOne(index, std::string_view(text));
    }
  }
  void BindOne(int index, std::int64_t value);
  void BindOne(int index, int value) { BindOne(index, static_cast<std::int64_t>(value)); }
  void BindOne(int index, double value);
  void BindOne(int index, std::nullptr_t);
  void NoteBindResult(int rc);

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  int bind_error_ = SQLITE_OK;
};

class SqliteConnection {
 public:
  // Opens (creating) the file in multi-thread mode with extended result codes.
  static Expected<std::unique_ptr<SqliteConnection>> Open(const std::string& path);
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;
  ~SqliteConnection();

  // Runs parameterless SQL, possibly several statements.
  Expected<void> Execute(const char* sql);
  // The cached statement for sql, prepared on first use.
  Expected<SqliteStatement> Prepare(const char* sql);
  // Rows changed by the last INSERT, UPDATE or DELETE.
  int Changes() const;
  sqlite3* handle() const { return db_; }

 private:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}

  sqlite3* db_;
  std::map<std::string, sqlite3_stmt*, std::less<>> statements_;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back unless committed. IMMEDIATE takes the write lock
// at the start, so two writers never deadlock upgrading read locks.
class SqliteTransaction {
 public:
  explicit SqliteTransaction(SqliteConnection& connection) : connection_(connection) {}
  SqliteTransaction(const SqliteTransaction&) = delete;
  SqliteTransaction& operator=(const SqliteTransaction&) = delete;
  ~SqliteTransaction();

  Expected<void> Begin();
  Expected<void> Commit();

 private:
  SqliteConnection& connection_;
  bool open_ = false;
};

}  // namespace drux

#include "store/sqlite_connection.h"

namespace drux {
namespace {

Error SqliteError(sqlite3* db, int rc) {
  const std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return Error{ErrorCode::kAlreadyExists, message, 0, 0};
    default:
      if ((rc & 0xff) == SQLITE_CONSTRAINT) {
        return Error{ErrorCode::kInvalidArgument, message, 0, 0};
      }
      return Error{ErrorCode::kInternal, message, 0, 0};
  }
}

}  // namespace

SqliteStatement::~SqliteStatement() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

void SqliteStatement::NoteBindResult(int rc) {
  if (rc != SQLITE_OK && bind_error_ == SQLITE_OK) bind_error_ = rc;
}

void SqliteStatement::BindOne(int index, std::string_view text) {
  NoteBindResult(
      sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
}

void SqliteStatement::BindOne(int index, std::int64_t value) {
  NoteBindResult(sqlite3_bind_int64(stmt_, index, value));
}

void SqliteStatement::BindOne(int index, double value) {
  NoteBindResult(sqlite3_bind_double(stmt_, index, value));
}

void SqliteStatement::BindOne(int index, std::nullptr_t) {
  NoteBindResult(sqlite3_bind_null(stmt_, index));
}

Expected<bool> SqliteStatement::Step() {
  if (bind_error_ != SQLITE_OK) return tl::unexpected(SqliteError(nullptr, bind_error_));
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return tl::unexpected(SqliteError(db_, rc));
}

Expected<void> SqliteStatement::Run() {
  while (true) {
    auto row = Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return {};
  }
}

std::string SqliteStatement::Text(int column) const {
  const auto* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::int64_t SqliteStatement::Int(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

double SqliteStatement::Real(int column) const {
  return sqlite3_column_double(stmt_, column);
}

Expected<std::unique_ptr<SqliteConnection>> SqliteConnection::Open(const std::string& path) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Error error = SqliteError(db, rc);
    sqlite3_close_v2(db);
    return tl::unexpected(error);
  }
  sqlite3_extended_result_codes(db, 1);
  return std::unique_ptr<SqliteConnection>(new SqliteConnection(db));
}

SqliteConnection::~SqliteConnection() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Expected<void> SqliteConnection::Execute(const char* sql) {
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return tl::unexpected(SqliteError(db_, rc));
  return {};
}

Expected<SqliteStatement> SqliteConnection::Prepare(const char* sql) {
  auto found = statements_.find(std::string_view(sql));
  if (found == statements_.end()) {
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return tl::unexpected(SqliteError(db_, rc));
    found = statements_.emplace(sql, stmt).first;
  }
  return Expected<SqliteStatement>(tl::in_place, db_, found->second);
}

int SqliteConnection::Changes() const {
  return sqlite3_changes(db_);
}

SqliteTransaction::~SqliteTransaction() {
  if (open_) sqlite3_exec(connection_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

Expected<void> SqliteTransaction::Begin() {
  auto begun = connection_.Execute("BEGIN IMMEDIATE");
  if (begun) open_ = true;
  return begun;
}

Expected<void> SqliteTransaction::Commit() {
  auto committed = connection_.Execute("COMMIT");
  if (committed) open_ = false;
  return committed;
}

}  // namespace drux

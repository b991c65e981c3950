// The store's schema as an ordered list of steps, one SQL text per backend. A database
// records the versions it has applied in schema_migrations; opening applies the missing
// steps in one transaction. Steps are only ever appended: an applied step never changes.
#pragma once

#include <span>
#include <string>

namespace drux {

struct Migration {
  int version = 0;                // 1, 2, ...: the order of application
  const char* description = "";   // what the step does, for people reading the table
  const char* sqlite_sql = "";    // SQLite dialect; several statements
  const char* postgres_sql = "";  // PostgreSQL dialect; several statements
};

std::span<const Migration> StoreMigrations();

// The highest version this binary knows.
int LatestSchemaVersion();

// The message for a database at `where` whose schema version `found` is newer than this
// binary knows: what happened and what to do.
std::string NewerSchemaMessage(const std::string& where, int found);

}  // namespace drux

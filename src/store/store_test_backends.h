// The databases the store tests run against: a SQLite file in a fresh temporary
// directory, and a fresh schema on the PostgreSQL server named by DRUX_TEST_POSTGRES_URL.
// Each is removed when its backend object goes away.
#pragma once

#include <memory>
#include <string>

namespace drux {

class StoreTestBackend {
 public:
  virtual ~StoreTestBackend() = default;
  // The URL OpenStore takes.
  virtual std::string Url() const = 0;
  // What the store's error messages call the database.
  virtual std::string DisplayName() const = 0;
  // Runs SQL on the database outside the store; returns the first column of the first
  // row as text ("" when there is none). Throws on failure.
  virtual std::string Query(const std::string& sql) = 0;
};

std::unique_ptr<StoreTestBackend> MakeSqliteTestBackend();

// nullptr when DRUX_TEST_POSTGRES_URL is not set. Throws when the server cannot be used.
std::unique_ptr<StoreTestBackend> MakePostgresTestBackend();

}  // namespace drux

#include "store/store_test_backends.h"

#include <sqlite3.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <pqxx/pqxx>
#include <random>
#include <stdexcept>

namespace drux {
namespace {

class SqliteTestBackend : public StoreTestBackend {
 public:
  SqliteTestBackend() {
    std::string pattern = (std::filesystem::temp_directory_path() / "drux_store_test_XXXXXX");
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    directory_ = pattern;
    // A directory that does not exist yet: the store creates it.
    path_ = (std::filesystem::path(directory_) / "state" / "drux.db").string();
  }
  ~SqliteTestBackend() override {
    std::error_code ignored;
    std::filesystem::remove_all(directory_, ignored);
  }

  std::string Url() const override { return "sqlite:" + path_; }
  std::string DisplayName() const override { return path_; }

  std::string Query(const std::string& sql) override {
    sqlite3* db = nullptr;
    if (sqlite3_open(path_.c_str(), &db) != SQLITE_OK) {
      sqlite3_close(db);
      throw std::runtime_error("cannot open " + path_);
    }
    std::string value;
    char* message = nullptr;
    const int rc = sqlite3_exec(
        db, sql.c_str(),
        [](void* out, int columns, char** values, char**) {
          auto* text = static_cast<std::string*>(out);
          if (text->empty() && columns > 0 && values[0] != nullptr) *text = values[0];
          return 0;
        },
        &value, &message);
    const std::string error = message != nullptr ? message : "";
    sqlite3_free(message);
    sqlite3_close(db);
    if (rc != SQLITE_OK) throw std::runtime_error(sql + ": " + error);
    return value;
  }

 private:
  std::string directory_;
  std::string path_;
};

class PostgresTestBackend : public StoreTestBackend {
 public:
  explicit PostgresTestBackend(std::string server_url) : server_url_(std::move(server_url)) {
    std::random_device entropy;
    schema_ =
        "drux_test_" + std::to_string(getpid()) + "_" + std::to_string(entropy() % 1000000000);
    pqxx::connection connection(server_url_);
    pqxx::nontransaction(connection).exec("CREATE SCHEMA " + schema_);
  }
  ~PostgresTestBackend() override {
    try {
      pqxx::connection connection(server_url_);
      pqxx::nontransaction(connection).exec("DROP SCHEMA " + schema_ + " CASCADE");
    } catch (const std::exception&) {
      // The server went away; the schema goes with the test cluster.
    }
  }

  std::string Url() const override {
    const char separator = server_url_.find('?') == std::string::npos ? '?' : '&';
    return server_url_ + separator + "options=-csearch_path%3D" + schema_;
  }
  std::string DisplayName() const override { return Url(); }

  std::string Query(const std::string& sql) override {
    pqxx::connection connection(Url());
    pqxx::work transaction(connection);
    const pqxx::result result = transaction.exec(sql);
    transaction.commit();
    if (result.empty() || result.columns() == 0 || result[0][0].is_null()) return "";
    return result[0][0].c_str();
  }

 private:
  std::string server_url_;
  std::string schema_;
};

}  // namespace

std::unique_ptr<StoreTestBackend> MakeSqliteTestBackend() {
  return std::make_unique<SqliteTestBackend>();
}

std::unique_ptr<StoreTestBackend> MakePostgresTestBackend() {
  const char* url = std::getenv("DRUX_TEST_POSTGRES_URL");
  if (url == nullptr || *url == '\0') return nullptr;
  return std::make_unique<PostgresTestBackend>(url);
}

}  // namespace drux

// A few libpqxx connections shared by every thread: a caller borrows one for a
// transaction and gives it back; a broken one is closed and replaced on demand.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <pqxx/pqxx>
#include <string>
#include <vector>

namespace drux {

class PostgresConnectionPool {
 public:
  // One borrowed connection; returns it to the pool when it goes out of scope.
  class Lease {
   public:
    Lease(PostgresConnectionPool* pool, std::unique_ptr<pqxx::connection> connection)
        : pool_(pool), connection_(std::move(connection)) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();

    pqxx::connection& operator*() const { return *connection_; }
    // The connection failed: close it instead of lending it again.
    void Discard() { broken_ = true; }

   private:
    PostgresConnectionPool* pool_;
    std::unique_ptr<pqxx::connection> connection_;
    bool broken_ = false;
  };

  // url is a libpq connection string or URL; at most `size` connections are open at once.
  PostgresConnectionPool(std::string url, int size) : url_(std::move(url)), size_(size) {}

  // A connection, opening one when none is idle and fewer than size are open, else
  // waiting for one to come back. Throws pqxx::broken_connection when connecting fails.
  Lease Acquire();

  // Closes every idle connection: after one turned out broken (a server restart), the
  // others most likely are too.
  void DiscardIdle();

 private:
  void Release(std::unique_ptr<pqxx::connection> connection, bool broken);

  const std::string url_;
  const int size_;
  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_;  // guarded by mutex_
  int open_ = 0;                                         // guarded by mutex_
};

}  // namespace drux

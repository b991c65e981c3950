#include "store/postgres_connection_pool.h"

namespace drux {

PostgresConnectionPool::Lease::~Lease() {
  if (connection_ != nullptr) {
    const bool broken = broken_ || !connection_->is_open();
    pool_->Release(std::move(connection_), broken);
  }
}

PostgresConnectionPool::Lease PostgresConnectionPool::Acquire() {
  std::unique_lock lock(mutex_);
  returned_.wait(lock, [&] { return !idle_.empty() || open_ < size_; });
  if (!idle_.empty()) {
    auto connection = std::move(idle_.back());
    idle_.pop_back();
    return Lease(this, std::move(connection));
  }
  ++open_;
  lock.unlock();
  try {
    return Lease(this, std::make_unique<pqxx::connection>(url_));
  } catch (...) {
    lock.lock();
    --open_;
    returned_.notify_one();
    throw;
  }
}

void PostgresConnectionPool::DiscardIdle() {
  std::vector<std::unique_ptr<pqxx::connection>> discarded;
  {
    std::lock_guard lock(mutex_);
    open_ -= static_cast<int>(idle_.size());
    discarded.swap(idle_);
  }
  returned_.notify_all();
}

void PostgresConnectionPool::Release(std::unique_ptr<pqxx::connection> connection, bool broken) {
  {
    std::lock_guard lock(mutex_);
    if (broken) {
      --open_;
    } else {
      idle_.push_back(std::move(connection));
    }
  }
  returned_.notify_one();
}

}  // namespace drux

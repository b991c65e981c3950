// Responses for complete questions kept in memory: a complete result never changes, so
// its bytes and ETag are computed once and served to every later GET. Bounded in bytes;
// thread-safe, with readers in parallel.
#pragma once

#include <cstddef>
#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>

namespace drux {

struct CachedQuestion {
  std::string body;  // the GET /api/questions/ID JSON
  std::string etag;  // quoted, as sent
};

class ResultCache {
 public:
  explicit ResultCache(std::size_t max_bytes = 64 * 1024 * 1024) : max_bytes_(max_bytes) {}

  std::shared_ptr<const CachedQuestion> Get(const std::string& id) const;
  // Keeps body for id; when the cache would pass its size it starts over empty (results
  // are cheap to rebuild from the store).
  std::shared_ptr<const CachedQuestion> Put(const std::string& id, std::string body);

 private:
  const std::size_t max_bytes_;
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<const CachedQuestion>> entries_;
  std::size_t bytes_ = 0;
};

}  // namespace drux

#include "server/result_cache.h"

#include <cstdint>
#include <cstdio>
#include <mutex>

namespace drux {
namespace {

// FNV-1a of the body: the ETag names these exact bytes, across restarts too.
std::string EtagOf(const std::string& body) {
  std::uint64_t hash = 1469598103934665603ULL;
  for (const char c : body) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  char text[24];
  std::snprintf(text, sizeof text, "\"%016llx\"", static_cast<unsigned long long>(hash));
  return text;
}

}  // namespace

std::shared_ptr<const CachedQuestion> ResultCache::Get(const std::string& id) const {
  std::shared_lock lock(mutex_);
  const auto it = entries_.find(id);
  return it == entries_.end() ? nullptr : it->second;
}

std::shared_ptr<const CachedQuestion> ResultCache::Put(const std::string& id, std::string body) {
  auto entry = std::make_shared<const CachedQuestion>(CachedQuestion{body, EtagOf(body)});
  std::unique_lock lock(mutex_);
  if (bytes_ + entry->body.size() > max_bytes_) {
    entries_.clear();
    bytes_ = 0;
  }
  const auto [it, inserted] = entries_.emplace(id, entry);
  if (inserted) bytes_ += entry->body.size();
  return it->second;
}

}  // namespace drux

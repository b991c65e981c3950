#include "store/store.h"

#include "store/postgres_store.h"
#include "store/sqlite_store.h"

namespace drux {

const char* QuestionStateName(QuestionState state) {
  switch (state) {
    case QuestionState::kRunning:
      return "running";
    case QuestionState::kComplete:
      return "complete";
    case QuestionState::kInterrupted:
      return "interrupted";
  }
  return "running";
}

std::optional<QuestionState> QuestionStateFromName(std::string_view name) {
  for (QuestionState state :
       {QuestionState::kRunning, QuestionState::kComplete, QuestionState::kInterrupted}) {
    if (name == QuestionStateName(state)) return state;
  }
  return std::nullopt;
}

const char* TierName(Tier tier) {
  switch (tier) {
    case Tier::kFree:
      return "free";
    case Tier::kPremium:
      return "premium";
  }
  return "free";
}

std::optional<Tier> TierFromName(std::string_view name) {
  for (Tier tier : {Tier::kFree, Tier::kPremium}) {
    if (name == TierName(tier)) return tier;
  }
  return std::nullopt;
}

Expected<std::unique_ptr<Store>> OpenStore(const std::string& url) {
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    PostgresStoreOptions options;
    options.url = url;
    return PostgresStore::Open(options);
  }
  std::string path = url.starts_with("sqlite:") ? url.substr(7) : url;
  const auto scheme_end = path.find("://");
  if (scheme_end != std::string::npos && path.find('/') > scheme_end) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "unknown store URL scheme in '" + path.substr(0, scheme_end) +
                         "://...': use a file path, sqlite:PATH, postgresql://... or "
                         "postgres://...");
  }
  if (path.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "the store URL '" + url +
                                                      "' names no file: give a path such as "
                                                      "sqlite:/var/lib/drux/drux.db");
  }
  SqliteStoreOptions options;
  options.path = path;
  return SqliteStore::Open(options);
}

}  // namespace drux

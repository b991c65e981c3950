// Errors are values: every fallible call across a stage boundary returns Expected<T>.
#pragma once

#include <string>
#include <tl/expected.hpp>

namespace drux {

// What kind of failure, for code that must react differently (exit status, retry, UI).
enum class ErrorCode {
  kInvalidArgument,    // the user's input is unusable (empty question, bad flag value)
  kConfig,             // a configuration file is unreadable or wrong
  kNotFound,           // a named model, panel or file does not exist
  kConnection,         // could not reach a provider (refused, DNS, TLS)
  kTimeout,            // a deadline passed before the work finished
  kCancelled,          // the caller stopped the work
  kRateLimited,        // the provider said HTTP 429, 503 or 529 (busy, overloaded)
  kProviderError,      // the provider answered with an error status
  kMalformedResponse,  // the provider's reply could not be understood
  kAlreadyExists,      // the thing to create exists already (an email, an id)
  kUnauthenticated,    // no valid credentials (wrong password, no session)
  kPermissionDenied,   // the caller may not do this (a free account asking a premium panel)
  kBudgetExceeded,     // the call would pass the user's spending budget
  kMissingApiKey,      // the member's API key variable is not set; the member is skipped
  kInternal,           // a bug or an unexpected library failure
};

// A stable lower-case name for each code ("timeout", "rate_limited", ...), used in JSON.
const char* ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  // A human message: what happened, what it affects, what to do. For provider errors it
  // carries the provider's own message.
  std::string message;
  // The HTTP status the provider returned, 0 when there was none.
  int http_status = 0;
  // Seconds the provider asked us to wait (Retry-After), 0 when it did not say.
  int retry_after_seconds = 0;
};

template <typename T>
using Expected = tl::expected<T, Error>;

inline tl::unexpected<Error> MakeError(ErrorCode code, std::string message, int http_status = 0) {
  return tl::unexpected<Error>(Error{code, std::move(message), http_status, 0});
}

}  // namespace drux

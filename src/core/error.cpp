#include "core/error.h"

namespace drux {

const char* ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid_argument";
    case ErrorCode::kConfig:
      return "config";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kConnection:
      return "connection";
    case ErrorCode::kTimeout:
      return "timeout";
    case ErrorCode::kCancelled:
      return "cancelled";
    case ErrorCode::kRateLimited:
      return "rate_limited";
    case ErrorCode::kProviderError:
      return "provider_error";
    case ErrorCode::kMalformedResponse:
      return "malformed_response";
    case ErrorCode::kAlreadyExists:
      return "already_exists";
    case ErrorCode::kUnauthenticated:
      return "unauthenticated";
    case ErrorCode::kPermissionDenied:
      return "permission_denied";
    case ErrorCode::kBudgetExceeded:
      return "budget_exceeded";
    case ErrorCode::kMissingApiKey:
      return "missing_api_key";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "internal";
}

}  // namespace drux

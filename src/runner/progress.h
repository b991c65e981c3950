// Progress events a panel run emits while members answer, for live displays.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/error.h"

namespace drux {

struct ProgressEvent {
  enum class Kind {
    kDownloading,  // the member's model file is being downloaded (bytes_* say how far)
    kStarted,      // the member's call began
    kText,         // more text streamed in (text holds the new piece)
    kDone,         // the member answered
    kFailed,       // the member failed (error holds why)
    // The member's call failed before any text streamed and it tries again: after
    // retry_delay_ms with the same model, or at once with its next fallback. text says so
    // for people ("retrying in 2.0 s: rate limited"); error holds the failure.
    kRetrying,
  };
  Kind kind = Kind::kStarted;
  int member = 0;         // index in the panel
  std::string model;      // the member's display name
  std::string text;       // kText: the new piece
  int tokens = 0;         // tokens so far (streamed pieces, or the reported count when done)
  double elapsed_ms = 0;  // since the member's call began
  std::optional<Error> error;
  std::uint64_t bytes_done = 0;   // kDownloading: of the whole file
  std::uint64_t bytes_total = 0;  // kDownloading: 0 while unknown
  double retry_delay_ms = 0;      // kRetrying: the wait before the next call
};

// Called for every event. The runner serializes calls, so a sink needs no locking of
// its own, and must return quickly: it runs on a member's thread.
using ProgressSink = std::function<void(const ProgressEvent&)>;

}  // namespace drux

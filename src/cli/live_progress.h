// A live line per panel member on the terminal while the panel runs, and one more for the
// synthesizer once it starts:
//   ● alpha               answering     42 tokens    3.1 s
//   ● synthesis · alpha   writing      120 tokens    9.8 s
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cli/terminal.h"
#include "runner/progress.h"

namespace drux {

class LiveProgress {
 public:
  // Draws on out (a terminal) and redraws a few times a second until Finish().
  LiveProgress(std::FILE* out, const std::vector<std::string>& models, TerminalStyle style);
  ~LiveProgress();
  LiveProgress(const LiveProgress&) = delete;
  LiveProgress& operator=(const LiveProgress&) = delete;

  // An event of member index == the number of lines so far adds a line (the synthesizer);
  // a kStarted event renames its line to event.model (a later round's "NAME · round 2").
  void OnEvent(const ProgressEvent& event);
  // Draws the final state and stops redrawing.
  void Finish();

 private:
  enum class State { kWaiting, kDownloading, kStreaming, kRetrying, kDone, kFailed };
  struct Line {
    std::string model;
    bool synthesis = false;  // the synthesizer's line: it writes rather than answers
    State state = State::kWaiting;
    int tokens = 0;
    double seconds = 0;
    std::chrono::steady_clock::time_point started;
    std::string error;
    std::string retry_note = {};  // kRetrying: "retrying in 2.0 s: rate limited"
    std::uint64_t bytes_done = 0;
    std::uint64_t bytes_total = 0;
  };

  void DrawLocked();
  std::string Render(const Line& line) const;

  std::FILE* out_;
  TerminalStyle style_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Line> lines_;
  std::size_t name_width_ = 0;
  std::size_t drawn_lines_ = 0;
  bool finished_ = false;
  std::thread ticker_;
};

}  // namespace drux

// A live line per panel member on the terminal while the panel runs:
//   ● alpha   streaming   42 tokens   3.1 s
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

  void OnEvent(const ProgressEvent& event);
  // Draws the final state and stops redrawing.
  void Finish();

 private:
  enum class State { kWaiting, kDownloading, kStreaming, kDone, kFailed };
  struct Line {
    std::string model;
    State state = State::kWaiting;
    int tokens = 0;
    double seconds = 0;
    std::chrono::steady_clock::time_point started;
    std::string error;
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
  bool drawn_ = false;
  bool finished_ = false;
  std::thread ticker_;
};

}  // namespace drux

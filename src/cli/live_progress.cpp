#include "cli/live_progress.h"

#include <algorithm>
#include <cstdio>

namespace drux {

LiveProgress::LiveProgress(std::FILE* out, const std::vector<std::string>& models,
                           TerminalStyle style)
    : out_(out), style_(style) {
  for (const std::string& model : models) {
    lines_.push_back(Line{ForTerminal(model), false, State::kWaiting, 0, 0, {}, {}});
    name_width_ = std::max(name_width_, lines_.back().model.size());
  }
  // The ticker keeps the seconds moving while a member is silent.
  ticker_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!finished_) {
      DrawLocked();
      wake_.wait_for(lock, std::chrono::milliseconds(200));
    }
  });
}

LiveProgress::~LiveProgress() {
  Finish();
}

void LiveProgress::OnEvent(const ProgressEvent& event) {
  std::lock_guard lock(mutex_);
  if (event.member < 0 || static_cast<std::size_t>(event.member) > lines_.size()) return;
  if (static_cast<std::size_t>(event.member) == lines_.size()) {
    lines_.push_back(Line{ForTerminal(event.model), true, State::kWaiting, 0, 0, {}, {}});
  }
  Line& line = lines_[event.member];
  if (event.kind == ProgressEvent::Kind::kStarted && !event.model.empty()) {
    line.model = ForTerminal(event.model);
    line.tokens = 0;
  }
  name_width_ = std::max(name_width_, line.model.size());
  switch (event.kind) {
    case ProgressEvent::Kind::kDownloading:
      line.state = State::kDownloading;
      line.bytes_done = event.bytes_done;
      line.bytes_total = event.bytes_total;
      break;
    case ProgressEvent::Kind::kStarted:
      line.state = State::kStreaming;
      line.started = std::chrono::steady_clock::now();
      break;
    case ProgressEvent::Kind::kText:
      line.tokens = event.tokens;
      break;
    case ProgressEvent::Kind::kDone:
      line.state = State::kDone;
      line.tokens = std::max(line.tokens, event.tokens);
      line.seconds = event.elapsed_ms / 1000;
      break;
    case ProgressEvent::Kind::kFailed:
      line.state = State::kFailed;
      line.seconds = event.elapsed_ms / 1000;
      line.error = event.error ? event.error->message : "failed";
      break;
    case ProgressEvent::Kind::kRetrying:
      line.state = State::kRetrying;
      line.retry_note = event.text;
      break;
  }
}

void LiveProgress::Finish() {
  {
    std::lock_guard lock(mutex_);
    if (finished_) return;
    finished_ = true;
    DrawLocked();
  }
  wake_.notify_all();
  if (ticker_.joinable()) ticker_.join();
}

std::string LiveProgress::Render(const Line& line) const {
  std::string name = line.model + std::string(name_width_ - line.model.size(), ' ');
  double seconds = line.seconds;
  if (line.state == State::kStreaming) {
    seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - line.started).count();
  }
  char figures[64];
  std::snprintf(figures, sizeof figures, "%5d tokens  %5.1f s", line.tokens, seconds);
  switch (line.state) {
    case State::kWaiting:
      return "  " + style_.Dim("○ " + name + "  waiting");
    case State::kDownloading: {
      char download[96];
      const double total_mb = static_cast<double>(line.bytes_total) / 1e6;
      const double done_mb = static_cast<double>(line.bytes_done) / 1e6;
      if (line.bytes_total > 0) {
        std::snprintf(download, sizeof download, "%3.0f%%  %.0f of %.0f MB",
                      100 * done_mb / total_mb, done_mb, total_mb);
      } else {
        std::snprintf(download, sizeof download, "%.0f MB", done_mb);
      }
      return "  " + style_.Yellow("↓ ") + name + "  downloading  " + download;
    }
    case State::kStreaming:
      return "  " + style_.Yellow("● ") + name +
             (line.synthesis ? "  writing    " : "  answering  ") + figures;
    case State::kRetrying: {
      std::string note = ForTerminal(line.retry_note.substr(0, 60));
      std::replace(note.begin(), note.end(), '\n', ' ');
      return "  " + style_.Yellow("↻ ") + name + "  " + note;
    }
    case State::kDone:
      return "  " + style_.Green("✓ ") + name + "  done       " + figures;
    case State::kFailed: {
      // Keep the line to one row: the full error is in the result.
      std::string reason = ForTerminal(line.error.substr(0, 60));
      std::replace(reason.begin(), reason.end(), '\n', ' ');
      return "  " + style_.Red("✗ ") + name + "  failed     " + figures + "  " + reason;
    }
  }
  return {};
}

void LiveProgress::DrawLocked() {
  std::string frame;
  if (drawn_lines_ > 0) {
    frame += "\033[" + std::to_string(drawn_lines_) + "F";  // back to the first line
  }
  for (const Line& line : lines_) frame += "\033[2K" + Render(line) + "\n";
  std::fputs(frame.c_str(), out_);
  std::fflush(out_);
  drawn_lines_ = lines_.size();
}

}  // namespace drux

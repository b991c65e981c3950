#include "providers/sse_parser.h"

#include <utility>

namespace drux {
namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

}  // namespace

std::vector<SseEvent> SseParser::Feed(std::string_view bytes) {
  std::vector<SseEvent> events;
  if (at_stream_start_) {
    // The mark may itself arrive split, so wait until three bytes decide it.
    line_.append(bytes);
    if (line_.size() < kByteOrderMark.size() && kByteOrderMark.starts_with(line_)) return events;
    at_stream_start_ = false;
    std::string pending = std::move(line_);
    line_.clear();
    std::string_view rest = pending;
    if (rest.starts_with(kByteOrderMark)) rest.remove_prefix(kByteOrderMark.size());
    return Feed(rest);
  }
  std::size_t start = 0;
  if (skip_line_feed_ && !bytes.empty()) {
    skip_line_feed_ = false;
    if (bytes.front() == '\n') start = 1;
  }
  for (std::size_t i = start; i < bytes.size(); ++i) {
    const char c = bytes[i];
    if (c != '\n' && c != '\r') continue;
    if (line_.empty()) {
      ProcessLine(bytes.substr(start, i - start), events);
    } else {
      line_.append(bytes.substr(start, i - start));
      ProcessLine(line_, events);
      line_.clear();
    }
    if (c == '\r') {
      if (i + 1 == bytes.size()) {
        skip_line_feed_ = true;
      } else if (bytes[i + 1] == '\n') {
        ++i;
      }
    }
    start = i + 1;
  }
  line_.append(bytes.substr(start));
  return events;
}

std::optional<SseEvent> SseParser::Finish() {
  std::vector<SseEvent> ignored;
  if (!line_.empty()) ProcessLine(line_, ignored);
  std::optional<SseEvent> unterminated;
  if (has_data_) unterminated = SseEvent{std::move(event_), std::move(data_), last_id_};
  *this = SseParser();
  return unterminated;
}

void SseParser::ProcessLine(std::string_view line, std::vector<SseEvent>& events) {
  if (line.empty()) {
    if (has_data_) events.push_back(SseEvent{std::move(event_), std::move(data_), last_id_});
    event_.clear();
    data_.clear();
    has_data_ = false;
    return;
  }
  if (line.front() == ':') return;
  const std::size_t colon = line.find(':');
  const std::string_view field = line.substr(0, colon);
  std::string_view value;
  if (colon != std::string_view::npos) {
    value = line.substr(colon + 1);
    if (value.starts_with(' ')) value.remove_prefix(1);
  }
  if (field == "data") {
    if (has_data_) data_ += '\n';
    data_.append(value);
    has_data_ = true;
  } else if (field == "event") {
    event_.assign(value);
  } else if (field == "id") {
    // The format ignores ids containing NUL, so a reconnect never sends a truncated one.
    if (value.find('\0') == std::string_view::npos) last_id_.assign(value);
  }
}

}  // namespace drux

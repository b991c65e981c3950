// An incremental parser for Server-Sent Events (the WHATWG "text/event-stream" format),
// the framing OpenAI-compatible servers use to stream chat completions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace drux {

struct SseEvent {
  std::string event;  // the "event:" field; empty when the stream did not name one
  std::string data;   // the "data:" lines of the event, joined by '\n'
  std::string id;     // the last "id:" seen so far in the stream (ids persist across events)
};

// Feed the stream in chunks of any size, split anywhere (even inside a "\r\n"); the events
// come out the same. Lines end with "\r\n", "\n" or "\r"; lines starting with ':' are
// comments; a leading UTF-8 byte order mark is skipped; fields other than event, data and
// id are ignored. As the format prescribes, a blank line ends an event and an event with
// no data line is not dispatched. Not thread-safe: one parser per stream.
class SseParser {
 public:
  // Parses bytes and returns the events they complete, in stream order.
  std::vector<SseEvent> Feed(std::string_view bytes);

  // Ends the stream. Returns the event that had data but no terminating blank line, which
  // a conforming client discards; callers decide whether a truncated stream may keep it.
  // The parser is reset for a new stream.
  std::optional<SseEvent> Finish();

 private:
  void ProcessLine(std::string_view line, std::vector<SseEvent>& events);

  std::string line_;             // the current line, until its line end arrives
  bool skip_line_feed_ = false;  // the previous chunk ended with '\r' that may pair with '\n'
  bool at_stream_start_ = true;  // a byte order mark may still come
  std::string event_;
  std::string data_;
  bool has_data_ = false;
  std::string last_id_;
};

}  // namespace drux

// An HTTP server on 127.0.0.1 that answers every request with a recorded HTTP response
// read from a file under tests/data/protocols/ (a vendor's wire protocol, written from its
// API documentation), and records every request. The stand-in for paid cloud APIs.
//
// A response file is the response as sent: a status line, header lines, a blank line and
// the body. Lines starting with '#' before the status line are comments (where the
// recording comes from). Header lines end in "\r\n" on the wire whatever the file uses;
// the body is sent byte for byte. A body without a Content-Length header gets one, unless
// it is an event stream, which ends when the server closes the connection; a stream file
// that stops midway is therefore a stream cut midway. "{{api_key}}" in the body becomes the
// API key the request carried, for tests of servers that echo keys.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "support/loopback_server.h"

namespace drux::test {

struct RecordedRequest {
  std::string method;
  std::string target;                          // "/v1/messages", with any query string
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
};

class ProtocolReplayServer {
 public:
  ProtocolReplayServer();
  // Stops accepting, ends open connections and joins every thread.
  ~ProtocolReplayServer();
  ProtocolReplayServer(const ProtocolReplayServer&) = delete;
  ProtocolReplayServer& operator=(const ProtocolReplayServer&) = delete;

  // Listens on an ephemeral port and returns "http://127.0.0.1:PORT". Returns "" (and
  // records a test failure) when no socket can be opened. Call once.
  std::string Start();

  // Answers every following request with the file at tests/data/protocols/relative_path.
  // Returns false (and records a test failure) when it cannot be read.
  bool Serve(const std::string& relative_path);

  std::vector<RecordedRequest> requests() const;

 private:
  void Respond(int socket);

  mutable std::mutex mutex_;
  std::string response_;  // the file's text, comments dropped
  std::vector<RecordedRequest> requests_;
  LoopbackServer server_;  // last: its threads stop before the state they use goes away
};

}  // namespace drux::test

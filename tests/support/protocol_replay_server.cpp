#include "support/protocol_replay_server.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "support/http_wire.h"

namespace drux::test {
namespace {

// The API key a request carried in any of the vendors' headers.
std::string KeyOf(const RecordedRequest& request) {
  for (const char* header : {"x-api-key", "x-goog-api-key"}) {
    if (const auto found = request.headers.find(header); found != request.headers.end()) {
      return found->second;
    }
  }
  const auto authorization = request.headers.find("authorization");
  if (authorization != request.headers.end() && authorization->second.starts_with("Bearer ")) {
    return authorization->second.substr(7);
  }
  return "";
}

// The bytes to send for a response file's text.
std::string WireResponse(const std::string& text, const std::string& api_key) {
  std::size_t head_end = text.find("\n\n");
  if (head_end == std::string::npos) head_end = text.size();
  std::string body = head_end + 2 <= text.size() ? text.substr(head_end + 2) : "";
  for (std::size_t at = body.find("{{api_key}}"); at != std::string::npos;
       at = body.find("{{api_key}}", at)) {
    body.replace(at, 11, api_key);
  }
  std::string head;
  bool has_length = false;
  bool event_stream = false;
  std::istringstream lines(text.substr(0, head_end));
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::string lower = LowercaseAscii(line);
    has_length = has_length || lower.starts_with("content-length:");
    event_stream = event_stream || (lower.starts_with("content-type:") &&
                                    lower.find("text/event-stream") != std::string::npos);
    head += line + "\r\n";
  }
  if (!has_length && !event_stream)
    head += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  return head + "Connection: close\r\n\r\n" + body;
}

}  // namespace

ProtocolReplayServer::ProtocolReplayServer() : server_([this](int socket) { Respond(socket); }) {}

ProtocolReplayServer::~ProtocolReplayServer() {
  server_.Stop();
}

std::string ProtocolReplayServer::Start() {
  if (const auto started = server_.Start(); !started) {
    ADD_FAILURE() << "the replay server " << started.error().message;
    return "";
  }
  return server_.base_url();
}

bool ProtocolReplayServer::Serve(const std::string& relative_path) {
  const std::string path = std::string(DRUX_TEST_DATA_DIR) + "/protocols/" + relative_path;
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    ADD_FAILURE() << "cannot read the recorded response " << path;
    return false;
  }
  std::string text;
  for (std::string line; std::getline(file, line);) {
    if (text.empty() && line.starts_with('#')) continue;
    text += line + "\n";
  }
  // getline added a line end the file may not have had: a cut stream ends where it ends.
  file.clear();
  file.seekg(-1, std::ios::end);
  if (char last = 0; file.get(last) && last != '\n') text.pop_back();
  std::lock_guard lock(mutex_);
  response_ = std::move(text);
  return true;
}

std::vector<RecordedRequest> ProtocolReplayServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

void ProtocolReplayServer::Respond(int socket) {
  HttpRequest read;
  if (!ReadHttpRequest(socket, read)) return;
  const RecordedRequest request{std::move(read.method), std::move(read.target),
                                std::move(read.headers), std::move(read.body)};
  std::string response;
  {
    std::lock_guard lock(mutex_);
    requests_.push_back(request);
    response = response_;
  }
  SendAll(socket, WireResponse(response, KeyOf(request)));
}

}  // namespace drux::test

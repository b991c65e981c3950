#include "support/protocol_replay_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>

namespace drux::test {
namespace {

constexpr std::size_t kMaxHeaderBytes = 64 * 1024;

std::string Lowercase(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string TrimSpaces(const std::string& text) {
  const std::size_t first = text.find_first_not_of(" \t");
  const std::size_t last = text.find_last_not_of(" \t\r");
  return first == std::string::npos ? "" : text.substr(first, last - first + 1);
}

bool SendAll(int socket, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t sent = ::send(socket, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

// Reads one request; false when the client went away or sent something unusable.
bool ReadRequest(int socket, RecordedRequest& request) {
  std::string received;
  std::size_t header_end = std::string::npos;
  char buffer[16 * 1024];
  while ((header_end = received.find("\r\n\r\n")) == std::string::npos) {
    if (received.size() > kMaxHeaderBytes) return false;
    const ssize_t count = ::recv(socket, buffer, sizeof buffer, 0);
    if (count <= 0) return false;
    received.append(buffer, static_cast<std::size_t>(count));
  }
  std::istringstream request_line(received.substr(0, received.find("\r\n")));
  request_line >> request.method >> request.target;
  std::size_t line_start = received.find("\r\n") + 2;
  while (line_start < header_end) {
    const std::size_t line_end = received.find("\r\n", line_start);
    const std::string line = received.substr(line_start, line_end - line_start);
    if (const std::size_t colon = line.find(':'); colon != std::string::npos) {
      request.headers[Lowercase(line.substr(0, colon))] = TrimSpaces(line.substr(colon + 1));
    }
    line_start = line_end + 2;
  }
  std::size_t body_size = 0;
  if (const auto length = request.headers.find("content-length"); length != request.headers.end()) {
    const std::string& digits = length->second;
    if (std::from_chars(digits.data(), digits.data() + digits.size(), body_size).ec !=
        std::errc()) {
      return false;
    }
  }
  request.body = received.substr(header_end + 4);
  while (request.body.size() < body_size) {
    const ssize_t count = ::recv(socket, buffer, sizeof buffer, 0);
    if (count <= 0) return false;
    request.body.append(buffer, static_cast<std::size_t>(count));
  }
  return true;
}

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
    const std::string lower = Lowercase(line);
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

ProtocolReplayServer::~ProtocolReplayServer() {
  if (listen_socket_ >= 0) ::shutdown(listen_socket_, SHUT_RDWR);  // wakes accept()
  if (acceptor_.joinable()) acceptor_.join();
  if (listen_socket_ >= 0) ::close(listen_socket_);
}

std::string ProtocolReplayServer::Start() {
  listen_socket_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (listen_socket_ < 0 ||
      ::bind(listen_socket_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listen_socket_, 16) != 0 ||
      ::getsockname(listen_socket_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ADD_FAILURE() << "the replay server could not listen on 127.0.0.1";
    return "";
  }
  acceptor_ = std::thread([this] { AcceptConnections(); });
  return "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port));
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

void ProtocolReplayServer::AcceptConnections() {
  while (true) {
    const int socket = ::accept(listen_socket_, nullptr, nullptr);
    if (socket < 0) return;
    Respond(socket);
    ::close(socket);
  }
}

void ProtocolReplayServer::Respond(int socket) {
  RecordedRequest request;
  if (!ReadRequest(socket, request)) return;
  std::string response;
  {
    std::lock_guard lock(mutex_);
    requests_.push_back(request);
    response = response_;
  }
  SendAll(socket, WireResponse(response, KeyOf(request)));
  ::shutdown(socket, SHUT_WR);
}

}  // namespace drux::test

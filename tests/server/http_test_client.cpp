#include "server/http_test_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <sstream>

namespace drux::test {

RawConnection::RawConnection(int port) {
  socket_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(socket_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(socket_);
    socket_ = -1;
  }
}

RawConnection::~RawConnection() {
  if (socket_ >= 0) ::close(socket_);
}

bool RawConnection::Send(const std::string& bytes) {
  std::size_t sent = 0;
  while (socket_ >= 0 && sent < bytes.size()) {
    const ssize_t n = ::send(socket_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return socket_ >= 0;
}

bool RawConnection::Fill(std::chrono::steady_clock::time_point deadline) {
  if (socket_ < 0 || closed_) return false;
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) return false;
  pollfd poll_fd{socket_, POLLIN, 0};
  if (::poll(&poll_fd, 1, static_cast<int>(left.count())) <= 0) return false;
  char chunk[16384];
  const ssize_t n = ::recv(socket_, chunk, sizeof chunk, 0);
  if (n <= 0) {
    closed_ = true;
    return false;
  }
  buffer_.append(chunk, static_cast<std::size_t>(n));
  return true;
}

std::string RawConnection::ReadUntilClosed(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (Fill(deadline)) {
  }
  return std::move(buffer_);
}

HttpReply RawConnection::ReadReply(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  HttpReply reply;
  std::size_t header_end;
  while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!Fill(deadline)) return reply;
  }
  std::istringstream head(buffer_.substr(0, header_end));
  std::string line;
  std::getline(head, line);
  if (line.size() >= 12) reply.status = std::atoi(line.substr(9, 3).c_str());
  while (std::getline(head, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    reply.headers[name] = value;
  }
  const std::size_t length =
      reply.headers.contains("content-length") ? std::stoul(reply.headers["content-length"]) : 0;
  while (buffer_.size() < header_end + 4 + length) {
    if (!Fill(deadline)) break;
  }
  reply.body = buffer_.substr(header_end + 4, length);
  buffer_.erase(0, std::min(buffer_.size(), header_end + 4 + length));
  return reply;
}

std::string HttpTestClient::RequestText(const std::string& method, const std::string& target,
                                        const std::string& body,
                                        const std::map<std::string, std::string>& headers) const {
  std::string text = method + " " + target +
                     " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port_) +
                     "\r\nConnection: close\r\n";
  if (!cookies_.empty()) {
    text += "Cookie: ";
    for (const auto& [name, value] : cookies_) text += name + "=" + value + "; ";
    text += "\r\n";
  }
  if (!bearer_.empty()) text += "Authorization: Bearer " + bearer_ + "\r\n";
  for (const auto& [name, value] : headers) text += name + ": " + value + "\r\n";
  if (method == "POST") {
    text +=
        "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  }
  return text + "\r\n" + body;
}

HttpReply HttpTestClient::Request(const std::string& method, const std::string& target,
                                  const std::string& body,
                                  const std::map<std::string, std::string>& headers) {
  RawConnection connection(port_);
  connection.Send(RequestText(method, target, body, headers));
  HttpReply reply = connection.ReadReply(std::chrono::seconds(60));
  if (reply.headers.contains("set-cookie")) {
    const std::string& cookie = reply.headers["set-cookie"];
    const std::size_t equals = cookie.find('=');
    const std::size_t end = cookie.find(';');
    cookies_[cookie.substr(0, equals)] = cookie.substr(equals + 1, end - equals - 1);
  }
  return reply;
}

std::string HttpTestClient::FetchCsrfToken() {
  const HttpReply reply = Request("GET", "/api/me");
  csrf_token_ = nlohmann::json::parse(reply.body).value("csrf_token", "");
  return csrf_token_;
}

HttpReply HttpTestClient::Post(const std::string& target, const std::string& body) {
  std::map<std::string, std::string> headers;
  if (!csrf_token_.empty()) headers["X-CSRF-Token"] = csrf_token_;
  return Request("POST", target, body, headers);
}

std::vector<SseEvent> HttpTestClient::ReadEvents(const std::string& target,
                                                 const std::map<std::string, std::string>& headers,
                                                 std::chrono::milliseconds timeout) {
  RawConnection connection(port_);
  connection.Send(RequestText("GET", target, "", headers));
  const std::string text = connection.ReadUntilClosed(timeout);
  const std::size_t header_end = text.find("\r\n\r\n");
  if (header_end == std::string::npos) return {};
  return ParseSse(text.substr(header_end + 4));
}

std::vector<SseEvent> ParseSse(const std::string& text) {
  std::vector<SseEvent> events;
  SseEvent event;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) {
      if (!event.type.empty()) events.push_back(event);
      event = SseEvent{};
    } else if (line.starts_with("id: ")) {
      event.id = std::stoll(line.substr(4));
    } else if (line.starts_with("event: ")) {
      event.type = line.substr(7);
    } else if (line.starts_with("data: ")) {
      event.data = line.substr(6);
    }
  }
  return events;
}

}  // namespace drux::test

#include "support/http_wire.h"

#include <sys/socket.h>

#include <cctype>
#include <charconv>

namespace drux::test {
namespace {

constexpr std::size_t kMaxHeaderBytes = 64 * 1024;

std::string Trim(const std::string& text) {
  const std::size_t first = text.find_first_not_of(" \t");
  const std::size_t last = text.find_last_not_of(" \t\r");
  return first == std::string::npos ? "" : text.substr(first, last - first + 1);
}

}  // namespace

bool ReadHttpRequest(int socket, HttpRequest& request) {
  std::string received;
  std::size_t header_end = std::string::npos;
  char buffer[16 * 1024];
  while ((header_end = received.find("\r\n\r\n")) == std::string::npos) {
    if (received.size() > kMaxHeaderBytes) return false;
    const ssize_t count = ::recv(socket, buffer, sizeof buffer, 0);
    if (count <= 0) return false;
    received.append(buffer, static_cast<std::size_t>(count));
  }
  const std::size_t request_line_end = received.find("\r\n");
  const std::size_t method_end = received.find(' ');
  const std::size_t target_end = received.rfind(' ', request_line_end);
  if (method_end == std::string::npos || target_end <= method_end + 1) return false;
  request.method = received.substr(0, method_end);
  request.target = received.substr(method_end + 1, target_end - method_end - 1);
  std::size_t line_start = request_line_end + 2;
  while (line_start < header_end) {
    const std::size_t line_end = received.find("\r\n", line_start);
    const std::string line = received.substr(line_start, line_end - line_start);
    if (const std::size_t colon = line.find(':'); colon != std::string::npos) {
      request.headers[LowercaseAscii(line.substr(0, colon))] = Trim(line.substr(colon + 1));
    }
    line_start = line_end + 2;
  }
  std::size_t body_size = 0;
  if (const auto length = request.headers.find("content-length"); length != request.headers.end()) {
    const std::string& digits = length->second;
    const auto parsed = std::from_chars(digits.data(), digits.data() + digits.size(), body_size);
    if (parsed.ec != std::errc()) return false;
  }
  request.body = received.substr(header_end + 4);
  const auto expect = request.headers.find("expect");
  if (request.body.size() < body_size && expect != request.headers.end() &&
      LowercaseAscii(expect->second) == "100-continue" &&
      !SendAll(socket, "HTTP/1.1 100 Continue\r\n\r\n")) {
    return false;
  }
  while (request.body.size() < body_size) {
    const ssize_t count = ::recv(socket, buffer, sizeof buffer, 0);
    if (count <= 0) return false;
    request.body.append(buffer, static_cast<std::size_t>(count));
  }
  return true;
}

bool SendAll(int socket, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t sent = ::send(socket, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

std::string LowercaseAscii(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace drux::test

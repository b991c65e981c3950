#include "support/file_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <string_view>

namespace drux::test {
namespace {

constexpr std::size_t kMaxHeaderBytes = 64 * 1024;

bool SendAll(int socket, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t sent = ::send(socket, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

std::string Lowercase(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string Trim(const std::string& text) {
  const std::size_t first = text.find_first_not_of(" \t");
  const std::size_t last = text.find_last_not_of(" \t\r");
  return first == std::string::npos ? "" : text.substr(first, last - first + 1);
}

// Reads one request head; false when the client went away or sent something unusable.
bool ReadRequest(int socket, FileServer::Request& request) {
  std::string received;
  std::size_t header_end = std::string::npos;
  char buffer[4096];
  while ((header_end = received.find("\r\n\r\n")) == std::string::npos) {
    if (received.size() > kMaxHeaderBytes) return false;
    const ssize_t count = ::recv(socket, buffer, sizeof buffer, 0);
    if (count <= 0) return false;
    received.append(buffer, static_cast<std::size_t>(count));
  }
  const std::size_t request_line_end = received.find("\r\n");
  const std::size_t target_start = received.find(' ') + 1;
  const std::size_t target_end = received.rfind(' ', request_line_end);
  if (target_start == 0 || target_end <= target_start) return false;
  request.target = received.substr(target_start, target_end - target_start);
  std::size_t line_start = request_line_end + 2;
  while (line_start < header_end) {
    const std::size_t line_end = received.find("\r\n", line_start);
    const std::string line = received.substr(line_start, line_end - line_start);
    const std::size_t colon = line.find(':');
    if (colon != std::string::npos) {
      request.headers[Lowercase(line.substr(0, colon))] = Trim(line.substr(colon + 1));
    }
    line_start = line_end + 2;
  }
  return true;
}

std::optional<std::uint64_t> ParseNumber(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

struct ByteRange {
  std::uint64_t first = 0;
  std::optional<std::uint64_t> last;
};

// "bytes=N-" or "bytes=N-M"; nullopt for anything else (which is then ignored).
std::optional<ByteRange> ParseRange(const std::string& value) {
  if (!value.starts_with("bytes=")) return std::nullopt;
  const std::string_view spec = std::string_view(value).substr(6);
  const std::size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  const auto first = ParseNumber(spec.substr(0, dash));
  if (!first) return std::nullopt;
  ByteRange range{*first, std::nullopt};
  if (dash + 1 < spec.size()) {
    range.last = ParseNumber(spec.substr(dash + 1));
    if (!range.last || *range.last < *first) return std::nullopt;
  }
  return range;
}

std::string Head(const std::string& status, const std::string& content_type,
                 std::size_t content_length, const std::string& extra_headers = "") {
  return "HTTP/1.1 " + status + "\r\nContent-Type: " + content_type +
         "\r\nContent-Length: " + std::to_string(content_length) + "\r\n" + extra_headers +
         "Connection: close\r\n\r\n";
}

}  // namespace

FileServer::~FileServer() {
  Stop();
}

std::string FileServer::Start() {
  const auto fail = [this](const char* step) {
    ADD_FAILURE() << "FileServer could not " << step << ": " << std::strerror(errno);
    if (listen_socket_ >= 0) ::close(listen_socket_);
    listen_socket_ = -1;
    return std::string();
  };
  listen_socket_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_socket_ < 0) return fail("create a socket");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;  // the kernel picks a free port
  socklen_t size = sizeof address;
  if (::bind(listen_socket_, reinterpret_cast<sockaddr*>(&address), size) != 0) {
    return fail("bind to 127.0.0.1");
  }
  if (::listen(listen_socket_, SOMAXCONN) != 0) return fail("listen");
  if (::getsockname(listen_socket_, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    return fail("read its port");
  }
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread(&FileServer::AcceptConnections, this);
  return "http://127.0.0.1:" + std::to_string(port_);
}

void FileServer::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    // Wakes connection threads blocked in recv or send; their sockets stay theirs to close.
    for (Connection& connection : connections_) {
      if (connection.socket >= 0) ::shutdown(connection.socket, SHUT_RDWR);
    }
  }
  stopped_.notify_all();
  if (listen_socket_ >= 0) ::shutdown(listen_socket_, SHUT_RDWR);  // wakes accept()
  if (acceptor_.joinable()) acceptor_.join();
  for (Connection& connection : connections_) {
    if (connection.thread.joinable()) connection.thread.join();
  }
  if (listen_socket_ >= 0) ::close(listen_socket_);  // from now on, connecting is refused
  listen_socket_ = -1;
}

void FileServer::AddFile(const std::string& path, std::string bytes, std::string content_type) {
  std::lock_guard lock(mutex_);
  files_[path] = File{std::move(bytes), std::move(content_type)};
}

void FileServer::AddRedirect(const std::string& path, Redirect redirect) {
  std::lock_guard lock(mutex_);
  redirects_[path] = std::move(redirect);
}

void FileServer::Interrupt(Interruption how, std::size_t after_bytes, int responses) {
  std::lock_guard lock(mutex_);
  interruption_ = how;
  interrupt_after_ = after_bytes;
  interrupted_responses_ = responses;
}

void FileServer::set_ignore_range(bool ignore) {
  std::lock_guard lock(mutex_);
  ignore_range_ = ignore;
}

std::vector<FileServer::Request> FileServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

void FileServer::AcceptConnections() {
  while (true) {
    const int socket = ::accept4(listen_socket_, nullptr, nullptr, SOCK_CLOEXEC);
    JoinFinishedConnections();
    std::lock_guard lock(mutex_);
    if (stopping_) {
      if (socket >= 0) ::close(socket);
      return;
    }
    if (socket < 0) continue;  // an aborted connection, or EINTR
    Connection& connection = connections_.emplace_back();
    connection.socket = socket;
    connection.thread = std::thread(&FileServer::Serve, this, std::ref(connection));
  }
}

void FileServer::JoinFinishedConnections() {
  std::list<Connection> finished;
  {
    std::lock_guard lock(mutex_);
    for (auto it = connections_.begin(); it != connections_.end();) {
      const auto next = std::next(it);
      if (it->finished) finished.splice(finished.end(), connections_, it);
      it = next;
    }
  }
  for (Connection& connection : finished) connection.thread.join();
}

void FileServer::Serve(Connection& connection) {
  const int socket = connection.socket;
  Request request;
  if (ReadRequest(socket, request)) {
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(request);
    }
    Respond(socket, request);
  }
  ::shutdown(socket, SHUT_WR);
  std::lock_guard lock(mutex_);
  ::close(socket);
  connection.socket = -1;
  connection.finished = true;
}

void FileServer::Respond(int socket, const Request& request) {
  const std::string path = request.target.substr(0, request.target.find('?'));
  std::optional<Redirect> redirect;
  std::optional<File> file;
  {
    std::lock_guard lock(mutex_);
    if (const auto found = redirects_.find(path); found != redirects_.end()) {
      redirect = found->second;
    } else if (const auto served = files_.find(path); served != files_.end()) {
      file = served->second;
    }
  }
  if (redirect) {
    const std::string location = "http://127.0.0.1:" + std::to_string(port_) + redirect->target +
                                 "?X-Amz-Signature=test&Expires=3600";
    std::string headers = "Location: " + location + "\r\n";
    if (!redirect->linked_etag.empty()) {
      headers += "X-Linked-Etag: \"" + redirect->linked_etag + "\"\r\n";
    }
    if (redirect->linked_size) {
      headers += "X-Linked-Size: " + std::to_string(*redirect->linked_size) + "\r\n";
    }
    if (!redirect->repo_commit.empty())
      headers += "X-Repo-Commit: " + redirect->repo_commit + "\r\n";
    // Hugging Face's 302 has a small body too; a client must not take it for the file.
    const std::string body = "Found. Redirecting to " + location;
    SendAll(socket, Head("302 Found", "text/plain; charset=utf-8", body.size(), headers) + body);
  } else if (file) {
    SendFile(socket, request, *file);
  } else {
    const std::string body = "Entry not found";
    SendAll(socket, Head("404 Not Found", "text/plain; charset=utf-8", body.size()) + body);
  }
}

void FileServer::SendFile(int socket, const Request& request, const File& file) {
  std::optional<Interruption> interruption;
  std::size_t interrupt_after = 0;
  std::optional<ByteRange> range;
  {
    std::lock_guard lock(mutex_);
    if (interrupted_responses_ > 0) {
      --interrupted_responses_;
      interruption = interruption_;
      interrupt_after = interrupt_after_;
    }
    const auto header = request.headers.find("range");
    if (!ignore_range_ && header != request.headers.end()) range = ParseRange(header->second);
  }
  const std::uint64_t size = file.bytes.size();
  std::string head;
  std::string_view body = file.bytes;
  if (!range) {
    head = Head("200 OK", file.content_type, body.size(), "Accept-Ranges: bytes\r\n");
  } else if (range->first >= size) {
    SendAll(socket, Head("416 Range Not Satisfiable", "text/plain", 0,
                         "Content-Range: bytes */" + std::to_string(size) + "\r\n"));
    return;
  } else {
    const std::uint64_t last = std::min(range->last.value_or(size - 1), size - 1);
    body = body.substr(range->first, last - range->first + 1);
    head = Head("206 Partial Content", file.content_type, body.size(),
                "Accept-Ranges: bytes\r\nContent-Range: bytes " + std::to_string(range->first) +
                    "-" + std::to_string(last) + "/" + std::to_string(size) + "\r\n");
  }
  if (!SendAll(socket, head)) return;
  if (!interruption) {
    SendAll(socket, body);
    return;
  }
  SendAll(socket, body.substr(0, std::min(interrupt_after, body.size())));
  if (*interruption == Interruption::kStall) {
    std::unique_lock lock(mutex_);
    stopped_.wait(lock, [this] { return stopping_; });
  }
}

}  // namespace drux::test

#include "support/loopback_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iterator>

namespace drux::test {

LoopbackServer::LoopbackServer(Handler handler) : handler_(std::move(handler)) {}

LoopbackServer::~LoopbackServer() {
  Stop();
}

Expected<void> LoopbackServer::Start() {
  const auto fail = [this](const char* step) {
    const std::string reason = std::strerror(errno);
    if (listen_socket_ >= 0) ::close(listen_socket_);
    listen_socket_ = -1;
    return MakeError(ErrorCode::kConnection, std::string("could not ") + step + ": " + reason);
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
  acceptor_ = std::thread(&LoopbackServer::AcceptConnections, this);
  return {};
}

void LoopbackServer::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    // Wakes connection threads blocked in recv or send; their sockets stay theirs to close.
    for (Connection& connection : connections_) {
      if (connection.socket >= 0) ::shutdown(connection.socket, SHUT_RDWR);
    }
  }
  stopping_changed_.notify_all();
  if (listen_socket_ >= 0) ::shutdown(listen_socket_, SHUT_RDWR);  // wakes accept()
  if (acceptor_.joinable()) acceptor_.join();
  for (Connection& connection : connections_) {
    if (connection.thread.joinable()) connection.thread.join();
  }
  if (listen_socket_ >= 0) ::close(listen_socket_);
  listen_socket_ = -1;
}

void LoopbackServer::AwaitStop() {
  std::unique_lock lock(mutex_);
  stopping_changed_.wait(lock, [this] { return stopping_; });
}

bool LoopbackServer::AwaitStop(std::chrono::milliseconds limit) {
  std::unique_lock lock(mutex_);
  return stopping_changed_.wait_for(lock, limit, [this] { return stopping_; });
}

std::string LoopbackServer::base_url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

void LoopbackServer::AcceptConnections() {
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
    connection.thread = std::thread(&LoopbackServer::Serve, this, std::ref(connection));
  }
}

// A thread per connection would pile up under a benchmark's thousands of requests, so
// finished ones are joined as new ones arrive.
void LoopbackServer::JoinFinishedConnections() {
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

void LoopbackServer::Serve(Connection& connection) {
  const int socket = connection.socket;
  handler_(socket);
  ::shutdown(socket, SHUT_WR);
  // Closed under the lock so Stop never shuts down a descriptor number already reused.
  std::lock_guard lock(mutex_);
  ::close(socket);
  connection.socket = -1;
  connection.finished = true;
}

}  // namespace drux::test

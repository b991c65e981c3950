// The listening half of the loopback HTTP test servers: a socket on 127.0.0.1 with a port
// the kernel picks, an accept thread, and a thread per connection running the owner's
// handler. Owners decide what a connection means; this class only runs and stops them.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <list>
#include <mutex>
#include <string>
#include <thread>

#include "core/error.h"

namespace drux::test {

class LoopbackServer {
 public:
  // Serves one connection: reads from and writes to socket, then returns. The server
  // closes the socket afterwards; a handler must not close it.
  using Handler = std::function<void(int socket)>;

  explicit LoopbackServer(Handler handler);
  // Stops (see Stop) and joins every thread.
  ~LoopbackServer();
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  // Listens on an ephemeral port of 127.0.0.1 and starts accepting. Fails, with the
  // system's reason, when no socket can be opened. Call once.
  Expected<void> Start();

  // Stops accepting, wakes every connection blocked in recv or send (and every
  // AwaitStop), joins all threads and closes the listening socket, so connecting
  // afterwards is refused. Idempotent.
  void Stop();

  // Blocks until Stop begins: for connections that must hang until the server stops.
  void AwaitStop();
  // Blocks for at most limit or until Stop begins; returns whether Stop began.
  bool AwaitStop(std::chrono::milliseconds limit);

  int port() const { return port_; }
  // "http://127.0.0.1:PORT", without a trailing slash.
  std::string base_url() const;

 private:
  struct Connection {
    int socket = -1;  // -1 once the connection's thread closed it
    bool finished = false;
    std::thread thread;
  };

  void AcceptConnections();
  void Serve(Connection& connection);
  void JoinFinishedConnections();

  const Handler handler_;
  int listen_socket_ = -1;
  int port_ = 0;
  std::thread acceptor_;
  std::mutex mutex_;
  std::condition_variable stopping_changed_;
  bool stopping_ = false;
  std::list<Connection> connections_;
};

}  // namespace drux::test

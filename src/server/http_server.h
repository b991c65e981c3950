// The listening socket and the threads of the event loop: accepts connections and gives
// each to an HttpSession. Owns the io_context and its threads.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <memory>
#include <thread>
#include <vector>

#include "core/error.h"
#include "server/http_types.h"
#include "server/metrics.h"
#include "server/server_options.h"

namespace drux {

class HttpServer {
 public:
  // Binds options.host:options.port; an error when the address is unusable or taken.
  // options, router and metrics must outlive the server.
  static Expected<std::unique_ptr<HttpServer>> Listen(const ServerOptions& options,
                                                      RequestRouter& router, Metrics& metrics);
  ~HttpServer();

  // The bound port (the kernel's choice when options.port was 0).
  unsigned short port() const { return port_; }

  // Starts accepting on `threads` event-loop threads; returns at once.
  void Start(int threads);
  // Closes the listening socket: new connections are refused, open ones go on.
  void StopAccepting();
  // Stops the event loop, dropping every connection, and joins its threads.
  void Stop();

 private:
  HttpServer(const ServerOptions& options, RequestRouter& router, Metrics& metrics);
  void Accept();

  const ServerOptions& options_;
  RequestRouter& router_;
  Metrics& metrics_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer accept_pause_;
  unsigned short port_ = 0;
  std::vector<std::thread> threads_;
  // Runs the requests that may block (POSTs: argon2id hashing, store writes), so that the
  // event loop keeps serving reads and streams meanwhile.
  boost::asio::thread_pool blocking_pool_{2};
};

}  // namespace drux

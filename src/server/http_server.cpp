#include "server/http_server.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include "server/http_session.h"

namespace drux {

namespace net = boost::asio;
using tcp = net::ip::tcp;

HttpServer::HttpServer(const ServerOptions& options, RequestRouter& router, Metrics& metrics)
    : options_(options),
      router_(router),
      metrics_(metrics),
      acceptor_(net::make_strand(io_)),
      accept_pause_(acceptor_.get_executor()) {}

HttpServer::~HttpServer() {
  Stop();
}

Expected<std::unique_ptr<HttpServer>> HttpServer::Listen(const ServerOptions& options,
                                                         RequestRouter& router, Metrics& metrics) {
  std::unique_ptr<HttpServer> server(new HttpServer(options, router, metrics));
  boost::system::error_code error;
  const auto address = net::ip::make_address(options.host, error);
  if (error) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "--listen: '" + options.host + "' is not an IP address (e.g. 127.0.0.1).");
  }
  const tcp::endpoint endpoint(address, options.port);
  auto& acceptor = server->acceptor_;
  acceptor.open(endpoint.protocol(), error);
  if (!error) acceptor.set_option(net::socket_base::reuse_address(true), error);
  if (!error) acceptor.bind(endpoint, error);
  if (!error) acceptor.listen(net::socket_base::max_listen_connections, error);
  if (error) {
    return MakeError(ErrorCode::kInvalidArgument, "Cannot listen on " + options.host + ":" +
                                                      std::to_string(options.port) + ": " +
                                                      error.message() + ".");
  }
  server->port_ = acceptor.local_endpoint().port();
  return server;
}

void HttpServer::Start(int threads) {
  Accept();
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { io_.run(); });
}

void HttpServer::Accept() {
  acceptor_.async_accept(net::make_strand(io_), [this](boost::system::error_code error,
                                                       tcp::socket socket) {
    if (error == net::error::operation_aborted || !acceptor_.is_open()) return;
    if (error) {
      // Out of file descriptors, typically: pause instead of spinning on the error.
      spdlog::warn("accepting a connection failed: {}", error.message());
      accept_pause_.expires_after(std::chrono::milliseconds(100));
      accept_pause_.async_wait([this](boost::system::error_code) { Accept(); });
      return;
    }
    socket.set_option(tcp::no_delay(true), error);
    std::make_shared<HttpSession>(std::move(socket), options_, router_, metrics_, blocking_pool_)
        ->Start();
    Accept();
  });
}

void HttpServer::StopAccepting() {
  net::post(acceptor_.get_executor(), [this] {
    boost::system::error_code ignored;
    accept_pause_.cancel();
    acceptor_.close(ignored);
  });
}

void HttpServer::Stop() {
  io_.stop();
  for (std::thread& thread : threads_) thread.join();
  threads_.clear();
  // Requests still being answered finish; their responses go nowhere once the loop stopped.
  blocking_pool_.join();
}

}  // namespace drux

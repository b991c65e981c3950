// One client connection: HTTP/1.1 requests with keep-alive under the limits of
// ServerOptions, answered by a RequestRouter; a request for an event stream turns the
// connection into a Server-Sent Events stream until the question ends. Everything runs on
// the connection's strand, so a waiting stream holds no thread.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "server/http_types.h"
#include "server/metrics.h"
#include "server/server_options.h"

namespace drux {

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  // router, metrics, options and blocking_pool must outlive the session. POSTs are
  // answered on blocking_pool (they may hash a password or write to the store); everything
  // else on the event loop.
  HttpSession(boost::asio::ip::tcp::socket socket, const ServerOptions& options,
              RequestRouter& router, Metrics& metrics, boost::asio::thread_pool& blocking_pool);
  ~HttpSession();

  void Start();

  // Stream side, called through the strand by the hub's subscriber.
  void QueueEvent(const StoredEvent& event);
  void EndStream();

 private:
  void WaitForRequest();
  void ReadRequest();
  void OnRequest(boost::beast::error_code error);
  void Answer(RoutedResponse routed, bool keep_alive);
  void Reject(http::status status, const std::string& code, const std::string& message);
  void Send(HttpResponse response, bool close_after);
  void OnSent(bool close_after, boost::beast::error_code error);
  void LogRequest(int status);
  void StartStream(EventStreamPlan plan);
  void QueueBytes(std::string bytes);
  void WriteNext();
  void ScheduleKeepAlive();
  void DrainAndClose();
  void Drain();
  void Close();

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  const ServerOptions& options_;
  RequestRouter& router_;
  Metrics& metrics_;
  boost::asio::thread_pool& blocking_pool_;
  std::string client_ip_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<HttpResponse> response_;

  // The request being answered, for the access log.
  std::chrono::steady_clock::time_point started_;
  std::string method_;
  std::string path_;
  std::string route_;

  // Event stream state.
  bool streaming_ = false;
  bool stream_ended_ = false;
  bool writing_ = false;
  bool closed_ = false;
  std::deque<std::string> pending_;
  std::size_t pending_bytes_ = 0;
  std::shared_ptr<QuestionHub> hub_;
  std::uint64_t subscription_ = 0;
  boost::asio::steady_timer keep_alive_;
};

}  // namespace drux

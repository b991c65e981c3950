#include "server/http_session.h"

#include <spdlog/spdlog.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

#include "server/http_responses.h"

namespace drux {
namespace {

namespace beast = boost::beast;
namespace net = boost::asio;

// Hands a hub's events to the session's strand; holds the session weakly so that a closed
// connection is simply skipped.
class StreamSubscriber : public HubSubscriber {
 public:
  explicit StreamSubscriber(const std::shared_ptr<HttpSession>& session,
                            net::any_io_executor executor)
      : session_(session), executor_(std::move(executor)) {}

  void OnEvent(const StoredEvent& event) override {
    net::post(executor_, [session = session_, event] {
      if (auto locked = session.lock()) locked->QueueEvent(event);
    });
  }
  void OnEnd() override {
    net::post(executor_, [session = session_] {
      if (auto locked = session.lock()) locked->EndStream();
    });
  }

 private:
  std::weak_ptr<HttpSession> session_;
  net::any_io_executor executor_;
};

std::string SseFrame(const StoredEvent& event) {
  return "id: " + std::to_string(event.seq) + "\nevent: " + event.type + "\ndata: " + event.data +
         "\n\n";
}

}  // namespace

HttpSession::HttpSession(net::ip::tcp::socket socket, const ServerOptions& options,
                         RequestRouter& router, Metrics& metrics, net::thread_pool& blocking_pool)
    : stream_(std::move(socket)),
      options_(options),
      router_(router),
      metrics_(metrics),
      blocking_pool_(blocking_pool),
      keep_alive_(stream_.get_executor()) {
  beast::error_code error;
  const auto endpoint = stream_.socket().remote_endpoint(error);
  if (!error) client_ip_ = endpoint.address().to_string();
}

HttpSession::~HttpSession() {
  if (hub_ && subscription_ != 0) hub_->Unsubscribe(subscription_);
  if (streaming_) metrics_.SseClientClosed();
}

void HttpSession::Start() {
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->WaitForRequest(); });
}

// An idle connection may wait idle_timeout for the next request's first byte; from then on
// the whole request must arrive within request_timeout (slow clients are dropped).
void HttpSession::WaitForRequest() {
  if (buffer_.size() > 0) return ReadRequest();
  stream_.expires_after(options_.idle_timeout);
  stream_.async_read_some(buffer_.prepare(4096),
                          [self = shared_from_this()](beast::error_code error, std::size_t n) {
                            if (error) return self->Close();
                            self->buffer_.commit(n);
                            self->ReadRequest();
                          });
}

void HttpSession::ReadRequest() {
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(options_.max_header_bytes));
  parser_->body_limit(options_.max_body_bytes);
  stream_.expires_after(options_.request_timeout);
  http::async_read(stream_, buffer_, *parser_,
                   [self = shared_from_this()](beast::error_code error, std::size_t) {
                     self->OnRequest(error);
                   });
}

void HttpSession::OnRequest(beast::error_code error) {
  started_ = std::chrono::steady_clock::now();
  if (error == http::error::body_limit) {
    route_ = "(too large)";
    return Reject(http::status::payload_too_large, "payload_too_large",
                  "The request body is over " + std::to_string(options_.max_body_bytes / 1024) +
                      " KiB. Send a shorter question.");
  }
  if (error == http::error::header_limit) {
    route_ = "(too large)";
    return Reject(http::status::request_header_fields_too_large, "too_large",
                  "The request headers are over " +
                      std::to_string(options_.max_header_bytes / 1024) + " KiB.");
  }
  if (error == beast::error::timeout || error == http::error::end_of_stream ||
      error == net::error::eof || error == net::error::connection_reset ||
      error == net::error::operation_aborted) {
    return Close();
  }
  if (error) {
    route_ = "(bad request)";
    return Reject(http::status::bad_request, "invalid_argument",
                  "The request is not valid HTTP/1.1.");
  }
  HttpRequest request = parser_->release();
  method_ = std::string(request.method_string());
  const std::string_view target = request.target();
  path_ = std::string(target.substr(0, target.find('?')));
  if (request.method() == http::verb::post) {
    // No read or write of this connection is pending meanwhile, so the answer can be
    // posted back to the connection's strand without racing anything.
    net::post(blocking_pool_, [self = shared_from_this(), request = std::move(request)]() mutable {
      RoutedResponse routed = self->router_.Route(request, self->client_ip_);
      net::post(self->stream_.get_executor(),
                [self, routed = std::move(routed), keep_alive = request.keep_alive()]() mutable {
                  self->Answer(std::move(routed), keep_alive);
                });
    });
    return;
  }
  Answer(router_.Route(request, client_ip_), request.keep_alive());
}

void HttpSession::Answer(RoutedResponse routed, bool keep_alive) {
  route_ = routed.route;
  if (routed.stream) return StartStream(std::move(*routed.stream));
  const bool close_after = !keep_alive || routed.response.need_eof();
  routed.response.keep_alive(!close_after);
  Send(std::move(routed.response), close_after);
}

void HttpSession::Reject(http::status status, const std::string& code, const std::string& message) {
  HttpResponse response = ErrorResponse(status, code, message);
  response.keep_alive(false);
  Send(std::move(response), true);
}

void HttpSession::Send(HttpResponse response, bool close_after) {
  response_ = std::move(response);
  // Counted when the response is ready, so that a client's next request sees it counted.
  LogRequest(response_->result_int());
  stream_.expires_after(options_.write_timeout);
  http::async_write(stream_, *response_,
                    [self = shared_from_this(), close_after](beast::error_code error, std::size_t) {
                      self->OnSent(close_after, error);
                    });
}

void HttpSession::OnSent(bool close_after, beast::error_code error) {
  response_.reset();
  if (error) return Close();
  if (close_after) return DrainAndClose();
  WaitForRequest();
}

void HttpSession::LogRequest(int status) {
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  metrics_.RecordRequest(route_, status, seconds);
  // The path only: a query string may carry a token.
  if (options_.access_log) {
    spdlog::info("{} {} {} {:.1f}ms", method_.empty() ? "-" : method_, path_.empty() ? "-" : path_,
                 status, seconds * 1000);
  }
}

void HttpSession::StartStream(EventStreamPlan plan) {
  streaming_ = true;
  metrics_.SseClientOpened();
  stream_.expires_never();
  QueueBytes(
      "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n"
      "Cache-Control: no-store\r\nConnection: close\r\nX-Accel-Buffering: no\r\n"
      "X-Content-Type-Options: nosniff\r\n\r\n");
  LogRequest(200);
  if (!plan.hub) {
    for (const StoredEvent& event : plan.replay) {
      if (event.seq > plan.after) QueueEvent(event);
    }
    return EndStream();
  }
  hub_ = std::move(plan.hub);
  auto subscriber = std::make_shared<StreamSubscriber>(shared_from_this(), stream_.get_executor());
  QuestionHub::Subscription subscription = hub_->Subscribe(plan.after, std::move(subscriber));
  subscription_ = subscription.id;
  for (const StoredEvent& event : subscription.backlog) QueueEvent(event);
  if (subscription.ended) return EndStream();
  ScheduleKeepAlive();
}

void HttpSession::QueueEvent(const StoredEvent& event) {
  QueueBytes(SseFrame(event));
}

void HttpSession::EndStream() {
  stream_ended_ = true;
  keep_alive_.cancel();
  if (!writing_ && pending_.empty()) DrainAndClose();
}

void HttpSession::QueueBytes(std::string bytes) {
  if (closed_) return;
  pending_bytes_ += bytes.size();
  pending_.push_back(std::move(bytes));
  // A client that stops reading would make us hold every event for it.
  if (pending_bytes_ > options_.sse_buffer_cap) {
    spdlog::warn("dropping an event stream client that stopped reading ({} bytes unsent)",
                 pending_bytes_);
    return Close();
  }
  if (!writing_) WriteNext();
}

void HttpSession::WriteNext() {
  if (closed_) return;
  if (pending_.empty()) {
    if (stream_ended_) DrainAndClose();
    return;
  }
  writing_ = true;
  stream_.expires_after(options_.write_timeout);
  net::async_write(stream_, net::buffer(pending_.front()),
                   [self = shared_from_this()](beast::error_code error, std::size_t) {
                     self->writing_ = false;
                     if (error) return self->Close();
                     self->pending_bytes_ -= self->pending_.front().size();
                     self->pending_.pop_front();
                     self->stream_.expires_never();
                     self->WriteNext();
                   });
}

void HttpSession::ScheduleKeepAlive() {
  keep_alive_.expires_after(options_.sse_keepalive);
  keep_alive_.async_wait([self = shared_from_this()](beast::error_code error) {
    if (error || self->stream_ended_ || self->closed_) return;
    self->QueueBytes(": keep-alive\n\n");
    self->ScheduleKeepAlive();
  });
}

// Closing a socket with unread input makes the kernel send a reset, which can destroy the
// response before the client reads it (a 413 to a client still sending its body): send
// FIN, then read and discard for a moment before closing.
void HttpSession::DrainAndClose() {
  if (closed_) return;
  beast::error_code ignored;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
  stream_.expires_after(std::chrono::seconds(2));
  Drain();
}

void HttpSession::Drain() {
  buffer_.clear();
  stream_.async_read_some(buffer_.prepare(16384),
                          [self = shared_from_this()](beast::error_code error, std::size_t) {
                            if (error) return self->Close();
                            self->Drain();
                          });
}

void HttpSession::Close() {
  if (closed_) return;
  closed_ = true;
  keep_alive_.cancel();
  if (hub_ && subscription_ != 0) {
    hub_->Unsubscribe(subscription_);
    subscription_ = 0;
  }
  beast::error_code ignored;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  stream_.close();
}

}  // namespace drux

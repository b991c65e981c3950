// A small HTTP/1.1 client over POSIX sockets for the server tests: whole requests with a
// cookie jar, event streams read to their end, and raw sockets for misbehaving clients.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace drux::test {

struct HttpReply {
  int status = 0;  // 0 when the connection failed or closed without a response
  std::map<std::string, std::string> headers;  // names lower-cased; Set-Cookie: the last
  std::string body;
};

struct SseEvent {
  long long id = 0;
  std::string type;
  std::string data;
};

// A socket connected to 127.0.0.1:port, closed on destruction; -1 when it failed.
class RawConnection {
 public:
  explicit RawConnection(int port);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool Send(const std::string& bytes);
  // Reads until the peer closes or `timeout` passes; returns what arrived. closed() says
  // which it was.
  std::string ReadUntilClosed(std::chrono::milliseconds timeout);
  // One HTTP response (headers and a Content-Length body), waiting at most timeout.
  HttpReply ReadReply(std::chrono::milliseconds timeout);
  bool closed() const { return closed_; }

 private:
  bool Fill(std::chrono::steady_clock::time_point deadline);

  int socket_ = -1;
  bool closed_ = false;
  std::string buffer_;
};

class HttpTestClient {
 public:
  explicit HttpTestClient(int port) : port_(port) {}

  // Sends one request on a new connection with the jar's cookies, stores cookies the
  // reply sets.
  HttpReply Request(const std::string& method, const std::string& target,
                    const std::string& body = "",
                    const std::map<std::string, std::string>& headers = {});
  // GET /api/me and remember its csrf_token, sent as X-CSRF-Token on later POSTs.
  std::string FetchCsrfToken();
  HttpReply Post(const std::string& target, const std::string& body);

  // Reads a question's event stream until the server ends it.
  std::vector<SseEvent> ReadEvents(const std::string& target,
                                   const std::map<std::string, std::string>& headers = {},
                                   std::chrono::milliseconds timeout = std::chrono::seconds(120));

  std::map<std::string, std::string>& cookies() { return cookies_; }
  std::string& csrf_token() { return csrf_token_; }
  std::string& bearer() { return bearer_; }

 private:
  std::string RequestText(const std::string& method, const std::string& target,
                          const std::string& body,
                          const std::map<std::string, std::string>& headers) const;

  int port_;
  std::map<std::string, std::string> cookies_;
  std::string csrf_token_;
  std::string bearer_;
};

// Parses an SSE stream's text into events (comments skipped).
std::vector<SseEvent> ParseSse(const std::string& text);

}  // namespace drux::test

#include "support/fake_openai_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <functional>
#include <iterator>
#include <vector>

namespace drux::test {
namespace {

constexpr std::size_t kMaxHeaderBytes = 64 * 1024;

// A JSON string literal. Bytes >= 0x80 pass through untouched, which is how kInvalidUtf8
// gets raw invalid UTF-8 into its JSON.
std::string Quote(std::string_view text) {
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      quoted += '\\';
      quoted += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned char>(c));
      quoted += escaped;
    } else {
      quoted += c;
    }
  }
  return quoted + "\"";
}

// "Paris is the capital" -> "Paris", " is", " the", " capital": the way models stream.
std::vector<std::string> SplitIntoWords(const std::string& text) {
  std::vector<std::string> words;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (words.empty() || (text[i] == ' ' && !words.back().empty() && words.back().back() != ' ')) {
      words.emplace_back();
    }
    words.back() += text[i];
  }
  return words;
}

std::string Chunk(const std::string& model, const std::string& delta,
                  const std::string& finish_reason) {
  return "data: {\"id\":\"chatcmpl-fake\",\"object\":\"chat.completion.chunk\",\"created\":0,"
         "\"model\":" +
         Quote(model) + ",\"choices\":[{\"index\":0,\"delta\":" + delta +
         ",\"finish_reason\":" + finish_reason + "}]}\n\n";
}

std::string ContentChunk(const std::string& model, std::string_view content) {
  return Chunk(model, "{\"content\":" + Quote(content) + "}", "null");
}

std::string UsageJson(const FakeOpenAiServer::Usage& usage, int chunks) {
  const int prompt =
      usage.prompt_tokens > 0 ? usage.prompt_tokens : FakeOpenAiServer::kPromptTokens;
  const int completion = usage.completion_tokens > 0 ? usage.completion_tokens : chunks;
  std::string json = "{\"prompt_tokens\":" + std::to_string(prompt) +
                     ",\"completion_tokens\":" + std::to_string(completion) +
                     ",\"total_tokens\":" + std::to_string(prompt + completion);
  if (usage.cached_tokens > 0) {
    json += ",\"prompt_tokens_details\":{\"cached_tokens\":" + std::to_string(usage.cached_tokens) +
            "}";
  }
  if (usage.reasoning_tokens > 0) {
    json += ",\"completion_tokens_details\":{\"reasoning_tokens\":" +
            std::to_string(usage.reasoning_tokens) + "}";
  }
  return json + "}";
}

std::string EventStream(const std::string& model, const std::vector<std::string>& pieces,
                        const FakeOpenAiServer::Usage& usage = {}) {
  std::string events =
      "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
      "Connection: close\r\n\r\n";
  for (const std::string& piece : pieces) events += ContentChunk(model, piece);
  events += Chunk(model, "{}", "\"stop\"");
  events +=
      "data: {\"id\":\"chatcmpl-fake\",\"object\":\"chat.completion.chunk\",\"created\":0,"
      "\"model\":" +
      Quote(model) +
      ",\"choices\":[],\"usage\":" + UsageJson(usage, static_cast<int>(pieces.size())) + "}\n\n";
  return events + "data: [DONE]\n\n";
}

std::string Completion(const std::string& model, const std::string& content, int tokens,
                       const FakeOpenAiServer::Usage& usage = {}) {
  return "{\"id\":\"chatcmpl-fake\",\"object\":\"chat.completion\",\"created\":0,\"model\":" +
         Quote(model) +
         ",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
         "\"content\":" +
         Quote(content) + "},\"finish_reason\":\"stop\"}],\"usage\":" + UsageJson(usage, tokens) +
         "}";
}

std::string HttpResponse(const std::string& status, const std::string& content_type,
                         const std::string& body, const std::string& extra_headers = "") {
  return "HTTP/1.1 " + status + "\r\nContent-Type: " + content_type +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" + extra_headers +
         "Connection: close\r\n\r\n" + body;
}

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

// Whether a JSON request body says "stream": true, with any spacing.
bool AsksToStream(const std::string& body) {
  const std::size_t key = body.find("\"stream\"");
  if (key == std::string::npos) return false;
  std::size_t at = body.find_first_not_of(" \t\r\n", key + 8);
  if (at == std::string::npos || body[at] != ':') return false;
  at = body.find_first_not_of(" \t\r\n", at + 1);
  return at != std::string::npos && body.compare(at, 4, "true") == 0;
}

struct HttpRequestRead {
  std::string path;
  std::map<std::string, std::string> headers;
  std::string body;
};

// Reads one request; false when the client went away or sent something unusable.
bool ReadRequest(int socket, HttpRequestRead& request) {
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
  const std::size_t path_start = received.find(' ') + 1;
  request.path = received.substr(path_start, received.rfind(' ', request_line_end) - path_start);
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
  std::size_t body_size = 0;
  if (const auto length = request.headers.find("content-length"); length != request.headers.end()) {
    const std::string& digits = length->second;
    const auto parsed = std::from_chars(digits.data(), digits.data() + digits.size(), body_size);
    if (parsed.ec != std::errc()) return false;
  }
  request.body = received.substr(header_end + 4);
  if (request.body.size() < body_size && Lowercase(request.headers["expect"]) == "100-continue" &&
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

}  // namespace

FakeOpenAiServer::FakeOpenAiServer() : FakeOpenAiServer(Options{}) {}

FakeOpenAiServer::FakeOpenAiServer(Options options) : options_(std::move(options)) {}

FakeOpenAiServer::~FakeOpenAiServer() {
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
  for (Connection& connection : connections_) connection.thread.join();
  if (listen_socket_ >= 0) ::close(listen_socket_);
}

std::string FakeOpenAiServer::Start() {
  const auto fail = [this](const char* step) {
    ADD_FAILURE() << "FakeOpenAiServer could not " << step << ": " << std::strerror(errno);
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
  acceptor_ = std::thread(&FakeOpenAiServer::AcceptConnections, this);
  return "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/v1";
}

int FakeOpenAiServer::request_count() const {
  std::lock_guard lock(mutex_);
  return request_count_;
}

std::string FakeOpenAiServer::last_request_path() const {
  std::lock_guard lock(mutex_);
  return last_path_;
}

std::map<std::string, std::string> FakeOpenAiServer::last_request_headers() const {
  std::lock_guard lock(mutex_);
  return last_headers_;
}

std::string FakeOpenAiServer::last_request_body() const {
  std::lock_guard lock(mutex_);
  return last_body_;
}

void FakeOpenAiServer::AcceptConnections() {
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
    connection.thread = std::thread(&FakeOpenAiServer::Serve, this, std::ref(connection));
  }
}

// A thread per connection would pile up under a benchmark's thousands of requests, so
// finished ones are joined as new ones arrive.
void FakeOpenAiServer::JoinFinishedConnections() {
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

void FakeOpenAiServer::Serve(Connection& connection) {
  const int socket = connection.socket;
  HttpRequestRead request;
  if (ReadRequest(socket, request)) {
    Step step{options_.behavior, options_.status, options_.retry_after_seconds};
    {
      std::lock_guard lock(mutex_);
      if (static_cast<std::size_t>(request_count_) < options_.script.size()) {
        step = options_.script[static_cast<std::size_t>(request_count_)];
      }
      ++request_count_;
      last_path_ = request.path;
      last_headers_ = request.headers;
      last_body_ = request.body;
    }
    if (step.behavior == Behavior::kHang) {
      std::unique_lock lock(mutex_);
      stopped_.wait(lock, [this] { return stopping_; });
    } else if (WaitUnlessStopped(std::chrono::milliseconds(options_.delay_ms))) {
      const bool structured = request.body.find("\"response_format\"") != std::string::npos;
      SendAll(socket, Respond(step, AsksToStream(request.body), structured,
                              request.headers["authorization"]));
    }
  }
  ::shutdown(socket, SHUT_WR);
  std::lock_guard lock(mutex_);
  ::close(socket);
  connection.socket = -1;
  connection.finished = true;
}

bool FakeOpenAiServer::WaitUnlessStopped(std::chrono::milliseconds duration) {
  std::unique_lock lock(mutex_);
  return !stopped_.wait_for(lock, duration, [this] { return stopping_; });
}

std::string FakeOpenAiServer::Respond(const Step& step, bool stream, bool structured,
                                      const std::string& authorization) const {
  const std::string& model = options_.model;
  const std::string retry_after =
      step.retry_after_seconds > 0
          ? "Retry-After: " + std::to_string(step.retry_after_seconds) + "\r\n"
          : std::string();
  switch (step.behavior) {
    case Behavior::kAnswer: {
      const std::string& answer = structured && !options_.structured_answer.empty()
                                      ? options_.structured_answer
                                      : options_.answer;
      const auto words = SplitIntoWords(answer);
      if (stream) return EventStream(model, words, options_.usage);
      return HttpResponse(
          "200 OK", "application/json",
          Completion(model, answer, static_cast<int>(words.size()), options_.usage));
    }
    case Behavior::kHtml502:
      return HttpResponse("502 Bad Gateway", "text/html",
                          "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
                          "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>"
                          "\r\n</body>\r\n</html>\r\n");
    case Behavior::kCutStream: {
      if (!stream) {
        const std::string whole =
            HttpResponse("200 OK", "application/json", Completion(model, options_.answer, 1));
        return whole.substr(0, whole.find("\r\n\r\n") + 4 + 30);
      }
      std::string events = EventStream(model, SplitIntoWords(options_.answer));
      std::size_t cut = events.find("\n\n", events.find("\r\n\r\n"));
      cut = events.find("\n\n", cut + 2);
      return events.substr(0, cut + 2);
    }
    case Behavior::kRateLimited:
      return HttpResponse(
          std::to_string(step.status > 0 ? step.status : 429) + " Too Many Requests",
          "application/json",
          "{\"error\":{\"message\":\"Rate limit reached for requests\",\"type\":\"requests\","
          "\"param\":null,\"code\":\"rate_limit_exceeded\"}}",
          retry_after);
    case Behavior::kUnavailable: {
      const int status = step.status > 0 ? step.status : 503;
      return HttpResponse(
          std::to_string(status) + (status == 529 ? " Overloaded" : " Service Unavailable"),
          "application/json",
          "{\"error\":{\"message\":\"The engine is currently overloaded, please try again "
          "later\",\"type\":\"overloaded_error\"}}",
          retry_after);
    }
    case Behavior::kEmptyStream:
      if (!stream) return HttpResponse("200 OK", "application/json", "");
      return "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
             "Connection: close\r\n\r\n";
    case Behavior::kBadJson: {
      if (!stream) {
        return HttpResponse("200 OK", "application/json",
                            "{\"choices\": [{\"message\": {\"content\": \"unterminated");
      }
      std::string events = EventStream(model, {"fine"});
      const std::size_t second = events.find("data: ", events.find("data: ") + 1);
      return events.insert(second, "data: {\"choices\": [{\"delta\": {\"content\": \"oops\"}\n\n");
    }
    case Behavior::kInvalidUtf8: {
      const std::vector<std::string> pieces(std::begin(kInvalidUtf8Pieces),
                                            std::end(kInvalidUtf8Pieces));
      if (stream) return EventStream(model, pieces);
      std::string content;
      for (const std::string& piece : pieces) content += piece;
      return HttpResponse("200 OK", "application/json",
                          Completion(model, content, static_cast<int>(pieces.size())));
    }
    case Behavior::kUnauthorized: {
      const std::string token =
          authorization.substr(std::min<std::size_t>(authorization.size(), 7));
      return HttpResponse(
          "401 Unauthorized", "application/json",
          "{\"error\":{\"message\":" + Quote("Incorrect API key provided: " + token) +
              ",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}");
    }
    case Behavior::kErrorInStream: {
      std::string events = EventStream(model, {"Paris"});
      const std::size_t second = events.find("data: ", events.find("data: ") + 1);
      return events.substr(0, second) +
             "data: {\"error\":{\"message\":\"The server had an error while processing your "
             "request.\",\"type\":\"server_error\"}}\n\n";
    }
    case Behavior::kHang:
      break;
  }
  return "";
}

}  // namespace drux::test

#include "support/fake_openai_server.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <vector>

#include "support/http_wire.h"

namespace drux::test {
namespace {

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

// Whether a JSON request body says "stream": true, with any spacing.
bool AsksToStream(const std::string& body) {
  const std::size_t key = body.find("\"stream\"");
  if (key == std::string::npos) return false;
  std::size_t at = body.find_first_not_of(" \t\r\n", key + 8);
  if (at == std::string::npos || body[at] != ':') return false;
  at = body.find_first_not_of(" \t\r\n", at + 1);
  return at != std::string::npos && body.compare(at, 4, "true") == 0;
}

}  // namespace

FakeOpenAiServer::FakeOpenAiServer() : FakeOpenAiServer(Options{}) {}

FakeOpenAiServer::FakeOpenAiServer(Options options)
    : options_(std::move(options)), server_([this](int socket) { Serve(socket); }) {}

FakeOpenAiServer::~FakeOpenAiServer() {
  server_.Stop();
}

std::string FakeOpenAiServer::Start() {
  if (const auto started = server_.Start(); !started) {
    ADD_FAILURE() << "FakeOpenAiServer " << started.error().message;
    return "";
  }
  return server_.base_url() + "/v1";
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

void FakeOpenAiServer::Serve(int socket) {
  HttpRequest request;
  if (!ReadHttpRequest(socket, request)) return;
  Step step{options_.behavior, options_.status, options_.retry_after_seconds};
  {
    std::lock_guard lock(mutex_);
    if (static_cast<std::size_t>(request_count_) < options_.script.size()) {
      step = options_.script[static_cast<std::size_t>(request_count_)];
    }
    ++request_count_;
    last_path_ = request.target;
    last_headers_ = request.headers;
    last_body_ = request.body;
  }
  if (step.behavior == Behavior::kHang) {
    server_.AwaitStop();
  } else if (!server_.AwaitStop(std::chrono::milliseconds(options_.delay_ms))) {
    const bool structured = request.body.find("\"response_format\"") != std::string::npos;
    SendAll(socket, Respond(step, AsksToStream(request.body), structured,
                            request.headers["authorization"]));
  }
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

// A tiny OpenAI-compatible chat-completions server on 127.0.0.1 that can misbehave on
// purpose: HTML error pages, cut streams, rate limits, hangs, bad JSON, invalid UTF-8.
// A test double for behaviour no real server (llama-server) can be made to produce.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "support/loopback_server.h"

namespace drux::test {

class FakeOpenAiServer {
 public:
  enum class Behavior {
    kAnswer,         // the answer as SSE chunks + usage + [DONE] if "stream": true, else JSON
    kHtml502,        // 502 with nginx's HTML error page
    kCutStream,      // closes after two content chunks, or 30 bytes into a JSON body
    kRateLimited,    // 429 with Retry-After and an OpenAI-style JSON error body
    kHang,           // reads the request and never answers until the server stops
    kBadJson,        // streamed: chunk 2 is broken JSON; not streamed: a broken JSON body
    kInvalidUtf8,    // streams kInvalidUtf8Pieces: raw invalid UTF-8 inside JSON strings
    kUnauthorized,   // 401 whose JSON error message echoes the bearer token it was sent
    kErrorInStream,  // a streamed 200: one content chunk, then an {"error": ...} chunk
    kUnavailable,    // Step::status (503 or 529; default 503) with Retry-After and a JSON error
    kEmptyStream,    // a streamed 200 that closes before its first chunk: fails before any text
  };

  // What one request gets: a behaviour, the HTTP status of kRateLimited (default 429) and
  // kUnavailable (default 503), and the Retry-After seconds of either (0: no header).
  struct Step {
    Behavior behavior = Behavior::kAnswer;
    int status = 0;
    int retry_after_seconds = 0;
  };

  // The usage the last streamed chunk (or a whole completion) reports; a count left 0
  // takes its default (kPromptTokens, the number of content chunks), and cached or
  // reasoning tokens above 0 add OpenAI's prompt_tokens_details / completion_tokens_details.
  struct Usage {
    int prompt_tokens = 0;
    int completion_tokens = 0;
    int cached_tokens = 0;
    int reasoning_tokens = 0;
  };

  struct Options {
    Behavior behavior = Behavior::kAnswer;
    std::string answer = "Paris is the capital of France.";  // sent in word-sized chunks
    int delay_ms = 0;                                        // before the response starts
    int retry_after_seconds = 7;
    std::string model = "fake-model";  // the "model" field of every response
    // kAnswer: when not empty, the answer to a request for structured output (one with a
    // "response_format"), such as a synthesizer's points; sent like answer.
    std::string structured_answer = "";
    // Request n (counted from 0) follows script[n]; requests past the script follow
    // behavior, status and retry_after_seconds.
    std::vector<Step> script = {};
    int status = 0;
    Usage usage = {};
  };

  // The content pieces kInvalidUtf8 streams: "é" split across two chunks, then a byte
  // that is never valid UTF-8. A client should end up with "café \uFFFD ok".
  static constexpr const char* kInvalidUtf8Pieces[] = {"caf\xC3", "\xA9 \xFF", " ok"};
  // The prompt_tokens every usage report states; completion_tokens is the chunk count.
  static constexpr int kPromptTokens = 11;

  FakeOpenAiServer();  // answers with the default Options
  explicit FakeOpenAiServer(Options options);
  // Stops promptly, also with hung connections, and joins every thread.
  ~FakeOpenAiServer();
  FakeOpenAiServer(const FakeOpenAiServer&) = delete;
  FakeOpenAiServer& operator=(const FakeOpenAiServer&) = delete;

  // Listens on an ephemeral port and returns the base URL, "http://127.0.0.1:PORT/v1".
  // Returns "" (and records a test failure) when no socket can be opened. Call once.
  std::string Start();

  int request_count() const;
  // The last request's target ("/v1/chat/completions"), headers (names in lower case)
  // and body.
  std::string last_request_path() const;
  std::map<std::string, std::string> last_request_headers() const;
  std::string last_request_body() const;

 private:
  void Serve(int socket);
  std::string Respond(const Step& step, bool stream, bool structured,
                      const std::string& authorization) const;

  const Options options_;
  mutable std::mutex mutex_;
  int request_count_ = 0;
  std::string last_path_;
  std::map<std::string, std::string> last_headers_;
  std::string last_body_;
  LoopbackServer server_;  // last: its threads stop before the state they use goes away
};

}  // namespace drux::test

// A small blocking HTTP client: a POST for provider calls and a GET for file downloads,
// the response body delivered as it arrives. The only place in Drux that knows libcurl.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace drux {

struct HttpRequest {
  std::string url;
  std::vector<std::string> headers;  // "Name: value" lines
  std::string body;
  std::chrono::milliseconds connect_timeout{5000};
  // The whole exchange, connecting included, ends by this deadline.
  std::chrono::milliseconds total_timeout{120000};
  // When it becomes true the call returns kCancelled within about 50 ms. May be null.
  const std::atomic<bool>* cancel = nullptr;
};

struct HttpResponseHead {
  int status = 0;
  std::string reason;        // "Bad Gateway"; empty when the server sent none
  std::string content_type;  // as the server sent it; empty when absent
  // The Retry-After header in seconds (either form of the header); 0 when absent.
  int retry_after_seconds = 0;
};

// Receives the response body piece by piece, on the calling thread; head is complete
// from the first call on. Returning false stops the transfer, which then counts as ended.
using HttpBodySink = std::function<bool(const HttpResponseHead& head, std::string_view piece)>;

// Sends a POST and blocks until the response has ended, the sink stopped it, a deadline
// passed or the cancel flag was raised. Returns the response head whatever the status.
// Errors: kConnection (refused, unresolvable host, TLS failure, connection lost) with the
// URL in the message; kTimeout; kCancelled; kInvalidArgument for an unusable URL.
// Thread-safe: concurrent calls share nothing.
Expected<HttpResponseHead> HttpPost(const HttpRequest& request, const HttpBodySink& on_body);

struct HttpDownloadRequest {
  std::string url;
  std::vector<std::string> headers;  // "Name: value" lines, sent on every hop
  // When > 0, asks for the bytes from this offset on ("Range: bytes=N-"). The server may
  // ignore it and answer 200 with the whole file; the caller must check the status.
  std::uint64_t range_start = 0;
  std::chrono::milliseconds connect_timeout{10000};
  // There is no overall deadline (a large file takes as long as it takes); instead a
  // transfer slower than low_speed_bytes_per_second for low_speed_window ends with kTimeout.
  long low_speed_bytes_per_second = 1024;
  std::chrono::seconds low_speed_window{30};
  int max_redirects = 5;
  // When it becomes true the call returns kCancelled within about 50 ms. May be null.
  const std::atomic<bool>* cancel = nullptr;
};

// The head of the final response of a download, after redirects.
struct HttpDownloadHead : HttpResponseHead {
  std::optional<std::uint64_t> content_length;
  // Content-Range of a 206 ("bytes FIRST-LAST/TOTAL") or a 416 ("bytes */TOTAL").
  std::optional<std::uint64_t> range_first;
  std::optional<std::uint64_t> range_total;
  // Hugging Face's file headers, which its resolve endpoint sends on the redirect to the
  // CDN, so they are kept from whichever response along the chain carried them.
  std::string linked_etag;  // X-Linked-Etag without W/ and quotes (the LFS file's SHA-256)
  std::optional<std::uint64_t> linked_size;  // X-Linked-Size
  std::string repo_commit;                   // X-Repo-Commit
};

using HttpDownloadSink = std::function<bool(const HttpDownloadHead& head, std::string_view piece)>;

// Sends a GET, following redirects, and blocks until the response has ended, the sink
// stopped it, the transfer stalled or the cancel flag was raised. The sink sees the body of
// the final response only, whatever its status. Returns that response's head.
// Errors carry a short reason without the URL ("connection refused", "the transfer
// stalled (...)"), for the caller to say what it was fetching: kConnection (refused,
// unresolvable host, TLS failure, connection lost), kTimeout (connect timeout or stall),
// kProviderError (too many redirects), kCancelled, kInvalidArgument for an unusable URL.
// Thread-safe: concurrent calls share nothing.
Expected<HttpDownloadHead> HttpDownload(const HttpDownloadRequest& request,
                                        const HttpDownloadSink& on_body);

}  // namespace drux

#include "providers/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <ctime>
#include <memory>

namespace drux {
namespace {

// How long a waiting transfer sleeps before looking at the cancel flag again. libcurl's
// own progress callback may stay silent for a second when no bytes move, so the transfer
// runs on a multi handle polled in short steps instead.
constexpr int kCancelPollMs = 50;

struct EasyDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct MultiDeleter {
  void operator()(CURLM* handle) const { curl_multi_cleanup(handle); }
};
struct HeaderListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using EasyHandle = std::unique_ptr<CURL, EasyDeleter>;
using MultiHandle = std::unique_ptr<CURLM, MultiDeleter>;
using HeaderList = std::unique_ptr<curl_slist, HeaderListDeleter>;

// One transfer: an easy handle attached to its own multi handle. libcurl requires the
// easy handle to be detached before either is cleaned up.
struct Transfer {
  MultiHandle multi{curl_multi_init()};
  EasyHandle easy{curl_easy_init()};
  bool attached = false;

  ~Transfer() {
    if (attached) curl_multi_remove_handle(multi.get(), easy.get());
  }
};

// libcurl must be initialized once per process before any other thread uses it; a
// function-local static runs the initialization exactly once, thread-safely.
bool CurlIsReady() {
  static const CURLcode init_result = curl_global_init(CURL_GLOBAL_DEFAULT);
  return init_result == CURLE_OK;
}

struct ResponseState {
  const HttpBodySink* on_body = nullptr;
  HttpResponseHead head;
  bool stopped_by_sink = false;
};

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

bool NameEquals(std::string_view name, std::string_view lower_case) {
  return std::equal(
      name.begin(), name.end(), lower_case.begin(), lower_case.end(),
      [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
}

// Retry-After is either a number of seconds or an HTTP date.
int ParseRetryAfter(std::string_view value) {
  int seconds = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (error == std::errc() && end == value.data() + value.size()) return std::max(seconds, 0);
  const std::time_t when = curl_getdate(std::string(value).c_str(), nullptr);
  if (when == -1) return 0;
  return static_cast<int>(std::max<std::time_t>(when - std::time(nullptr), 0));
}

// "HTTP/1.1 502 Bad Gateway": a new status line starts a new head, since an interim
// response (100 Continue) may come before the real one.
void ParseStatusLine(std::string_view line, HttpResponseHead& head) {
  head = HttpResponseHead{};
  const std::size_t code_start = line.find(' ');
  if (code_start == std::string_view::npos) return;
  std::string_view rest = line.substr(code_start + 1);
  const auto [end, error] = std::from_chars(rest.data(), rest.data() + rest.size(), head.status);
  if (error != std::errc()) head.status = 0;
  head.reason = std::string(Trim(rest.substr(static_cast<std::size_t>(end - rest.data()))));
}

// Parses a header every response kind uses; returns false when name is not one of them.
bool ParseCommonHeader(std::string_view name, std::string_view value, HttpResponseHead& head) {
  if (NameEquals(name, "content-type")) {
    head.content_type = std::string(value);
  } else if (NameEquals(name, "retry-after")) {
    head.retry_after_seconds = ParseRetryAfter(value);
  } else {
    return false;
  }
  return true;
}

// Splits "Name: value"; false for lines without a colon (the blank line ending a head).
bool SplitHeader(std::string_view line, std::string_view& name, std::string_view& value) {
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) return false;
  name = line.substr(0, colon);
  value = Trim(line.substr(colon + 1));
  return true;
}

std::size_t OnHeaderLine(char* data, std::size_t size, std::size_t count, void* user) {
  auto& head = static_cast<ResponseState*>(user)->head;
  const std::string_view line = Trim(std::string_view(data, size * count));
  std::string_view name, value;
  if (line.starts_with("HTTP/")) {
    ParseStatusLine(line, head);
  } else if (SplitHeader(line, name, value)) {
    ParseCommonHeader(name, value, head);
  }
  return size * count;
}

// State is ResponseState or DownloadState: whatever holds the sink, its head and whether
// the sink stopped the transfer.
template <typename State>
std::size_t OnBodyPiece(char* data, std::size_t size, std::size_t count, void* user) {
  auto& state = *static_cast<State*>(user);
  if (!(*state.on_body)(state.head, std::string_view(data, size * count))) {
    state.stopped_by_sink = true;
    return 0;  // makes libcurl end the transfer with CURLE_WRITE_ERROR
  }
  return size * count;
}

Error TransferError(CURL* easy, const HttpRequest& request, CURLcode code,
                    const std::string& detail) {
  const std::string& url = request.url;
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
      return Error{ErrorCode::kConnection,
                   "could not connect to " + url + " (" + detail +
                       "); check that the server is running and the endpoint is right"};
    case CURLE_OPERATION_TIMEDOUT: {
      curl_off_t connect_us = 0, elapsed_us = 0, received = 0;
      curl_easy_getinfo(easy, CURLINFO_CONNECT_TIME_T, &connect_us);
      curl_easy_getinfo(easy, CURLINFO_TOTAL_TIME_T, &elapsed_us);
      curl_easy_getinfo(easy, CURLINFO_SIZE_DOWNLOAD_T, &received);
      const std::string elapsed = std::to_string(elapsed_us / 1000) + " ms";
      if (connect_us == 0) {
        return Error{ErrorCode::kTimeout, "timed out after " + elapsed + " connecting to " + url +
                                              "; check that the server is reachable"};
      }
      return Error{ErrorCode::kTimeout,
                   "timed out after " + elapsed + " waiting for " + url + " to answer (" +
                       std::to_string(received) + " bytes of the response had arrived; " +
                       "the limit is " + std::to_string(request.total_timeout.count()) + " ms)"};
    }
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
      return Error{ErrorCode::kConnection,
                   "the TLS connection to " + url + " failed (" + detail + ")"};
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
      return Error{
          ErrorCode::kConnection,
          "the connection to " + url + " broke before the response was complete (" + detail + ")"};
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return Error{ErrorCode::kInvalidArgument,
                   "the URL \"" + url + "\" cannot be used (" + detail +
                       "); an endpoint looks like http://host:port/v1"};
    default:
      return Error{ErrorCode::kInternal,
                   "the call to " + url + " failed in libcurl (" + detail + ")"};
  }
}

void SetOptions(CURL* easy, const HttpRequest& request, curl_slist* headers, ResponseState& state,
                char* error_buffer) {
  curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_POST, 1L);
  curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.data());
  curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(easy, CURLOPT_USERAGENT, "drux");
  // Signals would interrupt other threads' calls; timeouts work without them.
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(request.connect_timeout.count()));
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(request.total_timeout.count()));
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, OnHeaderLine);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, &state);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, OnBodyPiece<ResponseState>);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &state);
}

bool Cancelled(const std::atomic<bool>* cancel) {
  return cancel != nullptr && cancel->load(std::memory_order_relaxed);
}

Expected<HeaderList> MakeHeaderList(const std::vector<std::string>& lines) {
  HeaderList headers;
  for (const std::string& line : lines) {
    curl_slist* extended = curl_slist_append(headers.get(), line.c_str());
    if (extended == nullptr) {
      return MakeError(ErrorCode::kInternal, "libcurl could not build the request headers");
    }
    (void)headers.release();
    headers.reset(extended);
  }
  return headers;
}

struct TransferOutcome {
  bool cancelled = false;
  CURLMcode multi_error = CURLM_OK;
  CURLcode result = CURLE_OK;
};

// Runs an attached transfer to its end, looking at the cancel flag between short polls.
TransferOutcome Drive(Transfer& transfer, const std::atomic<bool>* cancel) {
  TransferOutcome outcome;
  for (int running = 1; running != 0;) {
    if (Cancelled(cancel)) {
      outcome.cancelled = true;
      return outcome;
    }
    CURLMcode status = curl_multi_perform(transfer.multi.get(), &running);
    if (status == CURLM_OK && running != 0) {
      status = curl_multi_poll(transfer.multi.get(), nullptr, 0, kCancelPollMs, nullptr);
    }
    if (status != CURLM_OK) {
      outcome.multi_error = status;
      return outcome;
    }
  }
  int queued = 0;
  while (const CURLMsg* message = curl_multi_info_read(transfer.multi.get(), &queued)) {
    if (message->msg == CURLMSG_DONE) outcome.result = message->data.result;
  }
  return outcome;
}

std::optional<std::uint64_t> ParseCount(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// "bytes 100-199/1000" (a 206) or "bytes */1000" (a 416).
void ParseContentRange(std::string_view value, HttpDownloadHead& head) {
  if (!value.starts_with("bytes ")) return;
  value.remove_prefix(6);
  const std::size_t slash = value.find('/');
  if (slash == std::string_view::npos) return;
  head.range_total = ParseCount(value.substr(slash + 1));
  const std::size_t dash = value.find('-');
  if (dash < slash) head.range_first = ParseCount(value.substr(0, dash));
}

// An entity tag without its weak marker and quotes: W/"abc" -> abc.
std::string BareEtag(std::string_view value) {
  if (value.starts_with("W/")) value.remove_prefix(2);
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
    value = value.substr(1, value.size() - 2);
  }
  return std::string(value);
}

struct DownloadState {
  const HttpDownloadSink* on_body = nullptr;
  HttpDownloadHead head;
  bool stopped_by_sink = false;
};

// The headers only downloads need; others are ignored.
void ParseDownloadHeader(std::string_view name, std::string_view value, HttpDownloadHead& head) {
  if (NameEquals(name, "content-length")) {
    head.content_length = ParseCount(value);
  } else if (NameEquals(name, "content-range")) {
    ParseContentRange(value, head);
  } else if (NameEquals(name, "x-linked-etag")) {
    head.linked_etag = BareEtag(value);
  } else if (NameEquals(name, "x-linked-size")) {
    head.linked_size = ParseCount(value);
  } else if (NameEquals(name, "x-repo-commit")) {
    head.repo_commit = std::string(value);
  }
}

std::size_t OnDownloadHeaderLine(char* data, std::size_t size, std::size_t count, void* user) {
  auto& head = static_cast<DownloadState*>(user)->head;
  const std::string_view line = Trim(std::string_view(data, size * count));
  std::string_view name, value;
  if (line.starts_with("HTTP/")) {
    // Each hop of a redirect chain has its own status and body headers; the linked_*
    // fields stay, since only the first hop carries them.
    ParseStatusLine(line, head);
    head.content_length.reset();
    head.range_first.reset();
    head.range_total.reset();
  } else if (SplitHeader(line, name, value) && !ParseCommonHeader(name, value, head)) {
    ParseDownloadHeader(name, value, head);
  }
  return size * count;
}

Error DownloadError(CURL* easy, const HttpDownloadRequest& request, CURLcode code,
                    const std::string& detail) {
  switch (code) {
    case CURLE_COULDNT_CONNECT: {
      long os_error = 0;
      curl_easy_getinfo(easy, CURLINFO_OS_ERRNO, &os_error);
      if (os_error == ECONNREFUSED) return Error{ErrorCode::kConnection, "connection refused"};
      return Error{ErrorCode::kConnection, "could not connect (" + detail + ")"};
    }
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return Error{ErrorCode::kConnection, "could not resolve the host (" + detail + ")"};
    case CURLE_OPERATION_TIMEDOUT: {
      curl_off_t connect_us = 0;
      curl_easy_getinfo(easy, CURLINFO_CONNECT_TIME_T, &connect_us);
      if (connect_us == 0) {
        return Error{ErrorCode::kTimeout, "timed out after " +
                                              std::to_string(request.connect_timeout.count()) +
                                              " ms connecting"};
      }
      return Error{ErrorCode::kTimeout,
                   "the transfer stalled (less than " +
                       std::to_string(request.low_speed_bytes_per_second) + " bytes/s for " +
                       std::to_string(request.low_speed_window.count()) + " s)"};
    }
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
      return Error{ErrorCode::kConnection, "the TLS connection failed (" + detail + ")"};
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
      return Error{ErrorCode::kConnection, "the connection broke (" + detail + ")"};
    case CURLE_TOO_MANY_REDIRECTS:
      return Error{ErrorCode::kProviderError,
                   "more than " + std::to_string(request.max_redirects) + " redirects"};
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return Error{ErrorCode::kInvalidArgument, "the URL cannot be used (" + detail + ")"};
    default:
      return Error{ErrorCode::kInternal, "libcurl failed (" + detail + ")"};
  }
}

void SetDownloadOptions(CURL* easy, const HttpDownloadRequest& request, curl_slist* headers,
                        const std::string& range, DownloadState& state, char* error_buffer) {
  curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(easy, CURLOPT_MAXREDIRS, static_cast<long>(request.max_redirects));
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
  if (!range.empty()) curl_easy_setopt(easy, CURLOPT_RANGE, range.c_str());
  curl_easy_setopt(easy, CURLOPT_USERAGENT, "drux");
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(request.connect_timeout.count()));
  curl_easy_setopt(easy, CURLOPT_LOW_SPEED_LIMIT, request.low_speed_bytes_per_second);
  curl_easy_setopt(easy, CURLOPT_LOW_SPEED_TIME,
                   static_cast<long>(request.low_speed_window.count()));
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, OnDownloadHeaderLine);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, &state);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, OnBodyPiece<DownloadState>);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &state);
}

}  // namespace

Expected<HttpResponseHead> HttpPost(const HttpRequest& request, const HttpBodySink& on_body) {
  if (!CurlIsReady()) {
    return MakeError(ErrorCode::kInternal,
                     "libcurl could not be initialized, so no provider can be called");
  }
  // Everything the transfer points to is declared before it, so it outlives the transfer.
  std::vector<std::string> header_lines = request.headers;
  // Without this, libcurl waits up to a second for "100 Continue" before sending a body
  // over 1 KiB, which many servers never send.
  header_lines.push_back("Expect:");
  const auto headers = MakeHeaderList(header_lines);
  if (!headers) return tl::unexpected(headers.error());

  ResponseState state;
  state.on_body = &on_body;
  char error_buffer[CURL_ERROR_SIZE] = "";
  Transfer transfer;
  if (!transfer.multi || !transfer.easy) {
    return MakeError(ErrorCode::kInternal, "libcurl could not create a transfer (out of memory)");
  }
  SetOptions(transfer.easy.get(), request, headers->get(), state, error_buffer);
  if (curl_multi_add_handle(transfer.multi.get(), transfer.easy.get()) != CURLM_OK) {
    return MakeError(ErrorCode::kInternal, "libcurl could not start the transfer");
  }
  transfer.attached = true;

  const TransferOutcome outcome = Drive(transfer, request.cancel);
  if (outcome.cancelled) {
    return MakeError(ErrorCode::kCancelled,
                     "the call to " + request.url + " was cancelled before it finished");
  }
  if (outcome.multi_error != CURLM_OK) {
    return MakeError(ErrorCode::kInternal, "the call to " + request.url + " failed in libcurl (" +
                                               curl_multi_strerror(outcome.multi_error) + ")");
  }
  const CURLcode result = outcome.result;
  if (result == CURLE_OK || (result == CURLE_WRITE_ERROR && state.stopped_by_sink)) {
    return state.head;
  }
  const std::string detail = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(result);
  return tl::unexpected(TransferError(transfer.easy.get(), request, result, detail));
}

Expected<HttpDownloadHead> HttpDownload(const HttpDownloadRequest& request,
                                        const HttpDownloadSink& on_body) {
  if (!CurlIsReady()) return MakeError(ErrorCode::kInternal, "libcurl could not be initialized");
  const auto headers = MakeHeaderList(request.headers);
  if (!headers) return tl::unexpected(headers.error());
  const std::string range =
      request.range_start > 0 ? std::to_string(request.range_start) + "-" : std::string();

  DownloadState state;
  state.on_body = &on_body;
  char error_buffer[CURL_ERROR_SIZE] = "";
  Transfer transfer;
  if (!transfer.multi || !transfer.easy) {
    return MakeError(ErrorCode::kInternal, "libcurl could not create a transfer (out of memory)");
  }
  SetDownloadOptions(transfer.easy.get(), request, headers->get(), range, state, error_buffer);
  if (curl_multi_add_handle(transfer.multi.get(), transfer.easy.get()) != CURLM_OK) {
    return MakeError(ErrorCode::kInternal, "libcurl could not start the transfer");
  }
  transfer.attached = true;

  const TransferOutcome outcome = Drive(transfer, request.cancel);
  if (outcome.cancelled) return MakeError(ErrorCode::kCancelled, "cancelled");
  if (outcome.multi_error != CURLM_OK) {
    return MakeError(ErrorCode::kInternal, std::string("libcurl failed (") +
                                               curl_multi_strerror(outcome.multi_error) + ")");
  }
  if (outcome.result == CURLE_OK ||
      (outcome.result == CURLE_WRITE_ERROR && state.stopped_by_sink)) {
    return state.head;
  }
  const std::string detail =
      error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(outcome.result);
  return tl::unexpected(DownloadError(transfer.easy.get(), request, outcome.result, detail));
}

}  // namespace drux

#include "models/model_download.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <deque>
#include <thread>
#include <utility>

#include "models/sha256.h"
#include "providers/http_client.h"

namespace drux {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kProgressInterval = std::chrono::milliseconds(100);
constexpr auto kRateWindow = std::chrono::seconds(3);
// Pause before resuming a broken transfer, so a flapping connection is not hammered.
constexpr auto kResumeDelay = std::chrono::milliseconds(500);
constexpr std::string_view kGgufMagic = "GGUF";

class UniqueFd {
 public:
  explicit UniqueFd(int fd = -1) : fd_(fd) {}
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  void Reset(int fd) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_;
};

// Whether a Content-Type names an HTML page, whatever its case and parameters.
bool IsHtml(const std::string& content_type) {
  static constexpr std::string_view kHtml = "text/html";
  return content_type.size() >= kHtml.size() &&
         std::equal(kHtml.begin(), kHtml.end(), content_type.begin(), [](char a, char b) {
           return a == std::tolower(static_cast<unsigned char>(b));
         });
}

// A full git commit id (40 hex digits), as opposed to a branch or tag name.
bool IsCommitId(const std::string& revision) {
  return revision.size() == 40 && std::all_of(revision.begin(), revision.end(), [](char c) {
           return std::isxdigit(static_cast<unsigned char>(c)) != 0;
         });
}

bool IsPlainFileName(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos;
}

// The transfer rate over the last few seconds: a stall shows quickly and an early burst
// does not linger.
class RateMeter {
 public:
  void Add(Clock::time_point now, std::uint64_t done_bytes) {
    samples_.emplace_back(now, done_bytes);
    while (samples_.size() > 2 && now - samples_.front().first > kRateWindow) {
      samples_.pop_front();
    }
  }
  double BytesPerSecond() const {
    if (samples_.size() < 2) return 0;
    const double seconds =
        std::chrono::duration<double>(samples_.back().first - samples_.front().first).count();
    const auto bytes = static_cast<double>(samples_.back().second - samples_.front().second);
    return seconds > 0 ? bytes / seconds : 0;
  }
  void Reset() { samples_.clear(); }

 private:
  std::deque<std::pair<Clock::time_point, std::uint64_t>> samples_;
};

// One call of DownloadModel: the .part file (held locked), what the catalog and the server
// said about the file, and the transfers made so far.
class Download {
 public:
  Download(const CatalogEntry& entry, const fs::path& directory, const DownloadOptions& options)
      : entry_(entry),
        options_(options),
        url_(ModelUrl(entry, options.endpoint)),
        directory_(directory),
        final_path_(directory / entry.file),
        part_path_(PartialPath(final_path_)),
        expected_sha256_(CanonicalSha256(entry.sha256)),
        total_(entry.size_bytes) {}

  Expected<fs::path> Run();

 private:
  Expected<void> Prepare();
  Expected<void> Transfer();
  bool OnBody(const HttpDownloadHead& head, std::string_view piece);
  std::optional<Error> StartBody(const HttpDownloadHead& head);
  std::optional<Error> AcceptHead(const HttpDownloadHead& head);
  std::optional<Error> CheckMagic(std::string_view piece);
  std::optional<Error> Append(std::string_view piece);
  Expected<void> CheckDiskSpace() const;
  Expected<void> RestartFromZero();
  Expected<fs::path> Finish();
  void Report(bool verifying);
  bool WaitBeforeResuming() const;
  Error NetworkError(const Error& cause) const;
  Error StatusError(const HttpDownloadHead& head) const;
  std::string KeptNote() const;

  const CatalogEntry& entry_;
  const DownloadOptions& options_;
  const std::string url_;
  const fs::path directory_;
  const fs::path final_path_;
  const fs::path part_path_;
  UniqueFd part_;
  std::string expected_sha256_;  // the catalog's, else the one Hugging Face states
  std::string expected_source_ = "the catalog";
  std::uint64_t total_ = 0;         // the catalog's size, else the server's; 0 when unknown
  std::uint64_t done_ = 0;          // bytes in the .part file
  std::uint64_t resumed_from_ = 0;  // bytes in it when this transfer started
  std::uint64_t transfer_bytes_ = 0;
  bool body_started_ = false;
  bool discard_part_ = false;  // what arrived is not the file; do not resume from it
  std::optional<Error> body_error_;
  RateMeter rate_;
  Clock::time_point last_report_;
};

Expected<fs::path> Download::Run() {
  if (auto ready = Prepare(); !ready) return tl::unexpected(ready.error());
  for (int attempt = 1;; ++attempt) {
    auto transferred = Transfer();
    if (transferred) return Finish();
    const ErrorCode code = transferred.error().code;
    const bool resumable = (code == ErrorCode::kConnection || code == ErrorCode::kTimeout) &&
                           transfer_bytes_ > 0 && !discard_part_;
    if (!resumable || attempt >= options_.attempts) {
      // An empty .part would only look like a download in progress.
      if (discard_part_ || done_ == 0) ::unlink(part_path_.c_str());
      return tl::unexpected(transferred.error());
    }
    if (!WaitBeforeResuming()) return tl::unexpected(NetworkError({ErrorCode::kCancelled, ""}));
  }
}

Expected<void> Download::Prepare() {
  if (entry_.name.empty() || entry_.repo.empty() || entry_.revision.empty() ||
      !IsPlainFileName(entry_.file)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the catalog entry \"" + entry_.name +
                         "\" lacks a repository, revision or plain file name, so it cannot be "
                         "downloaded");
  }
  std::error_code error;
  fs::create_directories(directory_, error);
  if (error) {
    return MakeError(ErrorCode::kInternal, "cannot create the models directory " +
                                               directory_.string() + " (" + error.message() +
                                               "); set DRUX_MODELS_DIR to a writable directory");
  }
  // Checked before the .part is created, so a refused download leaves nothing behind.
  const std::uint64_t on_disk = fs::file_size(part_path_, error);
  done_ = error ? 0 : on_disk;
  if (auto space = CheckDiskSpace(); !space) return space;

  part_.Reset(::open(part_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
  if (part_.get() < 0) {
    return MakeError(ErrorCode::kInternal, "cannot write " + part_path_.string() + " (" +
                                               std::strerror(errno) +
                                               "); set DRUX_MODELS_DIR to a writable directory");
  }
  // Two pulls of one model appending to one .part would interleave their bytes.
  if (::flock(part_.get(), LOCK_EX | LOCK_NB) != 0) {
    return MakeError(ErrorCode::kInternal, "Another drux process is downloading " + entry_.name +
                                               " into " + directory_.string() +
                                               " right now; wait for it to finish.");
  }
  struct stat status {};
  if (::fstat(part_.get(), &status) != 0) {
    return MakeError(ErrorCode::kInternal, "cannot read the size of " + part_path_.string());
  }
  done_ = static_cast<std::uint64_t>(status.st_size);
  if (total_ > 0 && done_ > total_) return RestartFromZero();
  return {};
}

Expected<void> Download::Transfer() {
  body_started_ = false;
  body_error_.reset();
  resumed_from_ = done_;
  transfer_bytes_ = 0;
  // A complete .part left by an interrupted check needs no network when the catalog says
  // what it must hash to.
  if (total_ > 0 && done_ == total_ && !entry_.sha256.empty()) return {};

  HttpDownloadRequest request;
  request.url = url_;
  request.range_start = done_;
  request.connect_timeout = options_.connect_timeout;
  request.low_speed_bytes_per_second = options_.low_speed_bytes_per_second;
  request.low_speed_window = options_.low_speed_window;
  request.cancel = options_.cancel;
  rate_.Reset();
  rate_.Add(Clock::now(), done_);
  const auto head = HttpDownload(
      request,
      [this](const HttpDownloadHead& h, std::string_view piece) { return OnBody(h, piece); });
  if (body_error_) return tl::unexpected(*body_error_);
  if (!head) return tl::unexpected(NetworkError(head.error()));

  if (head->status == 416) {
    if (auto error = AcceptHead(*head)) return tl::unexpected(*error);
    if (done_ > 0 && head->range_total == done_) return {};  // it was complete already
    discard_part_ = true;
    return MakeError(ErrorCode::kMalformedResponse,
                     "Could not download " + entry_.name + ": " + url_ +
                         " would not resume from byte " + std::to_string(done_) +
                         " (HTTP 416), so the partial download was deleted; pull it again");
  }
  if (head->status != 200 && head->status != 206) return tl::unexpected(StatusError(*head));
  if (!body_started_) {
    if (auto error = StartBody(*head)) return tl::unexpected(*error);
  }
  if (total_ > 0 && done_ < total_) {
    return tl::unexpected(NetworkError(
        {ErrorCode::kConnection, "the connection closed after " + std::to_string(done_) + " of " +
                                     std::to_string(total_) + " bytes"}));
  }
  if (total_ > 0 && done_ > total_) {
    discard_part_ = true;
    return MakeError(ErrorCode::kMalformedResponse,
                     "Could not download " + entry_.name + ": " + url_ + " sent " +
                         std::to_string(done_) + " bytes, more than the " + std::to_string(total_) +
                         " the file has; the download was deleted");
  }
  return {};
}

bool Download::OnBody(const HttpDownloadHead& head, std::string_view piece) {
  if (!body_started_) {
    body_started_ = true;
    // An error status's body is a message, never the file.
    if (head.status != 200 && head.status != 206) return false;
    body_error_ = StartBody(head);
  }
  if (!body_error_) body_error_ = CheckMagic(piece);
  if (!body_error_) body_error_ = Append(piece);
  if (body_error_) return false;
  done_ += piece.size();
  transfer_bytes_ += piece.size();
  Report(false);
  return true;
}

std::optional<Error> Download::StartBody(const HttpDownloadHead& head) {
  if (auto error = AcceptHead(head)) return error;
  if (IsHtml(head.content_type)) {
    return Error{ErrorCode::kMalformedResponse,
                 "Could not download " + entry_.name + ": " + url_ +
                     " answered with a web page instead of the model file; a proxy or captive "
                     "portal may be in the way. Check your network or set HF_ENDPOINT to a "
                     "mirror."};
  }
  if (head.status == 206 && head.range_first != done_) {
    discard_part_ = true;
    return Error{ErrorCode::kMalformedResponse, "Could not download " + entry_.name + ": asked " +
                                                    url_ + " for the bytes from " +
                                                    std::to_string(done_) +
                                                    " on and got others; the partial download was "
                                                    "deleted, pull it again"};
  }
  // A 200 to a Range request is the whole file from its first byte.
  if (head.status == 200 && done_ > 0) {
    if (auto restarted = RestartFromZero(); !restarted) return restarted.error();
  }
  return std::nullopt;
}

// Holds what the server states about the file against the catalog, and learns what the
// catalog leaves open (size, SHA-256) from it.
std::optional<Error> Download::AcceptHead(const HttpDownloadHead& head) {
  const std::optional<std::uint64_t> served =
      head.status == 200 ? head.content_length : head.range_total;
  for (const auto& stated : {served, head.linked_size}) {
    if (!stated) continue;
    if (entry_.size_bytes > 0 && *stated != entry_.size_bytes) {
      return Error{ErrorCode::kMalformedResponse,
                   "Could not download " + entry_.name + ": " + url_ + " is " +
                       std::to_string(*stated) + " bytes, but the catalog pins " +
                       std::to_string(entry_.size_bytes) +
                       " bytes; the server does not hold the file the catalog describes."};
    }
    if (total_ == 0) {
      total_ = *stated;
      if (auto space = CheckDiskSpace(); !space) return space.error();
    }
  }
  // A server that ignored the pinned revision would serve whatever the branch holds now.
  if (!head.repo_commit.empty() && IsCommitId(entry_.revision) &&
      CanonicalSha256(head.repo_commit) != CanonicalSha256(entry_.revision)) {
    return Error{ErrorCode::kMalformedResponse, "Could not download " + entry_.name + ": " + url_ +
                                                    " answered for revision " + head.repo_commit +
                                                    " (X-Repo-Commit), not the pinned " +
                                                    entry_.revision + "; nothing was downloaded."};
  }
  if (LooksLikeSha256(head.linked_etag)) {
    const std::string stated = CanonicalSha256(head.linked_etag);
    if (expected_sha256_.empty()) {
      expected_sha256_ = stated;
      expected_source_ = "the server (X-Linked-Etag)";
    } else if (stated != expected_sha256_) {
      return Error{ErrorCode::kMalformedResponse,
                   "Could not download " + entry_.name + ": " + url_ + " states SHA-256 " + stated +
                       " (X-Linked-Etag), but " + expected_source_ + " expects " +
                       expected_sha256_ + "; nothing was downloaded."};
    }
  }
  return std::nullopt;
}

std::optional<Error> Download::CheckMagic(std::string_view piece) {
  if (!entry_.file.ends_with(".gguf") || done_ >= kGgufMagic.size()) return std::nullopt;
  const std::size_t count = std::min(piece.size(), kGgufMagic.size() - done_);
  if (piece.substr(0, count) == kGgufMagic.substr(done_, count)) return std::nullopt;
  discard_part_ = true;
  return Error{ErrorCode::kMalformedResponse,
               "Could not download " + entry_.name + ": " + url_ +
                   " sent something that is not a GGUF model file; check HF_ENDPOINT, or "
                   "download the file yourself and pass --model local:PATH.gguf."};
}

std::optional<Error> Download::Append(std::string_view piece) {
  while (!piece.empty()) {
    const ssize_t written = ::write(part_.get(), piece.data(), piece.size());
    if (written < 0 && errno == EINTR) continue;
    if (written < 0) {
      return Error{ErrorCode::kInternal, "Could not download " + entry_.name + ": writing " +
                                             part_path_.string() + " failed (" +
                                             std::strerror(errno) + ")." + KeptNote()};
    }
    piece.remove_prefix(static_cast<std::size_t>(written));
  }
  return std::nullopt;
}

Expected<void> Download::CheckDiskSpace() const {
  std::error_code error;
  const fs::space_info space = fs::space(directory_, error);
  // A filesystem that cannot say how much room it has gets the benefit of the doubt.
  if (error || total_ == 0) return {};
  const std::uint64_t missing = total_ - std::min(done_, total_);
  if (space.available >= missing + options_.disk_margin_bytes) return {};
  const std::string spare = options_.disk_margin_bytes > 0
                                ? " (and " + HumanBytes(options_.disk_margin_bytes) + " to spare)"
                                : "";
  return MakeError(ErrorCode::kInternal,
                   "Not enough disk space to download " + entry_.name + ": it needs " +
                       HumanBytes(missing) + " more" + spare + ", but " + directory_.string() +
                       " has " + HumanBytes(space.available) +
                       " free. Free some space, or set DRUX_MODELS_DIR to a directory on a "
                       "larger disk.");
}

Expected<void> Download::RestartFromZero() {
  if (::ftruncate(part_.get(), 0) != 0) {
    return MakeError(ErrorCode::kInternal,
                     "cannot truncate " + part_path_.string() + " (" + std::strerror(errno) + ")");
  }
  done_ = 0;
  resumed_from_ = 0;
  rate_.Reset();
  return {};
}

Expected<fs::path> Download::Finish() {
  Report(true);
  if (::fsync(part_.get()) != 0) {
    return MakeError(ErrorCode::kInternal, "cannot flush " + part_path_.string() + " to disk (" +
                                               std::strerror(errno) + ")");
  }
  const auto actual = Sha256OfFile(part_path_, options_.cancel);
  if (!actual) return tl::unexpected(actual.error());
  if (!expected_sha256_.empty()) {
    if (*actual != expected_sha256_) {
      ::unlink(part_path_.c_str());
      return MakeError(ErrorCode::kMalformedResponse,
                       "The file downloaded for " + entry_.name + " from " + url_ +
                           " has SHA-256 " + *actual + ", but " + expected_source_ + " expects " +
                           expected_sha256_ +
                           "; it was deleted. Pull it again; if this happens again, the server (or "
                           "the HF_ENDPOINT mirror) is serving other bytes than expected.");
    }
    if (auto recorded = WriteChecksumRecord(final_path_, *actual); !recorded) {
      return tl::unexpected(recorded.error());
    }
  }
  std::error_code error;
  fs::rename(part_path_, final_path_, error);
  if (error) {
    return MakeError(ErrorCode::kInternal, "cannot rename " + part_path_.string() + " to " +
                                               final_path_.string() + " (" + error.message() + ")");
  }
  // Makes the rename itself durable, not only the file's bytes.
  const UniqueFd directory(::open(directory_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (directory.get() >= 0) ::fsync(directory.get());
  return final_path_;
}

void Download::Report(bool verifying) {
  const Clock::time_point now = Clock::now();
  if (!verifying && now - last_report_ < kProgressInterval) return;
  last_report_ = now;
  rate_.Add(now, done_);
  if (!options_.on_progress) return;
  options_.on_progress(
      DownloadProgress{done_, total_, resumed_from_, rate_.BytesPerSecond(), verifying});
}

// Returns false when cancelled while waiting.
bool Download::WaitBeforeResuming() const {
  const Clock::time_point until = Clock::now() + kResumeDelay;
  while (Clock::now() < until) {
    if (options_.cancel != nullptr && options_.cancel->load()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

std::string Download::KeptNote() const {
  if (done_ == 0 || discard_part_) return "";
  return " The " + HumanBytes(done_) + " downloaded so far are kept in " + part_path_.string() +
         " and the next pull resumes from there.";
}

Error Download::NetworkError(const Error& cause) const {
  const std::string what = "Could not download " + entry_.name + " from " + url_ + ": ";
  switch (cause.code) {
    case ErrorCode::kConnection:
    case ErrorCode::kTimeout:
      return Error{cause.code,
                   what + cause.message +
                       ". Check your network, set HF_ENDPOINT to a mirror, or download the file "
                       "yourself and pass --model local:PATH.gguf." +
                       KeptNote()};
    case ErrorCode::kCancelled:
      return Error{cause.code, "The download of " + entry_.name + " was cancelled." + KeptNote()};
    case ErrorCode::kInvalidArgument:
      return Error{cause.code, what + cause.message + "; check HF_ENDPOINT"};
    default:
      return Error{cause.code, what + cause.message};
  }
}

Error Download::StatusError(const HttpDownloadHead& head) const {
  const std::string status =
      std::to_string(head.status) + (head.reason.empty() ? "" : " " + head.reason);
  const std::string what =
      "Could not download " + entry_.name + ": " + url_ + " answered HTTP " + status;
  Error error{ErrorCode::kProviderError,
              what + ". Try again later, or set HF_ENDPOINT to a mirror.", head.status,
              head.retry_after_seconds};
  if (head.status == 404) {
    error.code = ErrorCode::kNotFound;
    error.message = what + ": the pinned file (" + entry_.repo + " at " + entry_.revision +
                    ") is not there. If HF_ENDPOINT names a mirror, check that it carries it; or "
                    "download the file yourself and pass --model local:PATH.gguf.";
  } else if (head.status == 401 || head.status == 403) {
    error.message = what +
                    ": the repository may be gated or private. Accept its licence on "
                    "huggingface.co and download the file yourself, then pass --model "
                    "local:PATH.gguf.";
  } else if (head.status == 429) {
    error.code = ErrorCode::kRateLimited;
  }
  return error;
}

}  // namespace

Expected<fs::path> DownloadModel(const CatalogEntry& entry, const fs::path& directory,
                                 const DownloadOptions& options) {
  return Download(entry, directory, options).Run();
}

}  // namespace drux

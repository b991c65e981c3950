#include "support/file_server.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <charconv>
#include <string_view>

#include "support/http_wire.h"

namespace drux::test {
namespace {

std::optional<std::uint64_t> ParseNumber(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

struct ByteRange {
  std::uint64_t first = 0;
  std::optional<std::uint64_t> last;
};

// "bytes=N-" or "bytes=N-M"; nullopt for anything else (which is then ignored).
std::optional<ByteRange> ParseRange(const std::string& value) {
  if (!value.starts_with("bytes=")) return std::nullopt;
  const std::string_view spec = std::string_view(value).substr(6);
  const std::size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  const auto first = ParseNumber(spec.substr(0, dash));
  if (!first) return std::nullopt;
  ByteRange range{*first, std::nullopt};
  if (dash + 1 < spec.size()) {
    range.last = ParseNumber(spec.substr(dash + 1));
    if (!range.last || *range.last < *first) return std::nullopt;
  }
  return range;
}

std::string Head(const std::string& status, const std::string& content_type,
                 std::size_t content_length, const std::string& extra_headers = "") {
  return "HTTP/1.1 " + status + "\r\nContent-Type: " + content_type +
         "\r\nContent-Length: " + std::to_string(content_length) + "\r\n" + extra_headers +
         "Connection: close\r\n\r\n";
}

}  // namespace

FileServer::FileServer() : server_([this](int socket) { Serve(socket); }) {}

FileServer::~FileServer() {
  Stop();
}

std::string FileServer::Start() {
  if (const auto started = server_.Start(); !started) {
    ADD_FAILURE() << "FileServer " << started.error().message;
    return "";
  }
  return server_.base_url();
}

void FileServer::Stop() {
  server_.Stop();
}

void FileServer::AddFile(const std::string& path, std::string bytes, std::string content_type) {
  std::lock_guard lock(mutex_);
  files_[path] = File{std::move(bytes), std::move(content_type)};
}

void FileServer::AddRedirect(const std::string& path, Redirect redirect) {
  std::lock_guard lock(mutex_);
  redirects_[path] = std::move(redirect);
}

void FileServer::Interrupt(Interruption how, std::size_t after_bytes, int responses) {
  std::lock_guard lock(mutex_);
  interruption_ = how;
  interrupt_after_ = after_bytes;
  interrupted_responses_ = responses;
}

void FileServer::set_ignore_range(bool ignore) {
  std::lock_guard lock(mutex_);
  ignore_range_ = ignore;
}

std::vector<FileServer::Request> FileServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

void FileServer::Serve(int socket) {
  HttpRequest read;
  if (!ReadHttpRequest(socket, read)) return;
  const Request request{std::move(read.target), std::move(read.headers)};
  {
    std::lock_guard lock(mutex_);
    requests_.push_back(request);
  }
  Respond(socket, request);
}

void FileServer::Respond(int socket, const Request& request) {
  const std::string path = request.target.substr(0, request.target.find('?'));
  std::optional<Redirect> redirect;
  std::optional<File> file;
  {
    std::lock_guard lock(mutex_);
    if (const auto found = redirects_.find(path); found != redirects_.end()) {
      redirect = found->second;
    } else if (const auto served = files_.find(path); served != files_.end()) {
      file = served->second;
    }
  }
  if (redirect) {
    const std::string location =
        server_.base_url() + redirect->target + "?X-Amz-Signature=test&Expires=3600";
    std::string headers = "Location: " + location + "\r\n";
    if (!redirect->linked_etag.empty()) {
      headers += "X-Linked-Etag: \"" + redirect->linked_etag + "\"\r\n";
    }
    if (redirect->linked_size) {
      headers += "X-Linked-Size: " + std::to_string(*redirect->linked_size) + "\r\n";
    }
    if (!redirect->repo_commit.empty())
      headers += "X-Repo-Commit: " + redirect->repo_commit + "\r\n";
    // Hugging Face's 302 has a small body too; a client must not take it for the file.
    const std::string body = "Found. Redirecting to " + location;
    SendAll(socket, Head("302 Found", "text/plain; charset=utf-8", body.size(), headers) + body);
  } else if (file) {
    SendFile(socket, request, *file);
  } else {
    const std::string body = "Entry not found";
    SendAll(socket, Head("404 Not Found", "text/plain; charset=utf-8", body.size()) + body);
  }
}

void FileServer::SendFile(int socket, const Request& request, const File& file) {
  std::optional<Interruption> interruption;
  std::size_t interrupt_after = 0;
  std::optional<ByteRange> range;
  {
    std::lock_guard lock(mutex_);
    if (interrupted_responses_ > 0) {
      --interrupted_responses_;
      interruption = interruption_;
      interrupt_after = interrupt_after_;
    }
    const auto header = request.headers.find("range");
    if (!ignore_range_ && header != request.headers.end()) range = ParseRange(header->second);
  }
  const std::uint64_t size = file.bytes.size();
  std::string head;
  std::string_view body = file.bytes;
  if (!range) {
    head = Head("200 OK", file.content_type, body.size(), "Accept-Ranges: bytes\r\n");
  } else if (range->first >= size) {
    SendAll(socket, Head("416 Range Not Satisfiable", "text/plain", 0,
                         "Content-Range: bytes */" + std::to_string(size) + "\r\n"));
    return;
  } else {
    const std::uint64_t last = std::min(range->last.value_or(size - 1), size - 1);
    body = body.substr(range->first, last - range->first + 1);
    head = Head("206 Partial Content", file.content_type, body.size(),
                "Accept-Ranges: bytes\r\nContent-Range: bytes " + std::to_string(range->first) +
                    "-" + std::to_string(last) + "/" + std::to_string(size) + "\r\n");
  }
  if (!SendAll(socket, head)) return;
  if (!interruption) {
    SendAll(socket, body);
    return;
  }
  SendAll(socket, body.substr(0, std::min(interrupt_after, body.size())));
  if (*interruption == Interruption::kStall) server_.AwaitStop();
}

}  // namespace drux::test

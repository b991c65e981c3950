// A static HTTP/1.1 file server on 127.0.0.1 for download tests. It plays Hugging Face's
// resolve endpoint (a 302 carrying X-Linked-Etag / X-Linked-Size / X-Repo-Commit) and its
// CDN (200 or 206 to Range requests), and misbehaves on demand: a body cut or stalled after
// some bytes, Range ignored. Unknown paths answer 404. One request per connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "support/loopback_server.h"

namespace drux::test {

class FileServer {
 public:
  struct Redirect {
    std::string target;       // the path the 302 points to; a query string is added, as a CDN's
    std::string linked_etag;  // sent quoted as X-Linked-Etag; empty sends no header
    std::optional<std::uint64_t> linked_size;
    std::string repo_commit;  // empty sends no X-Repo-Commit
  };

  enum class Interruption {
    kClose,  // close the connection
    kStall,  // send nothing more until the server stops
  };

  struct Request {
    std::string target;                          // as sent, query string included
    std::map<std::string, std::string> headers;  // names in lower case
  };

  FileServer();
  // Stops (see Stop) and joins every thread.
  ~FileServer();
  FileServer(const FileServer&) = delete;
  FileServer& operator=(const FileServer&) = delete;

  // Listens on an ephemeral port and returns "http://127.0.0.1:PORT". Returns "" (and records
  // a test failure) when no socket can be opened. Call once.
  std::string Start();

  // Stops listening and ends every connection, stalled ones included; connecting afterwards
  // is refused. Idempotent.
  void Stop();

  // Serves bytes at path (matched without the query string), honouring Range unless
  // set_ignore_range(true).
  void AddFile(const std::string& path, std::string bytes,
               std::string content_type = "application/octet-stream");
  void AddRedirect(const std::string& path, Redirect redirect);

  // The next `responses` file bodies send only after_bytes bytes, then are interrupted.
  void Interrupt(Interruption how, std::size_t after_bytes, int responses = 1);
  // Answers Range requests with 200 and the whole file, as some servers do.
  void set_ignore_range(bool ignore);

  // Every request so far, in arrival order.
  std::vector<Request> requests() const;

 private:
  struct File {
    std::string bytes;
    std::string content_type;
  };

  void Serve(int socket);
  void Respond(int socket, const Request& request);
  void SendFile(int socket, const Request& request, const File& file);

  mutable std::mutex mutex_;
  std::map<std::string, File> files_;
  std::map<std::string, Redirect> redirects_;
  std::optional<Interruption> interruption_;
  std::size_t interrupt_after_ = 0;
  int interrupted_responses_ = 0;
  bool ignore_range_ = false;
  std::vector<Request> requests_;
  LoopbackServer server_;  // last: its threads stop before the state they use goes away
};

}  // namespace drux::test

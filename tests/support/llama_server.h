// A real llama-server on loopback, for tests that need an OpenAI-compatible peer.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "support/subprocess.h"

namespace drux::test {

struct LlamaServerOptions {
  // Requests decoded at once (-np); the context below is split between them.
  int parallel = 1;
  // Total context in tokens (-c), shared by the parallel slots.
  int context_size = 512;
  // How long the server may take to load the model and answer GET /health with 200.
  std::chrono::seconds startup_timeout{60};
  // More llama-server flags, appended after the ones Start chooses.
  std::vector<std::string> extra_args;
};

// One llama-server process serving one model on 127.0.0.1 at a port the kernel chose, with a
// single CPU thread so that several can run at once on a small machine. Its output goes to a
// log file under $TMPDIR/drux-test-logs, deleted when the server is destroyed. Destroying it stops
// the server.
class LlamaServer {
 public:
  // Starts DRUX_LLAMA_SERVER on model_path and returns once GET /health answers 200. Throws
  // std::runtime_error, carrying the end of the server's log, when the server exits or is
  // not healthy within options.startup_timeout.
  static std::unique_ptr<LlamaServer> Start(const std::string& model_path,
                                            const LlamaServerOptions& options = {});

  LlamaServer(const LlamaServer&) = delete;
  LlamaServer& operator=(const LlamaServer&) = delete;
  ~LlamaServer();

  int port() const { return port_; }
  pid_t pid() const { return process_.pid(); }
  // The OpenAI-compatible base URL, "http://127.0.0.1:PORT/v1".
  std::string base_url() const;
  const std::string& log_path() const { return log_path_; }
  // The last max_bytes of the server's log, for failure messages.
  std::string LogTail(std::size_t max_bytes = 4000) const;

  // Stops the server now (connections are refused afterwards), for tests of a peer that
  // goes away; the destructor does this otherwise.
  void Stop();

 private:
  explicit LlamaServer(std::string log_path) : log_path_(std::move(log_path)) {}

  std::string log_path_;
  int port_ = 0;
  ChildProcess process_;
};

}  // namespace drux::test

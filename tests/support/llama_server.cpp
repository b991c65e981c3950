#include "support/llama_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace drux::test {
namespace {

using Clock = std::chrono::steady_clock;

// The status code of GET path on 127.0.0.1:port, or 0 when there was no HTTP answer. A raw
// socket keeps libcurl out of test support (only the provider's HTTP client may use it).
int HttpGetStatus(int port, const std::string& path) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  const timeval timeout{2, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string response;
  if (connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0) {
    const std::string request =
        "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if (send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
        static_cast<ssize_t>(request.size())) {
      char buffer[512];
      ssize_t n;
      while (response.find("\r\n") == std::string::npos &&
             (n = recv(fd, buffer, sizeof buffer, 0)) > 0) {
        response.append(buffer, static_cast<std::size_t>(n));
      }
    }
  }
  close(fd);
  static const std::regex kStatusLine(R"(^HTTP/1\.[01] (\d{3}) )");
  std::smatch match;
  return std::regex_search(response, match, kStatusLine) ? std::stoi(match[1]) : 0;
}

std::string ReadFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

// The port the server reports listening on once its model is loaded, or 0 before that.
int ListeningPort(const std::string& log) {
  static const std::regex kListening(R"(listening on http://127\.0\.0\.1:(\d+))");
  std::smatch match;
  return std::regex_search(log, match, kListening) ? std::stoi(match[1]) : 0;
}

// A log name no other server of this or another test process uses.
std::string NewLogPath() {
  static std::atomic<unsigned> counter{0};
  const char* tmpdir = std::getenv("TMPDIR");
  const std::filesystem::path directory =
      std::filesystem::path(tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp") /
      "drux-test-logs";
  std::filesystem::create_directories(directory);
  return (directory /
          ("llama-server-" + std::to_string(getpid()) + "-" + std::to_string(counter++) + ".log"))
      .string();
}

std::vector<std::string> ServerCommand(const std::string& model_path,
                                       const LlamaServerOptions& options) {
  std::vector<std::string> argv = {DRUX_LLAMA_SERVER, "--model", model_path};
  // Port 0: the server binds a port the kernel picks and logs it, so concurrent tests never
  // race for a port another process grabbed between "find a free one" and "bind".
  argv.insert(argv.end(), {"--host", "127.0.0.1", "--port", "0"});
  argv.insert(argv.end(), {"--ctx-size", std::to_string(options.context_size), "--parallel",
                           std::to_string(options.parallel)});
  argv.insert(argv.end(), {"--threads", "1", "--threads-batch", "1"});
  // The web UI and the warm-up decode serve no test and only cost startup time.
  argv.insert(argv.end(), {"--no-webui", "--no-warmup"});
  // Never reach for the network (model downloads), even if an LLAMA_ARG_* variable asks.
  argv.push_back("--offline");
  argv.insert(argv.end(), options.extra_args.begin(), options.extra_args.end());
  return argv;
}

}  // namespace

std::unique_ptr<LlamaServer> LlamaServer::Start(const std::string& model_path,
                                                const LlamaServerOptions& options) {
  std::unique_ptr<LlamaServer> server(new LlamaServer(NewLogPath()));
  server->process_.Start(ServerCommand(model_path, options), server->log_path_);

  const Clock::time_point deadline = Clock::now() + options.startup_timeout;
  const auto fail = [&server](const std::string& what) {
    server->process_.Stop();
    throw std::runtime_error("llama-server " + what + "; its log ends with:\n" + server->LogTail());
  };
  while (true) {
    if (!server->process_.Running()) {
      fail("exited during startup with code " +
           std::to_string(server->process_.exit_code().value_or(-1)));
    }
    if (server->port_ == 0) server->port_ = ListeningPort(ReadFile(server->log_path_));
    if (server->port_ != 0 && HttpGetStatus(server->port_, "/health") == 200) return server;
    if (Clock::now() >= deadline) {
      fail("was not healthy after " + std::to_string(options.startup_timeout.count()) + " s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

LlamaServer::~LlamaServer() {
  Stop();
  std::error_code ignored;
  std::filesystem::remove(log_path_, ignored);
}

std::string LlamaServer::base_url() const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/v1";
}

std::string LlamaServer::LogTail(std::size_t max_bytes) const {
  const std::string log = ReadFile(log_path_);
  return log.size() <= max_bytes ? log : log.substr(log.size() - max_bytes);
}

void LlamaServer::Stop() {
  process_.Stop();
}

}  // namespace drux::test

// Everything `drux serve` can be told, with the defaults of docs/http-api.md. Filled from
// the command line in one place (src/cli/serve_command.cpp).
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace drux {

struct ServerOptions {
  // Where to listen; port 0 lets the kernel pick one (printed once listening).
  std::string host = "127.0.0.1";
  unsigned short port = 8000;
  // The store URL (a SQLite path or postgresql://...); empty picks
  // ${XDG_DATA_HOME:-~/.local/share}/drux/drux.db.
  std::string store_url;
  // The configuration file; none searches as `drux ask` does (core/config.h).
  std::optional<std::string> config_path;
  // The browser UI's built assets; empty picks web/dist of the source tree, else beside
  // the binary.
  std::string web_root;
  // Accounts with these emails are premium.
  std::vector<std::string> premium_emails;
  // Mark the session cookie Secure (behind TLS).
  bool secure_cookies = false;
  // Threads running the HTTP event loop; 0 uses one per hardware thread.
  int io_threads = 0;
  // One access-log line per request on stderr (method, path without query, status, ms).
  bool access_log = true;

  // Limits (docs/http-api.md).
  std::size_t max_body_bytes = 64 * 1024;
  std::size_t max_header_bytes = 16 * 1024;
  // A request must arrive whole within this of its first byte (slow clients are dropped).
  std::chrono::milliseconds request_timeout{10000};
  // An idle keep-alive connection is closed after this.
  std::chrono::milliseconds idle_timeout{30000};
  // A response write must finish within this.
  std::chrono::milliseconds write_timeout{30000};
  // An SSE client whose unsent events pass this many bytes is dropped.
  std::size_t sse_buffer_cap = 1024 * 1024;
  // A comment line on every open event stream this often.
  std::chrono::milliseconds sse_keepalive{15000};
  // Anonymous questions per IP: a bucket of `burst` refilled at `per_minute`.
  double anonymous_questions_per_minute = 10;
  double anonymous_question_burst = 5;
  // Daily spend of one user on priced models, in US dollars; 0 allows no priced call.
  double daily_budget_free_usd = 0;
  double daily_budget_premium_usd = 5;
  // On SIGINT/SIGTERM, running questions get this long to finish before they are stopped
  // and stored as interrupted.
  std::chrono::milliseconds shutdown_grace{20000};
};

}  // namespace drux

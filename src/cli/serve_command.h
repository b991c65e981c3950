// `drux serve`: the web service and HTTP API (docs/http-api.md), and `drux users
// set-tier`: an account's tier, set by the operator.
#pragma once

#include <string>

#include "server/server_options.h"

namespace CLI {
class App;
}

namespace drux {

struct ServeCommandOptions {
  ServerOptions server;
  std::string listen = "127.0.0.1:8000";  // HOST:PORT
  double request_timeout_seconds = 10;
  double idle_timeout_seconds = 30;
  double grace_seconds = 20;
  double sse_keepalive_seconds = 15;
  std::string config_path;
};

// Adds `serve`; after app.parse(), the returned subcommand's parsed() says it was chosen.
CLI::App* AddServeCommand(CLI::App& app, ServeCommandOptions& options);
// Runs the server until SIGINT/SIGTERM. Exit status 0 after a graceful stop, 2 for bad
// flags, configuration, store or address.
int RunServeCommand(const ServeCommandOptions& options);

struct UsersCommandOptions {
  std::string email;
  std::string tier;       // "free" or "premium"
  std::string store_url;  // empty: the default store
};

// Adds `users set-tier EMAIL free|premium [--store URL]`.
CLI::App* AddUsersCommand(CLI::App& app, UsersCommandOptions& options);
// Exit status 0 done, 1 no such account or store failure, 2 usage.
int RunUsersCommand(const UsersCommandOptions& options);

}  // namespace drux

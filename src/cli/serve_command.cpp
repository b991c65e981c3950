#include "cli/serve_command.h"

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>

#include "server/auth/accounts.h"
#include "server/server.h"
#include "store/store.h"

namespace drux {
namespace {

std::chrono::milliseconds Milliseconds(double seconds) {
  return std::chrono::milliseconds(static_cast<long>(seconds * 1000));
}

// "HOST:PORT" (IPv6 as "[::1]:PORT") into the options.
bool ParseListen(const std::string& listen, ServerOptions& server) {
  const std::size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  try {
    std::size_t used = 0;
    const int port = std::stoi(listen.substr(colon + 1), &used);
    if (used != listen.size() - colon - 1 || port < 0 || port > 65535) return false;
    server.port = static_cast<unsigned short>(port);
  } catch (const std::exception&) {
    return false;
  }
  server.host = host;
  return true;
}

void PrintUsage(const std::string& message) {
  std::fprintf(stderr, "drux serve: error: %s\n", message.c_str());
}

}  // namespace

CLI::App* AddServeCommand(CLI::App& app, ServeCommandOptions& options) {
  CLI::App* serve = app.add_subcommand("serve", "Run the web service and HTTP API");
  ServerOptions& server = options.server;
  serve->add_option("--listen", options.listen,
                    "HOST:PORT to listen on (default 127.0.0.1:8000; port 0 picks a free one)");
  serve->add_option("--store", server.store_url,
                    "SQLite file or postgresql:// URL (default "
                    "${XDG_DATA_HOME:-~/.local/share}/drux/drux.db)");
  serve->add_option("--config", options.config_path,
                    "Configuration file (default: as for `drux ask`)");
  serve->add_option("--web-root", server.web_root,
                    "Folder of the built web UI (default: web/dist of the source tree)");
  serve
      ->add_option("--premium-email", server.premium_emails,
                   "Accounts with this email are premium (repeatable)")
      ->allow_extra_args(false);
  serve->add_flag("--secure-cookies", server.secure_cookies,
                  "Mark the session cookie Secure (serving behind TLS)");
  serve->add_option("--threads", server.io_threads,
                    "HTTP event-loop threads (default: one per hardware thread)");
  serve->add_flag("!--no-access-log", server.access_log, "Log no line per request");
  serve->add_option("--request-timeout", options.request_timeout_seconds,
                    "Seconds a request may take to arrive after its first byte (default 10)");
  serve->add_option("--idle-timeout", options.idle_timeout_seconds,
                    "Seconds an idle keep-alive connection stays open (default 30)");
  serve->add_option("--sse-keepalive", options.sse_keepalive_seconds,
                    "Seconds between keep-alive comments on event streams (default 15)");
  serve->add_option("--grace", options.grace_seconds,
                    "Seconds running questions get to finish on SIGINT/SIGTERM (default 20)");
  serve->add_option("--daily-budget", server.daily_budget_premium_usd,
                    "US dollars a premium account may spend on priced models a day (default 5)");
  return serve;
}

int RunServeCommand(const ServeCommandOptions& options) {
  ServerOptions server = options.server;
  if (!ParseListen(options.listen, server)) {
    PrintUsage("--listen must be HOST:PORT, e.g. 127.0.0.1:8000, not '" + options.listen + "'.");
    return 2;
  }
  for (double seconds : {options.request_timeout_seconds, options.idle_timeout_seconds,
                         options.sse_keepalive_seconds}) {
    if (seconds <= 0) {
      PrintUsage("Timeouts must be positive numbers of seconds.");
      return 2;
    }
  }
  if (options.grace_seconds < 0 || server.daily_budget_premium_usd < 0) {
    PrintUsage("--grace and --daily-budget must not be negative.");
    return 2;
  }
  server.request_timeout = Milliseconds(options.request_timeout_seconds);
  server.idle_timeout = Milliseconds(options.idle_timeout_seconds);
  server.sse_keepalive = Milliseconds(options.sse_keepalive_seconds);
  server.shutdown_grace = Milliseconds(options.grace_seconds);
  if (!options.config_path.empty()) server.config_path = options.config_path;
  return RunServer(server);
}

CLI::App* AddUsersCommand(CLI::App& app, UsersCommandOptions& options) {
  CLI::App* users = app.add_subcommand("users", "Manage the accounts of `drux serve`");
  users->require_subcommand(1);
  CLI::App* set_tier = users->add_subcommand("set-tier", "Set an account's tier");
  set_tier->add_option("email", options.email, "The account's email")->required();
  set_tier->add_option("tier", options.tier, "free or premium")
      ->required()
      ->check(CLI::IsMember({"free", "premium"}));
  set_tier->add_option("--store", options.store_url,
                       "SQLite file or postgresql:// URL (default: the server's default store)");
  return users;
}

int RunUsersCommand(const UsersCommandOptions& options) {
  const std::string url = options.store_url.empty() ? DefaultStorePath() : options.store_url;
  auto store = OpenStore(url);
  if (!store) {
    std::fprintf(stderr, "drux users: error: cannot open the store: %s\n",
                 store.error().message.c_str());
    return 1;
  }
  Accounts accounts(**store, {});
  const Tier tier = options.tier == "premium" ? Tier::kPremium : Tier::kFree;
  if (auto done = accounts.SetTier(options.email, tier); !done) {
    std::fprintf(stderr, "drux users: error: %s\n", done.error().message.c_str());
    return 1;
  }
  std::printf("%s is now %s.\n", options.email.c_str(), TierName(tier));
  return 0;
}

}  // namespace drux

// `drux serve` as a whole: opens the store, builds the routes, listens, and runs until
// SIGINT or SIGTERM, then shuts down gracefully (docs/http-api.md).
#pragma once

#include <string>

#include "server/server_options.h"

namespace drux {

// Runs the server until a stop signal. Prints "drux serve: listening on http://HOST:PORT"
// on stdout once it accepts connections. Returns the exit status: 0 after a graceful stop,
// 2 when the configuration, store or address is unusable.
int RunServer(const ServerOptions& options);

// ${XDG_DATA_HOME:-~/.local/share}/drux/drux.db.
std::string DefaultStorePath();

// The web UI's files: web/dist of the source tree this binary was built from, else web/
// beside the binary.
std::string DefaultWebRoot();

}  // namespace drux

// `drux models`: the local model files. `list` shows the catalog and what is installed,
// `pull NAME` downloads a model with a progress bar, `rm NAME` deletes one, `path NAME`
// prints where one is. The directory is $DRUX_MODELS_DIR, else
// ${XDG_CACHE_HOME:-~/.cache}/drux/models.
#pragma once

#include <string>

namespace CLI {
class App;
}

namespace drux {

struct ModelsCommandOptions {
  enum class Action { kList, kPull, kRemove, kPath };
  Action action = Action::kList;  // `drux models` alone lists
  std::string name;               // the model for pull, rm and path
};

// Adds the `models` subcommand and its own subcommands to app; parsing fills options.
// Returns the `models` subcommand: after app.parse(), its parsed() says it was chosen.
CLI::App* AddModelsCommand(CLI::App& app, ModelsCommandOptions& options);

// Runs the chosen action. Returns the exit status: 0 done, 1 failed (not installed,
// download failed), 2 usage (a name no model has, no usable models directory).
int RunModelsCommand(const ModelsCommandOptions& options);

}  // namespace drux

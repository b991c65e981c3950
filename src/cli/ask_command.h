// `drux ask`: one question to a panel, the result on the terminal or as JSON.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace drux {

// Exit statuses of drux, documented in the README.
enum ExitStatus : int {
  kExitComplete = 0,  // every member answered
  kExitFailed = 1,    // no member answered, or the question could not be asked
  kExitUsage = 2,     // bad command line or configuration
  kExitPartial = 3,   // some members answered, some did not
};

struct AskCommandOptions {
  std::string question;  // "-" reads the question from standard input
  std::optional<std::string> config_path;
  std::optional<std::string> panel;
  std::vector<std::string> models;
  bool json = false;
  std::optional<double> timeout_seconds;
};

int RunAskCommand(const AskCommandOptions& options);

}  // namespace drux

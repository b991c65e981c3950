// `drux ask`: one question to a panel, the result on the terminal or as JSON.
#pragma once

#include <cstdint>
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
  // The synthesizer as any --model spec, or "extractive" for none; unset takes [synthesis]
  // model from the configuration, else the strongest member.
  std::optional<std::string> synthesizer;
  // Panel rounds, 1 to kMaxRounds; above 1, Mixture-of-Agents rounds.
  std::optional<int> rounds;
  // Seeds the anonymized answer order and the synthesizer's sampling.
  std::optional<std::uint32_t> seed;
  // A second panel asked the same question at the same time; both results are shown with
  // how far they agree (`--compare PANEL`). Empty for none.
  std::string compare_panel;
};

// More rounds add cost for little gain: the Mixture-of-Agents paper's gains flatten by 3.
inline constexpr int kMaxRounds = 5;

int RunAskCommand(const AskCommandOptions& options);

}  // namespace drux

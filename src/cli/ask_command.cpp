#include "cli/ask_command.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "cli/compare_text.h"
#include "cli/live_progress.h"
#include "cli/result_text.h"
#include "core/config.h"
#include "core/result_json.h"
#include "engine/ask.h"
#include "engine/compare.h"
#include "synthesis/prompt_template.h"

namespace drux {
namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void OnInterrupt(int /*signal*/) {
  g_interrupted = true;
}

void PrintError(const Error& error) {
  const TerminalStyle style{IsColorTerminal(STDERR_FILENO)};
  std::fprintf(stderr, "%s %s\n", style.Red("drux: error:").c_str(), error.message.c_str());
}

// The panel from --model flags if any, else --panel, else the configured default.
Expected<Panel> ChoosePanel(const Config& config, const AskCommandOptions& options) {
  if (options.models.empty())
    return ResolvePanel(config, options.panel.value_or(config.default_panel));
  Panel panel;
  panel.name = options.panel.value_or("custom");
  std::set<std::string> names;
  for (const std::string& text : options.models) {
    auto spec = ResolveModelSpec(config, text);
    if (!spec) return tl::unexpected(spec.error());
    // Display names must be unique: the result refers to members by name.
    const std::string base = spec->name;
    for (int copy = 2; names.contains(spec->name); ++copy) {
      spec->name = base + "#" + std::to_string(copy);
    }
    names.insert(spec->name);
    panel.members.push_back(std::move(*spec));
  }
  return panel;
}

Expected<std::string> ReadQuestion(const std::string& argument) {
  if (argument != "-") return argument;
  std::string text{std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
  return text;
}

// The synthesizer from --synthesizer, else the configuration; "extractive" calls none.
Expected<void> ChooseSynthesizer(const Config& config, const AskCommandOptions& options,
                                 AskOptions& ask) {
  const std::string choice = options.synthesizer.value_or(config.synthesis.model);
  if (choice.empty()) return {};
  if (choice == "extractive") {
    ask.extractive_only = true;
    return {};
  }
  auto spec = ResolveModelSpec(config, choice);
  if (!spec) {
    return MakeError(spec.error().code,
                     "The synthesizer " + choice + " is unusable: " + spec.error().message);
  }
  ask.synthesizer = std::move(*spec);
  return {};
}

// A prompt named in the configuration that cannot be used is a usage error now, not a
// fallback after the panel has run.
Expected<void> CheckPromptOverrides(const AskOptions& ask) {
  const SynthesisOptions& synthesis = ask.synthesis;
  if (!synthesis.prompt_path.empty()) {
    auto loaded = LoadPrompt(kSynthesisPrompt, synthesis.prompt_path, {"question", "answers"});
    if (!loaded) return tl::unexpected(loaded.error());
  }
  if (!synthesis.points_prompt_path.empty()) {
    auto loaded = LoadPrompt(kSynthesisPointsPrompt, synthesis.points_prompt_path);
    if (!loaded) return tl::unexpected(loaded.error());
  }
  return {};
}

Expected<AskOptions> MakeAskOptions(const Config& config, const AskCommandOptions& options) {
  AskOptions ask = AskOptionsFromConfig(config);
  ask.synthesis.seed = options.seed;
  ask.rounds = options.rounds.value_or(1);
  if (options.timeout_seconds) {
    const auto timeout =
        std::chrono::milliseconds(static_cast<long>(*options.timeout_seconds * 1000));
    ask.run.overall_timeout = timeout;
    ask.run.member_timeout = std::min(ask.run.member_timeout, timeout);
    // The panel's deadline also bounds the synthesizer, which gets at most as long again.
    ask.synthesis.timeout = std::min(ask.synthesis.timeout, timeout);
  }
  if (auto chosen = ChooseSynthesizer(config, options, ask); !chosen) {
    return tl::unexpected(chosen.error());
  }
  if (auto checked = CheckPromptOverrides(ask); !checked) return tl::unexpected(checked.error());
  return ask;
}

// Without a terminal, a model download still says how far it got, a line per tenth, and
// a retry or fallback says so on a line of its own. Safe to call from two panels at once.
ProgressSink PlainProgress() {
  auto mutex = std::make_shared<std::mutex>();
  return [mutex, last_tenth = std::map<int, int>()](const ProgressEvent& event) mutable {
    std::lock_guard lock(*mutex);
    if (event.kind == ProgressEvent::Kind::kRetrying) {
      std::fprintf(stderr, "%s: %s\n", ForTerminal(event.model).c_str(),
                   ForTerminal(event.text).c_str());
      return;
    }
    if (event.kind != ProgressEvent::Kind::kDownloading || event.bytes_total == 0) return;
    const int tenth = static_cast<int>(10 * event.bytes_done / event.bytes_total);
    auto [it, inserted] = last_tenth.try_emplace(event.member, -1);
    if (tenth == it->second) return;
    it->second = tenth;
    std::fprintf(stderr, "Downloading %s: %d%% of %.0f MB\n", event.model.c_str(), tenth * 10,
                 static_cast<double>(event.bytes_total) / 1e6);
  };
}

int ExitStatusOf(const Result& result) {
  switch (result.status) {
    case ResultStatus::kComplete:
      return kExitComplete;
    case ResultStatus::kPartial:
      return kExitPartial;
    case ResultStatus::kFailed:
      return kExitFailed;
  }
  return kExitFailed;
}

// The worse of two exit statuses: failed, then partial, then complete.
int WorseExitStatus(int a, int b) {
  const auto rank = [](int status) {
    return status == kExitFailed ? 2 : status == kExitPartial ? 1 : 0;
  };
  return rank(a) >= rank(b) ? a : b;
}

// The terminal's width in columns, 0 when standard output is not a terminal.
int TerminalWidth() {
  winsize size{};
  if (!isatty(STDOUT_FILENO) || ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) != 0) return 0;
  return size.ws_col;
}

// One panel's progress as lines [offset, offset + members] of a display shared by two
// panels: its members, then its synthesizer; names carry the panel's.
ProgressSink PanelProgress(const ProgressSink& sink, const Panel& panel, int offset) {
  if (!sink) return {};
  return [sink, offset, prefix = panel.name + " · "](const ProgressEvent& event) {
    ProgressEvent shifted = event;
    shifted.member += offset;
    shifted.model = prefix + event.model;
    sink(shifted);
  };
}

// `--compare`: both panels at once (a frontier panel waits on the network while an open
// panel computes), both results shown, the worse status returned.
int RunComparison(const std::string& question, const Panel& panel_a, const Panel& panel_b,
                  const AskOptions& ask_options, bool json) {
  std::vector<std::string> names;
  for (const Panel* panel : {&panel_a, &panel_b}) {
    for (const ModelSpec& member : panel->members)
      names.push_back(panel->name + " · " + member.name);
    names.push_back(panel->name + " · synthesis");
  }
  std::unique_ptr<LiveProgress> live;
  if (IsColorTerminal(STDERR_FILENO)) {
    live = std::make_unique<LiveProgress>(stderr, names, TerminalStyle{true});
  }
  const ProgressSink on_progress =
      live ? ProgressSink([&](const ProgressEvent& event) { live->OnEvent(event); })
           : PlainProgress();

  std::signal(SIGINT, OnInterrupt);
  std::optional<Expected<Result>> result_b;
  std::thread second([&] {
    result_b =
        Ask(question, panel_b, ask_options,
            PanelProgress(on_progress, panel_b, static_cast<int>(panel_a.members.size()) + 1),
            &g_interrupted);
  });
  const auto result_a =
      Ask(question, panel_a, ask_options, PanelProgress(on_progress, panel_a, 0), &g_interrupted);
  second.join();
  std::signal(SIGINT, SIG_DFL);
  if (live) live->Finish();
  const Expected<Result>& second_result = *result_b;
  for (const Expected<Result>* result : {&result_a, &second_result}) {
    if (!*result) {
      PrintError(result->error());
      return result->error().code == ErrorCode::kInvalidArgument ? kExitFailed : kExitUsage;
    }
  }
  const Comparison comparison = CompareResults(*result_a, **result_b);
  if (json) {
    std::cout << ComparedResultsToJson(*result_a, **result_b, comparison) << "\n";
  } else {
    std::cout << RenderComparisonText(*result_a, **result_b, comparison,
                                      TerminalStyle{IsColorTerminal(STDOUT_FILENO)},
                                      TerminalWidth());
  }
  std::cout.flush();
  return WorseExitStatus(ExitStatusOf(*result_a), ExitStatusOf(**result_b));
}

}  // namespace

int RunAskCommand(const AskCommandOptions& options) {
  if (options.timeout_seconds && *options.timeout_seconds <= 0) {
    PrintError(
        {ErrorCode::kInvalidArgument, "--timeout must be a positive number of seconds.", 0, 0});
    return kExitUsage;
  }
  if (options.rounds && (*options.rounds < 1 || *options.rounds > kMaxRounds)) {
    PrintError({ErrorCode::kInvalidArgument,
                "--rounds must be between 1 and " + std::to_string(kMaxRounds) + ", not " +
                    std::to_string(*options.rounds) + ".",
                0, 0});
    return kExitUsage;
  }
  const auto config = LoadConfig(options.config_path);
  if (!config) {
    PrintError(config.error());
    return kExitUsage;
  }
  const auto panel = ChoosePanel(*config, options);
  if (!panel) {
    PrintError(panel.error());
    return kExitUsage;
  }
  const auto ask_options = MakeAskOptions(*config, options);
  if (!ask_options) {
    PrintError(ask_options.error());
    return kExitUsage;
  }
  std::optional<Panel> compared;
  if (!options.compare_panel.empty()) {
    auto second = ResolvePanel(*config, options.compare_panel);
    if (!second) {
      PrintError(second.error());
      return kExitUsage;
    }
    compared = std::move(*second);
  }
  const auto question = ReadQuestion(options.question);
  if (!question) {
    PrintError(question.error());
    return kExitFailed;
  }
  if (compared) return RunComparison(*question, *panel, *compared, *ask_options, options.json);

  std::vector<std::string> names;
  for (const ModelSpec& member : panel->members) names.push_back(member.name);
  std::unique_ptr<LiveProgress> live;
  if (IsColorTerminal(STDERR_FILENO)) {
    live = std::make_unique<LiveProgress>(stderr, names, TerminalStyle{true});
  }
  ProgressSink on_progress;
  if (live) {
    on_progress = [&](const ProgressEvent& event) { live->OnEvent(event); };
  } else {
    on_progress = PlainProgress();
  }

  // Ctrl-C stops the members and still shows what arrived.
  std::signal(SIGINT, OnInterrupt);
  const auto result = Ask(*question, *panel, *ask_options, on_progress, &g_interrupted);
  std::signal(SIGINT, SIG_DFL);
  if (live) live->Finish();
  if (!result) {
    PrintError(result.error());
    return result.error().code == ErrorCode::kInvalidArgument ? kExitFailed : kExitUsage;
  }
  if (options.json) {
    std::cout << ResultToJson(*result) << "\n";
  } else {
    std::cout << RenderResultText(*result, TerminalStyle{IsColorTerminal(STDOUT_FILENO)});
  }
  std::cout.flush();
  return ExitStatusOf(*result);
}

}  // namespace drux

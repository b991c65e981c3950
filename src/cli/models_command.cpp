#include "cli/models_command.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>

#include "cli/ask_command.h"
#include "cli/terminal.h"
#include "models/model_store.h"

namespace drux {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kExitOk = 0;
constexpr int kBarWidth = 24;
// Without a terminal, a progress line is printed at each tenth of the file, and at least
// this often when the size is unknown, so logs show life without drowning in lines.
constexpr auto kPlainLineInterval = std::chrono::seconds(30);

std::atomic<bool> g_interrupted{false};

extern "C" void OnModelsInterrupt(int /*signal*/) {
  g_interrupted = true;
}

void PrintError(const Error& error) {
  const TerminalStyle style{IsColorTerminal(STDERR_FILENO)};
  std::fprintf(stderr, "%s %s\n", style.Red("drux: error:").c_str(), error.message.c_str());
}

int ExitStatusFor(const Error& error) {
  const bool usage = error.code == ErrorCode::kInvalidArgument || error.code == ErrorCode::kConfig;
  return usage ? kExitUsage : kExitFailed;
}

std::string Padded(const std::string& text, std::size_t width) {
  return text + std::string(width > text.size() ? width - text.size() : 0, ' ');
}

// "0:45", "1:02:03"; "--:--" when unknown.
std::string Duration(double seconds) {
  if (seconds <= 0 || seconds > 1e7) return "--:--";
  const auto total = static_cast<long>(seconds + 0.5);
  char text[32];
  if (total >= 3600) {
    std::snprintf(text, sizeof text, "%ld:%02ld:%02ld", total / 3600, total / 60 % 60, total % 60);
  } else {
    std::snprintf(text, sizeof text, "%ld:%02ld", total / 60, total % 60);
  }
  return text;
}

// The progress of one pull on stderr: a bar redrawn in place on a terminal, otherwise a
// line per tenth of the file.
class PullProgress {
 public:
  PullProgress(std::string name, bool live) : name_(std::move(name)), live_(live) {}

  void Update(const DownloadProgress& progress) {
    if (progress.resumed_from > 0 && progress.resumed_from != resumed_from_) {
      resumed_from_ = progress.resumed_from;
      Print("Resuming with " + HumanBytes(resumed_from_) + " already downloaded\n");
    }
    if (progress.verifying) {
      Print(name_ + ": all " + HumanBytes(progress.done_bytes) + " in; checking the SHA-256\n");
      return;
    }
    if (live_) {
      std::fprintf(stderr, "\r\033[2K  %s  %s", name_.c_str(), Figures(progress, true).c_str());
      std::fflush(stderr);
      drawn_ = true;
      return;
    }
    const int tenth = progress.total_bytes > 0
                          ? static_cast<int>(progress.done_bytes * 10 / progress.total_bytes)
                          : last_tenth_;
    if (tenth > last_tenth_ || Clock::now() - last_line_ >= kPlainLineInterval) {
      last_tenth_ = tenth;
      last_line_ = Clock::now();
      std::fprintf(stderr, "%s: %s\n", name_.c_str(), Figures(progress, false).c_str());
    }
  }

  // Clears a bar left on the line, so what follows starts on a clean line.
  void Finish() { Print(""); }

 private:
  void Print(const std::string& line) {
    if (drawn_) std::fputs("\r\033[2K", stderr);
    drawn_ = false;
    std::fputs(line.c_str(), stderr);
  }

  static std::string Figures(const DownloadProgress& progress, bool bar) {
    const double rate = progress.bytes_per_second;
    const std::string speed = rate > 0 ? HumanBytes(static_cast<std::uint64_t>(rate)) + "/s" : "";
    if (progress.total_bytes == 0) return HumanBytes(progress.done_bytes) + "  " + speed;
    const std::uint64_t done = std::min(progress.done_bytes, progress.total_bytes);
    const double share = static_cast<double>(done) / static_cast<double>(progress.total_bytes);
    const double eta = rate > 0 ? static_cast<double>(progress.total_bytes - done) / rate : 0;
    char percent[8];
    // Fixed width keeps a redrawn bar from jittering; a log line needs no alignment.
    std::snprintf(percent, sizeof percent, bar ? "%3d%%" : "%d%%", static_cast<int>(share * 100));
    std::string text;
    if (bar) {
      const int filled = static_cast<int>(share * kBarWidth);
      text += "[";
      for (int i = 0; i < kBarWidth; ++i) text += i < filled ? "█" : "░";
      text += "] ";
    }
    text +=
        std::string(percent) + "  " + HumanBytes(done) + " of " + HumanBytes(progress.total_bytes);
    if (!speed.empty()) text += "  " + speed + "  ETA " + Duration(eta);
    return text;
  }

  const std::string name_;
  const bool live_;
  bool drawn_ = false;
  std::uint64_t resumed_from_ = 0;
  int last_tenth_ = 0;
  Clock::time_point last_line_ = Clock::now();
};

std::string StatusOf(const StoredModel& model, const TerminalStyle& style) {
  if (model.installed && model.verified) return style.Green("installed");
  if (model.installed && model.entry) return style.Yellow("installed, SHA-256 not checked yet");
  if (model.installed) return "installed";
  if (model.partial_bytes > 0) {
    return style.Yellow("partly downloaded (" + HumanBytes(model.partial_bytes) +
                        "); pull resumes");
  }
  return style.Dim("not installed");
}

int ListModels(const ModelStore& store) {
  const TerminalStyle style{IsColorTerminal(STDOUT_FILENO)};
  const std::vector<StoredModel> models = store.List();
  std::size_t name_width = 4, kind_width = 4, size_width = 4, licence_width = 7;
  for (const StoredModel& model : models) {
    if (!model.entry) continue;
    name_width = std::max(name_width, model.name.size());
    kind_width = std::max(kind_width, std::string(ModelKindName(model.entry->kind)).size());
    size_width = std::max(size_width, HumanBytes(model.entry->size_bytes).size());
    licence_width = std::max(licence_width, model.entry->licence.size());
  }
  const std::string indent(name_width + 2, ' ');
  std::string out = style.Bold(Padded("NAME", name_width) + "  " + Padded("KIND", kind_width) +
                               "  " + Padded("SIZE", size_width) + "  " +
                               Padded("LICENCE", licence_width) + "  STATUS") +
                    "\n";
  bool others = false;
  for (const StoredModel& model : models) {
    if (!model.entry) {
      if (!others) out += "\n" + style.Bold("Outside the catalog") + "\n";
      others = true;
      out +=
          Padded(ForTerminal(model.name), name_width) + "  " + HumanBytes(model.size_bytes) + "\n";
      continue;
    }
    const CatalogEntry& entry = *model.entry;
    out += Padded(model.name, name_width) + "  " + Padded(ModelKindName(entry.kind), kind_width) +
           "  " + Padded(HumanBytes(entry.size_bytes), size_width) + "  " +
           Padded(entry.licence, licence_width) + "  " + StatusOf(model, style) + "\n";
    out += indent + style.Dim(entry.description) + "\n";
  }
  std::string panel;
  for (const std::string& name : OpenPanelModels(store.catalog())) {
    panel += (panel.empty() ? "" : ", ") + name;
  }
  out += "\nDirectory: " + store.directory().string() + "\n";
  if (!panel.empty()) out += "The default \"open\" panel: " + panel + "\n";
  out += "Download a model with `drux models pull NAME`.\n";
  std::fputs(out.c_str(), stdout);
  return kExitOk;
}

int PullModel(const ModelStore& store, const std::string& name) {
  const auto installed = store.PathOf(name);
  if (!installed && installed.error().code != ErrorCode::kNotFound) {
    PrintError(installed.error());
    return ExitStatusFor(installed.error());
  }
  if (!installed) {
    const CatalogEntry entry = FindCatalogEntry(store.catalog(), name).value();
    std::fprintf(stderr, "Downloading %s (%s, licence: %s)\n  from %s\n  into %s\n", name.c_str(),
                 HumanBytes(entry.size_bytes).c_str(), entry.licence.c_str(),
                 ModelUrl(entry).c_str(), store.directory().c_str());
  }
  PullProgress progress(name, isatty(STDERR_FILENO) == 1);
  DownloadOptions options;
  options.cancel = &g_interrupted;
  options.on_progress = [&progress](const DownloadProgress& update) { progress.Update(update); };
  // Ctrl-C stops the download cleanly, keeping what arrived for the next pull to resume.
  g_interrupted = false;
  std::signal(SIGINT, OnModelsInterrupt);
  const auto path = store.EnsurePresent(name, options);
  std::signal(SIGINT, SIG_DFL);
  progress.Finish();
  if (!path) {
    PrintError(path.error());
    return ExitStatusFor(path.error());
  }
  std::printf("%s is installed at %s\n", name.c_str(), path->c_str());
  return kExitOk;
}

int RemoveModel(const ModelStore& store, const std::string& name) {
  const auto freed = store.Remove(name);
  if (!freed) {
    PrintError(freed.error());
    return ExitStatusFor(freed.error());
  }
  std::printf("Removed %s (%s freed)\n", name.c_str(), HumanBytes(*freed).c_str());
  return kExitOk;
}

int PrintModelPath(const ModelStore& store, const std::string& name) {
  const auto path = store.PathOf(name);
  if (!path) {
    PrintError(path.error());
    return ExitStatusFor(path.error());
  }
  std::printf("%s\n", path->c_str());
  return kExitOk;
}

}  // namespace

CLI::App* AddModelsCommand(CLI::App& app, ModelsCommandOptions& options) {
  using Action = ModelsCommandOptions::Action;
  CLI::App* models = app.add_subcommand("models", "List, download and remove local model files");
  models->require_subcommand(0, 1);
  models->add_subcommand("list", "List the catalog and the installed model files")
      ->callback([&options] { options.action = Action::kList; });
  const auto add_named = [&](const char* name, const char* description, Action action) {
    CLI::App* command = models->add_subcommand(name, description);
    command->add_option("name", options.name, "A model from `drux models list`")->required();
    command->callback([&options, action] { options.action = action; });
  };
  add_named("pull", "Download a model, resuming an interrupted download", Action::kPull);
  add_named("rm", "Delete a model file", Action::kRemove);
  add_named("path", "Print where a model file is (exit status 1 when not installed)",
            Action::kPath);
  return models;
}

int RunModelsCommand(const ModelsCommandOptions& options) {
  const auto store = ModelStore::Open();
  if (!store) {
    PrintError(store.error());
    return ExitStatusFor(store.error());
  }
  switch (options.action) {
    case ModelsCommandOptions::Action::kList:
      return ListModels(*store);
    case ModelsCommandOptions::Action::kPull:
      return PullModel(*store, options.name);
    case ModelsCommandOptions::Action::kRemove:
      return RemoveModel(*store, options.name);
    case ModelsCommandOptions::Action::kPath:
      return PrintModelPath(*store, options.name);
  }
  return kExitUsage;
}

}  // namespace drux

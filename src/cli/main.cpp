// drux: ask a panel of language models one question, measure how far they agree, and
// synthesize one answer that says which models support each part of it.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "cli/analyze_command.h"
#include "cli/ask_command.h"
#include "cli/eval_command.h"
#include "cli/models_command.h"
#include "cli/serve_command.h"

#ifndef DRUX_VERSION
#define DRUX_VERSION "0.0.0"
#endif

int main(int argc, char** argv) {
  CLI::App app{
      "Drux asks a panel of language models one question, scores how far they agree, "
      "and synthesizes one answer that names the models behind each part.",
      "drux"};
  app.set_version_flag("--version", std::string("drux ") + DRUX_VERSION);
  app.require_subcommand(1);

  drux::AskCommandOptions ask;
  std::string config_path;
  std::string panel;
  double timeout = 0;
  CLI::App* ask_command = app.add_subcommand("ask", "Ask a panel one question");
  ask_command
      ->add_option("question", ask.question, "The question; \"-\" reads it from standard input")
      ->required();
  ask_command->add_option("--config", config_path,
                          "Configuration file (default: $DRUX_CONFIG, ./drux.toml, "
                          "~/.config/drux/drux.toml, else built-in)");
  ask_command->add_option("--panel", panel, "Panel name from the configuration");
  // One value per --model, so that a question after it is not taken for another model.
  ask_command
      ->add_option("--model", ask.models,
                   "A member: NAME from the configuration, local:NAME (`drux models list`), "
                   "local:PATH.gguf, openai:URL[#MODEL], replay:FILE.jsonl, or DISPLAY=SPEC "
                   "(repeatable; replaces the panel)")
      ->allow_extra_args(false);
  ask_command->add_flag("--json", ask.json, "Print the whole result as JSON (docs/result-json.md)");
  ask_command->add_option("--timeout", timeout, "Overall deadline in seconds");
  ask_command->add_option("--compare", ask.compare_panel,
                          "Ask a second panel the same question at the same time and show both "
                          "results with how far their syntheses agree");
  std::string synthesizer;
  int rounds = 1;
  std::uint32_t seed = 0;
  ask_command->add_option("--synthesizer", synthesizer,
                          "The model that writes the synthesized answer: any --model SPEC, or "
                          "\"extractive\" to build it from the answers' own sentences "
                          "(default: [synthesis] model in the configuration, else the strongest "
                          "member)");
  ask_command->add_option("--rounds", rounds,
                          "Mixture-of-Agents rounds, 1-5: from round 2 every member answers again "
                          "after reading the previous round's answers");
  ask_command->add_option("--seed", seed,
                          "Seed of the anonymized answer order the synthesizer sees, and of its "
                          "sampling");

  drux::ModelsCommandOptions models;
  const CLI::App* models_command = drux::AddModelsCommand(app, models);
  drux::AnalyzeCommandOptions analyze;
  const CLI::App* analyze_command = drux::AddAnalyzeCommand(app, analyze);
  drux::EvalCommandOptions eval;
  const CLI::App* eval_command = drux::AddEvalCommand(app, eval);
  drux::ServeCommandOptions serve;
  const CLI::App* serve_command = drux::AddServeCommand(app, serve);
  drux::UsersCommandOptions users;
  const CLI::App* users_command = drux::AddUsersCommand(app, users);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int status = app.exit(error);
    return status == 0 ? 0 : drux::kExitUsage;
  }
  if (models_command->parsed()) return drux::RunModelsCommand(models);
  if (analyze_command->parsed()) return drux::RunAnalyzeCommand(analyze);
  if (eval_command->parsed()) return drux::RunEvalCommand(eval);
  if (serve_command->parsed()) return drux::RunServeCommand(serve);
  if (users_command->parsed()) return drux::RunUsersCommand(users);
  if (!config_path.empty()) ask.config_path = config_path;
  if (!panel.empty()) ask.panel = panel;
  if (ask_command->count("--timeout") > 0) ask.timeout_seconds = timeout;
  if (!synthesizer.empty()) ask.synthesizer = synthesizer;
  if (ask_command->count("--rounds") > 0) ask.rounds = rounds;
  if (ask_command->count("--seed") > 0) ask.seed = seed;
  return drux::RunAskCommand(ask);
}

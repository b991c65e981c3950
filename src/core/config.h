// Drux configuration: the models it knows and the panels it can ask. Read from TOML
// (see docs/configuration.md); a built-in default applies when there is no file.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/model_spec.h"

namespace drux {

// How the synthesis is written ([synthesis] in the file; see docs/synthesis.md).
struct SynthesisConfig {
  // The synthesizer, as any --model spec; empty picks the strongest member of the panel,
  // "extractive" never calls a model.
  std::string model;
  // Paths of prompt templates replacing the built-in versioned ones (prompts/ in the
  // repository); empty keeps the built-in. Relative paths are relative to the file.
  std::string prompt_path;         // the synthesized answer
  std::string points_prompt_path;  // the structured "agree on" / "disagree on" points
  std::string rounds_prompt_path;  // a proposer's turn in a Mixture-of-Agents round
  // The synthesizer must finish within this, or the extractive synthesis is used.
  std::chrono::milliseconds timeout{300000};
  int max_tokens = 1024;
};

struct Config {
  // Declared models; their fallbacks are resolved from fallback_names when a spec or panel
  // is resolved.
  std::map<std::string, ModelSpec> models;
  // Model name -> the names of the models that answer in its place, in order.
  std::map<std::string, std::vector<std::string>> fallback_names;
  // Panel name -> member model names, in order.
  std::map<std::string, std::vector<std::string>> panels;
  std::string default_panel = "open";
  // Long enough for a 4-model local panel sharing two cores, or a reasoning model.
  std::chrono::milliseconds member_timeout{300000};
  std::chrono::milliseconds connect_timeout{5000};
  SynthesisConfig synthesis;
  // Where the configuration came from, for messages ("built-in default" or a path).
  std::string source = "built-in default";
};

// The catalog models of the built-in "open" panel, one from each of four families; the
// catalog (src/models/catalog.cpp) describes them and a test keeps the two in step.
inline const std::vector<std::string> kOpenPanelModels = {"qwen2.5-1.5b", "llama3.2-1b",
                                                          "gemma3-1b", "smollm2-1.7b"};

// The paid vendor models Drux knows (GPT-5, Claude, Gemini, Grok, DeepSeek, Sonar, ...)
// with their list prices and fallbacks, and the "frontier" panel of them, as TOML in the
// configuration's own format (docs/providers.md).
extern const char* const kVendorCatalogToml;

// The configuration used when no file is given or found: the local "open" panel, the
// local-server models and the vendor catalog.
Config DefaultConfig();

// Parses TOML text. The vendor catalog's models and panel are there too unless the text
// declares a model or panel of the same name. Errors name source_name and the line and
// column; a fallback naming an unknown model, or fallbacks that lead back to their model,
// are errors naming the model.
Expected<Config> ParseConfig(const std::string& toml_text, const std::string& source_name);

// Reads the configuration from explicit_path if set, else $DRUX_CONFIG, else ./drux.toml,
// else $XDG_CONFIG_HOME/drux/drux.toml (~/.config/...), else returns DefaultConfig().
// An explicitly named file that does not exist is an error.
Expected<Config> LoadConfig(const std::optional<std::string>& explicit_path);

// Resolves a member spec from the command line:
//   NAME            a model declared in config
//   openai:URL      an OpenAI-compatible endpoint; openai:URL#MODEL names the model
//   local:PATH.gguf a GGUF file run in process
//   local:NAME      a model of the built-in catalog, downloaded on first use
//   PATH.gguf       the same as local:PATH.gguf
//   replay:PATH.jsonl  recorded answers (instruction, output, generator per line), named
//                   after the file's generator
//   DISPLAY=SPEC    either of the above under a display name
// A declared model comes with its fallbacks resolved (each with its own).
Expected<ModelSpec> ResolveModelSpec(const Config& config, const std::string& spec);

// The members of a named panel, their fallbacks resolved, or an error listing the panels
// that exist.
Expected<Panel> ResolvePanel(const Config& config, const std::string& name);

}  // namespace drux

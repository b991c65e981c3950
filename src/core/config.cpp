#include "core/config.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace drux {
namespace {

// "drux.toml:12:5" for a node, so every message points at the offending line.
std::string Where(const std::string& source_name, const toml::source_region& region) {
  return source_name + ":" + std::to_string(region.begin.line) + ":" +
         std::to_string(region.begin.column);
}

tl::unexpected<Error> ConfigError(const std::string& where, const std::string& what) {
  return MakeError(ErrorCode::kConfig, "Configuration error at " + where + ": " + what);
}

ModelSpec LocalServerModel(std::string name, std::string endpoint) {
  ModelSpec spec;
  spec.name = std::move(name);
  spec.provider = "openai";
  spec.endpoint = std::move(endpoint);
  return spec;
}

const std::vector<std::string> kKnownProviders = {"openai", "anthropic", "gemini", "local",
                                                  "replay"};

// Where the built-in vendor catalog's entries say they come from.
constexpr const char* kCatalogSource = "the built-in vendor catalog";

// The names in a `fallbacks = ["name", ...]` array.
Expected<std::vector<std::string>> ReadFallbacks(const toml::table& table,
                                                 const std::string& source_name) {
  std::vector<std::string> names;
  const toml::node* node = table.get("fallbacks");
  if (node == nullptr) return names;
  const toml::array* array = node->as_array();
  if (array == nullptr) {
    return ConfigError(Where(source_name, node->source()),
                       "'fallbacks' must be a list of model names, e.g. [\"gpt-5-mini\"]");
  }
  for (const toml::node& item : *array) {
    if (!item.is_string()) {
      return ConfigError(Where(source_name, item.source()), "fallbacks must be model names");
    }
    names.push_back(item.as_string()->get());
  }
  return names;
}

// Reads one [models.NAME] table into spec; unknown keys are errors because a typo in
// a key would otherwise silently fall back to a default.
Expected<ModelSpec> ParseModel(const std::string& name, const toml::table& table,
                               const std::string& source_name) {
  ModelSpec spec;
  spec.name = name;
  static const std::vector<std::string> kKnownKeys = {"provider",
                                                      "endpoint",
                                                      "model",
                                                      "api_key_env",
                                                      "price_input_per_mtok",
                                                      "price_output_per_mtok",
                                                      "price_cached_input_per_mtok",
                                                      "max_tokens",
                                                      "temperature",
                                                      "context_size",
                                                      "fallbacks"};
  for (const auto& [key, node] : table) {
    if (std::find(kKnownKeys.begin(), kKnownKeys.end(), key.str()) == kKnownKeys.end()) {
      std::string known;
      for (const std::string& known_key : kKnownKeys)
        known += (known.empty() ? "" : ", ") + known_key;
      return ConfigError(Where(source_name, node.source()),
                         "unknown key '" + std::string(key.str()) + "' in [models." + name +
                             "]; known keys: " + known);
    }
  }
  const auto read_string = [&](const char* key, std::string& out) -> std::optional<Error> {
    const toml::node* node = table.get(key);
    if (node == nullptr) return std::nullopt;
    if (!node->is_string()) {
      return ConfigError(Where(source_name, node->source()),
                         std::string("'") + key + "' must be a string")
          .value();
    }
    out = node->as_string()->get();
    return std::nullopt;
  };
  const auto read_number = [&](const char* key, double& out) -> std::optional<Error> {
    const toml::node* node = table.get(key);
    if (node == nullptr) return std::nullopt;
    if (!node->is_number()) {
      return ConfigError(Where(source_name, node->source()),
                         std::string("'") + key + "' must be a number")
          .value();
    }
    out = node->value<double>().value_or(0);
    if (out < 0) {
      return ConfigError(Where(source_name, node->source()),
                         std::string("'") + key + "' must not be negative")
          .value();
    }
    return std::nullopt;
  };
  double max_tokens = spec.max_tokens;
  double context_size = spec.context_size;
  for (const auto& error :
       {read_string("provider", spec.provider), read_string("endpoint", spec.endpoint),
        read_string("model", spec.model), read_string("api_key_env", spec.api_key_env),
        read_number("price_input_per_mtok", spec.price_input_per_mtok),
        read_number("price_output_per_mtok", spec.price_output_per_mtok),
        read_number("price_cached_input_per_mtok", spec.price_cached_input_per_mtok),
        read_number("max_tokens", max_tokens), read_number("temperature", spec.temperature),
        read_number("context_size", context_size)}) {
    if (error) return tl::unexpected(*error);
  }
  spec.max_tokens = static_cast<int>(max_tokens);
  spec.context_size = static_cast<int>(context_size);
  if (spec.provider.empty()) {
    return ConfigError(Where(source_name, table.source()),
                       "[models." + name + "] has no 'provider' (e.g. provider = \"openai\")");
  }
  if (std::find(kKnownProviders.begin(), kKnownProviders.end(), spec.provider) ==
      kKnownProviders.end()) {
    return ConfigError(Where(source_name, table.get("provider")->source()),
                       "[models." + name + "] names the unknown provider '" + spec.provider +
                           "'; known providers: openai, anthropic, gemini, local, replay");
  }
  if (spec.provider == "local" && spec.endpoint.empty() && spec.model.empty()) {
    return ConfigError(Where(source_name, table.source()),
                       "[models." + name +
                           "] is local but names no file: set endpoint = "
                           "\"/path/to/model.gguf\" or model = \"NAME\" from `drux models list`");
  }
  // Anthropic and Gemini have a default endpoint (their public API).
  if (spec.endpoint.empty() && spec.provider != "local" && spec.provider != "anthropic" &&
      spec.provider != "gemini") {
    return ConfigError(Where(source_name, table.source()),
                       "[models." + name +
                           "] has no 'endpoint' (e.g. endpoint = "
                           "\"http://127.0.0.1:8080/v1\")");
  }
  return spec;
}

// A positive whole number of unit ("seconds", "tokens").
Expected<int> ReadPositive(const toml::table& table, const char* key,
                           const std::string& source_name, int fallback,
                           const char* unit = "seconds") {
  const toml::node* node = table.get(key);
  if (node == nullptr) return fallback;
  const auto value = node->value<int64_t>();
  if (!value || *value <= 0) {
    return ConfigError(Where(source_name, node->source()),
                       std::string("'") + key + "' must be a positive whole number of " + unit);
  }
  return static_cast<int>(*value);
}

Expected<void> ParseDefaults(const toml::table& table, const std::string& source_name,
                             Config& config) {
  if (const toml::node* panel = table.get("panel")) {
    if (!panel->is_string()) {
      return ConfigError(Where(source_name, panel->source()), "'panel' must be a string");
    }
    config.default_panel = panel->as_string()->get();
  }
  const auto member = ReadPositive(table, "member_timeout_seconds", source_name,
                                   static_cast<int>(config.member_timeout.count() / 1000));
  if (!member) return tl::unexpected(member.error());
  const auto connect = ReadPositive(table, "connect_timeout_seconds", source_name,
                                    static_cast<int>(config.connect_timeout.count() / 1000));
  if (!connect) return tl::unexpected(connect.error());
  config.member_timeout = std::chrono::seconds(*member);
  config.connect_timeout = std::chrono::seconds(*connect);
  return {};
}

// A path in the file, relative to the file's directory unless absolute.
std::string PathInConfig(const std::string& source_name, const std::string& path) {
  namespace fs = std::filesystem;
  if (path.empty() || fs::path(path).is_absolute()) return path;
  return (fs::path(source_name).parent_path() / path).lexically_normal().string();
}

Expected<void> ParseSynthesis(const toml::table& table, const std::string& source_name,
                              Config& config) {
  SynthesisConfig& synthesis = config.synthesis;
  const std::vector<std::pair<const char*, std::string*>> strings = {
      {"model", &synthesis.model},
      {"prompt", &synthesis.prompt_path},
      {"points_prompt", &synthesis.points_prompt_path},
      {"rounds_prompt", &synthesis.rounds_prompt_path}};
  for (const auto& [key, node] : table) {
    const std::string name(key.str());
    const bool known = name == "timeout_seconds" || name == "max_tokens" ||
                       std::any_of(strings.begin(), strings.end(),
                                   [&](const auto& entry) { return name == entry.first; });
    if (!known) {
      return ConfigError(Where(source_name, node.source()),
                         "unknown key '" + name +
                             "' in [synthesis]; known keys: model, prompt, points_prompt, "
                             "rounds_prompt, timeout_seconds, max_tokens");
    }
  }
  for (const auto& [key, out] : strings) {
    const toml::node* node = table.get(key);
    if (node == nullptr) continue;
    if (!node->is_string()) {
      return ConfigError(Where(source_name, node->source()),
                         std::string("'") + key + "' must be a string");
    }
    *out = node->as_string()->get();
    if (std::string_view(key) != "model") *out = PathInConfig(source_name, *out);
  }
  const auto timeout = ReadPositive(table, "timeout_seconds", source_name,
                                    static_cast<int>(synthesis.timeout.count() / 1000));
  if (!timeout) return tl::unexpected(timeout.error());
  synthesis.timeout = std::chrono::seconds(*timeout);
  const auto max_tokens =
      ReadPositive(table, "max_tokens", source_name, synthesis.max_tokens, "tokens");
  if (!max_tokens) return tl::unexpected(max_tokens.error());
  synthesis.max_tokens = *max_tokens;
  return {};
}

Expected<void> ParsePanels(const toml::table& table, const std::string& source_name,
                           Config& config) {
  for (const auto& [name, node] : table) {
    const toml::array* members = node.as_array();
    if (members == nullptr) {
      return ConfigError(Where(source_name, node.source()),
                         "panel '" + std::string(name.str()) +
                             "' must be a list of model names, e.g. [\"a\", \"b\"]");
    }
    std::vector<std::string> names;
    for (const toml::node& member : *members) {
      if (!member.is_string()) {
        return ConfigError(Where(source_name, member.source()),
                           "panel members must be model names (strings)");
      }
      names.push_back(member.as_string()->get());
    }
    config.panels[std::string(name.str())] = std::move(names);
  }
  return {};
}

// A panel may only name models that exist; checked after all tables are read so that
// order in the file does not matter.
Expected<void> CheckPanelMembers(const Config& config) {
  for (const auto& [panel, members] : config.panels) {
    for (const std::string& member : members) {
      if (!config.models.contains(member)) {
        return MakeError(ErrorCode::kConfig, "Configuration error in " + config.source +
                                                 ": panel '" + panel + "' names model '" + member +
                                                 "', which no [models." + member +
                                                 "] table declares.");
      }
    }
  }
  return {};
}

// Every fallback must be a declared model, and following fallbacks must never lead back to
// the model they started from (the runner would ask it again in its own place).
Expected<void> CheckFallbacks(const Config& config) {
  for (const auto& [model, fallbacks] : config.fallback_names) {
    for (const std::string& fallback : fallbacks) {
      if (!config.models.contains(fallback)) {
        return MakeError(ErrorCode::kConfig, "Configuration error in " + config.source +
                                                 ": model '" + model + "' names the fallback '" +
                                                 fallback + "', which no [models." + fallback +
                                                 "] table declares.");
      }
    }
  }
  for (const auto& [start, unused] : config.fallback_names) {
    // Depth-first along fallbacks, keeping the path to report a cycle.
    std::vector<std::pair<std::string, std::size_t>> path = {{start, 0}};
    while (!path.empty()) {
      auto& [model, next] = path.back();
      const auto found = config.fallback_names.find(model);
      if (found == config.fallback_names.end() || next >= found->second.size()) {
        path.pop_back();
        continue;
      }
      const std::string fallback = found->second[next++];
      if (fallback == start) {
        std::string chain;
        for (const auto& step : path) chain += step.first + " -> ";
        return MakeError(ErrorCode::kConfig, "Configuration error in " + config.source +
                                                 ": the fallbacks of model '" + start +
                                                 "' lead back to it (" + chain + start +
                                                 "); remove one of them.");
      }
      if (path.size() <= config.models.size()) path.push_back({fallback, 0});
    }
  }
  return {};
}

// The fallbacks of a declared model as specs, each with its own fallbacks.
Expected<std::vector<ModelSpec>> ResolveFallbacks(const Config& config, const std::string& model,
                                                  std::vector<std::string>& chain) {
  std::vector<ModelSpec> resolved;
  const auto names = config.fallback_names.find(model);
  if (names == config.fallback_names.end()) return resolved;
  chain.push_back(model);
  for (const std::string& name : names->second) {
    const auto spec = config.models.find(name);
    if (spec == config.models.end() || std::find(chain.begin(), chain.end(), name) != chain.end()) {
      return MakeError(ErrorCode::kConfig,
                       "Configuration error in " + config.source + ": model '" + model +
                           "' falls back to '" + name + "', which is " +
                           (spec == config.models.end() ? "not declared" : "already in the chain") +
                           ".");
    }
    ModelSpec fallback = spec->second;
    auto nested = ResolveFallbacks(config, name, chain);
    if (!nested) return tl::unexpected(nested.error());
    fallback.fallbacks = std::move(*nested);
    resolved.push_back(std::move(fallback));
  }
  chain.pop_back();
  return resolved;
}

// A declared model's spec with its fallbacks.
Expected<ModelSpec> DeclaredModel(const Config& config, const ModelSpec& declared) {
  std::vector<std::string> chain;
  auto fallbacks = ResolveFallbacks(config, declared.name, chain);
  if (!fallbacks) return tl::unexpected(fallbacks.error());
  ModelSpec spec = declared;
  spec.fallbacks = std::move(*fallbacks);
  return spec;
}

// Reads the sections of a TOML text into config, over what it holds already: a model or
// panel of the same name is replaced.
Expected<void> ParseInto(const std::string& toml_text, const std::string& source_name,
                         Config& config) {
  toml::table root;
  try {
    root = toml::parse(toml_text, source_name);
  } catch (const toml::parse_error& error) {
    return ConfigError(Where(source_name, error.source()), std::string(error.description()));
  }
  for (const auto& [key, node] : root) {
    const std::string section(key.str());
    const toml::table* table = node.as_table();
    if (table == nullptr || (section != "defaults" && section != "models" && section != "panels" &&
                             section != "synthesis")) {
      return ConfigError(Where(source_name, node.source()),
                         "unknown section '" + section +
                             "'; expected [defaults], [models.NAME], [panels] or [synthesis]");
    }
    if (section == "defaults") {
      if (auto ok = ParseDefaults(*table, source_name, config); !ok)
        return tl::unexpected(ok.error());
    } else if (section == "panels") {
      if (auto ok = ParsePanels(*table, source_name, config); !ok)
        return tl::unexpected(ok.error());
    } else if (section == "synthesis") {
      if (auto ok = ParseSynthesis(*table, source_name, config); !ok)
        return tl::unexpected(ok.error());
    } else {
      for (const auto& [name, model_node] : *table) {
        const toml::table* model_table = model_node.as_table();
        if (model_table == nullptr) {
          return ConfigError(Where(source_name, model_node.source()),
                             "'models." + std::string(name.str()) + "' must be a table");
        }
        auto spec = ParseModel(std::string(name.str()), *model_table, source_name);
        if (!spec) return tl::unexpected(spec.error());
        auto fallbacks = ReadFallbacks(*model_table, source_name);
        if (!fallbacks) return tl::unexpected(fallbacks.error());
        if (fallbacks->empty()) {
          config.fallback_names.erase(spec->name);
        } else {
          config.fallback_names[spec->name] = std::move(*fallbacks);
        }
        config.models[spec->name] = std::move(*spec);
      }
    }
  }
  return {};
}

// The model name recorded in a replay file: the "generator" of its first record, else the
// file's name without extension. The file must exist; its records are read when answering.
Expected<std::string> ReplayModelName(const std::string& spec_text, const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!std::filesystem::is_regular_file(path) || !file) {
    return MakeError(ErrorCode::kNotFound,
                     "Model spec '" + spec_text + "' names the replay file " + path +
                         ", which does not exist or cannot be read; a replay file holds one "
                         "JSON record per line with \"instruction\", \"output\" and "
                         "\"generator\".");
  }
  std::string line;
  while (std::getline(file, line)) {
    if (line.find_first_not_of(" \t\r") != std::string::npos) break;
  }
  const auto record = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (record.is_object()) {
    const auto generator = record.find("generator");
    if (generator != record.end() && generator->is_string() &&
        !generator->get_ref<const std::string&>().empty()) {
      return generator->get<std::string>();
    }
  }
  return std::filesystem::path(path).stem().string();
}

}  // namespace

Config DefaultConfig() {
  // Without a configuration, the "open" panel runs four small open models from four
  // families in process (downloaded on first use); the "servers" panel asks the
  // OpenAI-compatible servers people most often run locally; the vendor catalog is there
  // for those with API keys.
  Config config;
  // The catalog is a constant that a test parses; it cannot fail here.
  (void)ParseInto(kVendorCatalogToml, kCatalogSource, config);
  for (const std::string& name : kOpenPanelModels) {
    ModelSpec spec;
    spec.name = name;
    spec.provider = "local";
    spec.model = name;
    // Small models ramble; a shorter answer keeps a panel sharing a laptop's cores quick.
    spec.max_tokens = 320;
    config.models[name] = spec;
    config.panels["open"].push_back(name);
  }
  config.models["llama-server"] = LocalServerModel("llama-server", "http://127.0.0.1:8080/v1");
  config.models["ollama"] = LocalServerModel("ollama", "http://127.0.0.1:11434/v1");
  config.panels["servers"] = {"llama-server", "ollama"};
  return config;
}

Expected<Config> ParseConfig(const std::string& toml_text, const std::string& source_name) {
  Config config;
  if (auto ok = ParseInto(kVendorCatalogToml, kCatalogSource, config); !ok) {
    return tl::unexpected(ok.error());
  }
  config.source = source_name;
  if (auto ok = ParseInto(toml_text, source_name, config); !ok) return tl::unexpected(ok.error());
  if (auto ok = CheckPanelMembers(config); !ok) return tl::unexpected(ok.error());
  if (auto ok = CheckFallbacks(config); !ok) return tl::unexpected(ok.error());
  return config;
}

Expected<Config> LoadConfig(const std::optional<std::string>& explicit_path) {
  namespace fs = std::filesystem;
  std::optional<std::string> path = explicit_path;
  if (!path) {
    if (const char* env = std::getenv("DRUX_CONFIG"); env != nullptr && *env != '\0') path = env;
  }
  if (path) {
    if (!fs::exists(*path)) {
      return MakeError(ErrorCode::kConfig, "Configuration file " + *path +
                                               " does not exist (named by --config or "
                                               "DRUX_CONFIG).");
    }
  } else {
    std::vector<fs::path> candidates = {"drux.toml"};
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg != nullptr && *xdg != '\0') {
      candidates.push_back(fs::path(xdg) / "drux" / "drux.toml");
    } else if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
      candidates.push_back(fs::path(home) / ".config" / "drux" / "drux.toml");
    }
    for (const fs::path& candidate : candidates) {
      if (fs::exists(candidate)) {
        path = candidate.string();
        break;
      }
    }
    if (!path) return DefaultConfig();
  }
  std::ifstream file(*path, std::ios::binary);
  if (!file) {
    return MakeError(ErrorCode::kConfig, "Cannot read configuration file " + *path + ".");
  }
  std::ostringstream text;
  text << file.rdbuf();
  return ParseConfig(text.str(), *path);
}

Expected<ModelSpec> ResolveModelSpec(const Config& config, const std::string& spec_text) {
  std::string display_name;
  std::string spec = spec_text;
  // "NAME=SPEC": a display name. A '=' after a ':' belongs to a URL query instead.
  if (const auto equals = spec.find('='); equals != std::string::npos && equals < spec.find(':')) {
    display_name = spec.substr(0, equals);
    spec = spec.substr(equals + 1);
  }
  ModelSpec result;
  if (const auto model = config.models.find(spec); model != config.models.end()) {
    auto declared = DeclaredModel(config, model->second);
    if (!declared) return tl::unexpected(declared.error());
    result = std::move(*declared);
  } else if (spec.rfind("openai:", 0) == 0) {
    std::string target = spec.substr(7);
    const auto hash = target.find('#');
    result.provider = "openai";
    result.endpoint = target.substr(0, hash);
    if (hash != std::string::npos) result.model = target.substr(hash + 1);
    if (result.endpoint.empty()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "Model spec '" + spec_text + "' has no URL; write openai:URL[#MODEL].");
    }
    result.name = result.model.empty() ? result.endpoint : result.model;
  } else if (spec.rfind("replay:", 0) == 0) {
    result.provider = "replay";
    result.endpoint = spec.substr(7);
    if (result.endpoint.empty()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "Model spec '" + spec_text + "' names no file; write replay:PATH.jsonl.");
    }
    auto name = ReplayModelName(spec_text, result.endpoint);
    if (!name) return tl::unexpected(name.error());
    result.name = std::move(*name);
  } else if (spec.rfind("local:", 0) == 0 || spec.ends_with(".gguf")) {
    const std::string target = spec.rfind("local:", 0) == 0 ? spec.substr(6) : spec;
    if (target.empty()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "Model spec '" + spec_text +
                           "' names no model; write local:PATH.gguf or local:NAME (see `drux "
                           "models list`).");
    }
    result.provider = "local";
    // A path (it has a '/' or ends in .gguf) is used as is; anything else is a catalog name.
    const bool is_path =
        target.find('/') != std::string::npos || (target.size() > 5 && target.ends_with(".gguf"));
    if (is_path) {
      result.endpoint = target;
      result.name = std::filesystem::path(target).stem().string();
    } else {
      result.model = target;
      result.name = target;
    }
  } else {
    std::string known;
    for (const auto& [name, unused] : config.models) known += (known.empty() ? "" : ", ") + name;
    return MakeError(
        ErrorCode::kNotFound,
        "Unknown model '" + spec + "'. Models in " + config.source + ": " +
            (known.empty() ? "none" : known) +
            ". Or name one directly: local:PATH.gguf, local:NAME (`drux models list`), "
            "openai:http://HOST:PORT/v1#MODEL or replay:PATH.jsonl.");
  }
  if (!display_name.empty()) result.name = display_name;
  return result;
}

Expected<Panel> ResolvePanel(const Config& config, const std::string& name) {
  const auto panel = config.panels.find(name);
  if (panel == config.panels.end()) {
    std::string known;
    for (const auto& [panel_name, unused] : config.panels) {
      known += (known.empty() ? "" : ", ") + panel_name;
    }
    return MakeError(ErrorCode::kNotFound, "Unknown panel '" + name + "'. Panels in " +
                                               config.source + ": " +
                                               (known.empty() ? "none" : known) + ".");
  }
  Panel result;
  result.name = name;
  for (const std::string& member : panel->second) {
    const auto model = config.models.find(member);
    if (model == config.models.end()) {
      return MakeError(ErrorCode::kConfig, "Configuration error in " + config.source + ": panel '" +
                                               name + "' names model '" + member +
                                               "', which is not declared.");
    }
    auto declared = DeclaredModel(config, model->second);
    if (!declared) return tl::unexpected(declared.error());
    result.members.push_back(std::move(*declared));
  }
  return result;
}

}  // namespace drux

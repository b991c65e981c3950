#include "support/tiny_models.h"

#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "support/subprocess.h"

namespace drux::test {
namespace {

// Debian's interpreter: it sees Debian's python3-numpy, which a pyenv python on PATH may not.
constexpr const char* kPython = "/usr/bin/python3";

// FNV-1a: stable across compilers and runs, unlike std::hash, so the cache survives rebuilds.
std::uint64_t Fnv1a(std::string_view text, std::uint64_t hash = 14695981039346656037ULL) {
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return hash;
}

std::string ReadFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::runtime_error("cannot read '" + path + "'");
  return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

// Identifies the generator: a changed script or another llama.cpp (whose gguf-py path
// carries its version) must not reuse models made by the old one.
std::string GeneratorKey() {
  const std::uint64_t hash = Fnv1a(DRUX_GGUF_PY, Fnv1a(ReadFile(DRUX_MAKE_TINY_GGUF)));
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
  return hex;
}

std::filesystem::path CacheDirectory() {
  const char* tmpdir = std::getenv("TMPDIR");
  const std::filesystem::path base = tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp";
  return base / "drux-test-models";
}

// A name no other process or thread writes to.
std::filesystem::path UniqueTemporaryPath(const std::filesystem::path& final_path) {
  static std::atomic<unsigned> counter{0};
  std::ostringstream name;
  name << final_path.filename().string() << ".tmp." << getpid() << "." << counter++;
  return final_path.parent_path() / name.str();
}

}  // namespace

std::string TinyModelPath(const TinyModelOptions& options) {
  const TinyModelOptions defaults;
  std::vector<std::string> args = {kPython,     DRUX_MAKE_TINY_GGUF,          "",
                                   "--seed",    std::to_string(options.seed), "--gguf-py",
                                   DRUX_GGUF_PY};
  // The file name names every option that differs from the default, so the default model
  // keeps its name and each variant gets its own.
  std::string name = "tiny-" + std::to_string(options.seed);
  const auto add_option = [&](int value, int default_value, const char* flag, const char* tag) {
    if (value == default_value) return;
    args.insert(args.end(), {flag, std::to_string(value)});
    name += std::string("-") + tag + std::to_string(value);
  };
  add_option(options.end_turn_after, defaults.end_turn_after, "--end-turn-after", "end");
  add_option(options.n_embd, defaults.n_embd, "--n-embd", "embd");
  add_option(options.n_layer, defaults.n_layer, "--n-layer", "layer");
  add_option(options.n_ff, defaults.n_ff, "--n-ff", "ff");
  add_option(options.context_length, defaults.context_length, "--context-length", "ctx");
  if (!options.chat_template) {
    args.push_back("--no-chat-template");
    name += "-notemplate";
  }

  const std::filesystem::path directory = CacheDirectory();
  const std::filesystem::path path = directory / (name + "-" + GeneratorKey() + ".gguf");
  if (std::filesystem::exists(path)) return path.string();

  std::filesystem::create_directories(directory);
  // Written under a private name and renamed, so a reader never sees a half-written model
  // and two processes generating the same model at once both succeed.
  const std::filesystem::path temporary = UniqueTemporaryPath(path);
  args[2] = temporary.string();
  const ProcessResult result = RunProcess(args);
  if (result.exit_code != 0 || result.timed_out) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    throw std::runtime_error("make_tiny_gguf.py failed for " + name + " (exit code " +
                             std::to_string(result.exit_code) +
                             (result.timed_out ? ", timed out" : "") + "): " + result.err);
  }
  std::filesystem::rename(temporary, path);
  return path.string();
}

std::string TinyModelPath(int seed) {
  TinyModelOptions options;
  options.seed = seed;
  return TinyModelPath(options);
}

}  // namespace drux::test

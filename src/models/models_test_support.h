// Helpers shared by the model tests: a scratch directory, environment variables set for
// one test, and a catalog entry for a tiny generated model served by a local FileServer
// the way Hugging Face serves files.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>

#include "models/catalog.h"
#include "models/sha256.h"
#include "support/file_server.h"
#include "support/tiny_models.h"

namespace drux::test {

// A fresh directory under $TMPDIR (default /tmp), deleted with everything in it.
class ScratchDirectory {
 public:
  ScratchDirectory() {
    const char* tmpdir = std::getenv("TMPDIR");
    std::string pattern = std::string(tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp") +
                          "/drux-models-test.XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    path_ = pattern;
  }
  ~ScratchDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Sets (or, with nullopt, unsets) an environment variable until the end of the scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::optional<std::string>& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    Set(value);
  }
  ~ScopedEnv() { Set(old_); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  void Set(const std::optional<std::string>& value) {
    if (value) {
      ::setenv(name_.c_str(), value->c_str(), 1);
    } else {
      ::unsetenv(name_.c_str());
    }
  }
  std::string name_;
  std::optional<std::string> old_;
};

inline std::string ReadBytes(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

inline void WriteBytes(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// A tiny GGUF model published by a FileServer at the Hugging Face paths of `entry`.
struct TinyPublishedModel {
  std::string bytes;
  std::string sha256;
  CatalogEntry entry;
  std::string resolve_path;  // /REPO/resolve/REVISION/FILE, which redirects to cdn_path
  std::string cdn_path;

  explicit TinyPublishedModel(int seed = 1) {
    const std::string path = TinyModelPath(seed);
    bytes = ReadBytes(path);
    sha256 = Sha256OfFile(path).value();
    entry = CatalogEntry{"tiny",
                         "Tiny (tests)",
                         "drux-tests/Tiny-GGUF",
                         "0123456789abcdef0123456789abcdef01234567",
                         "tiny-q4_k_m.gguf",
                         bytes.size(),
                         sha256,
                         "MIT",
                         ModelKind::kChat,
                         "a tiny random-weight model"};
    resolve_path = "/" + entry.repo + "/resolve/" + entry.revision + "/" + entry.file;
    cdn_path = "/cdn/" + sha256;
  }

  // Serves the model like Hugging Face: the resolve URL redirects to the CDN with the file's
  // SHA-256 and size in X-Linked-* headers (etag empty: none sent).
  void PublishOn(FileServer& server, const std::string& linked_etag) const {
    server.AddRedirect(resolve_path, {cdn_path, linked_etag, bytes.size(), entry.revision});
    server.AddFile(cdn_path, bytes);
  }
};

}  // namespace drux::test

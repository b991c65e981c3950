// Tests only: a real SQLite store in a fresh temporary directory, removed afterwards.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include "store/store.h"

namespace drux {

class TempStore {
 public:
  TempStore() {
    static std::atomic<int> counter = 0;
    directory_ = std::filesystem::temp_directory_path() /
                 ("drux-auth-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(directory_);
    std::filesystem::create_directories(directory_);
    auto opened = OpenStore((directory_ / "drux.db").string());
    if (!opened) ADD_FAILURE() << "OpenStore: " << opened.error().message;
    if (opened) store_ = std::move(*opened);
  }
  ~TempStore() {
    store_.reset();
    std::filesystem::remove_all(directory_);
  }
  TempStore(const TempStore&) = delete;
  TempStore& operator=(const TempStore&) = delete;

  Store& store() { return *store_; }
  bool ok() const { return store_ != nullptr; }

  // Every byte the database has written so far (main file, WAL and journals), to check
  // that a secret appears nowhere in it.
  std::string AllFileBytes() const {
    std::string bytes;
    for (const auto& entry : std::filesystem::directory_iterator(directory_)) {
      std::ifstream file(entry.path(), std::ios::binary);
      bytes.append(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
    }
    return bytes;
  }

 private:
  std::filesystem::path directory_;
  std::unique_ptr<Store> store_;
};

}  // namespace drux

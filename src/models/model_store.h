// The models directory: which catalog models are installed, where a model's file is,
// removing one, and making sure one is present (downloading it on first use).
//
// Layout: one flat directory holding each model under its upstream file name, with
// FILE.part while a download is unfinished and FILE.sha256 once its digest was checked.
// Any other *.gguf dropped there is listed as a model outside the catalog.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "models/catalog.h"
#include "models/model_download.h"

namespace drux {

// $DRUX_MODELS_DIR when set, else $XDG_CACHE_HOME/drux/models, else
// $HOME/.cache/drux/models; kConfig when none of these variables is usable.
Expected<std::filesystem::path> DefaultModelsDirectory();

struct ModelStoreOptions {
  // Where model files live; empty means DefaultModelsDirectory().
  std::filesystem::path directory;
  // The models the store knows by name; tests bring their own.
  std::vector<CatalogEntry> catalog = BuiltInCatalog();
};

struct StoredModel {
  std::string name;  // the catalog name, or the file name of a file outside the catalog
  std::optional<CatalogEntry> entry;  // nullopt for a file outside the catalog
  std::filesystem::path path;         // where the file is, or will be once pulled
  bool installed = false;
  std::uint64_t size_bytes = 0;     // on disk, when installed
  std::uint64_t partial_bytes = 0;  // of an unfinished download, which a pull resumes
  // The file's SHA-256 was checked (when it was downloaded or first used) and it is the one
  // the catalog pins. Always false outside the catalog.
  bool verified = false;
};

// Not thread-safe for concurrent changes to one model; concurrent downloads of one model
// (also from other processes) are refused rather than mixed.
class ModelStore {
 public:
  // Does not create the directory; a download does.
  static Expected<ModelStore> Open(ModelStoreOptions options = {});

  const std::filesystem::path& directory() const { return directory_; }
  const std::vector<CatalogEntry>& catalog() const { return catalog_; }

  // Every catalog entry, installed or not, in catalog order, then the *.gguf files the
  // catalog does not name, by file name. A missing directory has nothing installed.
  std::vector<StoredModel> List() const;

  // The installed model called name: a catalog name, or the file name of a model outside
  // the catalog. kNotFound when it is not installed (the message says how to pull it);
  // kInvalidArgument when no model has that name.
  Expected<std::filesystem::path> PathOf(std::string_view name) const;

  // Deletes the model's file, partial download and checksum record; returns the bytes
  // freed. kNotFound when none of them exists; kInvalidArgument for an unknown name.
  Expected<std::uint64_t> Remove(std::string_view name) const;

  // The path of the model, downloading it first when it is not installed. An installed
  // catalog model without a checksum record (copied in by hand) is hashed once against the
  // catalog. Errors as PathOf's for names and DownloadModel's for downloads.
  Expected<std::filesystem::path> EnsurePresent(std::string_view name,
                                                const DownloadOptions& options = {}) const;

 private:
  ModelStore(std::filesystem::path directory, std::vector<CatalogEntry> catalog)
      : directory_(std::move(directory)), catalog_(std::move(catalog)) {}

  // The stored model called name, installed or not; kInvalidArgument when unknown.
  Expected<StoredModel> Find(std::string_view name) const;
  StoredModel Describe(const CatalogEntry& entry) const;

  std::filesystem::path directory_;
  std::vector<CatalogEntry> catalog_;
};

}  // namespace drux

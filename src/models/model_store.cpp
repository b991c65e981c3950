#include "models/model_store.h"

#include <algorithm>
#include <cstdlib>

#include "models/sha256.h"

namespace drux {
namespace fs = std::filesystem;
namespace {

std::string Environment(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

std::uint64_t SizeOrZero(const fs::path& path) {
  std::error_code error;
  const std::uint64_t size = fs::file_size(path, error);
  return error ? 0 : size;
}

bool IsRegularFile(const fs::path& path) {
  std::error_code error;
  return fs::is_regular_file(path, error);
}

bool IsCatalogFile(const std::vector<CatalogEntry>& catalog, const std::string& file) {
  return std::any_of(catalog.begin(), catalog.end(),
                     [&](const CatalogEntry& entry) { return entry.file == file; });
}

// A name for a model outside the catalog: a bare *.gguf file name, never a path.
bool IsLocalFileName(std::string_view name) {
  return name.ends_with(".gguf") && name.find('/') == std::string_view::npos &&
         !name.starts_with(".");
}

// Whether the checksum record says the file is exactly what the catalog pins.
bool IsVerified(const CatalogEntry& entry, const fs::path& path, std::uint64_t size) {
  const auto recorded = ReadChecksumRecord(path);
  if (!recorded) return false;
  if (entry.size_bytes > 0 && size != entry.size_bytes) return false;
  return entry.sha256.empty() || *recorded == CanonicalSha256(entry.sha256);
}

}  // namespace

Expected<fs::path> DefaultModelsDirectory() {
  if (const std::string explicit_dir = Environment("DRUX_MODELS_DIR"); !explicit_dir.empty()) {
    return fs::path(explicit_dir);
  }
  // The XDG spec says to ignore a relative XDG_CACHE_HOME.
  if (const fs::path cache = Environment("XDG_CACHE_HOME"); cache.is_absolute()) {
    return cache / "drux" / "models";
  }
  if (const std::string home = Environment("HOME"); !home.empty()) {
    return fs::path(home) / ".cache" / "drux" / "models";
  }
  return MakeError(ErrorCode::kConfig,
                   "cannot tell where to keep model files: neither DRUX_MODELS_DIR, "
                   "XDG_CACHE_HOME nor HOME is set; set DRUX_MODELS_DIR to a directory");
}

Expected<ModelStore> ModelStore::Open(ModelStoreOptions options) {
  if (options.directory.empty()) {
    auto directory = DefaultModelsDirectory();
    if (!directory) return tl::unexpected(directory.error());
    options.directory = std::move(*directory);
  }
  return ModelStore(std::move(options.directory), std::move(options.catalog));
}

StoredModel ModelStore::Describe(const CatalogEntry& entry) const {
  StoredModel model;
  model.name = entry.name;
  model.entry = entry;
  model.path = directory_ / entry.file;
  model.installed = IsRegularFile(model.path);
  model.size_bytes = model.installed ? SizeOrZero(model.path) : 0;
  model.partial_bytes = SizeOrZero(PartialPath(model.path));
  model.verified = model.installed && IsVerified(entry, model.path, model.size_bytes);
  return model;
}

std::vector<StoredModel> ModelStore::List() const {
  std::vector<StoredModel> models;
  for (const CatalogEntry& entry : catalog_) models.push_back(Describe(entry));

  std::vector<StoredModel> others;
  std::error_code error;
  for (fs::directory_iterator it(directory_, error), end; !error && it != end;
       it.increment(error)) {
    const std::string file = it->path().filename().string();
    if (!IsLocalFileName(file) || IsCatalogFile(catalog_, file) || !IsRegularFile(it->path())) {
      continue;
    }
    StoredModel model;
    model.name = file;
    model.path = it->path();
    model.installed = true;
    model.size_bytes = SizeOrZero(it->path());
    others.push_back(std::move(model));
  }
  std::sort(others.begin(), others.end(),
            [](const StoredModel& a, const StoredModel& b) { return a.name < b.name; });
  models.insert(models.end(), others.begin(), others.end());
  return models;
}

Expected<StoredModel> ModelStore::Find(std::string_view name) const {
  for (const CatalogEntry& entry : catalog_) {
    if (entry.name == name) return Describe(entry);
  }
  if (IsLocalFileName(name) && IsRegularFile(directory_ / name)) {
    StoredModel model;
    model.name = std::string(name);
    model.path = directory_ / name;
    model.installed = true;
    model.size_bytes = SizeOrZero(model.path);
    return model;
  }
  std::string known;
  for (const CatalogEntry& entry : catalog_) known += (known.empty() ? "" : ", ") + entry.name;
  return MakeError(ErrorCode::kInvalidArgument, "there is no model named \"" + std::string(name) +
                                                    "\"; the catalog has " + known +
                                                    " (see `drux models list`)");
}

Expected<fs::path> ModelStore::PathOf(std::string_view name) const {
  const auto model = Find(name);
  if (!model) return tl::unexpected(model.error());
  if (!model->installed) {
    const std::uint64_t size = model->entry->size_bytes;
    return MakeError(ErrorCode::kNotFound,
                     model->name + " is not installed; run `drux models pull " + model->name +
                         "` to download it" + (size > 0 ? " (" + HumanBytes(size) + ")" : ""));
  }
  return model->path;
}

Expected<std::uint64_t> ModelStore::Remove(std::string_view name) const {
  const auto model = Find(name);
  if (!model) return tl::unexpected(model.error());
  std::uint64_t freed = 0;
  bool removed = false;
  for (const fs::path& path : {model->path, PartialPath(model->path), ChecksumPath(model->path)}) {
    const std::uint64_t size = SizeOrZero(path);
    std::error_code error;
    if (fs::remove(path, error)) {
      removed = true;
      freed += size;
    } else if (error) {
      return MakeError(ErrorCode::kInternal,
                       "cannot delete " + path.string() + " (" + error.message() + ")");
    }
  }
  if (!removed) {
    return MakeError(ErrorCode::kNotFound, model->name + " is not installed in " +
                                               directory_.string() + "; nothing to remove");
  }
  return freed;
}

Expected<fs::path> ModelStore::EnsurePresent(std::string_view name,
                                             const DownloadOptions& options) const {
  const auto model = Find(name);
  if (!model) return tl::unexpected(model.error());
  if (!model->entry) return model->path;  // a file outside the catalog is taken as it is
  const CatalogEntry& entry = *model->entry;
  if (!model->installed) return DownloadModel(entry, directory_, options);
  if (model->verified || entry.sha256.empty()) return model->path;

  const auto actual = Sha256OfFile(model->path, options.cancel);
  if (!actual) return tl::unexpected(actual.error());
  if (*actual != CanonicalSha256(entry.sha256)) {
    return MakeError(ErrorCode::kMalformedResponse,
                     model->path.string() + " has SHA-256 " + *actual + ", but the catalog pins " +
                         CanonicalSha256(entry.sha256) + " for " + entry.name +
                         "; remove it with `drux models rm " + entry.name + "` and pull it again");
  }
  if (auto recorded = WriteChecksumRecord(model->path, *actual); !recorded) {
    return tl::unexpected(recorded.error());
  }
  return model->path;
}

}  // namespace drux

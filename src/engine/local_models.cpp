#include "engine/local_models.h"

#include "models/model_store.h"

namespace drux {
namespace {

bool NamesCatalogModel(const ModelSpec& spec) {
  return spec.provider == "local" && spec.endpoint.empty() && !spec.model.empty();
}

// Resolves spec.endpoint to the catalog model's file, downloading it when missing.
std::optional<Error> ResolveCatalogModel(const ModelStore& store, int index, ModelSpec& spec,
                                         const ProgressSink& on_progress,
                                         const std::atomic<bool>* cancel) {
  DownloadOptions download;
  download.cancel = cancel;
  if (on_progress) {
    download.on_progress = [&](const DownloadProgress& progress) {
      ProgressEvent event;
      event.kind = ProgressEvent::Kind::kDownloading;
      event.member = index;
      event.model = spec.name;
      event.bytes_done = progress.done_bytes;
      event.bytes_total = progress.total_bytes;
      on_progress(event);
    };
  }
  auto path = store.EnsurePresent(spec.model, download);
  if (!path) return path.error();
  spec.endpoint = path->string();
  return std::nullopt;
}

}  // namespace

std::vector<PanelMember> PreparePanelMembers(const Panel& panel, const ProgressSink& on_progress,
                                             const std::atomic<bool>* cancel) {
  std::vector<ModelSpec> specs = panel.members;
  std::vector<std::optional<Error>> errors(specs.size());
  std::optional<Expected<ModelStore>> store;  // opened only when a member needs it
  for (std::size_t i = 0; i < specs.size(); ++i) {
    if (!NamesCatalogModel(specs[i])) continue;
    if (!store) store = ModelStore::Open();
    if (!*store) {
      errors[i] = store->error();
      continue;
    }
    errors[i] = ResolveCatalogModel(**store, static_cast<int>(i), specs[i], on_progress, cancel);
  }
  std::vector<PanelMember> members = MakePanelMembers(specs);
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (!errors[i]) continue;
    members[i].provider = nullptr;
    members[i].creation_error = errors[i];
  }
  return members;
}

}  // namespace drux

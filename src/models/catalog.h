// The built-in catalog of open models Drux can download and run in process: small GGUF
// instruct models from four families (the default "open" panel) and one embedding model,
// each pinned to a Hugging Face revision, file, size and SHA-256.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace drux {

enum class ModelKind {
  kChat,       // an instruct model that answers questions
  kEmbedding,  // a sentence-embedding model for similarity
};

// "chat" or "embedding".
const char* ModelKindName(ModelKind kind);

struct CatalogEntry {
  std::string name;              // short and stable, what users type: "qwen2.5-1.5b"
  std::string family;            // "Qwen 2.5 (Alibaba)"; a panel draws from distinct families
  std::string repo;              // Hugging Face repository: "Qwen/Qwen2.5-1.5B-Instruct-GGUF"
  std::string revision;          // the pinned commit, so a moved branch cannot change the bytes
  std::string file;              // the file in the repository, also its name on disk
  std::uint64_t size_bytes = 0;  // 0 when unknown (then the server's word is taken)
  // Lower-case hex SHA-256 of the file; empty when unknown, in which case the download
  // checks against the SHA-256 Hugging Face states (X-Linked-Etag).
  std::string sha256;
  std::string licence;
  ModelKind kind = ModelKind::kChat;
  std::string description;  // one line for `drux models list`
};

// The models Drux knows out of the box, chat models first.
const std::vector<CatalogEntry>& BuiltInCatalog();

// The chat models of catalog in order: the members of the default "open" panel.
std::vector<std::string> OpenPanelModels(const std::vector<CatalogEntry>& catalog);

// The entry called name, or kNotFound listing the names catalog has.
Expected<CatalogEntry> FindCatalogEntry(const std::vector<CatalogEntry>& catalog,
                                        std::string_view name);

// $HF_ENDPOINT when set (a mirror), else "https://huggingface.co"; no trailing slash.
std::string HuggingFaceEndpoint();

// Where the pinned file is: ENDPOINT/REPO/resolve/REVISION/FILE. endpoint empty means
// HuggingFaceEndpoint().
std::string ModelUrl(const CatalogEntry& entry, std::string_view endpoint = {});

}  // namespace drux

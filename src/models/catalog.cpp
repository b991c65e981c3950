#include "models/catalog.h"

#include <cstdlib>

namespace drux {

const char* ModelKindName(ModelKind kind) {
  switch (kind) {
    case ModelKind::kChat:
      return "chat";
    case ModelKind::kEmbedding:
      return "embedding";
  }
  return "chat";
}

// Q4_K_M quantizations: the usual balance of size and quality for models this small, and
// about 1 GB each so the whole open panel fits in the memory of an ordinary laptop.
const std::vector<CatalogEntry>& BuiltInCatalog() {
  static const std::vector<CatalogEntry> catalog = {
      {"qwen2.5-1.5b", "Qwen 2.5 (Alibaba)", "Qwen/Qwen2.5-1.5B-Instruct-GGUF",
       "91cad51170dc346986eccefdc2dd33a9da36ead9", "qwen2.5-1.5b-instruct-q4_k_m.gguf", 1117320736,
       "6a1a2eb6d15622bf3c96857206351ba97e1af16c30d7a74ee38970e434e9407e", "Apache-2.0",
       ModelKind::kChat, "Qwen2.5 1.5B Instruct, Q4_K_M: strong on facts and maths for its size"},
      {"llama3.2-1b", "Llama 3.2 (Meta)", "bartowski/Llama-3.2-1B-Instruct-GGUF",
       "067b946cf014b7c697f3654f621d577a3e3afd1c", "Llama-3.2-1B-Instruct-Q4_K_M.gguf", 807694464,
       "6f85a640a97cf2bf5b8e764087b1e83da0fdb51d7c9fab7d0fece9385611df83",
       "Llama 3.2 Community License", ModelKind::kChat,
       "Llama 3.2 1B Instruct, Q4_K_M: Meta's smallest instruct model"},
      {"gemma3-1b", "Gemma 3 (Google)", "ggml-org/gemma-3-1b-it-GGUF",
       "f9c28bcd85737ffc5aef028638d3341d49869c27", "gemma-3-1b-it-Q4_K_M.gguf", 806058240,
       "8ccc5cd1f1b3602548715ae25a66ed73fd5dc68a210412eea643eb20eb75a135", "Gemma Terms of Use",
       ModelKind::kChat, "Gemma 3 1B IT, Q4_K_M: Google's smallest instruction-tuned Gemma"},
      {"smollm2-1.7b", "SmolLM2 (Hugging Face)", "bartowski/SmolLM2-1.7B-Instruct-GGUF",
       "1f03464768bfcc0319fc50da8ff5fb20b6417ba2", "SmolLM2-1.7B-Instruct-Q4_K_M.gguf", 1055609824,
       "77665ea4815999596525c636fbeb56ba8b080b46ae85efef4f0d986a139834d7", "Apache-2.0",
       ModelKind::kChat, "SmolLM2 1.7B Instruct, Q4_K_M: trained on openly published data"},
      {"bge-small-en", "BGE (BAAI)", "ggml-org/bge-small-en-v1.5-Q8_0-GGUF",
       "f2068edd9b54f2a369549ccc71f70ed273a2a801", "bge-small-en-v1.5-q8_0.gguf", 36685152,
       "f046db1dc724cf4f6f0a0c5917e922823b73eb1d27b8f9a9c2797f7866974804", "MIT",
       ModelKind::kEmbedding, "BGE small English v1.5, Q8_0: sentence embeddings for similarity"},
  };
  return catalog;
}

std::vector<std::string> OpenPanelModels(const std::vector<CatalogEntry>& catalog) {
  std::vector<std::string> names;
  for (const CatalogEntry& entry : catalog) {
    if (entry.kind == ModelKind::kChat) names.push_back(entry.name);
  }
  return names;
}

Expected<CatalogEntry> FindCatalogEntry(const std::vector<CatalogEntry>& catalog,
                                        std::string_view name) {
  std::string known;
  for (const CatalogEntry& entry : catalog) {
    if (entry.name == name) return entry;
    known += (known.empty() ? "" : ", ") + entry.name;
  }
  return MakeError(ErrorCode::kNotFound, "there is no model named \"" + std::string(name) +
                                             "\" in the catalog; it has: " + known);
}

std::string HuggingFaceEndpoint() {
  const char* endpoint = std::getenv("HF_ENDPOINT");
  std::string url = endpoint != nullptr && *endpoint != '\0' ? endpoint : "https://huggingface.co";
  while (url.ends_with('/')) url.pop_back();
  return url;
}

std::string ModelUrl(const CatalogEntry& entry, std::string_view endpoint) {
  std::string base = endpoint.empty() ? HuggingFaceEndpoint() : std::string(endpoint);
  while (base.ends_with('/')) base.pop_back();
  return base + "/" + entry.repo + "/resolve/" + entry.revision + "/" + entry.file;
}

}  // namespace drux

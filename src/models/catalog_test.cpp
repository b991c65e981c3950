#include "models/catalog.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "core/config.h"
#include "models/models_test_support.h"
#include "models/sha256.h"

namespace drux {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(CatalogTest, OpenPanelIsFourChatModelsFromFourFamilies) {
  const auto& catalog = BuiltInCatalog();
  EXPECT_THAT(OpenPanelModels(catalog),
              ElementsAre("qwen2.5-1.5b", "llama3.2-1b", "gemma3-1b", "smollm2-1.7b"));
  std::set<std::string> families;
  for (const CatalogEntry& entry : catalog) {
    if (entry.kind == ModelKind::kChat) families.insert(entry.family);
  }
  EXPECT_EQ(families.size(), 4u);
  // The built-in configuration's "open" panel names the same models.
  EXPECT_EQ(OpenPanelModels(catalog), kOpenPanelModels);
}

TEST(CatalogTest, EveryEntryIsPinnedCompletely) {
  std::set<std::string> names;
  for (const CatalogEntry& entry : BuiltInCatalog()) {
    SCOPED_TRACE(entry.name);
    EXPECT_TRUE(names.insert(entry.name).second) << "duplicate name";
    EXPECT_EQ(entry.revision.size(), 40u);
    EXPECT_TRUE(LooksLikeSha256(entry.sha256));
    EXPECT_TRUE(entry.file.ends_with(".gguf"));
    EXPECT_GT(entry.size_bytes, 10'000'000u);
    EXPECT_FALSE(entry.licence.empty());
    EXPECT_FALSE(entry.description.empty());
  }
  const auto embedding = FindCatalogEntry(BuiltInCatalog(), "bge-small-en");
  ASSERT_TRUE(embedding);
  EXPECT_EQ(embedding->kind, ModelKind::kEmbedding);
  EXPECT_STREQ(ModelKindName(embedding->kind), "embedding");
}

TEST(CatalogTest, UnknownNameListsTheKnownOnes) {
  const auto entry = FindCatalogEntry(BuiltInCatalog(), "gpt-5");
  ASSERT_FALSE(entry);
  EXPECT_EQ(entry.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(entry.error().message, HasSubstr("\"gpt-5\""));
  EXPECT_THAT(entry.error().message, HasSubstr("qwen2.5-1.5b, llama3.2-1b"));
}

TEST(CatalogTest, UrlFollowsHuggingFaceResolveScheme) {
  const test::ScopedEnv no_endpoint("HF_ENDPOINT", std::nullopt);
  const CatalogEntry entry = FindCatalogEntry(BuiltInCatalog(), "qwen2.5-1.5b").value();
  EXPECT_EQ(ModelUrl(entry),
            "https://huggingface.co/Qwen/Qwen2.5-1.5B-Instruct-GGUF/resolve/"
            "91cad51170dc346986eccefdc2dd33a9da36ead9/qwen2.5-1.5b-instruct-q4_k_m.gguf");
  EXPECT_EQ(ModelUrl(entry, "http://mirror.example/"),
            "http://mirror.example/Qwen/Qwen2.5-1.5B-Instruct-GGUF/resolve/"
            "91cad51170dc346986eccefdc2dd33a9da36ead9/qwen2.5-1.5b-instruct-q4_k_m.gguf");
}

TEST(CatalogTest, HfEndpointNamesTheMirror) {
  {
    const test::ScopedEnv endpoint("HF_ENDPOINT", "https://hf-mirror.example//");
    EXPECT_EQ(HuggingFaceEndpoint(), "https://hf-mirror.example");
  }
  const test::ScopedEnv empty("HF_ENDPOINT", "");
  EXPECT_EQ(HuggingFaceEndpoint(), "https://huggingface.co");
}

}  // namespace
}  // namespace drux

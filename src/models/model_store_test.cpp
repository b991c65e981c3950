#include "models/model_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "models/models_test_support.h"

namespace drux {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

TEST(DefaultModelsDirectoryTest, FollowsTheEnvironment) {
  const test::ScopedEnv models("DRUX_MODELS_DIR", std::nullopt);
  const test::ScopedEnv home("HOME", "/home/someone");
  {
    const test::ScopedEnv cache("XDG_CACHE_HOME", std::nullopt);
    EXPECT_EQ(DefaultModelsDirectory().value(), fs::path("/home/someone/.cache/drux/models"));
  }
  {
    const test::ScopedEnv cache("XDG_CACHE_HOME", "relative/ignored");
    EXPECT_EQ(DefaultModelsDirectory().value(), fs::path("/home/someone/.cache/drux/models"));
  }
  const test::ScopedEnv cache("XDG_CACHE_HOME", "/var/cache/someone");
  EXPECT_EQ(DefaultModelsDirectory().value(), fs::path("/var/cache/someone/drux/models"));
  const test::ScopedEnv explicit_dir("DRUX_MODELS_DIR", "/srv/models");
  EXPECT_EQ(DefaultModelsDirectory().value(), fs::path("/srv/models"));
}

TEST(DefaultModelsDirectoryTest, WithoutAnyVariableItSaysWhatToSet) {
  const test::ScopedEnv models("DRUX_MODELS_DIR", std::nullopt);
  const test::ScopedEnv cache("XDG_CACHE_HOME", std::nullopt);
  const test::ScopedEnv home("HOME", std::nullopt);
  const auto directory = DefaultModelsDirectory();
  ASSERT_FALSE(directory);
  EXPECT_THAT(directory.error().message, HasSubstr("DRUX_MODELS_DIR"));
}

class ModelStoreTest : public ::testing::Test {
 protected:
  ModelStoreTest()
      : store_(ModelStore::Open({directory_.path() / "models", {model_.entry}}).value()) {}

  fs::path ModelPath() const { return store_.directory() / model_.entry.file; }

  test::ScratchDirectory directory_;
  test::TinyPublishedModel model_;
  ModelStore store_;
};

TEST_F(ModelStoreTest, OpenUsesDruxModelsDirWhenNoDirectoryIsGiven) {
  const test::ScopedEnv models("DRUX_MODELS_DIR", directory_.path().string());
  const auto store = ModelStore::Open();
  ASSERT_TRUE(store);
  EXPECT_EQ(store->directory(), directory_.path());
  EXPECT_EQ(store->catalog().size(), BuiltInCatalog().size());
}

TEST_F(ModelStoreTest, MissingDirectoryHasNothingInstalled) {
  const auto models = store_.List();
  ASSERT_EQ(models.size(), 1u);
  EXPECT_EQ(models[0].name, "tiny");
  EXPECT_FALSE(models[0].installed);
  EXPECT_FALSE(models[0].verified);
  EXPECT_EQ(models[0].path, ModelPath());
}

TEST_F(ModelStoreTest, ListShowsInstalledPartialAndForeignFiles) {
  fs::create_directories(store_.directory());
  test::WriteBytes(ModelPath(), model_.bytes);
  ASSERT_TRUE(WriteChecksumRecord(ModelPath(), model_.sha256));
  test::WriteBytes(store_.directory() / "my-own.gguf", "GGUF and more");
  test::WriteBytes(store_.directory() / "notes.txt", "not a model");
  test::WriteBytes(store_.directory() / "other.gguf.part", "unfinished");

  const auto models = store_.List();

  ASSERT_EQ(models.size(), 2u);
  EXPECT_EQ(models[0].name, "tiny");
  EXPECT_TRUE(models[0].installed);
  EXPECT_TRUE(models[0].verified);
  EXPECT_EQ(models[0].size_bytes, model_.bytes.size());
  EXPECT_EQ(models[1].name, "my-own.gguf");
  EXPECT_TRUE(models[1].installed);
  EXPECT_FALSE(models[1].verified);
  EXPECT_FALSE(models[1].entry);
  EXPECT_EQ(models[1].size_bytes, 13u);

  fs::remove(ModelPath());
  test::WriteBytes(PartialPath(ModelPath()), "GGUF");
  EXPECT_FALSE(store_.List()[0].installed);
  EXPECT_EQ(store_.List()[0].partial_bytes, 4u);
}

TEST_F(ModelStoreTest, FileWithoutMatchingRecordIsNotVerified) {
  fs::create_directories(store_.directory());
  test::WriteBytes(ModelPath(), model_.bytes);
  EXPECT_FALSE(store_.List()[0].verified);
  ASSERT_TRUE(WriteChecksumRecord(ModelPath(), std::string(64, 'b')));
  EXPECT_FALSE(store_.List()[0].verified);
}

TEST_F(ModelStoreTest, PathOfSaysHowToPullAMissingModel) {
  const auto missing = store_.PathOf("tiny");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(missing.error().message, HasSubstr("drux models pull tiny"));

  const auto unknown = store_.PathOf("nonesuch");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(unknown.error().message, HasSubstr("the catalog has tiny"));

  fs::create_directories(store_.directory());
  test::WriteBytes(ModelPath(), model_.bytes);
  test::WriteBytes(store_.directory() / "my-own.gguf", "GGUF");
  EXPECT_EQ(store_.PathOf("tiny").value(), ModelPath());
  EXPECT_EQ(store_.PathOf("my-own.gguf").value(), store_.directory() / "my-own.gguf");
  EXPECT_FALSE(store_.PathOf("../models/my-own.gguf"));
}

TEST_F(ModelStoreTest, RemoveDeletesTheFileItsRecordAndAnyPartialDownload) {
  fs::create_directories(store_.directory());
  test::WriteBytes(ModelPath(), model_.bytes);
  ASSERT_TRUE(WriteChecksumRecord(ModelPath(), model_.sha256));
  test::WriteBytes(PartialPath(ModelPath()), "GGUF");

  const auto freed = store_.Remove("tiny");

  ASSERT_TRUE(freed) << freed.error().message;
  EXPECT_GE(*freed, model_.bytes.size() + 4);
  EXPECT_FALSE(fs::exists(ModelPath()));
  EXPECT_FALSE(fs::exists(PartialPath(ModelPath())));
  EXPECT_FALSE(fs::exists(ChecksumPath(ModelPath())));
  const auto again = store_.Remove("tiny");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_.Remove("nonesuch").error().code, ErrorCode::kInvalidArgument);
}

TEST_F(ModelStoreTest, EnsurePresentDownloadsOnFirstUseOnly) {
  test::FileServer server;
  DownloadOptions options;
  options.endpoint = server.Start();
  options.disk_margin_bytes = 0;
  model_.PublishOn(server, model_.sha256);

  const auto first = store_.EnsurePresent("tiny", options);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(test::ReadBytes(*first), model_.bytes);
  const std::size_t requests = server.requests().size();

  const auto second = store_.EnsurePresent("tiny", options);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(*second, *first);
  EXPECT_EQ(server.requests().size(), requests);
  EXPECT_TRUE(store_.List()[0].verified);
}

TEST_F(ModelStoreTest, EnsurePresentChecksAFileCopiedInByHand) {
  fs::create_directories(store_.directory());
  test::WriteBytes(ModelPath(), model_.bytes);

  const auto path = store_.EnsurePresent("tiny");

  ASSERT_TRUE(path) << path.error().message;
  EXPECT_EQ(ReadChecksumRecord(ModelPath()), model_.sha256);
  EXPECT_TRUE(store_.List()[0].verified);
}

TEST_F(ModelStoreTest, EnsurePresentRefusesAWrongFile) {
  fs::create_directories(store_.directory());
  test::WriteBytes(ModelPath(), "GGUF but not the pinned one");

  const auto path = store_.EnsurePresent("tiny");

  ASSERT_FALSE(path);
  EXPECT_EQ(path.error().code, ErrorCode::kMalformedResponse);
  EXPECT_THAT(path.error().message, HasSubstr("drux models rm tiny"));
  EXPECT_FALSE(fs::exists(ChecksumPath(ModelPath())));
}

}  // namespace
}  // namespace drux

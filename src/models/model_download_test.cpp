#include "models/model_download.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

#include "models/models_test_support.h"

namespace drux {
namespace {

namespace fs = std::filesystem;
using test::FileServer;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kOtherSha256(64, 'a');

class ModelDownloadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    endpoint_ = server_.Start();
    ASSERT_FALSE(endpoint_.empty());
    options_.endpoint = endpoint_;
    options_.disk_margin_bytes = 0;
  }

  std::string Url() const { return endpoint_ + model_.resolve_path; }
  fs::path FinalPath() const { return directory_.path() / model_.entry.file; }
  fs::path PartPath() const { return PartialPath(FinalPath()); }

  Expected<fs::path> Download(const CatalogEntry& entry) {
    return DownloadModel(entry, directory_.path(), options_);
  }
  Expected<fs::path> Download() { return Download(model_.entry); }

  // The requests that reached the CDN path, i.e. asked for the file's bytes.
  std::vector<FileServer::Request> FileRequests() const {
    std::vector<FileServer::Request> found;
    for (const auto& request : server_.requests()) {
      if (request.target.starts_with(model_.cdn_path)) found.push_back(request);
    }
    return found;
  }

  test::ScratchDirectory directory_;
  test::TinyPublishedModel model_;
  FileServer server_;
  std::string endpoint_;
  DownloadOptions options_;
};

TEST_F(ModelDownloadTest, FreshDownloadIsVerifiedAndPutInPlace) {
  model_.PublishOn(server_, model_.sha256);
  std::vector<DownloadProgress> reports;
  options_.on_progress = [&](const DownloadProgress& progress) { reports.push_back(progress); };

  const auto path = Download();

  ASSERT_TRUE(path) << path.error().message;
  EXPECT_EQ(*path, FinalPath());
  EXPECT_EQ(test::ReadBytes(*path), model_.bytes);
  EXPECT_FALSE(fs::exists(PartPath()));
  EXPECT_EQ(ReadChecksumRecord(*path), model_.sha256);
  ASSERT_FALSE(reports.empty());
  EXPECT_TRUE(reports.back().verifying);
  EXPECT_EQ(reports.back().done_bytes, model_.bytes.size());
  EXPECT_EQ(reports.back().total_bytes, model_.bytes.size());
  const auto requests = FileRequests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_FALSE(requests[0].headers.contains("range"));
}

TEST_F(ModelDownloadTest, InterruptedDownloadResumesWithRange) {
  model_.PublishOn(server_, model_.sha256);
  server_.Interrupt(FileServer::Interruption::kClose, 100000);
  options_.attempts = 1;

  const auto interrupted = Download();

  ASSERT_FALSE(interrupted);
  EXPECT_EQ(interrupted.error().code, ErrorCode::kConnection);
  EXPECT_THAT(interrupted.error().message, HasSubstr(Url()));
  EXPECT_THAT(interrupted.error().message, HasSubstr("the next pull resumes"));
  EXPECT_FALSE(fs::exists(FinalPath()));
  EXPECT_EQ(fs::file_size(PartPath()), 100000u);

  const auto resumed = Download();

  ASSERT_TRUE(resumed) << resumed.error().message;
  EXPECT_EQ(test::ReadBytes(*resumed), model_.bytes);
  EXPECT_FALSE(fs::exists(PartPath()));
  const auto requests = FileRequests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].headers.at("range"), "bytes=100000-");
}

TEST_F(ModelDownloadTest, BrokenConnectionIsResumedWithinOneCall) {
  model_.PublishOn(server_, model_.sha256);
  server_.Interrupt(FileServer::Interruption::kClose, 150000);

  const auto path = Download();

  ASSERT_TRUE(path) << path.error().message;
  EXPECT_EQ(test::ReadBytes(*path), model_.bytes);
  const auto requests = FileRequests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].headers.at("range"), "bytes=150000-");
}

TEST_F(ModelDownloadTest, ServerIgnoringRangeRestartsFromTheFirstByte) {
  model_.PublishOn(server_, model_.sha256);
  server_.set_ignore_range(true);
  // Bytes that are not the file's: appending the full response to them would fail the
  // checksum, so success proves the restart discarded them.
  test::WriteBytes(PartPath(), std::string(5000, 'x'));

  const auto path = Download();

  ASSERT_TRUE(path) << path.error().message;
  EXPECT_EQ(test::ReadBytes(*path), model_.bytes);
  ASSERT_EQ(FileRequests().size(), 1u);
  EXPECT_EQ(FileRequests()[0].headers.at("range"), "bytes=5000-");
}

TEST_F(ModelDownloadTest, ChecksumMismatchLeavesNoFileBehind) {
  server_.AddFile(model_.resolve_path, model_.bytes);  // no redirect, so no X-Linked-Etag
  CatalogEntry entry = model_.entry;
  entry.sha256 = kOtherSha256;

  const auto path = Download(entry);

  ASSERT_FALSE(path);
  EXPECT_EQ(path.error().code, ErrorCode::kMalformedResponse);
  EXPECT_THAT(path.error().message, HasSubstr(kOtherSha256));
  EXPECT_THAT(path.error().message, HasSubstr(model_.sha256));
  EXPECT_FALSE(fs::exists(FinalPath()));
  EXPECT_FALSE(fs::exists(PartPath()));
  EXPECT_FALSE(fs::exists(ChecksumPath(FinalPath())));
}

TEST_F(ModelDownloadTest, LinkedEtagContradictingTheCatalogStopsBeforeTheBody) {
  model_.PublishOn(server_, model_.sha256);
  CatalogEntry entry = model_.entry;
  entry.sha256 = kOtherSha256;

  const auto path = Download(entry);

  ASSERT_FALSE(path);
  EXPECT_EQ(path.error().code, ErrorCode::kMalformedResponse);
  EXPECT_THAT(path.error().message, HasSubstr("X-Linked-Etag"));
  EXPECT_THAT(path.error().message, HasSubstr(model_.sha256));
  EXPECT_FALSE(fs::exists(FinalPath()));
  EXPECT_FALSE(fs::exists(PartPath()));
}

TEST_F(ModelDownloadTest, AnotherRevisionThanThePinnedOneIsRefused) {
  const std::string other_revision(40, 'f');
  server_.AddRedirect(model_.resolve_path,
                      {model_.cdn_path, model_.sha256, model_.bytes.size(), other_revision});
  server_.AddFile(model_.cdn_path, model_.bytes);

  const auto path = Download();

  ASSERT_FALSE(path);
  EXPECT_EQ(path.error().code, ErrorCode::kMalformedResponse);
  EXPECT_THAT(path.error().message, HasSubstr(other_revision));
  EXPECT_FALSE(fs::exists(FinalPath()));
  EXPECT_FALSE(fs::exists(PartPath()));
}

TEST_F(ModelDownloadTest, LinkedEtagIsTheChecksumWhenTheCatalogHasNone) {
  model_.PublishOn(server_, model_.sha256);
  CatalogEntry entry = model_.entry;
  entry.sha256.clear();

  const auto path = Download(entry);

  ASSERT_TRUE(path) << path.error().message;
  EXPECT_EQ(ReadChecksumRecord(*path), model_.sha256);
}

TEST_F(ModelDownloadTest, WrongLinkedEtagIsCaughtWhenTheCatalogHasNone) {
  model_.PublishOn(server_, kOtherSha256);
  CatalogEntry entry = model_.entry;
  entry.sha256.clear();

  const auto path = Download(entry);

  ASSERT_FALSE(path);
  EXPECT_EQ(path.error().code, ErrorCode::kMalformedResponse);
  EXPECT_THAT(path.error().message, HasSubstr("X-Linked-Etag"));
  EXPECT_FALSE(fs::exists(FinalPath()));
  EXPECT_FALSE(fs::exists(PartPath()));
}

TEST_F(ModelDownloadTest, NotFoundNamesTheUrl) {
  const auto path = Download();

  ASSERT_FALSE(path);
  EXPECT_EQ(path.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(path.error().http_status, 404);
  EXPECT_THAT(path.error().message, HasSubstr(Url()));
  EXPECT_THAT(path.error().message, HasSubstr("404"));
  EXPECT_FALSE(fs::exists(FinalPath()));
  EXPECT_FALSE(fs::exists(PartPath()));
}

TEST_F(ModelDownloadTest, ConnectionRefusedSaysWhatToDo) {
  server_.Stop();

  const auto path = Download();

  ASSERT_FALSE(path);
  EXPECT_EQ(path.error().code, ErrorCode::kConnection);
  EXPECT_EQ(path.error().message,
            "Could not download tiny from " + Url() +
                ": connection refused. Check your network, set HF_ENDPOINT to a mirror, or "
                "download the file yourself and pass --model local:PATH.gguf.");
  EXPECT_FALSE(fs::exists(PartPath()));
}

TEST_F(ModelDownloadTest, MissingDiskSpaceIsReportedBeforeDownloading) {
  model_.PublishOn(server_, model_.sha256);
  CatalogEntry entry = model_.entry;
  entry.size_bytes = 1ull << 60;

  const auto path = Download(entry);

  ASSERT_FALSE(path);
  EXPECT_THAT(path.error().message, HasSubstr("Not enough disk space to download tiny"));
  EXPECT_THAT(path.error().message, HasSubstr(directory_.path().string()));
  EXPECT_TRUE(server_.requests().empty());
  EXPECT_FALSE(fs::exists(PartPath()));
}

TEST_F(ModelDownloadTest, SizeDifferentFromTheCatalogIsRefused) {
  model_.PublishOn(server_, "");
  CatalogEntry entry = model_.entry;
  entry.size_bytes += 1;

  const auto path = Download(entry);

  ASSERT_FALSE(path);
  EXPECT_EQ(path.error().code, ErrorCode::kMalformedResponse);
  EXPECT_THAT(path.error().message,
              HasSubstr("the catalog pins " + std::to_string(entry.size_bytes)));
  EXPECT_FALSE(fs::exists(FinalPath()));
}

TEST_F(ModelDownloadTest, HfEndpointIsHonoured) {
  model_.PublishOn(server_, model_.sha256);
  const test::ScopedEnv hf_endpoint("HF_ENDPOINT", endpoint_ + "/");
  options_.endpoint.clear();

  const auto path = Download();

  ASSERT_TRUE(path) << path.error().message;
  EXPECT_EQ(test::ReadBytes(*path), model_.bytes);
  ASSERT_FALSE(server_.requests().empty());
  EXPECT_EQ(server_.requests()[0].target, model_.resolve_path);
}

TEST_F(ModelDownloadTest, HtmlPageIsNotSavedAsAModel) {
  server_.AddFile(model_.resolve_path, "<html><body>Please sign in to the Wi-Fi</body></html>",
                  "text/html; charset=utf-8");
  CatalogEntry entry = model_.entry;
  entry.size_bytes = 0;

  const auto path = Download(entry);

  ASSERT_FALSE(path);
  EXPECT_EQ(path.error().code, ErrorCode::kMalformedResponse);
  EXPECT_THAT(path.error().message, HasSubstr("web page"));
  EXPECT_FALSE(fs::exists(FinalPath()));
  EXPECT_FALSE(fs::exists(PartPath()));
}

TEST_F(ModelDownloadTest, BytesThatAreNotGgufAreNotSaved) {
  server_.AddFile(model_.resolve_path, std::string(4096, 'z'));
  CatalogEntry entry = model_.entry;
  entry.size_bytes = 0;
  entry.sha256.clear();

  const auto path = Download(entry);

  ASSERT_FALSE(path);
  EXPECT_THAT(path.error().message, HasSubstr("not a GGUF"));
  EXPECT_FALSE(fs::exists(FinalPath()));
  EXPECT_FALSE(fs::exists(PartPath()));
}

TEST_F(ModelDownloadTest, StalledTransferEndsWithATimeoutAndKeepsTheBytes) {
  model_.PublishOn(server_, model_.sha256);
  server_.Interrupt(FileServer::Interruption::kStall, 20000);
  options_.attempts = 1;
  options_.low_speed_bytes_per_second = 1000;
  options_.low_speed_window = std::chrono::seconds(1);

  const auto path = Download();

  ASSERT_FALSE(path);
  EXPECT_EQ(path.error().code, ErrorCode::kTimeout);
  EXPECT_THAT(path.error().message, HasSubstr("stalled"));
  EXPECT_THAT(path.error().message, HasSubstr(Url()));
  EXPECT_EQ(fs::file_size(PartPath()), 20000u);
}

TEST_F(ModelDownloadTest, CancelStopsTheDownloadAndKeepsTheBytes) {
  model_.PublishOn(server_, model_.sha256);
  server_.Interrupt(FileServer::Interruption::kStall, 30000);
  std::atomic<bool> cancel{false};
  options_.cancel = &cancel;
  // The first report comes with the first bytes, well before the transfer stalls.
  options_.on_progress = [&](const DownloadProgress&) { cancel = true; };

  const auto path = Download();

  ASSERT_FALSE(path);
  EXPECT_EQ(path.error().code, ErrorCode::kCancelled);
  EXPECT_THAT(path.error().message, HasSubstr("was cancelled"));
  EXPECT_THAT(path.error().message, HasSubstr("the next pull resumes"));
  EXPECT_GT(fs::file_size(PartPath()), 0u);
  EXPECT_LE(fs::file_size(PartPath()), 30000u);
  EXPECT_EQ(FileRequests().size(), 1u);
}

TEST_F(ModelDownloadTest, ASecondDownloadOfTheSameFileIsRefused) {
  model_.PublishOn(server_, model_.sha256);
  const int held = ::open(PartPath().c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  ASSERT_GE(held, 0);
  ASSERT_EQ(::flock(held, LOCK_EX), 0);

  const auto path = Download();
  ::close(held);

  ASSERT_FALSE(path);
  EXPECT_THAT(path.error().message, HasSubstr("Another drux process is downloading tiny"));
  EXPECT_TRUE(FileRequests().empty());
}

TEST_F(ModelDownloadTest, CompletePartialFileIsCheckedWithoutTheNetwork) {
  test::WriteBytes(PartPath(), model_.bytes);

  const auto path = Download();

  ASSERT_TRUE(path) << path.error().message;
  EXPECT_EQ(test::ReadBytes(*path), model_.bytes);
  EXPECT_TRUE(server_.requests().empty());
}

TEST(HumanBytesTest, UsesDecimalUnits) {
  EXPECT_EQ(HumanBytes(512), "512 bytes");
  EXPECT_EQ(HumanBytes(36685152), "36.7 MB");
  EXPECT_EQ(HumanBytes(1117320736), "1.1 GB");
  EXPECT_THAT(HumanBytes(1ull << 60), Not(HasSubstr("bytes")));
}

}  // namespace
}  // namespace drux

// Downloads a catalog model into a models directory: resumable (FILE.part and HTTP
// Range), checked (SHA-256 over the whole file against the catalog and Hugging Face's
// X-Linked-Etag), and atomic (renamed to FILE only once the checksum matches).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "core/error.h"
#include "models/catalog.h"
#include "models/model_files.h"

namespace drux {

struct DownloadProgress {
  std::uint64_t done_bytes = 0;    // of the whole file, bytes resumed from disk included
  std::uint64_t total_bytes = 0;   // 0 while unknown
  std::uint64_t resumed_from = 0;  // bytes already on disk when this transfer started
  double bytes_per_second = 0;     // over the last few seconds; 0 until measurable
  bool verifying = false;          // every byte is in; the SHA-256 is being checked
};

using DownloadProgressSink = std::function<void(const DownloadProgress& progress)>;

struct DownloadOptions {
  // The Hugging Face endpoint or a mirror; empty means HuggingFaceEndpoint() ($HF_ENDPOINT).
  std::string endpoint;
  // Called on the downloading thread at most about ten times a second, and once more
  // (verifying set) when the last byte is in. May be empty.
  DownloadProgressSink on_progress;
  // When raised, the download stops within about 50 ms with kCancelled; what arrived stays
  // in FILE.part for the next attempt to resume. May be null.
  const std::atomic<bool>* cancel = nullptr;
  // Transfers per call: a connection that breaks after bytes arrived is resumed until
  // this many transfers were made.
  int attempts = 3;
  std::chrono::milliseconds connect_timeout{10000};
  // A transfer slower than this for low_speed_window counts as a broken connection.
  long low_speed_bytes_per_second = 1024;
  std::chrono::seconds low_speed_window{30};
  // Free disk space required beyond the bytes still to download, so a pull never fills the
  // disk to the last byte.
  std::uint64_t disk_margin_bytes = 256ull << 20;
};

// Downloads entry into directory (created when missing) as directory/entry.file, which it
// replaces. Resumes FILE.part when one is there; writes FILE.sha256 (sha256sum format) when
// the digest was checked against an expected value. Never leaves a wrong or incomplete
// file under the final name: a checksum mismatch deletes FILE.part. Errors say what to do:
// kConnection / kTimeout (network, naming the URL), kNotFound (HTTP 404, naming the URL),
// kMalformedResponse (checksum or size mismatch, an HTML page instead of the file),
// kCancelled, kInternal (disk full, directory not writable, another download of the same
// file in progress), kInvalidArgument (an unusable entry or endpoint).
Expected<std::filesystem::path> DownloadModel(const CatalogEntry& entry,
                                              const std::filesystem::path& directory,
                                              const DownloadOptions& options = {});

}  // namespace drux

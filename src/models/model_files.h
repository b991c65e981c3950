// The files that make up a stored model, and sizes for messages about them. A model
// FILE is downloaded as FILE.part and, once its SHA-256 was checked, recorded in
// FILE.sha256.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "core/error.h"

namespace drux {

// FILE.part and FILE.sha256 beside a model file.
std::filesystem::path PartialPath(const std::filesystem::path& model_path);
std::filesystem::path ChecksumPath(const std::filesystem::path& model_path);

// The digest recorded in FILE.sha256, or nullopt when there is no usable record.
std::optional<std::string> ReadChecksumRecord(const std::filesystem::path& model_path);
// Records sha256 for the file at model_path, in sha256sum's format so `sha256sum -c` works.
Expected<void> WriteChecksumRecord(const std::filesystem::path& model_path,
                                   const std::string& sha256);

// "1.1 GB", "808.0 MB", "512 bytes": sizes for messages (decimal units, as disks are sold).
std::string HumanBytes(std::uint64_t bytes);

}  // namespace drux

#include "models/model_files.h"

#include <cstdio>
#include <fstream>
#include <iterator>

#include "models/sha256.h"

namespace drux {
namespace fs = std::filesystem;

fs::path PartialPath(const fs::path& model_path) {
  return model_path.string() + ".part";
}

fs::path ChecksumPath(const fs::path& model_path) {
  return model_path.string() + ".sha256";
}

std::optional<std::string> ReadChecksumRecord(const fs::path& model_path) {
  std::ifstream file(ChecksumPath(model_path));
  std::string digest;
  if (!(file >> digest) || !LooksLikeSha256(digest)) return std::nullopt;
  return CanonicalSha256(digest);
}

Expected<void> WriteChecksumRecord(const fs::path& model_path, const std::string& sha256) {
  const fs::path path = ChecksumPath(model_path);
  std::ofstream file(path, std::ios::trunc);
  file << sha256 << "  " << model_path.filename().string() << "\n";
  file.close();
  if (!file) {
    return MakeError(ErrorCode::kInternal, "cannot write the checksum record " + path.string());
  }
  return {};
}

std::string HumanBytes(std::uint64_t bytes) {
  static constexpr const char* kUnits[] = {"kB", "MB", "GB", "TB", "PB", "EB"};
  if (bytes < 1000) return std::to_string(bytes) + " bytes";
  double value = static_cast<double>(bytes) / 1000;
  std::size_t unit = 0;
  while (value >= 1000 && unit + 1 < std::size(kUnits)) {
    value /= 1000;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.1f %s", value, kUnits[unit]);
  return text;
}

}  // namespace drux

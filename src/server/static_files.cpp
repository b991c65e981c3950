#include "server/static_files.h"

#include <fstream>
#include <iterator>
#include <map>

#include "server/http_responses.h"
#include "server/request_parts.h"

namespace drux {
namespace {

namespace fs = std::filesystem;

// The UI's own routes, which the single-page app resolves itself.
bool IsAppRoute(std::string_view path) {
  if (path == "/" || path == "/history" || path == "/index.html") return true;
  if (path.starts_with("/q/")) {
    const std::string_view id = path.substr(3);
    return !id.empty() && id.find('/') == std::string_view::npos;
  }
  if (path.starts_with("/compare/")) {
    // /compare/A/B: two ids.
    const std::string_view ids = path.substr(9);
    const std::size_t slash = ids.find('/');
    return slash != std::string_view::npos && slash > 0 && slash + 1 < ids.size() &&
           ids.find('/', slash + 1) == std::string_view::npos;
  }
  return false;
}

// The path's segments under the root, or empty when a segment would leave it.
std::optional<fs::path> SafeRelativePath(std::string_view path) {
  const auto decoded = PercentDecode(path);
  if (!decoded || decoded->empty() || decoded->front() != '/') return std::nullopt;
  fs::path relative;
  std::string_view rest = std::string_view(*decoded).substr(1);
  while (!rest.empty()) {
    const std::size_t slash = rest.find('/');
    const std::string_view segment = rest.substr(0, slash);
    if (segment.empty() || segment == "." || segment == ".." ||
        segment.find('\\') != std::string_view::npos ||
        segment.find('\0') != std::string_view::npos || segment.front() == '.') {
      return std::nullopt;
    }
    relative /= std::string(segment);
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  if (relative.empty()) return std::nullopt;
  return relative;
}

HttpResponse NotFound(unsigned version) {
  return ErrorResponse(http::status::not_found, "not_found", "There is no such page.", version);
}

}  // namespace

std::string_view ContentTypeOf(std::string_view file_name) {
  static const std::map<std::string_view, std::string_view> kTypes = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".webp", "image/webp"},
      {".ico", "image/x-icon"},
      {".woff", "font/woff"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
      {".webmanifest", "application/manifest+json"},
      {".wasm", "application/wasm"},
  };
  const std::size_t dot = file_name.rfind('.');
  if (dot == std::string_view::npos) return "application/octet-stream";
  const auto it = kTypes.find(file_name.substr(dot));
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

StaticFiles::StaticFiles(fs::path root) : root_(std::move(root)) {}

HttpResponse StaticFiles::Serve(std::string_view path, unsigned version) const {
  if (IsAppRoute(path)) return FileResponse(root_ / "index.html", false, version);
  const auto relative = SafeRelativePath(path);
  if (!relative) return NotFound(version);
  const fs::path file = root_ / *relative;
  std::error_code error;
  if (!fs::is_regular_file(file, error)) return NotFound(version);
  return FileResponse(file, path.starts_with("/assets/"), version);
}

HttpResponse StaticFiles::FileResponse(const fs::path& file, bool immutable,
                                       unsigned version) const {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return ErrorResponse(http::status::not_found, "not_found",
                         "The web UI is not built: run `npm run build` in web/, or pass "
                         "--web-root DIR.",
                         version);
  }
  HttpResponse response{http::status::ok, version};
  response.body().assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  response.set(http::field::content_type, ContentTypeOf(file.filename().string()));
  // Hashed asset names change with their content; everything else is revalidated.
  response.set(http::field::cache_control,
               immutable ? "public, max-age=31536000, immutable" : "no-cache");
  AddSecurityHeaders(response);
  response.prepare_payload();
  return response;
}

}  // namespace drux

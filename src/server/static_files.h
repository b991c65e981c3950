// The browser UI's built files from a web root: index.html for the UI's own routes ("/",
// "/q/ID", "/compare/A/B", "/history"), other files by path with their content type, a long
// cache for the content-hashed files under /assets/, and nothing outside the root.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "server/http_types.h"

namespace drux {

class StaticFiles {
 public:
  explicit StaticFiles(std::filesystem::path root);

  // The response to GET path (already without its query).
  HttpResponse Serve(std::string_view path, unsigned version) const;

  const std::filesystem::path& root() const { return root_; }

 private:
  HttpResponse FileResponse(const std::filesystem::path& file, bool immutable,
                            unsigned version) const;

  std::filesystem::path root_;
};

// The content type of a file name by its extension; application/octet-stream when unknown.
std::string_view ContentTypeOf(std::string_view file_name);

}  // namespace drux

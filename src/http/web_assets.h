// The web front end, embedded in the binary at build time (embed_web.cmake), and the
// handler that serves it: exact files, "/" as index.html, and index.html for any other
// page path so client-side routes survive a reload.
//
// Thread-safety: constant data and pure functions.
#ifndef NARWHAL_HTTP_WEB_ASSETS_H_
#define NARWHAL_HTTP_WEB_ASSETS_H_

#include <cstddef>
#include <span>
#include <string_view>

#include "base/status.h"
#include "http/http_types.h"

namespace narwhal {

// One embedded file, as the generator writes it.
struct EmbeddedFileData {
  const char* path;  // "/index.html", "/assets/app-1a2b.js"
  const unsigned char* bytes;
  size_t size;
};

// Every embedded file (always includes "/index.html"), sorted by path. Defined in the
// generated web_assets_data.cc.
std::span<const EmbeddedFileData> EmbeddedWebFileData();

// By file extension; "application/octet-stream" when unknown.
std::string_view ContentTypeForPath(std::string_view path);

// The response for GET `path` (decoded): the file with its content type, cache policy
// (/assets/* are content-hashed: cached for a year; everything else no-cache) and the
// page security headers. kNotFound for paths under /api/ and for missing /assets/* files
// (an asset must never be answered with HTML).
Result<HttpResponse> ServeWebPath(std::string_view path);

}  // namespace narwhal

#endif  // NARWHAL_HTTP_WEB_ASSETS_H_

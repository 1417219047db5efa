#include "http/web_assets.h"

#include <string>

namespace narwhal {
namespace {

const EmbeddedFileData* Find(std::string_view path) {
  for (const EmbeddedFileData& f : EmbeddedWebFileData()) {
    if (path == f.path) return &f;
  }
  return nullptr;
}

void AddSecurityHeaders(HttpResponse& r) {
  r.headers.emplace_back("Content-Security-Policy", "default-src 'self'");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  r.headers.emplace_back("X-Frame-Options", "DENY");
}

}  // namespace

std::string_view ContentTypeForPath(std::string_view path) {
  static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json; charset=utf-8"},
      {".webmanifest", "application/manifest+json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
      {".map", "application/json; charset=utf-8"},
      {".wasm", "application/wasm"},
  };
  for (const auto& [ext, type] : kTypes) {
    if (path.ends_with(ext)) return type;
  }
  return "application/octet-stream";
}

Result<HttpResponse> ServeWebPath(std::string_view path) {
  if (path == "/api" || path.starts_with("/api/")) return NotFound("no resource at this path");
  const EmbeddedFileData* file = Find(path == "/" ? std::string_view("/index.html") : path);
  if (file == nullptr) {
    if (path.starts_with("/assets/")) return NotFound("no such asset");
    file = Find("/index.html");
    if (file == nullptr) return Internal("index.html is not embedded");
  }
  HttpResponse r;
  r.content_type = std::string(ContentTypeForPath(file->path));
  r.body.assign(reinterpret_cast<const char*>(file->bytes), file->size);
  if (std::string_view(file->path).starts_with("/assets/")) {
    r.headers.emplace_back("Cache-Control", "public, max-age=31536000, immutable");
  } else {
    r.headers.emplace_back("Cache-Control", "no-cache");
  }
  AddSecurityHeaders(r);
  return r;
}

}  // namespace narwhal

// Plain request and response values that the router, the handlers and the tests share.
// The Beast transport (server.cc) converts to and from them, so nothing above the
// transport includes Beast or Asio, and handlers can be called without a socket.
//
// Thread-safety: plain values.
#ifndef NARWHAL_HTTP_HTTP_TYPES_H_
#define NARWHAL_HTTP_HTTP_TYPES_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "domain/voter.h"

namespace narwhal {

struct HttpRequest {
  std::string method;   // as sent, "GET"
  std::string target;   // as sent, "/api/v1/voters?q=smith"
  NamedValues headers;  // names lower-cased, in arrival order
  std::string body;
  // The client's IP address as text (the last X-Forwarded-For hop when the server is
  // told to trust a reverse proxy); "" when unknown, as in tests that call the router.
  std::string remote_addr;

  // The first header named `lower_name`, or "" when absent.
  std::string_view Header(std::string_view lower_name) const {
    for (const auto& [name, value] : headers) {
      if (name == lower_name) return value;
    }
    return {};
  }
};

// The rest of a response body that goes on after the headers (Server-Sent Events). The
// server asks for the next piece about once a second, on a handler thread, until the
// stream ends, the client goes away or the server stops; each piece is sent as one chunk.
class BodyStream {
 public:
  virtual ~BodyStream() = default;
  // The next piece: "" when there is nothing new (nothing is sent), nullopt to end the
  // stream. Must not wait long: it runs on the handler pool.
  virtual std::optional<std::string> Next() = 0;
};

struct HttpResponse {
  int status = 200;
  std::string content_type;  // empty only when there is no body
  NamedValues headers;       // extra headers ("Retry-After", "Allow", "Cache-Control", ...)
  std::string body;
  // Set: `body` is the first piece, and the server keeps the response open for more.
  std::shared_ptr<BodyStream> stream;

  std::string_view Header(std::string_view name) const {
    for (const auto& [n, value] : headers) {
      if (n == name) return value;
    }
    return {};
  }
};

inline constexpr std::string_view kJsonContentType = "application/json; charset=utf-8";
inline constexpr std::string_view kProblemContentType = "application/problem+json";

// A 200-style response with a JSON body already serialised.
inline HttpResponse JsonResponse(std::string body, int status = 200) {
  HttpResponse r;
  r.status = status;
  r.content_type = std::string(kJsonContentType);
  r.body = std::move(body);
  return r;
}

// A download: `body` as an attachment named `file_name` (a file-name-safe name).
inline HttpResponse AttachmentResponse(std::string content_type, const std::string& file_name,
                                       std::string body) {
  HttpResponse r;
  r.content_type = std::move(content_type);
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + file_name + "\"");
  r.body = std::move(body);
  return r;
}

}  // namespace narwhal

#endif  // NARWHAL_HTTP_HTTP_TYPES_H_

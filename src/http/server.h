// The HTTP server: Boost.Beast on Asio, serving the JSON API under /api/v1/, the web
// pages, /healthz, /readyz and /metrics.
//
// Threads: `threads` I/O threads read and write connections; handlers run on a separate
// pool of `handler_threads`, because Store calls block (SQLite) and must not stall the
// connections of other clients. The Server owns and joins both. Handlers are thin:
// parse, call a plain function, map its Result to a response. Every route passes through
// one middleware chain (router.h: request id, authentication seam, metrics, errors as
// application/problem+json); transport limits (413, 431, 400, timeouts) are enforced
// here, before routing.
//
// Thread-safety: Shutdown and WaitForSignal may be called from any thread; port() is
// constant after Start.
#ifndef NARWHAL_HTTP_SERVER_H_
#define NARWHAL_HTTP_SERVER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "base/clock.h"
#include "base/status.h"
#include "storage/store.h"

namespace narwhal {

class Authenticator;
class MetricsRegistry;

struct ServerOptions {
  std::string host = "127.0.0.1";            // address to listen on
  uint16_t port = 8080;                      // 0 picks a free port (tests); see Server::port()
  int threads = 2;                           // I/O threads
  int handler_threads = 4;                   // threads running handlers (store calls block)
  size_t max_body_bytes = 1 << 20;           // larger bodies get 413
  size_t max_header_bytes = 16 << 10;        // larger headers get 431
  std::chrono::seconds request_timeout{30};  // a request not read in full by then is dropped
  std::chrono::seconds shutdown_grace{10};   // in-flight requests get this long on shutdown
};

class Server {
 public:
  virtual ~Server() = default;

  // Binds and starts serving, with no authentication configured (every caller is let
  // through, see OpenAccessAuthenticator) and a metrics registry of its own.
  // kUnavailable when the address cannot be bound, kInvalidArgument for bad options.
  // `store` and `clock` must outlive the server.
  static Result<std::unique_ptr<Server>> Start(const ServerOptions& options, Store& store,
                                               const Clock& clock);

  // The same, with the caller's authenticator and metrics registry, which must outlive
  // the server.
  static Result<std::unique_ptr<Server>> Start(const ServerOptions& options, Store& store,
                                               const Clock& clock, Authenticator& authenticator,
                                               MetricsRegistry& metrics);

  // The bound port (useful with port 0).
  virtual uint16_t port() const = 0;

  // Stops accepting, closes idle connections, lets in-flight requests finish (up to
  // shutdown_grace), joins the threads. Safe to call from any thread, more than once.
  virtual void Shutdown() = 0;

  // Blocks until SIGTERM or SIGINT arrives (or Shutdown is called), then calls Shutdown().
  virtual void WaitForSignal() = 0;
};

}  // namespace narwhal

#endif  // NARWHAL_HTTP_SERVER_H_

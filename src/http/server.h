// The HTTP server: Boost.Beast on Asio (HTTP/1.1, optionally over TLS with OpenSSL),
// serving the JSON API under /api/v1/, the web pages, /healthz, /readyz and /metrics.
//
// Threads: `threads` I/O threads read and write connections, each running an io_context
// of its own (connections are dealt out in turn; a connection stays on its thread, so it
// needs no strand). Handlers run on a separate pool of `handler_threads`, because Store
// calls block (SQLite) and must not stall the connections of other clients, except routes
// marked Execution::kInline, which run on the I/O thread (router.h). The Server owns and
// joins both. Handlers are thin:
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

#include "auth/auth_service.h"
#include "base/clock.h"
#include "base/status.h"
#include "http/audit_sink.h"
#include "http/router.h"
#include "storage/store.h"

namespace narwhal {

class Authenticator;
class MetricsRegistry;

struct ServerOptions {
  std::string host = "127.0.0.1";  // address to listen on
  uint16_t port = 8080;            // 0 picks a free port (tests); see Server::port()
  int threads = 2;                 // I/O threads
  // Threads running handlers. Store calls block, a strike until its group commit: the
  // number of strike requests that can share one commit is at most this.
  int handler_threads = 32;
  size_t max_body_bytes = 1 << 20;           // larger bodies get 413
  size_t max_header_bytes = 16 << 10;        // larger headers get 431
  std::chrono::seconds request_timeout{30};  // a request not read in full by then is dropped
  std::chrono::seconds shutdown_grace{10};   // in-flight requests get this long on shutdown
  RateLimits rate_limits;                    // per address, per session, for logins (429)
  // Behind a reverse proxy that terminates TLS: take the client's address from the last
  // X-Forwarded-For entry (the one the proxy added). Never set it without such a proxy,
  // or clients choose their own address for rate limits and the audit log.
  bool trust_forwarded_for = false;
  // Both set: the listener speaks HTTPS only (TLS 1.2 and 1.3), with this PEM certificate
  // chain and PEM private key. Both empty: plain HTTP, for localhost or behind a reverse
  // proxy that terminates TLS (docs/security.md).
  std::string tls_cert_file;
  std::string tls_key_file;
  // ISO date ("2026-11-03") of the election whose strikes and turnout the API serves.
  std::string election;
  // Strike requests handled at once; the next one gets 429 with Retry-After at once.
  int max_inflight_strikes = 256;
  AuthOptions auth;        // used when the server makes its own AuthService
  AuditSinkOptions audit;  // the audit log's queue
};

// What the server borrows instead of making its own. Each must outlive the server.
struct ServerDeps {
  // Null: the server makes an AuthService over the store and clock (options.auth).
  AuthService* auth = nullptr;
  // Null (production): bearer tokens checked by the AuthService. Tests and demos may pass
  // an OpenAccessAuthenticator; nothing else ever does.
  Authenticator* authenticator = nullptr;
  // Null: a registry of the server's own.
  MetricsRegistry* metrics = nullptr;
};

class Server {
 public:
  virtual ~Server() = default;

  // Binds and starts serving. Every route but the public ones (health, metrics, OpenAPI,
  // login, web pages) needs `Authorization: Bearer <token>` unless `deps` says otherwise.
  // Audit events go to the store through a StoreAuditSink the server owns and flushes on
  // Shutdown. kUnavailable when the address cannot be bound, kInvalidArgument for bad
  // options, kInternal when libsodium cannot start. `store` and `clock` must outlive the
  // server.
  static Result<std::unique_ptr<Server>> Start(const ServerOptions& options, Store& store,
                                               const Clock& clock, const ServerDeps& deps = {});

  // The bound port (useful with port 0).
  virtual uint16_t port() const = 0;

  // Stops accepting, closes idle connections, lets in-flight requests finish (up to
  // shutdown_grace), joins the threads, and writes the queued audit events. Safe to call
  // from any thread, more than once.
  virtual void Shutdown() = 0;

  // Blocks until SIGTERM or SIGINT arrives (or Shutdown is called), then calls Shutdown().
  virtual void WaitForSignal() = 0;
};

}  // namespace narwhal

#endif  // NARWHAL_HTTP_SERVER_H_

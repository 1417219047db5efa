// Router: the route table and the one middleware chain every request passes.
//
// For each request, in this order: request id (X-Request-Id echoed when sane, otherwise
// generated), in-flight gauge, the per-address rate limit (429), target parsing
// (Boost.URL; 400 when malformed), route match (404 for unknown paths, 405 with Allow for
// a known path and a wrong method), the login rate limit for login routes, authentication
// and the route's requirement (Authorize; public routes skip authentication, so bad
// credentials do not matter there),
// the per-session rate limit, the handler, the audit events the handler noted (to the
// AuditSink, with the caller, time, request id and address filled in), errors mapped to
// application/problem+json (problem.h), security headers on every response, and the
// request count and latency histogram by route, method and status. Handlers only parse
// their input, call a plain function and build a response; a handler that throws becomes
// a 500, never a crash.
//
// Thread-safety: Handle and Reject may be called concurrently from any thread; the route
// table is constant after construction.
#ifndef NARWHAL_HTTP_ROUTER_H_
#define NARWHAL_HTTP_ROUTER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/clock.h"
#include "base/metrics.h"
#include "base/rate_limiter.h"
#include "base/status.h"
#include "http/audit_sink.h"
#include "http/auth.h"
#include "http/http_types.h"

namespace narwhal {

// Something a handler read or changed, for the audit log. The router adds the time, the
// caller, the request id and the remote address.
struct AuditNote {
  std::string action;   // "voter.read", "voter.search", "session.create", ...
  std::string target;   // the voter id, the user id, ...
  std::string detail;   // JSON object text, or empty
  bool change = false;  // the response waits until the note is committed
  int64_t user_id = 0;  // who acted; 0 = the request's principal
};

// What the router learned about a request, handed to its handler.
struct RequestContext {
  std::string request_id;
  std::string path;         // percent-decoded path
  NamedValues path_params;  // {name} segments of the route pattern, decoded
  NamedValues query;        // query parameters, decoded, in order (repeats kept)
  Principal principal;
  std::string remote_addr;       // the client's address (HttpRequest::remote_addr)
  std::vector<AuditNote> audit;  // appended by the handler, recorded by the router

  std::string_view PathParam(std::string_view name) const;
  // Notes a read of personal data (recorded without waiting for the commit).
  void AuditRead(std::string action, std::string target, std::string detail = "");
  // Notes a change (the response waits until the audit row is committed).
  void AuditChange(std::string action, std::string target, std::string detail = "",
                   int64_t user_id = 0);
  // Notes what needs no wait for the audit commit: a change the store already keeps
  // durably with its author and time (a strike is its own row in the strike log), or a
  // refusal that changed nothing. Written behind; the response does not wait for it.
  void AuditRecorded(std::string action, std::string target, std::string detail = "");
};

using Handler = std::function<Result<HttpResponse>(const HttpRequest&, RequestContext&)>;

// Extra rate limits a route opts into on top of the per-address and per-session ones.
enum class Throttle {
  kNormal,
  kLogin,  // guessing codes: a much tighter per-address bucket
};

// Request rates, per client. Defaults suit a campaign whose volunteers share carrier-grade
// NAT addresses on election day: the per-address limit is generous, the per-session one
// catches a runaway client, the login one makes guessing codes hopeless.
struct RateLimits {
  RateLimit per_address{200, 400};  // every request, by remote address
  RateLimit per_session{20, 60};    // authenticated requests, by session
  RateLimit login{0.5, 10};         // Throttle::kLogin routes, by remote address
};

// Where the server runs a route's handler.
enum class Execution {
  kPool,    // on the handler pool: the handler may block (store calls)
  kInline,  // on the I/O thread that read the request, saving two thread switches: only
            // for handlers that read memory (a cache) and at most rarely the store
};

// A bound on the requests of a route being handled at once. The server checks it when the
// request has been read, before the request waits for a handler thread; past `limit` the
// answer is 429 with Retry-After at once, never a queue that grows.
class Admission {
 public:
  Admission(int limit, std::string what) : limit_(limit), what_(std::move(what)) {}
  // True and counted when below the limit; pair every true with one Leave.
  bool TryEnter() {
    if (in_flight_.fetch_add(1) < limit_) return true;
    in_flight_.fetch_sub(1);
    return false;
  }
  void Leave() { in_flight_.fetch_sub(1); }
  const std::string& what() const { return what_; }  // "strike requests"

 private:
  std::atomic<int> in_flight_{0};
  const int limit_;
  const std::string what_;
};

struct Route {
  std::string method;  // "GET"
  // "/api/v1/voters/{voter_id}": literal segments and {name} segments that match one
  // non-empty segment. A final "{*name}" matches the rest of the path (even nothing).
  std::string pattern;
  std::string name;  // stable id: the metrics "route" label and the OpenAPI operationId
  AuthRequirement auth;
  Handler handler;
  // The route's OpenAPI 3.1 Operation object as JSON text (without operationId, which
  // is `name`). The document at /api/v1/openapi.json is generated from the table, so it
  // cannot leave a route out.
  std::string openapi;
  Throttle throttle = Throttle::kNormal;
  Execution execution = Execution::kPool;
  std::shared_ptr<Admission> admission;  // null: no bound of its own
};

class Router {
 public:
  // Routes are tried in order; the first whose pattern and method match wins, so
  // catch-all patterns go last. `authenticator`, `metrics`, `clock` and `audit` must
  // outlive the router.
  Router(std::vector<Route> routes, Authenticator& authenticator, MetricsRegistry& metrics,
         const Clock& clock, AuditSink& audit, RateLimits limits = {});

  // A request target parsed and matched against the table: done once per request, by the
  // transport (to choose where the handler runs and to apply the route's Admission before
  // queueing) and handed to Handle.
  struct Resolution {
    bool valid_target = false;     // false: not an origin-form path and query (400)
    std::string path;              // percent-decoded
    NamedValues query;             // decoded, in order
    NamedValues path_params;       // of the matched route
    const Route* route = nullptr;  // null: no route for this path and method
    std::string allowed;  // without a route: the methods the path accepts ("GET, POST"), if any
  };
  Resolution Resolve(std::string_view method, std::string_view target) const;

  // Runs the middleware chain and the matched handler. Never throws.
  HttpResponse Handle(const HttpRequest& request, Resolution resolution);
  HttpResponse Handle(const HttpRequest& request) {
    return Handle(request, Resolve(request.method, request.target));
  }

  // The response for a request the transport refused before routing (413, 431, 400 for
  // a malformed message), counted in the metrics like any other under route "transport".
  HttpResponse Reject(const HttpRequest& partial, int http_status, std::string_view code,
                      std::string_view title, std::string_view detail);

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::string RequestId(const HttpRequest& request);
  HttpResponse Dispatch(const HttpRequest& request, Resolution& resolution,
                        RequestContext& context);
  // A 429 when `limiter` has no token left for `key`, else nullopt.
  std::optional<HttpResponse> Throttled(RateLimiter& limiter, const std::string& key,
                                        std::string_view what, const RequestContext& context);
  // Sends the handler's notes to the audit sink. kUnavailable when it refused them.
  Status RecordAudit(const RequestContext& context);
  void Record(std::string_view route, std::string_view method, int status, double seconds);

  // The two series a request is counted in, by (route, method label, status): looked up in
  // the registry once, then found here without building labels. The route names and
  // method labels are views of constant storage.
  struct SeriesKey {
    std::string_view route;
    std::string_view method;
    int status;
    bool operator==(const SeriesKey&) const = default;
  };
  struct SeriesKeyHash {
    size_t operator()(const SeriesKey& k) const noexcept;
  };
  struct RequestSeries {
    Counter* total;
    Histogram* duration;
  };
  std::shared_mutex series_mu_;
  std::unordered_map<SeriesKey, RequestSeries, SeriesKeyHash> series_;  // guarded by series_mu_

  // Constant after construction.
  const std::vector<Route> routes_;
  const std::vector<std::vector<std::string_view>> patterns_;  // routes_[i].pattern, split
  Authenticator& authenticator_;
  MetricsRegistry& metrics_;
  const Clock& clock_;
  AuditSink& audit_;
  Gauge& in_flight_;
  const std::string id_prefix_;
  RateLimiter per_address_;  // thread-safe
  RateLimiter per_session_;  // thread-safe
  RateLimiter login_;  // thread-safe  // random per process, so ids from restarts do not collide

  std::atomic<uint64_t> next_id_{1};
};

}  // namespace narwhal

#endif  // NARWHAL_HTTP_ROUTER_H_

// Router: the route table and the one middleware chain every request passes.
//
// For each request, in this order: request id (X-Request-Id echoed when sane, otherwise
// generated), in-flight gauge, target parsing (Boost.URL; 400 when malformed), route
// match (404 for unknown paths, 405 with Allow for a known path and a wrong method),
// authentication and the route's requirement (Authorize), the handler, errors mapped to
// application/problem+json (problem.h), and the request count and latency histogram by
// route, method and status. Handlers only parse their input, call a plain function and
// build a response; a handler that throws becomes a 500, never a crash.
//
// Thread-safety: Handle and Reject may be called concurrently from any thread; the route
// table is constant after construction.
#ifndef NARWHAL_HTTP_ROUTER_H_
#define NARWHAL_HTTP_ROUTER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/metrics.h"
#include "base/status.h"
#include "http/auth.h"
#include "http/http_types.h"

namespace narwhal {

// What the router learned about a request, handed to its handler.
struct RequestContext {
  std::string request_id;
  std::string path;         // percent-decoded path
  NamedValues path_params;  // {name} segments of the route pattern, decoded
  NamedValues query;        // query parameters, decoded, in order (repeats kept)
  Principal principal;

  std::string_view PathParam(std::string_view name) const;
};

using Handler = std::function<Result<HttpResponse>(const HttpRequest&, const RequestContext&)>;

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
};

class Router {
 public:
  // Routes are tried in order; the first whose pattern and method match wins, so
  // catch-all patterns go last. `authenticator`, `metrics` and `clock` must outlive the
  // router.
  Router(std::vector<Route> routes, Authenticator& authenticator, MetricsRegistry& metrics,
         const Clock& clock);

  // Runs the middleware chain and the matched handler. Never throws.
  HttpResponse Handle(const HttpRequest& request);

  // The response for a request the transport refused before routing (413, 431, 400 for
  // a malformed message), counted in the metrics like any other under route "transport".
  HttpResponse Reject(const HttpRequest& partial, int http_status, std::string_view code,
                      std::string_view title, std::string_view detail);

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::string RequestId(const HttpRequest& request);
  HttpResponse Dispatch(const HttpRequest& request, RequestContext& context,
                        std::string& route_name);
  void Record(std::string_view route, std::string_view method, int status, double seconds);

  // Constant after construction.
  const std::vector<Route> routes_;
  Authenticator& authenticator_;
  MetricsRegistry& metrics_;
  const Clock& clock_;
  Gauge& in_flight_;
  const std::string id_prefix_;  // random per process, so ids from restarts do not collide

  std::atomic<uint64_t> next_id_{1};
};

}  // namespace narwhal

#endif  // NARWHAL_HTTP_ROUTER_H_

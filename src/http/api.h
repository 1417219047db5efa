// The route table of Narwhal's HTTP API and the OpenAPI document generated from it.
//
// Handlers here are thin: they take the decoded parameters from the RequestContext, call
// a plain function (voter_api.h, access_api.h, web_assets.h, Store::Ping), note for the
// audit log what personal data they read or what they changed, and wrap the JSON in a
// response. Errors are returned as Status and mapped by the router (problem.h).
//
// Thread-safety: handlers are called concurrently; they share nothing but the Store and
// the MetricsRegistry, both thread-safe.
#ifndef NARWHAL_HTTP_API_H_
#define NARWHAL_HTTP_API_H_

#include <string>
#include <vector>

#include "auth/auth_service.h"
#include "base/clock.h"
#include "base/metrics.h"
#include "base/status.h"
#include "http/election_api.h"
#include "http/router.h"
#include "storage/store.h"

namespace narwhal {

// What the handlers use; everything must outlive the routes.
struct ApiServices {
  Store& store;
  MetricsRegistry& metrics;
  AuthService& auth;  // logins, logouts, code reissue, revocation
  const Clock& clock;
  ElectionOptions election = {};  // the election being run, strike backpressure
};

// Every route, in match order (the web front end's catch-all last). Each declares who may
// call it (AuthRequirement); the router checks that before the handler runs.
std::vector<Route> ApiRoutes(const ApiServices& services);

// The OpenAPI 3.1 document of `routes`, as JSON text: one operation per route, with the
// route name as operationId. kInternal when a route's openapi fragment is not a JSON
// object (a programmer error caught by the tests).
Result<std::string> OpenApiDocument(const std::vector<Route>& routes);

// Sets the narwhal_store_* gauges from Store::Stats, and narwhal_store_up.
void RefreshStoreGauges(Store& store, MetricsRegistry& metrics);

}  // namespace narwhal

#endif  // NARWHAL_HTTP_API_H_

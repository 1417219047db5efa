// The authentication seam: who is calling (Authenticator), what each route demands
// (AuthRequirement), and the one check between them (Authorize), run by the router for
// every request before any handler. Handlers never check credentials or roles themselves.
//
// Today the server runs with OpenAccessAuthenticator: no credentials are configured, so
// every caller is the anonymous principal and is let through. Bearer tokens and roles plug
// in by implementing Authenticator; no route or handler changes.
//
// Thread-safety: Authenticate is called concurrently from the handler threads;
// implementations must be thread-safe. Authorize is a pure function.
#ifndef NARWHAL_HTTP_AUTH_H_
#define NARWHAL_HTTP_AUTH_H_

#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "http/http_types.h"

namespace narwhal {

struct Principal {
  std::string subject = "anonymous";  // user id, or "anonymous"
  std::vector<std::string> roles;     // "admin", "organizer", "poll_watcher", ...
  bool authenticated = false;         // credentials were presented and verified
  // No authentication is configured (OpenAccessAuthenticator): every route is allowed.
  // Real authenticators never set it.
  bool open_access = false;
};

// What a route demands of its caller.
struct AuthRequirement {
  enum class Level { kPublic, kAuthenticated, kAnyRole };
  Level level = Level::kAuthenticated;
  std::vector<std::string> roles;  // kAnyRole: the caller needs at least one of these

  static AuthRequirement Public() { return {Level::kPublic, {}}; }
  static AuthRequirement Authenticated() { return {Level::kAuthenticated, {}}; }
  static AuthRequirement AnyRole(std::vector<std::string> roles) {
    return {Level::kAnyRole, std::move(roles)};
  }
};

class Authenticator {
 public:
  virtual ~Authenticator() = default;
  // The caller of `request`. kUnauthenticated for credentials that are present but bad;
  // a request without credentials is the anonymous principal (not an error), so public
  // routes stay reachable.
  virtual Result<Principal> Authenticate(const HttpRequest& request) = 0;
};

// Lets everyone through as the anonymous principal with open_access set.
class OpenAccessAuthenticator final : public Authenticator {
 public:
  Result<Principal> Authenticate(const HttpRequest&) override {
    Principal p;
    p.open_access = true;
    return p;
  }
};

// OK when `principal` may call a route demanding `requirement`; kUnauthenticated when the
// route needs a signed-in caller and there is none, kPermissionDenied when the caller
// lacks every listed role.
Status Authorize(const AuthRequirement& requirement, const Principal& principal);

}  // namespace narwhal

#endif  // NARWHAL_HTTP_AUTH_H_

// The authentication seam: who is calling (Authenticator), what each route demands
// (AuthRequirement), and the one check between them (Authorize), run by the router for
// every request before any handler. Handlers never check credentials or roles themselves;
// they only narrow what a permitted caller sees to her scope (access_policy.h).
//
// Production servers use BearerAuthenticator: `Authorization: Bearer nw_...` is checked by
// the AuthService; a request without the header is the anonymous principal, so public
// routes stay reachable. OpenAccessAuthenticator exists for tests and demos only: every
// request acts as one fixed principal. Server::Start never picks it on its own.
//
// Thread-safety: Authenticate is called concurrently from the handler threads;
// implementations must be thread-safe. Authorize is a pure function.
#ifndef NARWHAL_HTTP_AUTH_H_
#define NARWHAL_HTTP_AUTH_H_

#include <string>
#include <utility>

#include "base/status.h"
#include "domain/access.h"
#include "http/http_types.h"

namespace narwhal {

class AuthService;

// What a route demands of its caller.
struct AuthRequirement {
  enum class Level { kPublic, kAuthenticated, kAnyRole };
  Level level = Level::kAuthenticated;
  RoleSet roles;  // kAnyRole: the caller's role must be one of these

  static AuthRequirement Public() { return {Level::kPublic, {}}; }
  // Any signed-in caller, whatever her role.
  static AuthRequirement Authenticated() { return {Level::kAuthenticated, RoleSet::All()}; }
  static AuthRequirement AnyRole(RoleSet roles) { return {Level::kAnyRole, roles}; }

  // True when a signed-in caller with `role` passes (public routes: everyone passes).
  bool Admits(Role role) const { return level != Level::kAnyRole || roles.Contains(role); }
};

class Authenticator {
 public:
  virtual ~Authenticator() = default;
  // The caller of `request`. kUnauthenticated for credentials that are present but bad
  // (unknown, expired or revoked token, a scheme other than Bearer); a request without
  // credentials is the anonymous principal (not an error).
  virtual Result<Principal> Authenticate(const HttpRequest& request) = 0;
};

// Bearer tokens checked by an AuthService, which must outlive it.
class BearerAuthenticator final : public Authenticator {
 public:
  explicit BearerAuthenticator(AuthService& auth) : auth_(auth) {}
  Result<Principal> Authenticate(const HttpRequest& request) override;

 private:
  AuthService& auth_;
};

// For tests and demos only: every request, with or without credentials, acts as
// `principal` (by default an administrator with user id -1 and no scope limits).
class OpenAccessAuthenticator final : public Authenticator {
 public:
  OpenAccessAuthenticator();
  explicit OpenAccessAuthenticator(Principal principal) : principal_(std::move(principal)) {}
  Result<Principal> Authenticate(const HttpRequest&) override { return principal_; }

 private:
  const Principal principal_;
};

// OK when `principal` may call a route demanding `requirement`; kUnauthenticated when the
// route needs a signed-in caller and there is none, kPermissionDenied when the caller's
// role is not among the route's roles.
Status Authorize(const AuthRequirement& requirement, const Principal& principal);

}  // namespace narwhal

#endif  // NARWHAL_HTTP_AUTH_H_

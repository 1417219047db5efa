#include "http/auth.h"

#include "auth/auth_service.h"
#include "base/text.h"

namespace narwhal {

Result<Principal> BearerAuthenticator::Authenticate(const HttpRequest& request) {
  std::string_view header = TrimAscii(request.Header("authorization"));
  if (header.empty()) return Principal{};
  constexpr std::string_view kScheme = "bearer ";
  if (header.size() <= kScheme.size() ||
      !EqualsIgnoreCase(header.substr(0, kScheme.size()), kScheme)) {
    return Status(ErrorCode::kUnauthenticated,
                  "send the session token as 'Authorization: Bearer <token>'");
  }
  return auth_.Authenticate(TrimAscii(header.substr(kScheme.size())));
}

namespace {

Principal OpenAccessAdmin() {
  Principal p;
  p.user_id = -1;
  p.name = "open access";
  p.role = Role::kAdmin;
  return p;
}

}  // namespace

OpenAccessAuthenticator::OpenAccessAuthenticator() : principal_(OpenAccessAdmin()) {}

Status Authorize(const AuthRequirement& requirement, const Principal& principal) {
  if (requirement.level == AuthRequirement::Level::kPublic) return Status::Ok();
  if (principal.anonymous()) {
    return Status(ErrorCode::kUnauthenticated, "this endpoint needs a signed-in caller");
  }
  if (requirement.Admits(principal.role)) return Status::Ok();
  return Status(ErrorCode::kPermissionDenied,
                "the role " + std::string(RoleName(principal.role)) + " may not make this request");
}

}  // namespace narwhal

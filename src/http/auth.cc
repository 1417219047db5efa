#include "http/auth.h"

#include <algorithm>

namespace narwhal {

Status Authorize(const AuthRequirement& requirement, const Principal& principal) {
  using Level = AuthRequirement::Level;
  if (requirement.level == Level::kPublic || principal.open_access) return Status::Ok();
  if (!principal.authenticated) {
    return Status(ErrorCode::kUnauthenticated, "this endpoint needs a signed-in caller");
  }
  if (requirement.level == Level::kAuthenticated) return Status::Ok();
  for (const std::string& role : requirement.roles) {
    if (std::find(principal.roles.begin(), principal.roles.end(), role) != principal.roles.end()) {
      return Status::Ok();
    }
  }
  return Status(ErrorCode::kPermissionDenied, "your role does not allow this request");
}

}  // namespace narwhal

#include "domain/access.h"

#include <algorithm>

namespace narwhal {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAdmin: return "admin";
    case Role::kOrganizer: return "organizer";
    case Role::kAnalyst: return "analyst";
    case Role::kPollWatcher: return "poll_watcher";
    case Role::kCanvasser: return "canvasser";
    case Role::kPhoneBanker: return "phone_banker";
  }
  return "analyst";
}

std::optional<Role> RoleFromName(std::string_view name) {
  for (Role r : kAllRoles) {
    if (RoleName(r) == name) return r;
  }
  return std::nullopt;
}

std::vector<Role> RoleSet::roles() const {
  std::vector<Role> out;
  for (Role r : kAllRoles) {
    if (Contains(r)) out.push_back(r);
  }
  return out;
}

bool SeesPersonalData(Role role) {
  return role != Role::kAnalyst;
}

bool SeesAllVoters(const Principal& principal) {
  return principal.role == Role::kAdmin;
}

bool MaySeePrecinct(const Principal& principal, const PrecinctKey& precinct) {
  const Scope& s = principal.scope;
  switch (principal.role) {
    case Role::kAdmin: return true;
    case Role::kOrganizer:
      return std::find(s.counties.begin(), s.counties.end(), precinct.county) != s.counties.end();
    case Role::kPollWatcher:
      return std::find(s.precincts.begin(), s.precincts.end(), precinct) != s.precincts.end();
    case Role::kAnalyst:
    case Role::kCanvasser:
    case Role::kPhoneBanker: return false;
  }
  return false;
}

}  // namespace narwhal

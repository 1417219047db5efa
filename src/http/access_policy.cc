#include "http/access_policy.h"

#include <algorithm>

#include "http/params.h"

namespace narwhal {
namespace {

bool Contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

}  // namespace

Result<std::optional<Scope>> SearchScope(const Principal& principal, const VoterQuery& query) {
  if (!SeesPersonalData(principal.role)) {
    return PermissionDenied("the role " + std::string(RoleName(principal.role)) +
                            " sees counts only, never voters");
  }
  if (SeesAllVoters(principal)) return std::optional<Scope>();
  Scope filter;
  switch (principal.role) {
    case Role::kOrganizer: filter.counties = principal.scope.counties; break;
    case Role::kPollWatcher: filter.precincts = principal.scope.precincts; break;
    default: break;  // canvassers and phone bankers: turfs and call lists come later
  }
  if (!query.county.empty()) {
    bool reachable = Contains(filter.counties, query.county);
    for (const PrecinctKey& p : filter.precincts) {
      reachable |=
          p.county == query.county && (query.precinct.empty() || p.precinct == query.precinct);
    }
    if (!reachable) {
      std::string where = "county " + query.county;
      if (!query.precinct.empty()) where += " precinct " + query.precinct;
      return PermissionDenied(where + " is outside your assignment");
    }
  }
  return std::optional<Scope>(std::move(filter));
}

Status CheckVoterAccess(const Principal& principal, const Voter& voter) {
  if (MaySeePrecinct(principal, PrecinctKey{voter.county, voter.precinct})) return Status::Ok();
  return PermissionDenied("this voter is outside your assignment");
}

std::vector<std::string> CountiesOf(const Scope& scope) {
  std::vector<std::string> out = scope.counties;
  for (const PrecinctKey& p : scope.precincts) out.push_back(p.county);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Status CheckMayManageUser(const Principal& principal, const User& user) {
  if (principal.role == Role::kAdmin) return Status::Ok();
  if (principal.role != Role::kOrganizer) {
    return PermissionDenied("only admins and organizers manage volunteers");
  }
  const bool volunteer = user.role == Role::kPollWatcher || user.role == Role::kCanvasser ||
                         user.role == Role::kPhoneBanker;
  if (!volunteer) {
    return PermissionDenied("organizers manage volunteers only; ask an admin about user " +
                            std::to_string(user.id));
  }
  const std::vector<std::string> counties = CountiesOf(user.scope);
  if (counties.empty()) {
    return PermissionDenied("user " + std::to_string(user.id) +
                            " has no county assignment; ask an admin");
  }
  for (const std::string& county : counties) {
    if (!Contains(principal.scope.counties, county)) {
      return PermissionDenied("user " + std::to_string(user.id) +
                              " is assigned outside your counties");
    }
  }
  return Status::Ok();
}

Result<std::vector<std::string>> CountiesFor(const Principal& principal,
                                             const std::string& county) {
  if (principal.role == Role::kAdmin || principal.role == Role::kAnalyst) {
    return std::vector<std::string>{county};
  }
  if (principal.role != Role::kOrganizer) {
    return PermissionDenied("the role " + std::string(RoleName(principal.role)) +
                            " has no county view");
  }
  if (county.empty()) return principal.scope.counties;
  if (!Contains(principal.scope.counties, county)) {
    return PermissionDenied("county " + county + " is outside your counties");
  }
  return std::vector<std::string>{county};
}

}  // namespace narwhal

// What a permitted caller may see and touch, as plain functions over the principal.
//
// The router has already checked the route's role requirement (auth.h); these functions
// narrow the answer to the caller's scope. The rules:
//
//   role          voters                                   users she manages
//   admin         all                                      all
//   organizer     those of her counties                    volunteers (poll watchers,
//                                                          canvassers, phone bankers) whose
//                                                          whole scope lies in her counties
//   poll_watcher  those of her precincts                   none
//   canvasser     those on her turfs (turf_api.h, contact   none
//                 recording); her scope's counties are
//                 those of her turfs, set when she is
//                 assigned, so organizers manage her only
//                 when all her turfs are in their counties
//   phone_banker  none yet: call lists arrive with the     none
//                 phone bank
//   analyst       none (counts only)                       none
//
// Asking for a county or precinct outside one's scope is kPermissionDenied rather than an
// empty answer, so a volunteer learns at once that she asked for the wrong place.
//
// Thread-safety: pure functions.
#ifndef NARWHAL_HTTP_ACCESS_POLICY_H_
#define NARWHAL_HTTP_ACCESS_POLICY_H_

#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "domain/access.h"
#include "domain/voter.h"
#include "storage/store.h"

namespace narwhal {

// The scope filter a voter search of `principal` runs with: nullopt (no filter) for
// admins; her counties for organizers; her precincts for poll watchers; an empty scope
// (nobody) for canvassers and phone bankers. kPermissionDenied for roles that never see
// personal data, and when `query` names a county (or county and precinct) the filter
// cannot reach.
Result<std::optional<Scope>> SearchScope(const Principal& principal, const VoterQuery& query);

// OK when `principal` may read `voter` in full (MaySeePrecinct), else kPermissionDenied.
Status CheckVoterAccess(const Principal& principal, const Voter& voter);

// The counties a scope touches: its counties and the counties of its precincts, sorted,
// without repeats.
std::vector<std::string> CountiesOf(const Scope& scope);

// OK when `principal` may reissue codes for `user` and end her sessions, else
// kPermissionDenied naming why.
Status CheckMayManageUser(const Principal& principal, const User& user);

// The county a user listing or readiness view of `principal` is limited to, given the
// `county` she asked for ("" = not given). Admins and analysts: as asked (all when empty).
// Organizers: the asked county when it is hers (else kPermissionDenied); when none was
// asked, all of hers. Returns the counties to query; {""} means every county.
Result<std::vector<std::string>> CountiesFor(const Principal& principal, const std::string& county);

}  // namespace narwhal

#endif  // NARWHAL_HTTP_ACCESS_POLICY_H_

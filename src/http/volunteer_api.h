// The organizer's console over HTTP: adding volunteers one by one or from a sign-up sheet,
// changing their assignments, disabling them, printing their login codes as credential
// sheets (PDF, one section per field office) or CSV, and exporting the ones still to chase.
//
// The rules are those of `narwhal users` (auth/volunteers.h): the same row checks, the
// same refusals with line and reason. On top, scope (access_policy.h): an organizer adds,
// changes and prints codes only for volunteers (poll watchers, canvassers, phone bankers)
// whose whole assignment lies in her counties, before and after a change. Every change is
// audited (user.create, user.update, user.disable, user.enable, login_code.issue).
//
// Codes are drawn when they are shown: the answer to POST /api/v1/users carries the new
// volunteer's first code, and a credential-sheet download draws fresh codes for everyone
// on it (replacing any earlier code of theirs). A code is never stored, so it is never
// shown twice. A sheet uploaded from the web creates its volunteers without codes; their
// sheet is printed next.
//
// Thread-safety: stateless handlers; safe as far as the Store and AuthService are.
#ifndef NARWHAL_HTTP_VOLUNTEER_API_H_
#define NARWHAL_HTTP_VOLUNTEER_API_H_

#include <string>
#include <vector>

#include "auth/auth_service.h"
#include "base/clock.h"
#include "http/router.h"
#include "storage/store.h"

namespace narwhal {

// A sign-up sheet from the web: at most this many bytes (the server's body limit) and
// rows; larger sheets with `narwhal users import`.
inline constexpr size_t kMaxVolunteerSheetBytes = 1 << 20;
// Volunteers on one credential-sheet download.
inline constexpr size_t kMaxCredentialUsers = 5000;

// POST /api/v1/users, POST /api/v1/users/import, PATCH /api/v1/users/{user_id},
// POST /api/v1/users/credentials, GET /api/v1/users/export.
void AddVolunteerRoutes(std::vector<Route>& routes, Store& store, AuthService& auth,
                        const Clock& clock);

}  // namespace narwhal

#endif  // NARWHAL_HTTP_VOLUNTEER_API_H_

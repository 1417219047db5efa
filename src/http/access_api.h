// The session, user, readiness and audit endpoints as plain functions: validated
// parameters in, JSON out, tested without a server (tests/http/access_api_test.cc). The
// route handlers in api.cc call them and note what they touched for the audit log.
//
// Errors: kInvalidArgument whose message starts with the offending parameter name,
// kPermissionDenied for a county or user outside the caller's scope (access_policy.h),
// and whatever the store or the AuthService returns.
// Thread-safety: stateless; safe from any thread as far as the Store is.
#ifndef NARWHAL_HTTP_ACCESS_API_H_
#define NARWHAL_HTTP_ACCESS_API_H_

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <span>
#include <string_view>

#include "auth/auth_service.h"
#include "base/clock.h"
#include "base/status.h"
#include "domain/access.h"
#include "http/json_body.h"
#include "storage/store.h"

namespace narwhal {

inline constexpr int kDefaultPageLimit = 100;
inline constexpr int kMaxPageLimit = 1000;

// POST /api/v1/sessions: {"code": "K7QM-9XMR-T2PW"}.
inline constexpr JsonField kLoginFields[] = {{"code", JsonKind::kString, true, 64}};

// {"counties": [...], "precincts": [{"county", "precinct"}], "turfs": [...]}
boost::json::object ScopeJson(const Scope& scope);
// {"id", "name", "role", "scope"}: the caller as GET /api/v1/me shows her.
boost::json::object PrincipalJson(const Principal& principal);
// Every field of a user but secrets (there are none on User).
boost::json::object UserJson(const User& user);
// {"token", "expires_at", "user": PrincipalJson}
boost::json::object SessionJson(const LoginResult& login);

// How long (whole seconds, at least 1) the login code typed as `typed_code` stays locked;
// for Retry-After after Login answered kResourceExhausted. Falls back to 60 when the code
// cannot be read.
int LockedSeconds(Store& store, const Clock& clock, std::string_view typed_code);
// The public selector of a typed code (for the audit log; never the secret), or "".
std::string CodeSelector(std::string_view typed_code);

// A user id from a path segment: a positive whole number.
Result<int64_t> ParseUserId(std::string_view text);

// GET /api/v1/users?county=&precinct=&role=&field_office=&limit=&cursor= for `principal`:
// organizers see the users of one of their counties (the only one when they have one).
Result<UserFilter> ParseUserFilter(const NamedValues& query, const Principal& principal);
// {"users": [UserJson...], "next_cursor": "..." | null}
boost::json::value UserPageJson(const UserPage& page);

// GET /api/v1/readiness?county=: per precinct {county, precinct, precinct_name, assigned,
// logged_in, not_logged_in_count} and, unless the caller is an analyst,
// "not_logged_in": [{id, name, phone, field_office}].
Result<boost::json::value> ReadinessJson(Store& store, const Principal& principal,
                                         const NamedValues& query);

// GET /api/v1/audit?user_id=&action=&target=&since=&until=&limit=&cursor=
Result<AuditQuery> ParseAuditQuery(const NamedValues& query);
// {"events": [{id, at, user_id, action, target, detail, request_id, remote_addr}],
//  "next_cursor"}; detail is the stored JSON object (or null).
boost::json::value AuditPageJson(const AuditPage& page);

}  // namespace narwhal

#endif  // NARWHAL_HTTP_ACCESS_API_H_

// Kept turfs over HTTP: a canvasser loads her turf by its list number (its doors in walk
// order, the voters behind each, the latest result on each), organizers list theirs with
// their progress. Thin handlers over plain functions tested against a Store without a
// server (tests/http/turf_api_test.cc).
//
// Who may read a turf: admins any; organizers those of their counties; canvassers those
// assigned to them (their scope's turfs, by list number). Every read of a turf is audited
// (turf.read, or turf.read_denied), as it carries names, and so is every read of its
// activity (turf.activity, turf.activity_denied), which names canvassers and addresses.
//
// Thread-safety: stateless; safe from any thread as far as the Store and Clock are.
#ifndef NARWHAL_HTTP_TURF_API_H_
#define NARWHAL_HTTP_TURF_API_H_

#include <boost/json/object.hpp>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "domain/access.h"
#include "http/router.h"
#include "storage/store.h"
#include "storage/turf_store.h"

namespace narwhal {

// {list_number, cut_id, number, of, county, precinct, universe_id, doors, voters,
// route_metres, minutes, drive, created_at, doors_contacted, voters_contacted}.
boost::json::object TurfSummaryJson(const TurfSummary& turf);

// OK when `principal` may read `turf`, else kPermissionDenied.
Status CheckTurfAccess(const Principal& principal, const TurfSummary& turf);

// The turf typed as `list_number` (ParseListNumber: 400 when mistyped), when `principal`
// may read it. kNotFound for no such turf; kPermissionDenied for one not hers.
Result<TurfSheet> GetTurfFor(Store& store, std::string_view list_number,
                             const Principal& principal);

// The sheet as the canvassing page takes it: the summary, then "stops" in walk order, each
// {stop, address, lat?, lon?, voters: [{voter_id, name, age?, gender, party, removed,
// last: {result, support?, at, user_id} | null}]}. Ages are counted in `year`.
boost::json::object TurfSheetJson(const TurfSheet& sheet, int year);

// The organizer's view of a turf: its summary, "canvassers", each {user_id, name,
// contacts, doors, voters, voters_reached, contact_rate, minutes_between_doors, first_at,
// last_at} (SummarizeCanvassers), and "stops" for the map, in walk order and without
// names: {stop, address, lat?, lon?, reached}. Errors as GetTurfFor.
Result<boost::json::object> TurfActivityJson(Store& store, std::string_view list_number,
                                             const Principal& principal);

// Appends GET /api/v1/turfs, GET /api/v1/turfs/{list_number} and its /activity. `store` and `clock`
// must outlive the routes.
void AddTurfRoutes(std::vector<Route>& routes, Store& store, const Clock& clock);

}  // namespace narwhal

#endif  // NARWHAL_HTTP_TURF_API_H_

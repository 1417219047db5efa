// Universes over HTTP: count criteria as an organizer builds them, save them by name, make
// voter lists from them and read those lists (which drop, when read, whoever since voted,
// moved or was removed). Thin handlers over plain functions that are tested against a
// Store without a server (tests/http/universe_api_test.cc).
//
// Who may do what:
//   admin       everything, every county
//   organizer   counts, saves and lists within her counties: criteria without a place are
//               limited to her counties; a place outside them is kPermissionDenied; she
//               replaces and makes lists only of universes that lie within her counties,
//               and a list's page shows her only its voters inside them
//   analyst     elections, counts (aggregates) and the saved universes; never a list
//
// Thread-safety: stateless; safe from any thread as far as the Store and Clock are.
#ifndef NARWHAL_HTTP_UNIVERSE_API_H_
#define NARWHAL_HTTP_UNIVERSE_API_H_

#include <boost/json/object.hpp>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "domain/access.h"
#include "domain/universe.h"
#include "http/router.h"
#include "storage/store.h"
#include "storage/universe_store.h"

namespace narwhal {

// The criteria `principal` may evaluate: admins and analysts as given; organizers with
// the place limited to their counties (kPermissionDenied naming a county or precinct
// outside them).
Result<UniverseCriteria> CriteriaInScope(const Principal& principal, UniverseCriteria criteria);

// OK when the saved `universe` lies within the principal's counties (admins: always),
// else kPermissionDenied.
Status CheckUniverseInScope(const Principal& principal, const Universe& universe);

// The criteria of a request body member ("criteria"): parsed strictly, ages counted at
// the current year of `clock`.
Result<UniverseCriteria> CriteriaFromBody(std::string_view criteria_json, const Clock& clock);

boost::json::object UniverseCountJson(const UniverseCount& count);
boost::json::object UniverseJson(const Universe& universe);
boost::json::object VoterListJson(const VoterList& list);
// {"list", "voters": [VoterSummaryJson], "dropped": {"voted","moved","removed"},
//  "next_cursor"}
boost::json::object ListVotersPageJson(const ListVotersPage& page);

// Appends the universe and list routes (GET /api/v1/elections, /api/v1/universes...,
// /api/v1/lists/{id}/voters). `store` and `clock` must outlive the routes. Routes answer
// 503 when the store keeps no universes.
void AddUniverseRoutes(std::vector<Route>& routes, Store& store, const Clock& clock);

}  // namespace narwhal

#endif  // NARWHAL_HTTP_UNIVERSE_API_H_

// Saved turfs' statements, one text for both backends (parameters numbered in the order
// they appear), and the one way rows become TurfSummary and TurfVoter values. Internal to
// the storage module.
#ifndef NARWHAL_STORAGE_TURF_SQL_H_
#define NARWHAL_STORAGE_TURF_SQL_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "storage/turf_store.h"

namespace narwhal::turf_sql {

// $1 county, $2 precinct, $3 universe_id, $4 options, $5 turfs, $6 created_by, $7 at;
// answers the cut's id.
inline constexpr std::string_view kInsertCut =
    "INSERT INTO turf_cuts(county, precinct, universe_id, options, turfs, created_by, "
    "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";

// $1 id, $2 list_number, $3 cut_id, $4 number, $5 doors, $6 voters, $7 route_metres (text),
// $8 minutes (text), $9 drive (0 or 1).
inline constexpr std::string_view kInsertTurf =
    "INSERT INTO turfs(id, list_number, cut_id, number, doors, voters, route_metres, minutes, "
    "drive) VALUES ($1, $2, $3, $4, $5, $6, CAST($7 AS DOUBLE PRECISION), "
    "CAST($8 AS DOUBLE PRECISION), $9)";

// The columns of a TurfSummary (SummaryRow reads them), from turfs t joined to its cut c;
// the progress counts only the turf's own voters, and only results (not answers added to a
// visit). The statement goes on with WHERE.
// ("k.turf <> ''" here and below lets SQLite use the partial index contacts_turf.)
inline constexpr std::string_view kSummaryColumns =
    "SELECT t.id, t.list_number, t.cut_id, t.number, c.turfs, c.county, c.precinct, "
    "c.universe_id, t.doors, t.voters, t.route_metres, t.minutes, t.drive, c.created_at, "
    "(SELECT count(*) FROM turf_voters v WHERE v.turf_id = t.id AND EXISTS (SELECT 1 FROM "
    "contacts k WHERE k.turf <> '' AND k.turf = t.list_number AND k.voter_id = v.voter_id AND "
    "k.result <> '')), "
    "(SELECT count(DISTINCT v.stop) FROM turf_voters v WHERE v.turf_id = t.id AND EXISTS "
    "(SELECT 1 FROM contacts k WHERE k.turf <> '' AND k.turf = t.list_number AND "
    "k.voter_id = v.voter_id AND k.result <> '')) FROM turfs t JOIN turf_cuts c ON c.id = "
    "t.cut_id ";

// The stops of turf $1 in walk order: stop, door_key, address, lat, lon (NULL when none).
inline constexpr std::string_view kStops =
    "SELECT stop, door_key, address, lat, lon FROM turf_stops WHERE turf_id = $1 ORDER BY stop";

// The voters of the turf with list number $1 and id $2, by stop and position: voter_id, stop,
// last, first, middle, suffix, birth year, gender, party (from the voter file; '' when it no
// longer has her), removed_at ('' when not removed), the latest result recorded on the turf:
// result, support (the latest given there, 0 none), at, user_id, id (NULL when none).
inline constexpr std::string_view kVoters =
    "SELECT v.voter_id, v.stop, coalesce(p.last_name, ''), coalesce(p.first_name, ''), "
    "coalesce(p.middle_name, ''), coalesce(p.name_suffix, ''), coalesce(p.birth_year, 0), "
    "coalesce(p.gender, ''), coalesce(p.party, ''), coalesce(p.removed_at, ''), k.result, "
    "coalesce((SELECT y.support FROM contacts y WHERE y.turf <> '' AND y.turf = $1 AND "
    "y.voter_id = v.voter_id AND y.support > 0 ORDER BY y.id DESC LIMIT 1), 0), "
    "k.at, k.user_id, k.id "
    "FROM turf_voters v LEFT JOIN voters p ON p.voter_id = v.voter_id "
    "LEFT JOIN contacts k ON k.id = (SELECT max(x.id) FROM contacts x WHERE x.turf <> '' AND "
    "x.turf = $1 AND x.voter_id = v.voter_id AND x.result <> '') WHERE v.turf_id = $2 "
    "ORDER BY v.stop, v.position";

// The WHERE of ListTurfs: $1 county ('' all), $2 precinct ('' all), $3 limit; newest cut
// first, then by number.
inline constexpr std::string_view kListWhere =
    "WHERE ($1 = '' OR c.county = $1) AND ($2 = '' OR c.precinct = $2) "
    "ORDER BY t.cut_id DESC, t.number LIMIT $3";

// The results on the turf with list number $1, in the order recorded (reports that only
// add answers to a visit left out): user_id, voter_id, stop (0 when she is not on it),
// result, category, at, client_at.
inline constexpr std::string_view kTurfContacts =
    "SELECT k.user_id, k.voter_id, coalesce(v.stop, 0), k.result, k.category, k.at, k.client_at "
    "FROM contacts k JOIN turfs t ON t.list_number = k.turf "
    "LEFT JOIN turf_voters v ON v.turf_id = t.id AND v.voter_id = k.voter_id "
    "WHERE k.turf <> '' AND k.turf = $1 AND k.result <> '' ORDER BY k.id";

// 1 when voter $2 is on the turf with list number $1.
inline constexpr std::string_view kOnTurf =
    "SELECT 1 FROM turfs t JOIN turf_voters v ON v.turf_id = t.id "
    "WHERE t.list_number = $1 AND v.voter_id = $2";

// kInvalidArgument for a limit outside 1..5000, or a precinct without its county.
Status ValidateQuery(const TurfQuery& query);

// The text of a double for kInsertTurf, exact enough to read back equal.
std::string DoubleText(double value);

// The options text of a cut, and the check of one before it is written: kInvalidArgument for
// no turfs, a turf without stops, a stop without voters or a voter on two stops of a turf.
Status ValidateCut(const NewTurfCut& cut);

}  // namespace narwhal::turf_sql

#endif  // NARWHAL_STORAGE_TURF_SQL_H_

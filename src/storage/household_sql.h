// The household summary's queries, one text for both backends (SQLite reads $1 as
// PostgreSQL does). $1 is the county ('' for all), $2 the sample limit. Internal to the
// storage module.
#ifndef NARWHAL_STORAGE_HOUSEHOLD_SQL_H_
#define NARWHAL_STORAGE_HOUSEHOLD_SQL_H_

#include <string>
#include <string_view>

namespace narwhal::household_sql {

// Residences of voters not removed, in the county asked for.
inline constexpr std::string_view kLive =
    "WITH live AS (SELECT r.voter_id, r.door_key, r.building_key, r.problem, r.street_line "
    "FROM residences r JOIN voters v ON v.voter_id = r.voter_id "
    "WHERE v.removed_at IS NULL AND ($1 = '' OR v.county = $1)) ";

// Buildings with live voters, each with its site when one matches.
inline constexpr std::string_view kMatched =
    ", b AS (SELECT building_key, count(*) AS voters, count(DISTINCT door_key) AS doors "
    "FROM live WHERE door_key <> '' GROUP BY building_key), "
    "m AS (SELECT b.voters, b.doors, bu.match_key, bu.city, bu.zip, s.ambiguous, "
    "CASE WHEN s.match_key IS NULL THEN 1 ELSE 0 END AS unmatched "
    "FROM b JOIN buildings bu ON bu.building_key = b.building_key "
    "LEFT JOIN address_sites s ON s.match_key = bu.match_key "
    "AND (s.postcode = '' OR bu.zip = '' OR s.postcode = bu.zip)) ";

// count, placed
inline std::string Counts() {
  return std::string(kLive) +
         "SELECT count(*), coalesce(sum(CASE WHEN door_key <> '' THEN 1 ELSE 0 END), 0) "
         "FROM live WHERE $2 >= 0";
}
// reason, voters
inline std::string UnplacedByReason() {
  return std::string(kLive) +
         "SELECT problem, count(*) FROM live WHERE door_key = '' AND $2 >= 0 "
         "GROUP BY problem ORDER BY 2 DESC, 1";
}
// voter_id, street_line, problem
inline std::string Problems() {
  return std::string(kLive) +
         "SELECT voter_id, street_line, problem FROM live WHERE door_key = '' "
         "ORDER BY voter_id LIMIT $2";
}
// buildings, doors, multi-door, matched, ambiguous, unmatched, voters with coordinates
inline std::string BuildingCounts() {
  return std::string(kLive) + std::string(kMatched) +
         "SELECT count(*), coalesce(sum(doors), 0), "
         "coalesce(sum(CASE WHEN doors > 1 THEN 1 ELSE 0 END), 0), "
         "coalesce(sum(CASE WHEN unmatched = 0 AND ambiguous = 0 THEN 1 ELSE 0 END), 0), "
         "coalesce(sum(CASE WHEN ambiguous = 1 THEN 1 ELSE 0 END), 0), "
         "coalesce(sum(unmatched), 0), "
         "coalesce(sum(CASE WHEN unmatched = 0 AND ambiguous = 0 THEN voters ELSE 0 END), 0) "
         "FROM m WHERE $2 >= 0";
}
// match_key, city, zip, voters of unmatched (or ambiguous) buildings
inline std::string BuildingSample(bool ambiguous) {
  return std::string(kLive) + std::string(kMatched) +
         "SELECT match_key, city, zip, voters FROM m WHERE " +
         (ambiguous ? "ambiguous = 1" : "unmatched = 1") +
         " ORDER BY voters DESC, match_key, zip, city LIMIT $2";
}

}  // namespace narwhal::household_sql

#endif  // NARWHAL_STORAGE_HOUSEHOLD_SQL_H_

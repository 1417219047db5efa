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

// The doors of a precinct ($1 county, $2 precinct or '' for all): door_key, building_key,
// town, street_key, house_number, house_suffix, unit, voters, has_site, lat, lon.
inline constexpr std::string_view kDoors =
    "SELECT r.door_key, r.building_key, CASE WHEN bu.zip = '' THEN bu.city ELSE bu.zip END, "
    "bu.street_key, bu.house_number, bu.house_suffix, d.unit, count(*), "
    "CASE WHEN s.match_key IS NULL THEN 0 ELSE 1 END, coalesce(s.lat, 0), coalesce(s.lon, 0) "
    "FROM residences r JOIN voters v ON v.voter_id = r.voter_id "
    "JOIN doors d ON d.door_key = r.door_key "
    "JOIN buildings bu ON bu.building_key = r.building_key "
    "LEFT JOIN address_sites s ON s.match_key = bu.match_key AND s.ambiguous = 0 "
    "AND (s.postcode = '' OR bu.zip = '' OR s.postcode = bu.zip) "
    "WHERE v.removed_at IS NULL AND v.county = $1 AND ($2 = '' OR v.precinct = $2) "
    "AND r.door_key <> '' "
    "GROUP BY r.door_key, r.building_key, bu.zip, bu.city, bu.street_key, bu.house_number, "
    "bu.house_suffix, d.unit, s.match_key, s.lat, s.lon "
    "ORDER BY r.door_key";
// door_key, voter_id, last_name, first_name, middle_name, name_suffix, birth_year, gender,
// party of the query's voters at a door
inline constexpr std::string_view kResidents =
    "SELECT r.door_key, v.voter_id, v.last_name, v.first_name, v.middle_name, v.name_suffix, "
    "v.birth_year, v.gender, v.party "
    "FROM residences r JOIN voters v ON v.voter_id = r.voter_id "
    "WHERE v.removed_at IS NULL AND v.county = $1 AND ($2 = '' OR v.precinct = $2) "
    "AND r.door_key <> '' ORDER BY r.door_key, v.last_name, v.first_name, v.voter_id";
// voter_id, street_line, problem of the query's voters without a door
inline constexpr std::string_view kUnplacedVoters =
    "SELECT r.voter_id, r.street_line, r.problem "
    "FROM residences r JOIN voters v ON v.voter_id = r.voter_id "
    "WHERE v.removed_at IS NULL AND v.county = $1 AND ($2 = '' OR v.precinct = $2) "
    "AND r.door_key = '' ORDER BY r.voter_id";

}  // namespace narwhal::household_sql

#endif  // NARWHAL_STORAGE_HOUSEHOLD_SQL_H_

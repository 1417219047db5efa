// The statements that evaluate a universe, one text for both backends (SQLite reads $N
// as PostgreSQL does). Internal to the storage module.
//
// A universe's voters are `FROM voters v ... WHERE ...` built from its criteria; the
// district criterion is not in the SQL (districts are stored encoded, per backend) and is
// applied to the rows by MatchesDistricts.
#ifndef NARWHAL_STORAGE_UNIVERSE_SQL_H_
#define NARWHAL_STORAGE_UNIVERSE_SQL_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "base/status.h"
#include "domain/universe.h"
#include "storage/universe_store.h"

namespace narwhal::universe_sql {

using Param = std::variant<std::string, int64_t>;

struct Query {
  std::string sql;
  std::vector<Param> params;  // $1, $2, ... in order
};

// What differs between the backends' schemas.
struct Dialect {
  std::string_view scores_table;  // support and turnout per voter
};

// The elections (newest first) a universe's history rule counts, from the elections
// table; empty without a rule.
inline constexpr std::string_view kElections =
    "SELECT election_date, description, voters FROM elections ORDER BY election_date DESC";

// Rebuilds the elections table from the vote history.
inline constexpr std::string_view kRefreshElectionsDelete = "DELETE FROM elections";
inline constexpr std::string_view kRefreshElectionsInsert =
    "INSERT INTO elections(election_date, description, voters) "
    "SELECT election_date, min(election_desc), count(*) FROM vote_history "
    "GROUP BY election_date";

// party, voters: the universe counted by party, when it has no district criterion.
Query CountByParty(const UniverseCriteria& criteria, const std::vector<std::string>& elections,
                   const Dialect& dialect);

// party, districts (encoded): one row per voter, for criteria with districts.
Query PartyAndDistricts(const UniverseCriteria& criteria, const std::vector<std::string>& elections,
                        const Dialect& dialect);

// voter_id, county, precinct, res_street, res_zip, districts (encoded): the universe's
// voters in list order (county, precinct, voter id).
Query Members(const UniverseCriteria& criteria, const std::vector<std::string>& elections,
              const Dialect& dialect);

// The elections the history rule of `criteria` counts (none without a rule), from the
// store's `elections`. kInvalidArgument as ElectionsFor.
Result<std::vector<std::string>> HistoryElections(const UniverseCriteria& criteria,
                                                  const std::vector<ElectionInfo>& elections);

// The position after which a page of `query` starts ("" is the start). kInvalidArgument
// for a bad cursor or limit.
Result<int64_t> PageStart(const ListVotersQuery& query);

// Adds one row of kListPage to `page`: the voter when `reason` is empty, else the count of
// that reason; the cursor follows `position`.
void AddPageRow(ListVotersPage& page, VoterSummary voter, int64_t position,
                std::string_view reason);

// The elections table read by kElections, one row.
ElectionInfo ElectionRow(std::string date, std::string description, int64_t voters);

// Party counts, most voters first, then by party code.
std::vector<std::pair<std::string, int64_t>> MostFirst(
    const std::map<std::string, int64_t>& counts);

// One page of a list: kVoterSummary columns (13), then position and the reason the member
// dropped ('' when she is still a target: 'removed', 'moved' or 'voted'). $1 list id,
// $2 the election ('' for none), $3 the position after which the page starts, $4 rows.
inline constexpr std::string_view kListPage =
    "SELECT v.voter_id, v.last_name, v.first_name, v.middle_name, v.name_suffix, v.county, "
    "v.precinct, v.registration_number, v.res_street, v.res_city, v.birth_year, v.party, "
    "v.status, m.position, "
    "CASE WHEN v.removed_at IS NOT NULL THEN 'removed' "
    "WHEN v.county <> m.county OR v.precinct <> m.precinct OR v.res_street <> m.street "
    "OR v.res_zip <> m.zip THEN 'moved' "
    "WHEN EXISTS (SELECT 1 FROM struck k WHERE k.election = $2 AND k.voter_id = v.voter_id) "
    "THEN 'voted' ELSE '' END "
    "FROM list_members m JOIN voters v ON v.voter_id = m.voter_id "
    "WHERE m.list_id = $1 AND m.position > $3 ORDER BY m.position LIMIT $4";

// The columns of a list: id, universe_id, universe name, election, voters, created_by,
// created_at. Append a WHERE.
inline constexpr std::string_view kListColumns =
    "SELECT l.id, l.universe_id, u.name, l.election, l.voters, l.created_by, l.created_at "
    "FROM voter_lists l JOIN universes u ON u.id = l.universe_id ";

// The columns of a universe: id, name, description, criteria (JSON), created_by,
// created_at, updated_at. Append a WHERE or ORDER BY.
inline constexpr std::string_view kUniverseColumns =
    "SELECT id, name, description, criteria, created_by, created_at, updated_at FROM universes ";

}  // namespace narwhal::universe_sql

#endif  // NARWHAL_STORAGE_UNIVERSE_SQL_H_

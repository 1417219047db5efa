// The statements that evaluate a universe, one text for both backends (SQLite reads $N
// as PostgreSQL does). Internal to the storage module.
//
// A universe's voters are `FROM voters v ... WHERE ...` built from its criteria; the
// district criterion is not in the SQL (districts are stored encoded, per backend) and is
// applied to the rows by MatchesDistricts.
#ifndef NARWHAL_STORAGE_UNIVERSE_SQL_H_
#define NARWHAL_STORAGE_UNIVERSE_SQL_H_

#include <chrono>
#include <cstdint>
#include <functional>
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

// What differs between the backends.
struct Dialect {
  std::string_view scores_table;  // support and turnout per voter
  // Whether the statements apply the vote-history rule (PostgreSQL: one hash join), or
  // leave it to the backend, which counts the history of those elections in one ordered
  // pass (HistoryCounts) and applies HistoryBounds to the rows (SQLite, whose joins would
  // probe the history once per voter: seconds over a million voters).
  bool history_in_sql = true;
};

// The counts a history rule allows, for `elections` counted: [min, max]; min as asked (above
// the elections there are, nobody), max at most the elections there are.
struct HistoryBounds {
  int min = 0;
  int max = 0;
  bool Allows(int n) const { return n >= min && n <= max; }
};
HistoryBounds BoundsOf(const VoteHistoryRule& rule, size_t elections);

// True when the criteria's history rule narrows the universe and the backend applies it
// (Dialect::history_in_sql false, some elections to count).
bool HistoryLeftToBackend(const UniverseCriteria& criteria, size_t elections,
                          const Dialect& dialect);

// voter_id of every vote-history row of `elections`, ordered by voter id: the input of
// HistoryCounts.
Query HistoryRows(const std::vector<std::string>& elections);

// How many of the counted elections each voter voted in, from HistoryRows read in order.
// Looked up once per voter row, so built for that: an open-addressing table of 16-byte
// slots (hash, the id's place in one arena, count), at most half full. A binary search
// over the sorted ids was a third of a count's time; node-based hash maps no better.
// Memory: about 40 bytes per voter who voted in any of the elections.
class HistoryCounts {
 public:
  // `voter_id` of the next row; rows come ordered by voter id.
  void Add(std::string_view voter_id);
  // 0 for a voter with no row.
  int Of(std::string_view voter_id) const;

 private:
  struct Slot {
    uint64_t hash = 0;
    uint32_t offset = 0;  // of the id in arena_
    uint16_t length = 0;  // 0: empty
    uint8_t count = 0;    // at most 32 elections are counted
  };
  size_t Find(uint64_t hash, std::string_view voter_id) const;  // its slot, or an empty one
  void Grow();

  std::string arena_;
  std::vector<Slot> slots_;  // a power of two
  size_t used_ = 0;
  size_t last_ = SIZE_MAX;  // the slot of the last row's voter
};

// The elections (newest first) a universe's history rule counts, from the elections
// table; empty without a rule.
inline constexpr std::string_view kElections =
    "SELECT election_date, description, voters FROM elections ORDER BY election_date DESC";

// Rebuilds the elections table from the vote history. A date's description is its least
// in byte order (`collate_c`: PostgreSQL's spelling of that order), so both backends read
// the same kind from the same history.
inline constexpr std::string_view kRefreshElectionsDelete = "DELETE FROM elections";
inline std::string RefreshElectionsInsert(std::string_view collate_c) {
  return "INSERT INTO elections(election_date, description, voters) "
         "SELECT election_date, min(election_desc" +
         std::string(collate_c) + "), count(*) FROM vote_history GROUP BY election_date";
}

// party, voters: the universe counted by party, when it has no district criterion.
Query CountByParty(const UniverseCriteria& criteria, const std::vector<std::string>& elections,
                   const Dialect& dialect);

// voter_id, party, districts (encoded): one row per voter, for criteria whose districts or
// history the backend applies.
Query VoterParties(const UniverseCriteria& criteria, const std::vector<std::string>& elections,
                   const Dialect& dialect);

// voter_id, county, precinct, res_street, res_zip, districts (encoded): the universe's
// voters in list order (county, precinct, voter id).
Query Members(const UniverseCriteria& criteria, const std::vector<std::string>& elections,
              const Dialect& dialect);

// The elections the history rule of `criteria` counts (none without a rule), from the
// store's `elections`. kInvalidArgument as ElectionsFor.
Result<std::vector<std::string>> HistoryElections(const UniverseCriteria& criteria,
                                                  const std::vector<ElectionInfo>& elections);

// The election a new list drops struck voters of: the one asked for, else the universe's
// election_day election unless the universe is of those who voted.
// kInvalidArgument for a malformed date.
Result<std::string> ListElection(const NewVoterList& list, const Universe& universe);

// `earlier`, the list an idempotency key already names, as the answer to making `list`
// again; kInvalidArgument when the key was used for a list of another universe.
Result<VoterList> SameList(const VoterList& earlier, const NewVoterList& list);

// Lists left incomplete (a crash while one was made) and older than this are removed when
// the next list is made.
inline constexpr std::chrono::hours kAbandonedListAge{1};

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
// dropped ('' when she is still a target: 'removed', 'moved', 'voted', or 'suppressed': a
// contact with a suppressing result reached her, or, for a household or address one, the
// door she lives at now was the contacted voter's door then). $1 list id,
// $2 the election ('' for none), $3 the position after which the page starts, $4 rows.
inline constexpr std::string_view kListPage =
    "SELECT v.voter_id, v.last_name, v.first_name, v.middle_name, v.name_suffix, v.county, "
    "v.precinct, v.registration_number, v.res_street, v.res_city, v.birth_year, v.party, "
    "v.status, m.position, "
    "CASE WHEN v.removed_at IS NOT NULL THEN 'removed' "
    "WHEN v.county <> m.county OR v.precinct <> m.precinct OR v.res_street <> m.street "
    "OR v.res_zip <> m.zip THEN 'moved' "
    "WHEN EXISTS (SELECT 1 FROM struck k WHERE k.election = $2 AND k.voter_id = v.voter_id) "
    "THEN 'voted' "
    "WHEN EXISTS (SELECT 1 FROM contacts c WHERE c.voter_id = v.voter_id "
    "AND c.category = 'suppress' AND c.scope = 'person') THEN 'suppressed' "
    "WHEN EXISTS (SELECT 1 FROM residences r JOIN contacts c ON c.door_key = r.door_key "
    "WHERE r.voter_id = v.voter_id AND r.door_key <> '' AND c.category = 'suppress' "
    "AND c.scope <> 'person') THEN 'suppressed' ELSE '' END "
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

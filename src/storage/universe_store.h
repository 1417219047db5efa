// UniverseStore: saved universes (domain/universe.h), their evaluation over the voter
// file, and the voter lists made from them. One of the field-organizing interfaces beside
// Store; Store::Universes() hands it out.
//
// A list is a snapshot: the voters a universe held when the list was made, in a fixed
// order. Reading it drops, at that moment, everyone who since stopped being a target:
// removed from the voter file (died, moved away, purged), moved (another precinct or
// residence than when the list was made), struck in the list's election (voted), or
// reached by a suppressing contact result (refused, deceased, do not contact; moved or
// wrong address at her door). A
// list is visible only once complete: on the embedded store it is written in pieces (a large
// one never holds the writer for long), and one a crash left incomplete is removed by the
// next list made after kAbandonedListAge; on PostgreSQL it is one transaction.
//
// Thread-safety and errors: as Store. Writes return once durably committed.
#ifndef NARWHAL_STORAGE_UNIVERSE_STORE_H_
#define NARWHAL_STORAGE_UNIVERSE_STORE_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "domain/universe.h"
#include "storage/store.h"

namespace narwhal {

// How many voters match, by party (most first, then by party code).
struct UniverseCount {
  int64_t voters = 0;
  std::vector<std::pair<std::string, int64_t>> by_party;
  // The elections the vote-history rule counted, newest first; empty without a rule.
  std::vector<std::string> elections;
};

struct NewUniverse {
  std::string name;
  std::string description;
  UniverseCriteria criteria;  // valid (ValidateUniverseCriteria)
  int64_t user_id = 0;
  TimePoint at;
};

// A list made from a universe.
struct VoterList {
  int64_t id = 0;
  int64_t universe_id = 0;
  std::string universe_name;
  std::string election;  // voters struck in it drop out when the list is read; may be empty
  int64_t voters = 0;    // members when it was made
  int64_t created_by = 0;
  std::string created_at;  // ISO 8601 UTC
};

struct NewVoterList {
  int64_t universe_id = 0;
  std::string election;  // overrides the universe's election_day.election when set
  // A list made again with the same key is the first list, not a second one. Empty: none.
  std::string idempotency_key;
  int64_t user_id = 0;
  TimePoint at;
};

struct ListVotersQuery {
  int64_t list_id = 0;
  int limit = 100;     // 1..1000 members looked at (fewer are returned when some dropped)
  std::string cursor;  // from ListVotersPage::next_cursor; empty for the first page
};

struct ListVotersPage {
  VoterList list;
  std::vector<VoterSummary> voters;  // still targets, in list order
  // Members of this page that dropped out, by reason.
  int64_t dropped_voted = 0;
  int64_t dropped_moved = 0;
  int64_t dropped_removed = 0;
  int64_t dropped_suppressed = 0;  // a suppressing contact result (contact_store.h)
  std::string next_cursor;         // empty on the last page
};

class UniverseStore {
 public:
  virtual ~UniverseStore() = default;

  // The elections of the vote history (as of the last finished history import), newest
  // first.
  virtual Result<std::vector<ElectionInfo>> ListElections() = 0;

  // Evaluates `criteria` (valid) over the voter file now. kInvalidArgument when the
  // history rule names an election the history does not have.
  virtual Result<UniverseCount> CountUniverse(const UniverseCriteria& criteria) = 0;

  // The ids of the voters `criteria` (valid) select now, in list order (county, precinct,
  // voter id): what a turf cut of a universe keeps.
  virtual Result<std::vector<std::string>> UniverseVoterIds(const UniverseCriteria& criteria) = 0;

  // Creates the universe, or replaces description and criteria of the one with that name
  // (the id stays). kInvalidArgument for a bad name or criteria.
  virtual Result<Universe> SaveUniverse(const NewUniverse& universe) = 0;
  virtual Result<Universe> GetUniverse(int64_t id) = 0;                // kNotFound
  virtual Result<Universe> FindUniverse(const std::string& name) = 0;  // kNotFound
  // Every universe, by name.
  virtual Result<std::vector<Universe>> ListUniverses() = 0;

  // Makes a list: the universe's voters now, ordered by county, precinct and voter id.
  // kNotFound for an unknown universe; kInvalidArgument when the idempotency key names a
  // list of another universe. The same key again answers the first list, also when two
  // calls with it race.
  virtual Result<VoterList> MakeList(const NewVoterList& list) = 0;
  virtual Result<VoterList> GetList(int64_t id) = 0;  // kNotFound
  // The lists of a universe, newest first.
  virtual Result<std::vector<VoterList>> ListsOf(int64_t universe_id) = 0;
  // One page of a list's members who are still targets. kNotFound, kInvalidArgument for a
  // bad cursor or limit.
  virtual Result<ListVotersPage> ListVoters(const ListVotersQuery& query) = 0;
};

}  // namespace narwhal

#endif  // NARWHAL_STORAGE_UNIVERSE_STORE_H_

// The backend-neutral half of Store::SearchVoters: validating a VoterQuery, turning its
// name words into index branches, and merging the branches' rows into one page with its
// cursor. Each backend only turns a branch into SQL for its own engine, so the two agree
// on every rule of the search by construction.
//
// Pure functions; thread-safe.
#ifndef NARWHAL_STORAGE_VOTER_SEARCH_H_
#define NARWHAL_STORAGE_VOTER_SEARCH_H_

#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "storage/search_cursor.h"
#include "storage/store.h"

namespace narwhal {

inline constexpr int kMaxSearchLimit = 1000;
inline constexpr size_t kMaxNameWords = 8;

// How one branch of a name search narrows the name indexes.
enum class NameMatch {
  kNone,           // no name condition
  kLastPrefix,     // last_key starts with `last`
  kLastThenFirst,  // last_key = `last` and first_key starts with `first`
  kFirstThenLast,  // first_key = `first` and last_key starts with `last`
};

struct NameBranch {
  NameMatch match = NameMatch::kNone;
  std::string last;   // exact key or prefix
  std::string first;  // exact key or prefix
};

struct VoterSearchPlan {
  // One word: a last-name prefix. Several: every split into "last first" and "first last"
  // with the final part as a prefix. No name: one kNone branch.
  std::vector<NameBranch> branches;
  std::optional<SearchCursor> cursor;
  bool empty_scope = false;  // the query's scope matches nobody: run nothing
};

// Validates `query` (the kInvalidArgument cases of VoterQuery) and plans its branches.
Result<VoterSearchPlan> PlanVoterSearch(const VoterQuery& query);

// A row a branch found, with its sort key.
struct VoterSearchRow {
  VoterSummary summary;
  std::string last_key;
  std::string first_key;
};

// Sorts rows into result order (last_key, first_key, voter_id), drops the duplicates that
// overlapping branches find, and keeps the first `keep`.
void MergeVoterSearchRows(std::vector<VoterSearchRow>& rows, size_t keep);

// The page of `limit` from rows that each branch fetched with LIMIT limit + 1: merged,
// cut, and with a cursor when more follow.
VoterPage FinishVoterPage(std::vector<VoterSearchRow> rows, int limit);

}  // namespace narwhal

#endif  // NARWHAL_STORAGE_VOTER_SEARCH_H_

// Turnout aggregates of recent reads, kept in memory so that dashboards polling turnout
// do not each cost a store read.
//
// An entry (one county's precinct rows, or every county's for "") is served while both
// hold: no strike or undo went through this server since it was read (the caller's
// generation, bumped after every strike commit, is unchanged), and it is younger than
// `max_age`. The second bound covers writes this server does not see (another app node,
// `narwhal import strikes`): they show within `max_age`. Strikes through this server show
// at once, or within the standby's bounded lag plus `max_age` when the store reads turnout
// from one
// (docs/postgres.md, "Reads on a standby").
//
// When the store cannot answer (kUnavailable, kDeadlineExceeded: the database is away or
// failing over), the last rows read are served, however old, with `stale` set: a
// headquarters page keeps its numbers, marked with their age, instead of an error.
//
// Thread-safety: Get may be called concurrently; the store is called without the lock
// held, so two readers may both refresh the same entry (the later one wins; both read
// committed data).
#ifndef NARWHAL_HTTP_TURNOUT_CACHE_H_
#define NARWHAL_HTTP_TURNOUT_CACHE_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "storage/store.h"

namespace narwhal {

class TurnoutCache {
 public:
  using Rows = std::vector<PrecinctTurnout>;

  TurnoutCache(Store& store, const Clock& clock, std::chrono::milliseconds max_age)
      : store_(store), clock_(clock), max_age_(max_age) {}

  // The precinct rows of `county` ("" for every county) for `election`, as
  // Store::GetTurnout returns them. `generation` is the caller's count of writes that
  // change turnout, read before this call. `read_at`, when not null, is set to when the
  // rows were read from the store; `stale`, when not null, is set to whether they are old
  // rows served because the store could not be read.
  Result<std::shared_ptr<const Rows>> Get(const std::string& election, const std::string& county,
                                          uint64_t generation,
                                          std::chrono::steady_clock::time_point* read_at = nullptr,
                                          bool* stale = nullptr);

  // Answers built from rows, kept under the same two rules: `key` names everything the
  // answer depends on besides the rows (election, county, precinct, the caller's scope),
  // `rows_read_at` is the oldest read time of the rows it was built from.
  std::optional<std::string> Answer(const std::string& key, uint64_t generation);
  void KeepAnswer(const std::string& key, uint64_t generation,
                  std::chrono::steady_clock::time_point rows_read_at, std::string answer);

 private:
  struct Entry {
    std::shared_ptr<const Rows> rows;
    uint64_t generation = 0;
    std::chrono::steady_clock::time_point read_at;
  };

  Store& store_;
  const Clock& clock_;
  const std::chrono::milliseconds max_age_;
  std::mutex mu_;
  std::map<std::pair<std::string, std::string>, Entry> entries_;  // guarded by mu_
  struct Answered {
    std::string answer;
    uint64_t generation = 0;
    std::chrono::steady_clock::time_point read_at;
  };
  std::map<std::string, Answered, std::less<>> answers_;  // guarded by mu_
};

}  // namespace narwhal

#endif  // NARWHAL_HTTP_TURNOUT_CACHE_H_

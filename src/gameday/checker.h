// The game day's checker: from the history of a run and the final state of the store,
// classifies every strike the workload meant to report and every turnout read it made.
//
//   acknowledged   the watcher got an outcome (struck, already_struck, replayed)
//   LOST           acknowledged, and the voter is not struck at the end
//   recovered      never acknowledged (no answer), and the voter is struck at the end
//   UNEXPECTED     struck at the end, but no request that could have done it was sent
//                  (never sent, or every request was certainly refused)
//   DOUBLE-COUNTED a voter with two "struck" events, or a precinct whose turnout counts
//                  more voters than are struck in it (fewer is an undercount, also a failure)
//
// A turnout read must lie between what was acknowledged before it was sent (less the
// scenario's max_staleness, and less the age the answer declared when it said it was the
// last known numbers) and what had been sent before its answer came; how long the
// youngest acknowledgment a read missed had been acknowledged is its staleness.
//
// Zero lost, double-counted, unexpected, undercounted and out-of-bounds reads are the hard
// gates. Pure: tested on histories with planted losses (tests/gameday/checker_test.cc).
#ifndef NARWHAL_GAMEDAY_CHECKER_H_
#define NARWHAL_GAMEDAY_CHECKER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "gameday/history.h"

namespace narwhal::gameday {

struct LostStrike {
  std::string key;
  std::string voter;
  std::string precinct;
  int64_t request_id = 0;  // the request that was acknowledged
  Millis acked_at{0};
};

struct PrecinctCount {
  std::string precinct;
  int64_t turnout = 0;  // what turnout says
  int64_t struck = 0;   // distinct voters struck in the strike log
};

struct BadRead {
  int64_t read_id = 0;
  std::string precinct;
  Millis sent{0};
  int64_t seen = 0;
  int64_t low = 0;   // acknowledged before sent - max_staleness
  int64_t high = 0;  // sent before the answer came
};

struct CheckResult {
  bool complete = false;  // false: the final state could not be read; no verdict
  std::string error;
  int64_t arrivals = 0;
  int64_t acknowledged = 0;
  int64_t rejected = 0;  // an item error (e.g. permission_denied): a workload bug
  int64_t recovered = 0;
  int64_t not_recorded = 0;  // never acknowledged, and not struck: the client may retry
  int64_t voters_struck = 0;
  std::vector<LostStrike> lost;
  std::vector<std::string> unexpected;      // voter ids
  std::vector<std::string> doubled_voters;  // voter ids with two "struck" events
  std::vector<PrecinctCount> doubled_precincts;
  std::vector<PrecinctCount> undercounted_precincts;
  std::vector<BadRead> bad_reads;
  int64_t reads_checked = 0;
  int64_t stale_reads = 0;           // missed an acknowledgment, within max_staleness
  int64_t declared_stale_reads = 0;  // served as "the last known numbers" (database away)
  Millis max_staleness_seen{0};
  int64_t max_staleness_read = 0;

  bool Passed() const {
    return complete && lost.empty() && unexpected.empty() && doubled_voters.empty() &&
           doubled_precincts.empty() && undercounted_precincts.empty() && bad_reads.empty() &&
           rejected == 0;
  }
};

CheckResult Check(const History& history, Millis max_staleness);

}  // namespace narwhal::gameday

#endif  // NARWHAL_GAMEDAY_CHECKER_H_

// The verdict of a game day: the checker's classification, availability and latency per
// phase and per 10-second window (the worst named), and per fault its proof, time to the
// first success, longest write outage and how long the queued strikes took to drain.
// Serialised as verdict.json (schema "narwhal.gameday.verdict/1", docs/gameday.md) and
// drawn as report.html. Computed from the history alone, so `narwhal gameday report DIR`
// reproduces it from a finished run.
//
// Thread-safety: pure functions.
#ifndef NARWHAL_GAMEDAY_VERDICT_H_
#define NARWHAL_GAMEDAY_VERDICT_H_

#include <string>
#include <vector>

#include "gameday/checker.h"
#include "gameday/history.h"
#include "gameday/scenario.h"

namespace narwhal::gameday {

struct Latency {
  int64_t count = 0;
  double p50 = 0, p90 = 0, p99 = 0, max = 0;  // ms, from arrival to acknowledgment
};

struct WindowStats {
  Millis start{0};
  Millis end{0};
  int64_t arrivals = 0;          // voters who arrived in the window
  int64_t arrivals_in_time = 0;  // ... and were acknowledged within the ack deadline
  int64_t strike_requests = 0;   // answered or failed in the window
  int64_t strike_ok = 0;
  int64_t acked = 0;  // strikes acknowledged in the window
  int64_t reads = 0;
  int64_t reads_ok = 0;
  Latency latency;
  // Share of the window's arrivals acknowledged within the deadline: what a watcher sees.
  double strike_availability() const {
    return arrivals == 0 ? 1.0
                         : static_cast<double>(arrivals_in_time) / static_cast<double>(arrivals);
  }
  // Share of the requests that got an answer (retries count each time): what the server saw.
  double request_availability() const {
    return strike_requests == 0
               ? 1.0
               : static_cast<double>(strike_ok) / static_cast<double>(strike_requests);
  }
  double read_availability() const {
    return reads == 0 ? 1.0 : static_cast<double>(reads_ok) / static_cast<double>(reads);
  }
};

struct PhaseVerdict {
  std::string name;
  WindowStats stats;
  WindowStats worst_window;  // the 10-second window with the lowest strike availability
};

struct FaultVerdict {
  FaultRecord record;
  Millis first_success{
      -1};  // from the fault's start to the first acknowledged request sent after it
  Millis longest_outage{0};  // longest stretch without an acknowledged strike, while it lasted
  Millis drained{-1};    // from the heal until every strike that arrived during it was acknowledged
  std::string expected;  // what the settings predict for recovery
};

struct Verdict {
  static constexpr const char* kSchema = "narwhal.gameday.verdict/1";
  bool passed = false;
  int exit_code = 1;  // 0 passed, 1 failed, 2 aborted or no verdict, 4 a fault not effective
  std::vector<std::string> reasons;  // why it did not pass, one per gate
  CheckResult check;
  WindowStats overall;
  std::vector<PhaseVerdict> phases;
  std::vector<FaultVerdict> faults;
  std::vector<WindowStats> windows;  // 10 s
  std::vector<WindowStats> seconds;  // 1 s, for the charts
  Millis longest_outage{0};
  std::vector<std::string> leftovers;  // what the run could not clean up
};

Verdict Evaluate(const Scenario& scenario, const History& history);

std::string VerdictJson(const Verdict& verdict, const History& history);

// The self-contained report: verdict, phase table, charts (uPlot, inlined), faults,
// lost / doubled / unexpected lists and provenance.
std::string ReportHtml(const Verdict& verdict, const History& history);

}  // namespace narwhal::gameday

#endif  // NARWHAL_GAMEDAY_VERDICT_H_

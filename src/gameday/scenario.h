// Game day scenarios: the TOML file that says what to run, what to break and what must hold.
//
// A scenario names a topology (today the embedded single node), a workload (poll watchers
// striking voters of their precincts, headquarters reading turnout), phases that run in
// order each with its own rates, and faults per phase aimed by role ("app[1]"), each with
// the moment it fires and when it is healed. ParseScenario is strict: an unknown key, a
// duration without a unit or a value out of range is an error naming the line and the
// field, and nothing starts. ExpandTimeline turns a scenario and a seed into the exact
// schedule of faults (drawing the `random` ones), which `narwhal gameday validate` prints
// and `run` follows. The schema is documented in docs/gameday.md.
//
// Thread-safety: plain values and pure functions.
#ifndef NARWHAL_GAMEDAY_SCENARIO_H_
#define NARWHAL_GAMEDAY_SCENARIO_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace narwhal::gameday {

using Millis = std::chrono::milliseconds;

// The faults a scenario can name.
enum class FaultKind {
  kKill,      // kill -9 of the target process; heal: start it again on the same data
  kPause,     // SIGSTOP (a process that hangs, not dies); heal: SIGCONT
  kDiskFull,  // the target's data filesystem filled to the last block; heal: space freed
};
std::string_view FaultKindName(FaultKind kind);

struct FaultSpec {
  FaultKind kind = FaultKind::kKill;
  std::string target;  // a role, resolved when the fault fires: "app[1]"
  Millis at{0};        // from the start of its phase
  Millis heal_after{0};
  int line = 0;  // in the scenario file, for messages
};

// Faults drawn from a seeded mix: `count` of them at uniformly random moments of the
// phase, at least `min_gap` apart, each a random kind and target of the lists.
struct RandomFaults {
  std::vector<FaultKind> kinds;
  std::vector<std::string> targets;
  int count = 0;
  Millis min_gap{5000};
  Millis heal_after{2000};
  Millis start_after{0};  // none before this moment of the phase
  Millis end_before{0};   // none after (duration - end_before); also leaves time to heal
  int line = 0;
};

struct Phase {
  std::string name;
  Millis duration{0};
  double strikes_per_second = 0;  // voters arriving at the polls, over all watchers
  double reads_per_second = 0;    // headquarters turnout reads
  std::vector<FaultSpec> faults;
  std::optional<RandomFaults> random;
  int line = 0;
};

struct TopologySpec {
  std::string kind = "embedded";  // "embedded" (one process, SQLite) or "cluster"
  int voters = 6000;
  int precincts = 12;
  std::string election = "2026-11-03";
  // Every request of a game day comes from one loopback address, where on the day they
  // come from thousands: the server's per-address and login limits are raised to these.
  double rate_limit_address = 5000;
  double rate_limit_login = 100;
  // Size of the small filesystem the data lives on, so a disk can really fill (needs
  // root to mount; 0 keeps the data in the run directory and forbids disk_full).
  int64_t disk_mib = 0;
  // cluster: every port of scripts/cluster-up.sh moves by this much (a cluster of one's
  // own on the default ports stays untouched).
  int port_offset = 500;
};

struct Workload {
  int watchers = 24;  // poll watchers' devices, spread over the precincts
  int batch = 10;     // the outbox sends at most this many strikes a request
  int readers = 2;    // headquarters sessions reading turnout
  Millis request_timeout{5000};
  Millis retry_delay{250};
  // Share of arrivals reported a second time by another watcher of the same precinct
  // (two watchers at one polling place): must count once.
  double second_reports = 0.05;
};

struct Checks {
  Millis quiet{5000};          // after the last phase, outboxes drain; then the checker reads
  Millis max_staleness{2000};  // a turnout read may miss acknowledgments younger than this
  // A strike is "available" when it is acknowledged within ack_deadline of the voter's
  // arrival (retries included); strike availability is the share of arrivals that were.
  Millis ack_deadline{10'000};
  double min_strike_availability = 0.95;  // over the whole run
  double min_read_availability = 0.95;
  Millis max_p99{0};               // strike latency gate over the whole run; 0: none
  double abort_below = 0.5;        // share of strike requests answered under this ...
  Millis abort_after{60000};       // ... for this long ends the run early
  double max_driver_lag_ms = 100;  // p99 of the driver's own lateness; past it, no verdict
};

struct Scenario {
  std::string name;
  std::string description;
  uint64_t seed = 1;
  TopologySpec topology;
  Workload workload;
  Checks checks;
  std::vector<Phase> phases;
};

// Parses and validates a scenario. `source` names the file in messages:
// "gameday/smoke.toml:12: phase[1].fault[0].at: a duration needs a unit, e.g. \"30s\"".
Result<Scenario> ParseScenario(std::string_view text, std::string_view source);

// "250ms", "30s", "2m", "1h", "1m30s": a whole number of milliseconds, or an error.
Result<Millis> ParseDuration(std::string_view text);
// "1m30s", "250ms", "2s".
std::string FormatDuration(Millis d);

// One fault of the expanded timeline, times from the start of the run.
struct PlannedFault {
  int id = 0;  // 1, 2, ... in firing order
  std::string phase;
  FaultKind kind = FaultKind::kKill;
  std::string target;
  Millis start{0};
  Millis heal{0};  // when it is healed (>= start)
  bool random = false;
};

struct PhaseWindow {
  std::string name;
  Millis start{0};
  Millis end{0};
  double strikes_per_second = 0;
  double reads_per_second = 0;
};

struct Timeline {
  uint64_t seed = 0;
  std::vector<PhaseWindow> phases;
  std::vector<PlannedFault> faults;  // by start time
  Millis end{0};                     // the last phase's end
};

// The schedule `run` follows: phases back to back, explicit faults where they are written,
// random ones drawn from `seed` (the same seed gives the same timeline on any machine).
// kInvalidArgument when the random draw cannot place its faults min_gap apart.
Result<Timeline> ExpandTimeline(const Scenario& scenario, uint64_t seed);

// The timeline as the lines `validate` prints, one phase or fault a line.
std::string FormatTimeline(const Scenario& scenario, const Timeline& timeline);

// Deterministic pseudo-random numbers that are the same on every platform (the standard
// library's distributions are not): splitmix64.
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  uint64_t Next();
  double Uniform();                 // [0, 1)
  int64_t Below(int64_t n);         // [0, n)
  double Exponential(double rate);  // inter-arrival time of a Poisson process, in seconds

 private:
  uint64_t state_;
};

}  // namespace narwhal::gameday

#endif  // NARWHAL_GAMEDAY_SCENARIO_H_

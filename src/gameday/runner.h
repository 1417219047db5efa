// `narwhal gameday run`: brings the topology up, plays the workload, fires and heals the
// faults on the timeline, lets the phones drain, reads the final state, tears everything
// down and writes history.jsonl, verdict.json and report.html into the run's directory.
//
// Exit codes: 0 passed, 1 failed, 2 aborted (or no verdict), 3 invalid scenario, 4 a fault
// did not take effect. Ctrl-C aborts: faults are healed, processes stopped, the report
// written.
#ifndef NARWHAL_GAMEDAY_RUNNER_H_
#define NARWHAL_GAMEDAY_RUNNER_H_

#include <cstdint>
#include <optional>
#include <string>

#include "gameday/topology.h"

namespace narwhal::gameday {

inline constexpr int kExitPassed = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitAborted = 2;
inline constexpr int kExitInvalidScenario = 3;
inline constexpr int kExitFaultNotEffective = 4;

struct RunOptions {
  std::string scenario_text;
  std::string source;  // the file name, or "built-in smoke"
  std::optional<uint64_t> seed;
  std::string out_dir;      // must not exist yet, or be empty
  std::string binary;       // this narwhal binary
  std::string scripts_dir;  // scripts/ of the source tree (cluster-up.sh, cluster-down.sh)
  std::string git_commit;
  std::string version;
  StoreAccess store;
};
int RunScenario(const RunOptions& options);

// `narwhal gameday validate`: parses, expands and prints the timeline; 0 or 3.
int ValidateScenario(const std::string& text, const std::string& source,
                     std::optional<uint64_t> seed);

// `narwhal gameday report DIR`: re-renders verdict.json and report.html from history.jsonl.
int RenderReport(const std::string& dir);

// The scenarios built into the binary (gameday/*.toml at build time).
struct BuiltinScenario {
  std::string_view name;
  std::string_view text;
};
std::vector<BuiltinScenario> BuiltinScenarios();

}  // namespace narwhal::gameday

#endif  // NARWHAL_GAMEDAY_RUNNER_H_

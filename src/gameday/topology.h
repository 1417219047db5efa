// Where a game day runs and how its faults are done: the processes, their data and the
// evidence that each fault really happened.
//
// A Topology brings the deployment up with a voter file and volunteers of its own, applies
// a fault to the process or disk a role names at the moment it fires, heals it, and at the
// end takes everything down and reports anything it could not remove (a process, a mount,
// a fill file): a run that leaves something behind fails. Only processes and filesystems
// the run made itself are ever touched.
//
// EmbeddedTopology: one `narwhal serve` over the SQLite store, started from this same
// binary; with topology.disk_mib its data directory is a small ext4 filesystem of its own
// (a loop mount, root only) so that a disk can really fill.
//
// Thread-safety: one thread (the runner's).
#ifndef NARWHAL_GAMEDAY_TOPOLOGY_H_
#define NARWHAL_GAMEDAY_TOPOLOGY_H_

#include <sys/types.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "gameday/driver.h"
#include "gameday/history.h"
#include "gameday/scenario.h"

namespace narwhal::gameday {

// The volunteers a run logs in as, each with her own code from `narwhal users import`.
struct Volunteers {
  std::vector<std::string> watcher_codes;  // same order as the plans
  std::vector<WatcherPlan> watcher_plans;
  std::vector<std::string> reader_codes;
};

class Topology {
 public:
  virtual ~Topology() = default;
  // Builds the data (voter file, volunteers) and starts every process; kUnavailable when
  // something does not come up (its log is named).
  virtual Result<Volunteers> Up() = 0;
  virtual std::vector<Endpoint> Nodes() const = 0;
  // Applies the fault: fills `record.resolved`, `effective` and `proof`.
  virtual void Apply(FaultRecord& record) = 0;
  // Heals it: fills `heal_ok` and `heal_proof`.
  virtual void Heal(FaultRecord& record) = 0;
  // Stops the processes gracefully (their data stays for the checker).
  virtual Status Stop() = 0;
  // Where the checker reads the final state: a data directory or a connection string.
  virtual std::string StoreLocation() const = 0;
  // Removes what the run made outside its output directory; returns what is left behind.
  virtual std::vector<std::string> TearDown() = 0;
  // How long the first start took, for the expected recovery time of a restart.
  virtual Millis StartupTime() const = 0;
};

// What a run needs from the store, given by the command line (which knows how to open
// one): the voters by precinct before the run, the final state after it.
struct StoreAccess {
  // (precinct "92/01-07", voter id) pairs, grouped by precinct.
  std::function<Result<std::vector<std::pair<std::string, std::string>>>(
      const std::string& location)>
      voters;
  std::function<Result<FinalState>(const std::string& location, const std::string& election)>
      final_state;
};

struct EmbeddedOptions {
  std::string binary;   // the narwhal binary that serves (this one)
  std::string run_dir;  // the run's output directory: data/, logs/, volunteers/
  Scenario scenario;
  StoreAccess store;
};
std::unique_ptr<Topology> MakeEmbeddedTopology(EmbeddedOptions options);

// The cluster of scripts/cluster-up.sh in the run's directory: etcd, Patroni with a
// PostgreSQL primary and a synchronous standby, two app nodes and HAProxy in front; the
// phones go through HAProxy. Targets: app[1], app[2], pg.primary, pg.sync_standby,
// haproxy (resolved through Patroni's REST API when the fault fires). Root only.
struct ClusterOptions {
  std::string binary;
  std::string run_dir;
  std::string scripts_dir;  // where cluster-up.sh and cluster-down.sh are
  Scenario scenario;
  StoreAccess store;
};
std::unique_ptr<Topology> MakeClusterTopology(ClusterOptions options);

// Voters split among the watchers (by precinct), a sign-up sheet through `narwhal users
// import` (the real credential path), and the codes read back from credentials.csv.
// `store_args` are {"--data", DIR} or {"--store", CONNINFO}.
Result<Volunteers> MakeVolunteers(const std::string& binary,
                                  const std::vector<std::string>& store_args,
                                  const std::string& run_dir, const Workload& workload,
                                  const std::vector<std::pair<std::string, std::string>>& voters,
                                  const std::string& url);

// --- processes -------------------------------------------------------------------------

// Starts argv[0] with the arguments, stdin from /dev/null, stdout and stderr appended to
// `log_path`; returns its pid.
Result<pid_t> Spawn(const std::vector<std::string>& argv, const std::string& log_path);
// The same, but the process is not this one's child (it is the init process's, as with
// `nohup ... &`): it outlives a crash of the run and never lingers as a zombie of it.
Result<pid_t> SpawnDetached(const std::vector<std::string>& argv, const std::string& log_path);
// Runs a command to its end (at most `timeout`, then SIGKILL); returns its exit code.
Result<int> RunCommand(const std::vector<std::string>& argv, const std::string& log_path,
                       Millis timeout);
// Waits for `pid`, a child of this process, to end, at most `timeout`; true with its wait
// status when it did.
bool WaitFor(pid_t pid, Millis timeout, int* status);
// "ended by signal 9", "exited with code 1".
std::string DescribeExit(int status);
// A free TCP port on loopback.
Result<uint16_t> FreePort();
// The parent of a process (from /proc), 0 when it is gone.
pid_t ParentOf(pid_t pid);
// `narwhal serve` with the store, the address and the scenario's election and limits.
std::vector<std::string> ServeCommand(const std::string& binary,
                                      const std::vector<std::string>& store_args,
                                      const std::string& listen, const TopologySpec& topology);
// Processes (other than this one) whose command line mentions `text`, e.g. a run directory.
std::vector<pid_t> ProcessesMentioning(const std::string& text);
// Kills every process still mentioning the run directory and describes each: what a
// teardown left behind.
std::vector<std::string> SweepLeftovers(const std::string& run_dir);
// The one-letter state in /proc/PID/stat ('R', 'S', 'T' stopped, 'Z'), or 0 when gone.
char ProcessState(pid_t pid);

}  // namespace narwhal::gameday

#endif  // NARWHAL_GAMEDAY_TOPOLOGY_H_

// A game day's history: every strike the workload meant to report, every request it sent
// and what came back, every turnout read, every fault with its proof, and the final state
// the checker read from the store. Written as history.jsonl (one JSON object a line, each
// with a "type"), read back by `narwhal gameday report DIR` and by the tests that plant
// losses in it. Times are milliseconds from the start of the run (`RunInfo::started_at`
// is the wall-clock time of that start).
//
// Thread-safety: plain values; HistoryWriter is safe to call from any thread.
#ifndef NARWHAL_GAMEDAY_HISTORY_H_
#define NARWHAL_GAMEDAY_HISTORY_H_

#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/status.h"
#include "gameday/scenario.h"

namespace narwhal::gameday {

// A voter arriving at the polls, reported by one watcher: one intended strike.
struct Arrival {
  std::string key;       // the idempotency key, made once and sent on every retry
  std::string voter;     // voter id
  std::string precinct;  // "92/01-07"
  int watcher = 0;
  Millis at{0};  // when the watcher tapped the voter: latency counts from here
};

// What one request's answer says happened.
enum class Outcome {
  kOk,       // 200: each item has its own result
  kFailed,   // certainly not applied: refused connection, 429, 4xx
  kUnknown,  // sent, and no answer (timeout, reset, 5xx): it may have been applied
};
std::string_view OutcomeName(Outcome o);

struct ItemResult {
  std::string key;
  std::string result;  // struck | already_struck | replayed | an error code
};

struct StrikeRequest {
  int64_t id = 0;
  int watcher = 0;
  Millis sent{0};
  Millis done{0};
  Outcome outcome = Outcome::kFailed;
  int http_status = 0;            // 0: no answer
  std::string error;              // what went wrong, for people
  std::vector<std::string> keys;  // in request order
  std::vector<ItemResult> items;  // kOk only, in request order
};

// One headquarters read of turnout: the count of voters voted per precinct it saw.
struct TurnoutRead {
  int64_t id = 0;
  int reader = 0;
  Millis sent{0};
  Millis done{0};
  Outcome outcome = Outcome::kFailed;
  int http_status = 0;
  std::string error;
  std::map<std::string, int64_t> voted;  // "92/01-07" -> voted
  int64_t stale_ms = -1;  // the answer said it was the last known numbers, this old; -1: fresh
};

// A fault as it happened: when it was applied and healed, and the evidence for both.
struct FaultRecord {
  int id = 0;
  std::string phase;
  FaultKind kind = FaultKind::kKill;
  std::string target;    // the role, as written
  std::string resolved;  // what it meant when it fired ("narwhal serve, pid 4242")
  Millis start{0};
  Millis healed{0};
  bool effective = false;  // the proof was seen
  std::string proof;       // "pid 4242 ended by signal 9"
  bool heal_ok = false;
  std::string heal_proof;  // "pid 4250 answers /readyz"
};

// What the store holds at the end, read through the primary after the quiet period.
struct FinalState {
  std::map<std::string, std::string> struck;     // voter -> precinct, struck and not undone
  std::map<std::string, int64_t> struck_events;  // voter -> "struck" events in the feed
  std::map<std::string, int64_t> voted;          // precinct -> turnout's voted count
  std::string error;                             // the read failed: no verdict
};

// The driver's account of its own schedule: when its timers fired late, requests it sent
// were late, so its latencies would be understated; past a bound it refuses a verdict.
struct DriverLag {
  int64_t samples = 0;
  double p99_ms = 0;
  double max_ms = 0;
};

struct RunInfo {
  std::string scenario;
  uint64_t seed = 0;
  int64_t started_at_ms = 0;  // Unix epoch milliseconds of the run's time 0
  std::string git_commit;
  std::string version;
  std::string host;
  std::string scenario_text;  // the whole file as run
  int64_t startup_ms = 0;     // how long the first start of a node took
  bool aborted = false;
  std::string abort_reason;
};

struct History {
  RunInfo info;
  Timeline timeline;
  std::vector<Arrival> arrivals;
  std::vector<StrikeRequest> strikes;
  std::vector<TurnoutRead> reads;
  std::vector<FaultRecord> faults;
  FinalState final_state;
  DriverLag lag;
  std::vector<std::string> leftovers;  // what the teardown could not remove
};

// Appends records to history.jsonl as they happen (a crash of the run keeps what came
// before it), one line each, flushed.
class HistoryWriter {
 public:
  static Result<std::unique_ptr<HistoryWriter>> Open(const std::string& path);
  ~HistoryWriter();
  HistoryWriter(const HistoryWriter&) = delete;
  HistoryWriter& operator=(const HistoryWriter&) = delete;

  void Write(const RunInfo& info, const Timeline& timeline);
  void Write(const Arrival& a);
  void Write(const StrikeRequest& r);
  void Write(const TurnoutRead& r);
  void Write(const FaultRecord& f);
  void Write(const FinalState& s);
  void Write(const DriverLag& lag);
  void WriteAbort(const std::string& reason);
  void WriteLeftovers(const std::vector<std::string>& leftovers);

 private:
  explicit HistoryWriter(std::FILE* file) : file_(file) {}
  void Line(const std::string& json);
  std::mutex mu_;
  std::FILE* file_;
};

// Reads a history.jsonl back; a line that does not parse is an error naming it.
Result<History> ReadHistory(const std::string& path);

}  // namespace narwhal::gameday

#endif  // NARWHAL_GAMEDAY_HISTORY_H_

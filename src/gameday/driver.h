// The game day's workload: poll watchers' phones and headquarters, over real HTTP.
//
// Open model. The schedule (MakeSchedule) fixes in advance, from the seed, when each voter
// arrives at the polls and which watcher reports her, and when headquarters reads turnout.
// A watcher's phone puts each arrival into its outbox at that moment and sends the outbox
// in batches (as the web page does), one request at a time, retrying an unanswered batch
// with the same idempotency keys; a strike's latency counts from the arrival, so a server
// that stalls shows as latency of everything queued behind it (no coordinated omission).
// Reads are sent at their scheduled moments whatever earlier reads are doing. The driver
// measures how late its own timers fire; a driver that could not keep its schedule makes
// the run refuse a verdict.
//
// Every request is journaled in the HistoryWriter: sent, then ok / failed / unknown, with
// its keys, times and per-item results.
//
// Thread-safety: Run() on one thread; Snapshot() and Stop() from any other.
#ifndef NARWHAL_GAMEDAY_DRIVER_H_
#define NARWHAL_GAMEDAY_DRIVER_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "gameday/history.h"
#include "gameday/scenario.h"

namespace narwhal::gameday {

struct Endpoint {
  std::string host;  // numeric IPv4, e.g. 127.0.0.1
  uint16_t port = 0;
};

// A watcher before the run: where she stands and whom she may report.
struct WatcherPlan {
  std::string precinct;             // "92/01-07"
  std::vector<std::string> voters;  // her share of the precinct's voters, in order
};

struct ReadSlot {
  Millis at{0};
  int reader = 0;
};

struct Schedule {
  std::vector<Arrival> arrivals;  // by time
  std::vector<ReadSlot> reads;    // by time
  int64_t exhausted = 0;          // arrivals dropped: the watcher had nobody left to report
};

// Poisson arrivals at each phase's rate, each to a uniformly drawn watcher, who reports
// the next voter of her share, or (with probability second_reports) a voter another
// watcher of her precinct already reported. Deterministic in the seed.
Schedule MakeSchedule(const Timeline& timeline, const Workload& workload,
                      const std::vector<WatcherPlan>& watchers, uint64_t seed);

// What the terminal shows each second, and what the abort rule looks at.
struct LiveStats {
  Millis now{0};
  int64_t arrivals = 0;
  int64_t acked = 0;  // strikes acknowledged
  int64_t ok_requests = 0;
  int64_t failed_requests = 0;
  int64_t unknown_requests = 0;
  int64_t outbox = 0;  // strikes waiting on the phones
  int64_t reads_ok = 0;
  int64_t reads_failed = 0;
  double p99_ms = 0;  // strike latency over the last second's acknowledgments
};

struct DriverConfig {
  std::vector<Endpoint> nodes;  // the phones try them in turn
  Workload workload;
  std::vector<std::string> watcher_tokens;  // one per watcher, same order as the schedule's
  std::vector<std::string> reader_tokens;
  Millis end{0};    // no arrival or read is started at or after this
  Millis drain{0};  // after `end`, phones keep sending their outboxes for this long
};

class Driver {
 public:
  Driver(DriverConfig config, Schedule schedule, HistoryWriter* history,
         std::chrono::steady_clock::time_point origin);
  ~Driver();
  Driver(const Driver&) = delete;
  Driver& operator=(const Driver&) = delete;

  // Plays the schedule; returns when every phone's outbox is empty after `end`, or when
  // `end + drain` has passed (what is still unsent stays unacknowledged).
  void Run();
  // Ends the schedule now (an abort): no more arrivals; outboxes get `drain` to empty.
  void Stop();
  LiveStats Snapshot() const;
  DriverLag Lag() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct HttpAnswer {
  int status = 0;
  std::string body;
};
// One blocking HTTP/1.1 exchange (a JSON body when `body` is not empty); kUnavailable when
// no answer came within `timeout`.
Result<HttpAnswer> HttpCall(const Endpoint& node, const std::string& method,
                            const std::string& path, const std::string& body, Millis timeout);

// GET `path`; the HTTP status, or kUnavailable when no answer came within `timeout`.
Result<int> HttpGetStatus(const Endpoint& node, const std::string& path, Millis timeout);

// Logs in with a login code (POST /api/v1/sessions) and returns the bearer token.
Result<std::string> Login(const Endpoint& node, const std::string& code, Millis timeout);

}  // namespace narwhal::gameday

#endif  // NARWHAL_GAMEDAY_DRIVER_H_

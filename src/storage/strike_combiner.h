// StrikeCombiner: concurrent strike batches recorded together, the group commit of a store
// whose writes are separate calls to a server.
//
// Each RecordStrikes call of a client-server store is one statement and one commit on the
// database server, and most of its cost there is per call (planning, executor start-up,
// the commit), not per strike: one strike per request ran at a quarter of the speed of
// batches of ten (docs/benchmarks.md). The combiner keeps at most `max_calls` calls in
// flight; a caller that arrives while all of them are busy queues, and the next call to
// start takes every queued batch (in arrival order, up to `max_strikes_per_call` strikes)
// and records them as one. At low load nothing waits and nothing changes; under load
// callers share calls the way the embedded store's writer shares an fsync.
//
// Semantics are those of the underlying call run once per caller in arrival order: the
// first of two strikes with one idempotency key is the one that counts, results go back
// to each caller in its own order. A combined call that fails with an answer about the
// connection or the commit (kUnavailable, kDeadlineExceeded, kResourceExhausted:
// outcome unknown, or nothing done) gives that answer to every caller
// in it, each of whom retries with its own keys. Any other failure is retried once per
// caller on that caller's batch alone, so that one caller's bad batch fails only itself.
//
// Thread-safety: Record may be called from any number of threads at once; the record
// function is called from callers' threads, at most `max_calls` at a time.
#ifndef NARWHAL_STORAGE_STRIKE_COMBINER_H_
#define NARWHAL_STORAGE_STRIKE_COMBINER_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <span>
#include <vector>

#include "base/status.h"
#include "storage/store.h"

namespace narwhal {

struct StrikeCombinerOptions {
  int max_calls = 4;                   // calls in flight at most, >= 1
  size_t max_strikes_per_call = 1000;  // a combined call holds at most this many strikes
};

struct StrikeCombinerStats {
  int64_t batches = 0;  // Record calls answered
  int64_t calls = 0;    // calls of the record function
  int64_t strikes = 0;  // strikes passed to it
  int64_t largest = 0;  // most batches in one call
  int64_t retried = 0;  // batches recorded again alone after their combined call failed
  int64_t queued = 0;   // batches waiting for a call right now
};

class StrikeCombiner {
 public:
  using RecordFn = std::function<Result<std::vector<StrikeResult>>(std::span<const NewStrike>)>;

  StrikeCombiner(StrikeCombinerOptions options, RecordFn record);
  StrikeCombiner(const StrikeCombiner&) = delete;
  StrikeCombiner& operator=(const StrikeCombiner&) = delete;

  // As the record function on `strikes`: one result per strike, in order, or the status
  // of the call that carried them.
  Result<std::vector<StrikeResult>> Record(std::span<const NewStrike> strikes);

  StrikeCombinerStats stats() const;

 private:
  struct Waiter;

  // Runs one call for the batches at the front of the queue; called with `lock` held,
  // returns with it held.
  void Lead(std::unique_lock<std::mutex>& lock);

  const StrikeCombinerOptions options_;
  const RecordFn record_;
  mutable std::mutex mu_;
  std::deque<Waiter*> queue_;  // guarded by mu_
  int in_flight_ = 0;          // guarded by mu_
  StrikeCombinerStats stats_;  // guarded by mu_
};

}  // namespace narwhal

#endif  // NARWHAL_STORAGE_STRIKE_COMBINER_H_

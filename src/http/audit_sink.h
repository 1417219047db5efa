// AuditSink: where the router sends the audit events of each request (who read or changed
// what), and StoreAuditSink, which appends them to the store's audit log from a thread of
// its own, in batches.
//
// Why a thread: a store write returns only after its commit, which costs a few hundred
// microseconds to milliseconds; paying that on every voter read would halve read
// throughput on a small machine. Reads therefore only enqueue their events; the sink's
// thread takes everything queued, appends it in one call (the store's group commit), and
// repeats. An audit row of a read appears after at most one commit cycle, well under a
// second. Changes (logins, logouts, code reissues, revocations) wait until their events
// are committed, so a change is never acknowledged without its audit row.
//
// Crash: events of reads that were queued but not yet committed when the process dies
// (kill -9, power loss) are lost; at most one batch plus the queue. Shutdown (destructor
// or Flush) writes everything queued.
//
// Backpressure: the queue holds at most `max_queued` events. When it is full (the store
// is slow or down), Record waits up to `max_wait` and then fails with kUnavailable; the
// router then answers 503 instead of handing out personal data that was not audited.
//
// Thread-safety: Record and Flush may be called from any thread.
#ifndef NARWHAL_HTTP_AUDIT_SINK_H_
#define NARWHAL_HTTP_AUDIT_SINK_H_

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "base/status.h"
#include "storage/store.h"

namespace narwhal {

class AuditSink {
 public:
  virtual ~AuditSink() = default;
  // Takes `events` for the audit log. With `wait_for_commit`, returns only once they are
  // durably stored. kUnavailable when they cannot be taken or stored in time.
  virtual Status Record(std::vector<AuditEvent> events, bool wait_for_commit) = 0;
};

struct AuditSinkOptions {
  size_t max_queued = 20000;                   // events waiting for the store
  size_t max_batch = 2000;                     // events per AppendAudit call
  std::chrono::milliseconds max_wait{2000};    // for room in the queue, or for a commit
  std::chrono::milliseconds retry_delay{200};  // after a failed append
};

class StoreAuditSink final : public AuditSink {
 public:
  // `store` must outlive the sink. Starts the writer thread.
  explicit StoreAuditSink(Store& store, AuditSinkOptions options = {});
  // Flushes what is queued, then joins the thread.
  ~StoreAuditSink() override;
  StoreAuditSink(const StoreAuditSink&) = delete;
  StoreAuditSink& operator=(const StoreAuditSink&) = delete;

  Status Record(std::vector<AuditEvent> events, bool wait_for_commit) override;

  // Blocks until every event recorded before the call was appended (or, with the store
  // failing, until `max_wait` passed). kUnavailable in the second case.
  Status Flush();

 private:
  void Run();

  // Constant after construction.
  Store& store_;
  const AuditSinkOptions options_;

  std::mutex mu_;
  std::condition_variable work_cv_;  // the writer waits for events or stop_
  std::condition_variable done_cv_;  // Record and Flush wait for written_ or room
  std::deque<AuditEvent> queue_;     // guarded by mu_
  uint64_t queued_seq_ = 0;          // events ever queued; guarded by mu_
  uint64_t written_seq_ = 0;         // events ever committed; guarded by mu_
  bool stop_ = false;                // guarded by mu_

  std::thread writer_;  // started last, joined by the destructor
};

}  // namespace narwhal

#endif  // NARWHAL_HTTP_AUDIT_SINK_H_

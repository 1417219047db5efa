// WriteQueue: the single writer of an SQLite database, with group commit.
//
// One thread (named "writer", owned by the queue and joined in its destructor) owns the
// write connection. Callers Submit a job and block until it is durable. The writer takes
// every job queued at that moment and runs them all in ONE transaction: each job inside
// its own SAVEPOINT, so a failing job is rolled back alone and the others still commit.
// Each caller is answered only after COMMIT returned (WAL + synchronous=FULL: the commit
// has been fsync'ed). Under load many small writes therefore share one fsync, which is
// what makes thousands of durable writes a second possible on one disk.
//
// Backpressure: the queue holds at most Options::max_queued_jobs jobs. Submit waits for
// room up to Options::enqueue_timeout, then fails with kResourceExhausted without having
// run the job (safe to retry).
//
// Thread-safety: Submit and stats may be called from any thread. Jobs run on the writer
// thread only; a job may use the connection freely but must not call Submit (it would
// wait for itself).
#ifndef NARWHAL_STORAGE_SQLITE_WRITE_QUEUE_H_
#define NARWHAL_STORAGE_SQLITE_WRITE_QUEUE_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <thread>

#include "base/guarded.h"
#include "base/status.h"
#include "storage/sqlite/sqlite_db.h"

namespace narwhal::sqlite {

struct WriteQueueOptions {
  // Jobs waiting for the writer; beyond this Submit waits (then kResourceExhausted).
  size_t max_queued_jobs = 4096;
  // How long Submit waits for room in a full queue.
  std::chrono::milliseconds enqueue_timeout{10000};
  // Jobs committed together at most; bounds the size of one transaction.
  size_t max_group_jobs = 1024;
};

// Counters since the queue started; for tests, metrics and benchmarks.
struct WriteQueueStats {
  int64_t jobs = 0;          // jobs run (committed or failed)
  int64_t failed_jobs = 0;   // jobs whose own work failed or whose commit failed
  int64_t transactions = 0;  // group transactions attempted
  int64_t queued = 0;        // jobs waiting right now
};

class WriteQueue {
 public:
  // Runs on the writer thread inside the group transaction. A non-OK Status rolls back
  // this job's savepoint only. Results are handed back through the job's captures: the
  // caller's Submit returns after the job ran, so capturing caller locals by reference
  // is safe. On a non-OK Submit the captured outputs must be ignored.
  using Job = std::function<Status(Connection&)>;

  // Takes ownership of `connection`, which must be a read-write connection not inside a
  // transaction, and starts the writer thread.
  WriteQueue(std::unique_ptr<Connection> connection, const WriteQueueOptions& options);
  // Finishes every queued job, then stops and joins the writer thread.
  ~WriteQueue();
  WriteQueue(const WriteQueue&) = delete;
  WriteQueue& operator=(const WriteQueue&) = delete;

  // Runs `job` durably; returns its Status, or the commit's failure, or
  // kResourceExhausted when the queue stayed full, or kUnavailable when shutting down.
  Status Submit(Job job);

  WriteQueueStats stats();

 private:
  struct Pending {
    Job job;
    Status status;
    bool done = false;
    // Notified with the state lock held, so the submitter cannot return (and destroy
    // this) before the notification is over. One per job: a commit wakes only its own.
    std::condition_variable done_cv;
  };
  struct State {
    std::deque<Pending*> queue;
    bool stopping = false;
    WriteQueueStats stats;
  };

  void Run();
  void RunGroup(std::deque<Pending*>& group);

  // Constant after construction.
  const WriteQueueOptions options_;
  // Touched only by the writer thread (and the destructor after the join).
  std::unique_ptr<Connection> connection_;

  Guarded<State> state_;
  std::condition_variable work_ready_;  // writer waits: queue non-empty or stopping
  std::condition_variable room_ready_;  // submitters wait: queue below its bound

  std::thread writer_;  // last: starts after everything above is constructed
};

}  // namespace narwhal::sqlite

#endif  // NARWHAL_STORAGE_SQLITE_WRITE_QUEUE_H_

// ReadReplica: the standby a PostgresStore sends the reads that decide no write to, and
// the bound on how stale their answers may be.
//
// Staleness. Every probe interval the probe thread notes the time t, asks the primary for
// its current WAL position P(t), then asks the standby for the position it has replayed
// R. A write acknowledged before t committed at or below P(t), so once R >= P(t) the
// standby shows all of it. The newest such t is "covered until", and the lag is the time
// since then. The bound needs no server clock, only this process's monotonic one, and it
// is conservative: right after a probe it is that probe's round trips, just before the
// next one the interval as well. A standby that stops replaying, falls behind or stops
// answering sees its lag grow with the clock alone, so the reads go back to the primary
// within max_lag even when the probe itself hangs on a dead network.
//
// A server that is not in recovery reports its own current position: a standby promoted
// by a failover is the primary and covers everything, an old primary cut off from the
// cluster falls behind the samples of the new one and is not used.
//
// Thread-safety: every method may be called from any thread.
#ifndef NARWHAL_STORAGE_POSTGRES_READ_REPLICA_H_
#define NARWHAL_STORAGE_POSTGRES_READ_REPLICA_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <thread>
#include <utility>

#include "base/guarded.h"
#include "base/status.h"
#include "storage/postgres/connection_pool.h"
#include "storage/postgres/pg_connection.h"
#include "storage/postgres/postgres_store.h"
#include "storage/store.h"

namespace narwhal::postgres {

// The arithmetic of the bound, on WAL positions in bytes. Not thread-safe.
class ReplayCoverage {
 public:
  using Time = std::chrono::steady_clock::time_point;

  // At most `keep` primary positions not yet replayed are remembered; older ones are
  // dropped, which only makes the bound more conservative.
  explicit ReplayCoverage(size_t keep = 4096) : keep_(keep) {}

  // The primary's position, asked at `at` (before the question was sent).
  void Primary(Time at, int64_t position);
  // The standby's replayed position, just read.
  void Replayed(int64_t position);
  // The standby did not answer: nothing is covered until it answers again.
  void Lost() { covered_.reset(); }

  // The newest time before which every acknowledged write is on the standby.
  std::optional<Time> covered_until() const { return covered_; }

 private:
  size_t keep_;
  std::deque<std::pair<Time, int64_t>> pending_;  // oldest first
  std::optional<Time> covered_;
};

class ReadReplica {
 public:
  // The primary's current WAL position in bytes (pg_current_wal_lsn).
  using PrimaryPosition = std::function<Result<int64_t>()>;

  // Opens no connection yet: a standby that is down when the node starts is used once
  // it answers. kInvalidArgument for options out of range. `base` gives the timeouts.
  static Result<std::unique_ptr<ReadReplica>> Start(const ReadReplicaOptions& options,
                                                    const ConnectionSettings& base,
                                                    PrimaryPosition primary_position);
  ~ReadReplica();
  ReadReplica(const ReadReplica&) = delete;
  ReadReplica& operator=(const ReadReplica&) = delete;

  // The standby's lag when it may serve a read now, nullopt when the primary must.
  std::optional<std::chrono::milliseconds> FreshLag() const;

  ConnectionPool& pool() { return *pool_; }

  // A read found the standby unreachable: the primary serves until a probe reaches it.
  void Unreachable();
  // Counts one routed read by where it ran.
  void Count(bool standby);
  ReadReplicaStatus status() const;

  // One probe now (the thread runs one every interval): the failure of the side that
  // did not answer, after which nothing is covered.
  Status Probe();

 private:
  ReadReplica(const ReadReplicaOptions& options, const ConnectionSettings& settings,
              PrimaryPosition primary_position);
  void ProbeLoop();
  // Since when the standby's answers may be behind, however long; nullopt: unreachable.
  std::optional<std::chrono::milliseconds> Lag() const;

  // Constant after construction.
  const std::chrono::milliseconds max_lag_;
  const std::chrono::milliseconds interval_;
  const PrimaryPosition primary_position_;
  std::unique_ptr<ConnectionPool> pool_;

  mutable Guarded<ReplayCoverage> coverage_;
  std::atomic<int64_t> standby_reads_{0};
  std::atomic<int64_t> primary_reads_{0};

  Guarded<bool> stopping_{false};
  std::condition_variable wake_;
  std::thread probe_;  // last: starts once everything above exists
};

}  // namespace narwhal::postgres

#endif  // NARWHAL_STORAGE_POSTGRES_READ_REPLICA_H_

// The multi-node store: Store on PostgreSQL, for stateless app nodes in front of a
// primary with a synchronous standby (Patroni). Same semantics as the embedded SQLite
// store; the conformance suite runs against both.
//
// Thread-safety: see Store; the returned store may be used from any thread.
//
// Durability: every session runs with synchronous_commit on, so an OK from a write means
// COMMIT returned after the WAL was flushed (and, with synchronous replication, received
// by the standby). When the connection drops while COMMIT is in flight, or the server
// reports that it committed locally but the synchronous standby did not confirm, the
// write answers kUnavailable with "outcome unknown" in the message: it may or may not
// have happened, and is never reported as failed when it did not fail.
//
// Failover: connections that see the server go away (SQLSTATE class 08, 57P01..57P03) or
// find it read-only (25006, a demoted primary) are dropped and reopened on the next use;
// with a multi-host connection string and target_session_attrs=read-write, libpq finds
// the new primary. A call whose connection broke before anything was committed is
// retried once on a fresh connection.
#ifndef NARWHAL_STORAGE_POSTGRES_POSTGRES_STORE_H_
#define NARWHAL_STORAGE_POSTGRES_POSTGRES_STORE_H_

#include <memory>
#include <string>

#include "base/clock.h"
#include "base/status.h"
#include "storage/store.h"

namespace narwhal {

// A standby (or several, in one libpq multi-host string with
// target_session_attrs=prefer-standby) for the reads that decide no write: voter pages
// and search, precinct lists, statistics, readiness, turnout and GOTV lists. A probe
// compares the standby's replayed WAL position with positions the primary reported
// moments earlier, which bounds the staleness of its answers; beyond max_lag_ms, or when
// the standby does not answer, those reads go to the primary. Reads that decide a write
// (a strike's scope, a login, a session) always go to the primary.
struct ReadReplicaOptions {
  std::string conninfo;  // empty: every read on the primary
  int pool_size = 8;     // connections to the standby at most, >= 1
  // The staleness allowed, >= probe_interval_ms. A write acknowledged longer ago than
  // this is seen by every read the standby serves.
  int max_lag_ms = 2000;
  int probe_interval_ms = 100;  // how often the positions are compared, >= 10
};

struct PostgresOptions {
  // libpq connection string or URI; several hosts are allowed, e.g.
  // "postgresql://10.0.0.1:5432,10.0.0.2:5432/narwhal?target_session_attrs=read-write".
  std::string conninfo;
  // Connections at most, >= 1. 16 from measurement (docs/benchmarks.md): one strike per
  // request on 64 connections did 3.8k/s with 8, 4.4k/s with 16, 5.1k/s with 32.
  int pool_size = 16;
  // Strike calls (narwhal_record_strikes) in flight at most, 1..pool_size; batches
  // arriving while all are busy are recorded together in the next one (StrikeCombiner).
  // 0: a quarter of the pool (a starting point; not yet tuned by measurement).
  int strike_calls = 0;
  // Statements running longer are cancelled (kDeadlineExceeded).
  int statement_timeout_ms = 30000;
  // How long to try each host when connecting (libpq connect_timeout, >= 1).
  int connect_timeout_s = 5;
  // A write's COMMIT unanswered for this long (a synchronous standby that stopped
  // confirming, a server that froze) is reported as kDeadlineExceeded, outcome unknown:
  // the caller retries with its idempotency keys. No statement_timeout covers that wait.
  int commit_timeout_ms = 10000;
  // How long a call waits for a free connection before kResourceExhausted.
  int acquire_timeout_ms = 10000;
  ReadReplicaOptions read_replica;
  // Time for updated_at / removed_at / import records; null means the system clock.
  // Borrowed: must outlive the store.
  const Clock* clock = nullptr;
};

// Connects, applies the schema migrations that are missing (under an advisory lock, so
// that app nodes starting together do not race) and returns the store.
// kInvalidArgument for options out of range, kUnavailable when the server cannot be
// reached, kFailedPrecondition when the database schema is newer than this binary.
Result<std::unique_ptr<Store>> OpenPostgresStore(const PostgresOptions& options);

}  // namespace narwhal

#endif  // NARWHAL_STORAGE_POSTGRES_POSTGRES_STORE_H_

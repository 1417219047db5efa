#include "storage/postgres/read_replica.h"

#include <string>

#include "base/log.h"

namespace narwhal::postgres {

using std::chrono::duration_cast;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

void ReplayCoverage::Primary(Time at, int64_t position) {
  pending_.emplace_back(at, position);
  if (pending_.size() > keep_) pending_.pop_front();
}

void ReplayCoverage::Replayed(int64_t position) {
  while (!pending_.empty() && pending_.front().second <= position) {
    covered_ = pending_.front().first;
    pending_.pop_front();
  }
}

Result<std::unique_ptr<ReadReplica>> ReadReplica::Start(const ReadReplicaOptions& options,
                                                        const ConnectionSettings& base,
                                                        PrimaryPosition primary_position) {
  if (options.conninfo.empty()) return InvalidArgument("the read replica needs a conninfo");
  if (options.pool_size < 1) return InvalidArgument("the read replica's pool_size must be >= 1");
  if (options.probe_interval_ms < 10) {
    return InvalidArgument("the read replica's probe interval must be >= 10 ms");
  }
  if (options.max_lag_ms < options.probe_interval_ms) {
    return InvalidArgument("the read replica's max lag (" + std::to_string(options.max_lag_ms) +
                           " ms) must be at least its probe interval (" +
                           std::to_string(options.probe_interval_ms) +
                           " ms): the lag is only known to that precision");
  }
  ConnectionSettings settings = base;
  settings.conninfo = options.conninfo;
  settings.standby_allowed = true;
  std::unique_ptr<ReadReplica> replica(
      new ReadReplica(options, settings, std::move(primary_position)));  // private constructor
  replica->probe_ = std::thread([r = replica.get()] { r->ProbeLoop(); });
  return replica;
}

ReadReplica::ReadReplica(const ReadReplicaOptions& options, const ConnectionSettings& settings,
                         PrimaryPosition primary_position)
    : max_lag_(options.max_lag_ms),
      interval_(options.probe_interval_ms),
      primary_position_(std::move(primary_position)),
      // A read that finds the standby's connections all busy does not wait long: the
      // primary can serve it.
      pool_(std::make_unique<ConnectionPool>(settings, options.pool_size, milliseconds(100))) {}

ReadReplica::~ReadReplica() {
  stopping_.With([](bool& s) { s = true; });
  wake_.notify_all();
  if (probe_.joinable()) probe_.join();
}

std::optional<milliseconds> ReadReplica::Lag() const {
  const std::optional<ReplayCoverage::Time> covered =
      coverage_.With([](const ReplayCoverage& c) { return c.covered_until(); });
  if (!covered) return std::nullopt;
  return duration_cast<milliseconds>(steady_clock::now() - *covered);
}

std::optional<milliseconds> ReadReplica::FreshLag() const {
  std::optional<milliseconds> lag = Lag();
  if (lag && *lag > max_lag_) return std::nullopt;
  return lag;
}

void ReadReplica::Unreachable() {
  coverage_.With([](ReplayCoverage& c) { c.Lost(); });
}

void ReadReplica::Count(bool standby) {
  (standby ? standby_reads_ : primary_reads_).fetch_add(1, std::memory_order_relaxed);
}

ReadReplicaStatus ReadReplica::status() const {
  ReadReplicaStatus s;
  const std::optional<milliseconds> lag = Lag();
  if (lag) s.lag_ms = lag->count();
  s.in_use = lag.has_value() && *lag <= max_lag_;
  s.max_lag_ms = max_lag_.count();
  s.standby_reads = standby_reads_.load(std::memory_order_relaxed);
  s.primary_reads = primary_reads_.load(std::memory_order_relaxed);
  return s;
}

Status ReadReplica::Probe() {
  const ReplayCoverage::Time at = steady_clock::now();
  Result<int64_t> primary = primary_position_();
  if (primary.ok()) coverage_.With([&](ReplayCoverage& c) { c.Primary(at, *primary); });
  const Status primary_status = primary.status().WithContext("the primary's WAL position");
  // The standby is asked even when the primary did not answer: what it replayed still
  // counts against the earlier samples.
  Status standby;
  Result<ConnectionPool::Lease> lease = pool_->Acquire();
  if (lease.ok()) {
    // Bounded by the allowed lag: a standby that takes longer is of no use anyway.
    bool sent = false;
    Result<Rows> r = (*lease)->ExecWithin(
        "SELECT (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() "
        "ELSE pg_current_wal_lsn() END - '0/0'::pg_lsn)::bigint",
        Params(), max_lag_, &sent);
    if (r.ok() && !r->IsNull(0, 0)) {
      const int64_t replayed = r->Int64(0, 0);
      coverage_.With([&](ReplayCoverage& c) { c.Replayed(replayed); });
      return primary_status;
    }
    standby = r.ok() ? Unavailable("the standby has replayed nothing yet") : r.status();
  } else if (lease.status().code() == ErrorCode::kResourceExhausted) {
    // Every connection is serving a read: the standby answers; this round measures
    // nothing, and the samples' bound grows until the next one does.
    return primary_status;
  } else {
    standby = lease.status();
  }
  Unreachable();
  return standby;
}

void ReadReplica::ProbeLoop() {
  bool reported = false;  // the standby's failure was logged; log it again once it recovered
  while (true) {
    Status s = Probe();
    if (!s.ok() && !reported) {
      LogWarning("read replica probe: " + s.ToString());
      reported = true;
    } else if (s.ok() && reported) {
      LogInfo("read replica: answering again");
      reported = false;
    }
    auto stopping = stopping_.Lock();
    if (wake_.wait_for(stopping.lock(), interval_, [&] { return *stopping; })) return;
  }
}

}  // namespace narwhal::postgres

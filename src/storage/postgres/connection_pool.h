// ConnectionPool: at most `size` PostgreSQL connections, opened on demand and lent to one
// caller at a time.
//
// A connection that broke while lent (server restart, failover, network loss) is dropped
// when it comes back, together with every idle one (they went to the same server and are
// most likely dead too); the next Acquire connects afresh. An idle connection whose
// server closed it (a restart, a failover) is noticed by Acquire without a round trip
// and replaced. A caller that finds every
// connection lent out waits up to `acquire_timeout` for one, then gets kResourceExhausted.
//
// Thread-safety: Acquire may be called from any thread; a Lease and its connection belong
// to the thread that acquired it until the Lease is destroyed. The pool must outlive its
// leases.
#ifndef NARWHAL_STORAGE_POSTGRES_CONNECTION_POOL_H_
#define NARWHAL_STORAGE_POSTGRES_CONNECTION_POOL_H_

#include <chrono>
#include <condition_variable>
#include <memory>
#include <vector>

#include "base/guarded.h"
#include "base/status.h"
#include "storage/postgres/pg_connection.h"

namespace narwhal::postgres {

class ConnectionPool {
 public:
  // A borrowed connection, returned to the pool on destruction.
  class Lease {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<Connection> connection)
        : pool_(pool), connection_(std::move(connection)) {}
    ~Lease();
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;

    Connection& operator*() const { return *connection_; }
    Connection* operator->() const { return connection_.get(); }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<Connection> connection_;
  };

  ConnectionPool(ConnectionSettings settings, int size, std::chrono::milliseconds acquire_timeout);

  // An idle connection, or a new one when fewer than `size` exist. kUnavailable when a
  // new connection cannot be made, kResourceExhausted after waiting in vain.
  Result<Lease> Acquire();

 private:
  struct State {
    std::vector<std::unique_ptr<Connection>> idle;
    int open = 0;  // idle + lent + being opened
  };
  void Release(std::unique_ptr<Connection> connection);

  // Constant after construction.
  const ConnectionSettings settings_;
  const int size_;
  const std::chrono::milliseconds acquire_timeout_;

  Guarded<State> state_;
  std::condition_variable returned_;
};

}  // namespace narwhal::postgres

#endif  // NARWHAL_STORAGE_POSTGRES_CONNECTION_POOL_H_

#include "storage/postgres/connection_pool.h"

#include <utility>

namespace narwhal::postgres {

ConnectionPool::Lease::~Lease() {
  if (connection_ != nullptr) pool_->Release(std::move(connection_));
}

ConnectionPool::ConnectionPool(ConnectionSettings settings, int size,
                               std::chrono::milliseconds acquire_timeout)
    : settings_(std::move(settings)), size_(size), acquire_timeout_(acquire_timeout) {}

Result<ConnectionPool::Lease> ConnectionPool::Acquire() {
  std::vector<std::unique_ptr<Connection>> dead;  // closed outside the lock
  {
    auto state = state_.Lock();
    const bool available = returned_.wait_for(state.lock(), acquire_timeout_, [&] {
      return !state->idle.empty() || state->open < size_;
    });
    if (!available) {
      return ResourceExhausted("all " + std::to_string(size_) +
                               " PostgreSQL connections are busy; retry later");
    }
    // The most recently used first. A connection whose server went away while it was
    // idle is closed here, before anything is sent on it, so that a write after a
    // failover is never sent into a dead connection and left with an unknown outcome.
    while (!state->idle.empty()) {
      std::unique_ptr<Connection> c = std::move(state->idle.back());
      state->idle.pop_back();
      if (c->ProbeIdle()) return Lease(this, std::move(c));
      dead.push_back(std::move(c));
      --state->open;
    }
    ++state->open;  // reserve the slot while connecting outside the lock
  }
  dead.clear();
  Result<std::unique_ptr<Connection>> c = Connection::Open(settings_);
  if (!c.ok()) {
    state_.With([](State& s) { --s.open; });
    returned_.notify_one();
    return c.status();
  }
  return Lease(this, std::move(c).value());
}

void ConnectionPool::Release(std::unique_ptr<Connection> connection) {
  std::vector<std::unique_ptr<Connection>> dropped;  // closed outside the lock
  {
    auto state = state_.Lock();
    if (connection->broken()) {
      --state->open;
      state->open -= static_cast<int>(state->idle.size());
      dropped = std::move(state->idle);
      state->idle.clear();
      dropped.push_back(std::move(connection));
    } else {
      state->idle.push_back(std::move(connection));
    }
  }
  returned_.notify_all();
}

}  // namespace narwhal::postgres

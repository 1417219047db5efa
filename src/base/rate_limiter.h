// RateLimiter: token buckets per key (an address, a token, a login selector), for
// "N requests per second with bursts of B" limits that answer 429 with a Retry-After.
//
// Memory is bounded: at most `max_keys` buckets; when full, buckets that have refilled
// completely (and so carry no information) are dropped first, then the least recently used,
// a quarter at a time so that the sweep is paid once per many new keys.
// Time comes from the injected Clock, so tests need no sleeps.
//
// Thread-safety: all methods are safe to call concurrently. Keys are spread over shards,
// each with its own lock, so that requests on different cores rarely wait for each other.
#ifndef NARWHAL_BASE_RATE_LIMITER_H_
#define NARWHAL_BASE_RATE_LIMITER_H_

#include <array>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/clock.h"

namespace narwhal {

struct RateLimit {
  double per_second = 10;  // sustained rate
  double burst = 20;       // bucket size
};

class RateLimiter {
 public:
  RateLimiter(const Clock& clock, RateLimit limit, size_t max_keys = 100000);

  // Takes `cost` tokens from `key`'s bucket. Returns zero when allowed, otherwise how long
  // to wait before the same call would be allowed (and takes nothing).
  std::chrono::milliseconds Acquire(std::string_view key, double cost = 1);

  size_t size() const;

 private:
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point updated;  // of the last use (each use refills)
  };
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view key) const noexcept {
      return std::hash<std::string_view>()(key);
    }
  };
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<std::string, Bucket, KeyHash, std::equal_to<>> buckets;  // guarded by mu
  };
  static constexpr size_t kShards = 16;

  void Refill(Bucket& b, std::chrono::steady_clock::time_point now) const;
  // Makes room in a full shard: drops the buckets that have refilled, then the least
  // recently used, until at most three quarters of `max_per_shard_` are left (none of a
  // shard of one). Called with the shard's lock held.
  void Evict(Shard& shard, std::chrono::steady_clock::time_point now) const;

  // Constant after construction.
  const Clock& clock_;
  const RateLimit limit_;
  const size_t shards_used_;    // min(kShards, max_keys): never more shards than keys
  const size_t max_per_shard_;  // shards_used_ * max_per_shard_ <= max_keys

  std::array<Shard, kShards> shards_;
};

}  // namespace narwhal

#endif  // NARWHAL_BASE_RATE_LIMITER_H_

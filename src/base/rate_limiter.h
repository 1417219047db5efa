// RateLimiter: token buckets per key (an address, a token, a login selector), for
// "N requests per second with bursts of B" limits that answer 429 with a Retry-After.
//
// Memory is bounded: at most `max_keys` buckets; when full, buckets that have refilled
// completely (and so carry no information) are dropped first, then the least recently used.
// Time comes from the injected Clock, so tests need no sleeps.
//
// Thread-safety: all methods are safe to call concurrently.
#ifndef NARWHAL_BASE_RATE_LIMITER_H_
#define NARWHAL_BASE_RATE_LIMITER_H_

#include <chrono>
#include <cstddef>
#include <list>
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
    std::chrono::steady_clock::time_point updated;
    std::list<std::string>::iterator lru;
  };
  void Refill(Bucket& b, std::chrono::steady_clock::time_point now) const;
  void EvictOne(std::chrono::steady_clock::time_point now);

  // Constant after construction.
  const Clock& clock_;
  const RateLimit limit_;
  const size_t max_keys_;

  mutable std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;  // guarded by mu_
  std::list<std::string> lru_;                       // guarded by mu_; front = most recent
};

}  // namespace narwhal

#endif  // NARWHAL_BASE_RATE_LIMITER_H_

#include "base/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace narwhal {

RateLimiter::RateLimiter(const Clock& clock, RateLimit limit, size_t max_keys)
    : clock_(clock), limit_(limit), max_keys_(std::max<size_t>(1, max_keys)) {}

void RateLimiter::Refill(Bucket& b, std::chrono::steady_clock::time_point now) const {
  double seconds = std::chrono::duration<double>(now - b.updated).count();
  if (seconds > 0) {
    b.tokens = std::min(limit_.burst, b.tokens + seconds * limit_.per_second);
    b.updated = now;
  }
}

void RateLimiter::EvictOne(std::chrono::steady_clock::time_point now) {
  // Look at a few of the least recently used buckets for one that is full again.
  auto it = lru_.end();
  for (int looked = 0; looked < 8 && it != lru_.begin(); ++looked) {
    --it;
    Bucket& b = buckets_.at(*it);
    Refill(b, now);
    if (b.tokens >= limit_.burst) {
      buckets_.erase(*it);
      lru_.erase(it);
      return;
    }
  }
  buckets_.erase(lru_.back());
  lru_.pop_back();
}

std::chrono::milliseconds RateLimiter::Acquire(std::string_view key, double cost) {
  auto now = clock_.Monotonic();
  std::lock_guard<std::mutex> lock(mu_);
  auto it = buckets_.find(std::string(key));
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_keys_) EvictOne(now);
    lru_.emplace_front(key);
    it = buckets_.emplace(std::string(key), Bucket{limit_.burst, now, lru_.begin()}).first;
  } else {
    lru_.splice(lru_.begin(), lru_, it->second.lru);
    Refill(it->second, now);
  }
  Bucket& b = it->second;
  if (b.tokens >= cost) {
    b.tokens -= cost;
    return std::chrono::milliseconds(0);
  }
  double wait = (cost - b.tokens) / limit_.per_second;
  return std::chrono::milliseconds(static_cast<int64_t>(std::ceil(wait * 1000)));
}

size_t RateLimiter::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return buckets_.size();
}

}  // namespace narwhal

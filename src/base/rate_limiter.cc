#include "base/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace narwhal {

RateLimiter::RateLimiter(const Clock& clock, RateLimit limit, size_t max_keys)
    : clock_(clock),
      limit_(limit),
      shards_used_(std::clamp<size_t>(max_keys, 1, kShards)),
      max_per_shard_(std::max<size_t>(1, max_keys / shards_used_)) {}

void RateLimiter::Refill(Bucket& b, std::chrono::steady_clock::time_point now) const {
  double seconds = std::chrono::duration<double>(now - b.updated).count();
  if (seconds > 0) {
    b.tokens = std::min(limit_.burst, b.tokens + seconds * limit_.per_second);
    b.updated = now;
  }
}

void RateLimiter::Evict(Shard& shard, std::chrono::steady_clock::time_point now) const {
  auto& buckets = shard.buckets;
  // Full again: the bucket says nothing a new one would not. Looked at without refilling,
  // so that `updated` stays the time of the bucket's last use.
  for (auto it = buckets.begin(); it != buckets.end();) {
    const Bucket& b = it->second;
    const double seconds = std::chrono::duration<double>(now - b.updated).count();
    const bool full = b.tokens + std::max(0.0, seconds) * limit_.per_second >= limit_.burst;
    it = full ? buckets.erase(it) : std::next(it);
  }
  // Then the least recently used, a quarter of the shard at a time (all of a shard of one).
  const size_t keep = max_per_shard_ - std::max<size_t>(1, max_per_shard_ / 4);
  if (buckets.size() <= keep) return;
  using Entry = std::pair<std::chrono::steady_clock::time_point, std::string>;
  std::vector<Entry> by_age;
  by_age.reserve(buckets.size());
  for (const auto& [key, bucket] : buckets) by_age.emplace_back(bucket.updated, key);
  const size_t drop = buckets.size() - keep;
  std::nth_element(by_age.begin(), by_age.begin() + static_cast<std::ptrdiff_t>(drop - 1),
                   by_age.end(), [](const Entry& a, const Entry& b) { return a.first < b.first; });
  for (size_t i = 0; i < drop; ++i) buckets.erase(by_age[i].second);
}

std::chrono::milliseconds RateLimiter::Acquire(std::string_view key, double cost) {
  const auto now = clock_.Monotonic();
  const size_t hash = KeyHash()(key);
  Shard& shard = shards_[(hash >> 8) % shards_used_];
  std::lock_guard<std::mutex> lock(shard.mu);
  auto it = shard.buckets.find(key);
  if (it == shard.buckets.end()) {
    if (shard.buckets.size() >= max_per_shard_) Evict(shard, now);
    it = shard.buckets.emplace(std::string(key), Bucket{limit_.burst, now}).first;
  } else {
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
  size_t n = 0;
  for (const Shard& shard : shards_) {
    std::lock_guard<std::mutex> lock(shard.mu);
    n += shard.buckets.size();
  }
  return n;
}

}  // namespace narwhal

#include "base/rate_limiter.h"

#include <gtest/gtest.h>

namespace narwhal {
namespace {

using std::chrono::milliseconds;

TEST(RateLimiterTest, BurstThenRate) {
  ManualClock clock;
  RateLimiter limiter(clock, {2, 3});
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.Acquire("a"), milliseconds(0));
  EXPECT_EQ(limiter.Acquire("a"), milliseconds(500));
  EXPECT_EQ(limiter.Acquire("b"), milliseconds(0));  // keys are independent
  clock.Advance(milliseconds(500));
  EXPECT_EQ(limiter.Acquire("a"), milliseconds(0));
  EXPECT_GT(limiter.Acquire("a"), milliseconds(0));
}

TEST(RateLimiterTest, MemoryIsBounded) {
  ManualClock clock;
  RateLimiter limiter(clock, {1, 1}, 100);
  for (int i = 0; i < 1000; ++i) limiter.Acquire("k" + std::to_string(i));
  EXPECT_LE(limiter.size(), 100u);
  // The most recent key keeps its empty bucket.
  EXPECT_GT(limiter.Acquire("k999"), milliseconds(0));
}

TEST(RateLimiterTest, FewKeysMeansFewBuckets) {
  ManualClock clock;
  for (size_t max_keys : {1u, 3u, 5u, 17u}) {
    RateLimiter limiter(clock, {1, 1}, max_keys);
    for (int i = 0; i < 200; ++i) limiter.Acquire("k" + std::to_string(i));
    EXPECT_LE(limiter.size(), max_keys) << max_keys;
    EXPECT_GT(limiter.Acquire("k199"), milliseconds(0)) << max_keys;
  }
}

// A flood of new keys makes room with the least recently used buckets: one drained a little
// while ago keeps its state (and stays throttled) while older ones go.
TEST(RateLimiterTest, FloodDropsTheLeastRecentlyUsedFirst) {
  ManualClock clock;
  RateLimiter limiter(clock, {0.001, 1}, 1600);  // a token per 1,000 s
  for (int i = 0; i < 1000; ++i) limiter.Acquire("idle" + std::to_string(i));
  clock.Advance(std::chrono::seconds(10));
  EXPECT_EQ(limiter.Acquire("hot"), milliseconds(0));
  EXPECT_GT(limiter.Acquire("hot"), milliseconds(0));
  clock.Advance(std::chrono::seconds(10));
  for (int i = 0; i < 1000; ++i) limiter.Acquire("new" + std::to_string(i));
  EXPECT_LE(limiter.size(), 1600u);
  EXPECT_GT(limiter.Acquire("hot"), milliseconds(0)) << "the drained bucket was dropped";
  int idle_left = 0;
  for (int i = 0; i < 1000; ++i) {
    if (limiter.Acquire("idle" + std::to_string(i)) > milliseconds(0)) ++idle_left;
  }
  EXPECT_LT(idle_left, 1000) << "older buckets make the room";
}

}  // namespace
}  // namespace narwhal

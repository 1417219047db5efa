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

}  // namespace
}  // namespace narwhal

#include "domain/election.h"

#include <gtest/gtest.h>

namespace narwhal {
namespace {

TEST(ElectionTest, ValidatesStrikeRequests) {
  StrikeRequest ok{"AA123", "3f2a9c1e-0001", StrikeSource::kPollWatcher};
  EXPECT_TRUE(ValidateStrikeRequest(ok).ok());
  StrikeRequest no_voter = ok;
  no_voter.voter_id.clear();
  EXPECT_NE(ValidateStrikeRequest(no_voter).message().find("voter_id"), std::string::npos);
  StrikeRequest short_key = ok;
  short_key.idempotency_key = "abc";
  EXPECT_NE(ValidateStrikeRequest(short_key).message().find("idempotency_key"), std::string::npos);
  StrikeRequest bad_key = ok;
  bad_key.idempotency_key = "key with spaces";
  EXPECT_FALSE(ValidateStrikeRequest(bad_key).ok());
}

TEST(ElectionTest, TurnoutAdds) {
  Turnout a{100, 40, 50, 20, 61.5, "2026-11-03T10:00:00Z"};
  Turnout b{10, 5, 6, 1, 7, "2026-11-03T11:00:00Z"};
  a += b;
  EXPECT_EQ(a.registered, 110);
  EXPECT_EQ(a.voted, 45);
  EXPECT_EQ(a.supporters_to_go(), 35);
  EXPECT_EQ(a.last_report_at, "2026-11-03T11:00:00Z");
  EXPECT_EQ(StrikeOutcomeName(StrikeOutcome::kAlreadyStruck), "already_struck");
}

}  // namespace
}  // namespace narwhal

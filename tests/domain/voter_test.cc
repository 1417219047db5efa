#include "domain/voter.h"

#include <gtest/gtest.h>

namespace narwhal {
namespace {

TEST(VoterTest, ParseDate) {
  std::string iso;
  EXPECT_TRUE(ParseDate("03/24/1998", iso));
  EXPECT_EQ(iso, "1998-03-24");
  EXPECT_TRUE(ParseDate("3/4/1998", iso));
  EXPECT_EQ(iso, "1998-03-04");
  EXPECT_TRUE(ParseDate("2008-06-22", iso));
  EXPECT_EQ(iso, "2008-06-22");
  EXPECT_TRUE(ParseDate("20000229", iso));
  EXPECT_FALSE(ParseDate("19000229", iso));
  EXPECT_FALSE(ParseDate("13/01/2000", iso));
  EXPECT_FALSE(ParseDate("", iso));
  EXPECT_FALSE(ParseDate("yesterday", iso));
}

TEST(VoterTest, FingerprintDetectsChange) {
  Voter a;
  a.voter_id = "AA1";
  a.last_name = "SMITH";
  Voter b = a;
  EXPECT_EQ(Fingerprint(a), Fingerprint(b));
  b.extra.emplace_back("vtd_abbrv", "08N");
  EXPECT_NE(Fingerprint(a), Fingerprint(b));
  Voter c = a;
  c.last_name = "SMIT";
  c.first_name = "H";
  a.first_name = "";
  a.last_name = "SMITH";
  EXPECT_NE(Fingerprint(a), Fingerprint(c));
}

TEST(VoterTest, MoveIsResidenceOrPrecinct) {
  Voter a;
  a.residence.street = "1 MAIN ST";
  Voter b = a;
  b.phone = "555";
  EXPECT_FALSE(IsMove(a, b));
  b.precinct = "02";
  EXPECT_TRUE(IsMove(a, b));
}

TEST(VoterTest, StatusNames) {
  EXPECT_EQ(VoterStatusFromName(VoterStatusName(VoterStatus::kRemoved)), VoterStatus::kRemoved);
  EXPECT_EQ(VoterStatusFromName("bogus"), VoterStatus::kUnknown);
}

}  // namespace
}  // namespace narwhal

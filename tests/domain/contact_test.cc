#include "domain/contact.h"

#include <gtest/gtest.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace narwhal {
namespace {

TEST(ResultCodeTest, CoreCodesAreUniqueWithTheirMeaning) {
  std::set<std::string_view> codes;
  for (const ResultCode& r : CoreResultCodes()) EXPECT_TRUE(codes.insert(r.code).second) << r.code;
  const ResultCode* moved = FindResultCode("MV");
  ASSERT_NE(moved, nullptr);
  EXPECT_EQ(moved->category, ResultCategory::kSuppress);
  EXPECT_EQ(moved->scope, ResultScope::kAddress);                // moved marks the address
  EXPECT_EQ(FindResultCode("DC")->scope, ResultScope::kPerson);  // deceased, the person
  EXPECT_EQ(FindResultCode("NH")->category, ResultCategory::kRetry);
  EXPECT_EQ(FindResultCode("NH")->scope, ResultScope::kHousehold);
  EXPECT_EQ(FindResultCode("C")->category, ResultCategory::kSuccess);
  EXPECT_EQ(FindResultCode("nh"), nullptr);
  EXPECT_EQ(ContactChannelFromName("phone"), ContactChannel::kPhone);
  EXPECT_FALSE(ContactChannelFromName("fax"));
}

TEST(ContactReportTest, ValidationNamesTheField) {
  ContactReport r;
  r.voter_id = "NC100";
  r.idempotency_key = "device-1-event-1";
  r.result = "C";
  EXPECT_TRUE(ValidateContactReport(r).ok());
  auto error = [&](auto change) {
    ContactReport bad = r;
    change(bad);
    Status s = ValidateContactReport(bad);
    EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
    return s.message();
  };
  EXPECT_EQ(error([](ContactReport& b) { b.result = "x!"; }), "result: unknown result code 'x!'");
  EXPECT_EQ(error([](ContactReport& b) { b.support = 6; }), "support: must be 1 to 5, or 0");
  EXPECT_EQ(error([](ContactReport& b) { b.idempotency_key = "short"; }).substr(0, 16),
            "idempotency_key:");
  EXPECT_EQ(error([](ContactReport& b) { b.voter_id.clear(); }).substr(0, 9), "voter_id:");
  EXPECT_EQ(error([](ContactReport& b) { b.note = std::string(2001, 'x'); }),
            "note: over 2000 bytes or not UTF-8");
  EXPECT_EQ(error([](ContactReport& b) { b.client_at = "yesterday"; }),
            "client_at: not an ISO 8601 time (2026-11-03T14:05:09Z)");
  EXPECT_EQ(error([](ContactReport& b) {
              b.answers = {{"", "x"}};
            }),
            "answers: a question name is empty, over 100 bytes or not UTF-8");
  for (const char* bad : {"2026-11-03Tgarbage!!!!", "2026-11-03T25:00:00Z", "2026-11-03T14:05:09",
                          "2026-11-03T14:05:09.Z", "2026-11-03T14:05:09+1:00"}) {
    EXPECT_FALSE(error([&](ContactReport& b) { b.client_at = bad; }).empty()) << bad;
  }
  for (const char* good : {"2026-11-03T14:05:09.123Z", "2026-11-03T09:05:09-05:00"}) {
    ContactReport b = r;
    b.client_at = good;
    EXPECT_TRUE(ValidateContactReport(b).ok()) << good;
  }
  r.client_at = "2026-11-03T14:05:09Z";
  r.answers = {{"top_issue", "schools"}};
  r.support = 1;
  EXPECT_TRUE(ValidateContactReport(r).ok());
}

TEST(ContactTest, IsoSecondsReadsWhatValidationAccepts) {
  EXPECT_EQ(IsoSeconds("1970-01-01T00:01:05Z"), 65);
  EXPECT_EQ(IsoSeconds("1970-01-01T00:01:05.250Z"), 65);
  EXPECT_EQ(IsoSeconds("1970-01-01T02:00:00+02:00"), 0);
  EXPECT_EQ(IsoSeconds("1969-12-31T22:00:00-02:00"), 0);
  EXPECT_EQ(IsoSeconds("2026-11-03"), std::nullopt);
  EXPECT_EQ(IsoSeconds("noon"), std::nullopt);
}

TEST(ContactTest, CanvassersAreSummarizedByTheirDevicesClock) {
  // Ann: door 1 (two voters) at 10:00, door 2 at 10:04, door 3 at 10:10, all sent at once
  // at 10:30; Bob: one not-home by the server's clock only.
  std::vector<DoorContact> contacts = {
      {7, "V1", 1, "C", "success", "2026-10-03T10:30:00Z", "2026-10-03T10:00:00Z"},
      {7, "V2", 1, "NH", "retry", "2026-10-03T10:30:00Z", "2026-10-03T10:01:00Z"},
      {7, "V3", 2, "RF", "suppress", "2026-10-03T10:30:00Z", "2026-10-03T10:04:00Z"},
      {7, "V4", 3, "C", "success", "2026-10-03T10:30:00Z", "2026-10-03T10:10:00Z"},
      {9, "V5", 4, "NH", "retry", "2026-10-03T11:00:00Z", ""},
  };
  std::vector<CanvasserActivity> a = SummarizeCanvassers(contacts);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].user_id, 7);
  EXPECT_EQ(a[0].contacts, 4);
  EXPECT_EQ(a[0].doors, 3);
  EXPECT_EQ(a[0].voters, 4);
  EXPECT_EQ(a[0].voters_reached, 2);
  EXPECT_DOUBLE_EQ(a[0].contact_rate, 0.5);
  EXPECT_DOUBLE_EQ(a[0].minutes_between_doors, 5.0);  // gaps of 4 and 6 minutes
  EXPECT_EQ(a[0].first_at, "2026-10-03T10:00:00Z");
  EXPECT_EQ(a[0].last_at, "2026-10-03T10:10:00Z");
  EXPECT_EQ(a[1].user_id, 9);
  EXPECT_EQ(a[1].doors, 1);
  EXPECT_DOUBLE_EQ(a[1].minutes_between_doors, 0);
  EXPECT_EQ(a[1].first_at, "2026-10-03T11:00:00Z");
  EXPECT_TRUE(SummarizeCanvassers({}).empty());
}

}  // namespace
}  // namespace narwhal

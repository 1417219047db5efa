// Phone banks over HTTP: an organizer makes a call list and assigns a phone banker; she
// claims, renews and records results that land in the contact history and release the
// person by the retry rules; refusals name what is wrong; calling hours close the list.
#include "http/call_api.h"

#include <gtest/gtest.h>

#include <string>

#include "access_support.h"

namespace narwhal {
namespace {

using testing::AccessWorld;
using testing::Body;
using testing::Str;
namespace json = boost::json;

class CallApiTest : public ::testing::Test {
 protected:
  // 2026-11-02 14:30Z: 09:30 in Raleigh (Eastern standard time).
  void SetUp() override {
    world_.clock().Advance(std::chrono::hours(38) + std::chrono::minutes(30));
    organizer_ = world_.Token(Role::kOrganizer);
    banker_ = world_.Token(Role::kPhoneBanker);
  }

  json::object Claim(int64_t list, const std::string& token, int status = 200) {
    HttpResponse r = world_.Send("POST", "/api/v1/call-lists/" + std::to_string(list) + "/claim",
                                 token, R"({"lease_seconds":120,"household":true})");
    EXPECT_EQ(r.status, status) << r.body;
    json::value v = Body(r);
    return v.is_object() ? v.as_object() : json::object{};
  }

  HttpResponse Result(int64_t list, int64_t position, const std::string& body,
                      const std::string& token) {
    return world_.Send("POST",
                       "/api/v1/call-lists/" + std::to_string(list) + "/calls/" +
                           std::to_string(position) + "/result",
                       token, body);
  }

  AccessWorld world_;
  std::string organizer_;
  std::string banker_;
};

TEST_F(CallApiTest, AnOrganizerMakesAListAndAssignsHerCallers) {
  // The voter list behind the world's county-92 call list.
  HttpResponse got =
      world_.Send("GET", "/api/v1/call-lists/" + std::to_string(world_.call_in()), organizer_);
  ASSERT_EQ(got.status, 200) << got.body;
  const int64_t voter_list = Body(got).at("voter_list_id").as_int64();
  EXPECT_EQ(Body(got).at("people").as_int64(), 1);
  EXPECT_EQ(Str(Body(got).at("zones").at(0).at("zone")), "America/New_York");
  EXPECT_EQ(Body(got).at("zones").at(0).at("open_now"), json::value(true));
  EXPECT_EQ(Body(got).at("callers").as_array().size(), 1u);

  HttpResponse made = world_.Send("POST", "/api/v1/call-lists", organizer_,
                                  R"({"name":"evening","list_id":)" + std::to_string(voter_list) +
                                      R"(,"call_from":"17:00","call_until":"20:30"})");
  ASSERT_EQ(made.status, 201) << made.body;
  EXPECT_EQ(Str(Body(made).at("call_from")), "17:00");
  EXPECT_EQ(Str(Body(made).at("call_until")), "20:30");
  const int64_t evening = Body(made).at("id").as_int64();
  // 09:30 is outside its hours: nobody to call.
  EXPECT_TRUE(Claim(evening, organizer_).at("claim").is_null());

  auto refused = [&](const std::string& body) {
    HttpResponse r = world_.Send("POST", "/api/v1/call-lists", organizer_, body);
    EXPECT_EQ(r.status, 400) << body;
    return Str(Body(r).at("detail"));
  };
  const std::string list = std::to_string(voter_list);
  EXPECT_NE(refused(R"({"name":"x","list_id":)" + list + R"(,"call_from":"07:00"})")
                .find("calls may begin from 08:00"),
            std::string::npos);
  EXPECT_NE(
      refused(R"({"name":"x","list_id":)" + list + R"(,"call_until":"9pm"})").find("call_until"),
      std::string::npos);
  EXPECT_NE(refused(R"({"name":"x","list_id":)" + list + R"(,"script":"nope"})").find("no script"),
            std::string::npos);

  // Only phone bankers are assigned; the phone banker sees her lists only.
  const std::string callers = "/api/v1/call-lists/" + std::to_string(evening) + "/callers";
  EXPECT_EQ(world_
                .Send("PUT", callers, organizer_,
                      R"({"user_ids":[)" + std::to_string(world_.user(Role::kCanvasser).id) + "]}")
                .status,
            400);
  ASSERT_EQ(
      world_
          .Send("PUT", callers, organizer_,
                R"({"user_ids":[)" + std::to_string(world_.user(Role::kPhoneBanker).id) + "]}")
          .status,
      200);
  HttpResponse mine = world_.Send("GET", "/api/v1/call-lists", banker_);
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_EQ(Body(mine).at("call_lists").as_array().size(), 2u);
  HttpResponse all = world_.Send("GET", "/api/v1/call-lists", organizer_);
  EXPECT_EQ(Body(all).at("call_lists").as_array().size(), 3u);
  EXPECT_EQ(
      world_.Send("GET", "/api/v1/call-lists/" + std::to_string(world_.call_out()), banker_).status,
      403);
}

TEST_F(CallApiTest, APhoneBankerClaimsCallsAndRecordsTheResult) {
  ASSERT_EQ(world_
                .Send("PUT", "/api/v1/field-book", world_.Token(Role::kAdmin),
                      R"({"base_version":0,"book":{"questions":[
      {"key":"plan","short_name":"Plan","text":"How will you vote?","kind":"single",
       "choices":[{"key":"early","label":"Early"},{"key":"eday","label":"Election day"}]}]}})")
                .status,
            200);
  const int64_t list = world_.call_in();
  json::object claim = Claim(list, banker_).at("claim").as_object();
  EXPECT_EQ(Str(claim.at("voter").at("voter_id")), "NC100");
  EXPECT_EQ(Str(claim.at("voter").at("name")), "JOHN SMITH");
  EXPECT_EQ(Str(claim.at("phone")), "9195550100");
  EXPECT_EQ(claim.at("lease_seconds").as_int64(), 120);
  EXPECT_EQ(Str(claim.at("zone").at("label")), "Eastern");
  EXPECT_EQ(Str(claim.at("zone").at("local_time")), "09:30");
  EXPECT_TRUE(claim.at("household").as_array().empty());  // nobody else at her door
  const int64_t position = claim.at("position").as_int64();
  // The organizer (also a caller) finds nobody free: NC100 is held.
  EXPECT_TRUE(Claim(list, organizer_).at("claim").is_null());

  const std::string renew = "/api/v1/call-lists/" + std::to_string(list) + "/calls/" +
                            std::to_string(position) + "/renew";
  HttpResponse renewed = world_.Send("POST", renew, banker_, R"({"lease_seconds":300})");
  ASSERT_EQ(renewed.status, 200) << renewed.body;
  EXPECT_EQ(Body(renewed).at("lease_seconds").as_int64(), 300);
  EXPECT_EQ(world_.Send("POST", renew, organizer_, "").status, 409);

  // Refusals: another voter, no result, a channel of its own, an answer the book lacks.
  EXPECT_EQ(Result(list, position,
                   R"({"voter_id":"NC101","idempotency_key":"call-0001","result":"NA"})", banker_)
                .status,
            400);
  EXPECT_EQ(Result(list, position, R"({"voter_id":"NC100","idempotency_key":"call-0001"})", banker_)
                .status,
            400);
  EXPECT_EQ(
      Result(list, position,
             R"({"voter_id":"NC100","idempotency_key":"call-0001","result":"NA","channel":"door"})",
             banker_)
          .status,
      400);
  EXPECT_EQ(Result(list, position,
                   R"({"voter_id":"NC100","idempotency_key":"call-0001","result":"C",
                       "answers":{"plan":"never"}})",
                   banker_)
                .status,
            400);

  // No answer: back in the queue in four hours, the call in her history.
  HttpResponse na =
      Result(list, position, R"({"voter_id":"NC100","idempotency_key":"call-0001","result":"NA"})",
             banker_);
  ASSERT_EQ(na.status, 200) << na.body;
  EXPECT_EQ(Body(na).at("finished"), json::value(false));
  EXPECT_EQ(Str(Body(na).at("next_call_at")), "2026-11-02T18:30:00Z");
  // The same request again is the same call.
  HttpResponse again =
      Result(list, position, R"({"voter_id":"NC100","idempotency_key":"call-0001","result":"NA"})",
             banker_);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(Str(Body(again).at("outcome")), "replayed");
  EXPECT_TRUE(Claim(list, banker_).at("claim").is_null());

  // Four hours later she is due; reached, with an answer: done with.
  world_.clock().Advance(std::chrono::hours(4));
  claim = Claim(list, banker_).at("claim").as_object();
  EXPECT_EQ(claim.at("attempts").as_int64(), 1);
  HttpResponse reached = Result(list, position,
                                R"({"voter_id":"NC100","idempotency_key":"call-0002","result":"C",
                 "answers":{"plan":"early"},"note":"votes early at the library"})",
                                banker_);
  ASSERT_EQ(reached.status, 200) << reached.body;
  EXPECT_EQ(Body(reached).at("finished"), json::value(true));
  EXPECT_TRUE(Body(reached).at("next_call_at").is_null());

  HttpResponse history = world_.Send("GET", "/api/v1/voters/NC100/contacts", organizer_);
  ASSERT_EQ(history.status, 200) << history.body;
  const json::value timeline = Body(history);
  const json::array& contacts = timeline.at("contacts").as_array();
  ASSERT_EQ(contacts.size(), 2u);
  EXPECT_EQ(Str(contacts[0].at("channel")), "phone");
  EXPECT_EQ(Str(contacts[0].at("answers").at("plan")), "early");
  EXPECT_EQ(contacts[0].at("user_id").as_int64(), world_.user(Role::kPhoneBanker).id);
  HttpResponse got = world_.Send("GET", "/api/v1/call-lists/" + std::to_string(list), banker_);
  EXPECT_EQ(Body(got).at("done").as_int64(), 1);
  EXPECT_EQ(Body(got).at("left").as_int64(), 0);
  EXPECT_FALSE(Body(got).as_object().contains("activity"));  // the organizer's view
  // The organizer sees how the list is being worked: her last result, reached.
  HttpResponse watched =
      world_.Send("GET", "/api/v1/call-lists/" + std::to_string(list), organizer_);
  const json::value activity = Body(watched).at("activity");
  EXPECT_EQ(activity.at("called").as_int64(), 1);
  EXPECT_EQ(activity.at("reached").as_int64(), 1);
  EXPECT_EQ(activity.at("contact_rate").as_double(), 1.0);
  EXPECT_EQ(activity.at("calls_finished").as_int64(), 1);
  EXPECT_EQ(activity.at("callers_holding").as_int64(), 0);
  EXPECT_EQ(Str(activity.at("results").at(0).at("code")), "C");
  EXPECT_EQ(Str(activity.at("results").at(0).at("category")), "success");

  int claims = 0, finishes = 0;
  for (const AuditEvent& e : world_.Audit()) {
    claims += e.action == "call.claim" ? 1 : 0;
    finishes += e.action == "call.finish" ? 1 : 0;
  }
  EXPECT_GE(claims, 2);
  EXPECT_EQ(finishes, 3);  // two calls and the replay
}

TEST_F(CallApiTest, ACallBackIsBookedAtTheTimeSheAskedFor) {
  const int64_t list = world_.call_in();
  const int64_t position = Claim(list, banker_).at("claim").at("position").as_int64();
  HttpResponse r = Result(list, position,
                          R"({"voter_id":"NC100","idempotency_key":"call-back-1","result":"CB",
                              "call_back_at":"2026-11-03T22:00:00Z"})",
                          banker_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Str(Body(r).at("next_call_at")), "2026-11-03T22:00:00Z");
  EXPECT_EQ(Result(list, position,
                   R"({"voter_id":"NC100","idempotency_key":"call-back-2","result":"CB",
                       "call_back_at":"tomorrow"})",
                   banker_)
                .status,
            400);
}

// The server died after the call was recorded and before the person was released: the
// page's retry (the same key) finds the call replayed and releases her then.
TEST_F(CallApiTest, ARetryReleasesAPersonWhoseCallWasRecordedButNotReleased) {
  const int64_t list = world_.call_in();
  const int64_t position = Claim(list, banker_).at("claim").at("position").as_int64();
  ContactReport report;
  report.voter_id = "NC100";
  report.channel = ContactChannel::kPhone;
  report.result = "NA";
  report.idempotency_key = "call-lost-finish";
  const std::vector<NewContact> recorded = {
      {report, world_.user(Role::kPhoneBanker).id, world_.clock().Now(), std::nullopt}};
  ASSERT_TRUE(world_.store().Contacts()->RecordContacts(recorded).ok());
  HttpResponse r =
      Result(list, position,
             R"({"voter_id":"NC100","idempotency_key":"call-lost-finish","result":"NA"})", banker_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Str(Body(r).at("outcome")), "replayed");
  EXPECT_EQ(Str(Body(r).at("next_call_at")), "2026-11-02T18:30:00Z");
  narwhal::Result<CallTarget> target = world_.store().Calls()->GetCallTarget(list, position);
  ASSERT_TRUE(target.ok());
  EXPECT_EQ(target->holder, 0) << "released";
  EXPECT_EQ(target->attempts, 1);
  // Once more: answered as it stands, nothing changes.
  HttpResponse again =
      Result(list, position,
             R"({"voter_id":"NC100","idempotency_key":"call-lost-finish","result":"NA"})", banker_);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(Str(Body(again).at("next_call_at")), "2026-11-02T18:30:00Z");
  EXPECT_EQ(world_.store().Calls()->GetCallTarget(list, position)->attempts, 1);
}

TEST_F(CallApiTest, CallingHoursCloseTheList) {
  // 21:00 in Raleigh: nobody is handed out.
  world_.clock().Advance(std::chrono::hours(11) + std::chrono::minutes(30));
  EXPECT_TRUE(Claim(world_.call_in(), banker_).at("claim").is_null());
  HttpResponse got =
      world_.Send("GET", "/api/v1/call-lists/" + std::to_string(world_.call_in()), organizer_);
  EXPECT_EQ(Body(got).at("zones").at(0).at("open_now"), json::value(false));
  EXPECT_EQ(Str(Body(got).at("zones").at(0).at("local_time")), "21:00");
}

}  // namespace
}  // namespace narwhal

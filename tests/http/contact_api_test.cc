// The contact log over HTTP: batches with per-item answers and scope, replays, the
// timeline and its audit, parse errors that name the item.
#include "http/contact_api.h"

#include <gtest/gtest.h>

#include <string>

#include "access_support.h"

namespace narwhal {
namespace {

using testing::AccessWorld;
using testing::Body;
namespace json = boost::json;

TEST(ContactApiTest, ShapeErrorsRefuseTheBodyValueErrorsOnlyTheirItem) {
  auto error = [](std::string_view body) {
    Result<std::vector<ContactItem>> r = ParseContactBody("application/json", body);
    EXPECT_FALSE(r.ok()) << body;
    return r.ok() ? std::string() : r.status().message();
  };
  EXPECT_EQ(error(R"({"voter_id":"NC100","result":"C"})"), "idempotency_key: is required");
  EXPECT_EQ(error(R"({"contacts":[{"voter_id":"NC100","idempotency_key":"key-00001","result":"C",
      "colour":"red"}]})"),
            "contacts[0].colour: unknown field");
  Result<std::vector<ContactItem>> items = ParseContactBody("application/json",
                                                            R"({"contacts":[
        {"voter_id":"NC100","idempotency_key":"key-00001","result":"C","channel":"phone",
         "support":1,"answers":{"top_issue":"schools"},"note":"yard sign",
         "client_at":"2026-10-03T14:05:09Z","list_id":4},
        {"voter_id":"NC101","idempotency_key":"key-00002","result":"C","channel":"fax"},
        {"voter_id":"NC101","idempotency_key":"key-00003","result":"ZZ"},
        {"voter_id":"NC101","idempotency_key":"key-00004","result":"C","answers":{"q":1}},
        {"voter_id":"NC101","idempotency_key":"key-00005","result":"C","client_at":"2026-10-03Tnoon"}]})");
  ASSERT_TRUE(items.ok()) << items.status().ToString();
  ASSERT_EQ(items->size(), 5u);
  EXPECT_TRUE((*items)[0].status.ok()) << (*items)[0].status.ToString();
  EXPECT_EQ((*items)[0].report.channel, ContactChannel::kPhone);
  EXPECT_EQ((*items)[0].report.answers, (NamedValues{{"top_issue", "schools"}}));
  EXPECT_EQ((*items)[0].report.list_id, 4);
  EXPECT_EQ((*items)[1].status.message(), "channel: must be door, phone, text, mail or email");
  EXPECT_EQ((*items)[2].status.message(), "result: unknown result code 'ZZ'");
  EXPECT_EQ((*items)[3].status.message(), "answers: 'q' must be a string");
  EXPECT_EQ((*items)[4].status.message(), "client_at: not an ISO 8601 time (2026-11-03T14:05:09Z)");
}

TEST(ContactApiTest, RecordInScopeReplayAndReadTheTimeline) {
  AccessWorld world;
  const std::string organizer = world.Token(Role::kOrganizer);
  HttpResponse r = world.Send("POST", "/api/v1/contacts", organizer,
                              R"({"contacts":[
        {"voter_id":"NC100","idempotency_key":"door-0001","result":"C","support":1,
         "answers":{"top_issue":"schools"}},
        {"voter_id":"NC104","idempotency_key":"door-0002","result":"NH"},
        {"voter_id":"NC100","idempotency_key":"door-0001","result":"C"},
        {"voter_id":"NC101","idempotency_key":"door-0003","result":"ZZ"}]})");
  ASSERT_EQ(r.status, 200) << r.body;
  const json::array results = Body(r).at("results").as_array();
  ASSERT_EQ(results.size(), 4u);
  EXPECT_EQ(results[3].at("error").at("status").as_int64(), 400);  // this item alone
  EXPECT_EQ(results[0].at("outcome").as_string(), "recorded");
  EXPECT_EQ(results[1].at("error").at("status").as_int64(), 403);  // county 32 is not hers
  EXPECT_EQ(results[2].at("outcome").as_string(), "replayed");
  EXPECT_EQ(results[2].at("contact_id"), results[0].at("contact_id"));

  HttpResponse timeline = world.Send("GET", "/api/v1/voters/NC100/contacts", organizer);
  ASSERT_EQ(timeline.status, 200) << timeline.body;
  const json::array contacts = Body(timeline).at("contacts").as_array();
  ASSERT_EQ(contacts.size(), 1u);
  EXPECT_EQ(contacts[0].at("result_name").as_string(), "Contacted");
  EXPECT_EQ(contacts[0].at("support").as_int64(), 1);
  EXPECT_EQ(contacts[0].at("answers").at("top_issue").as_string(), "schools");
  EXPECT_EQ(contacts[0].at("user_id").as_int64(), world.user(Role::kOrganizer).id);

  EXPECT_EQ(world.Send("GET", "/api/v1/voters/NC104/contacts", organizer).status, 403);
  EXPECT_EQ(world.Send("GET", "/api/v1/voters/NOBODY/contacts", world.Token(Role::kAdmin)).status,
            404);
  ASSERT_TRUE(world.sink().Flush().ok());
  AuditQuery q;
  q.action = "contact.read";
  Result<AuditPage> read = world.store().ListAudit(q);
  ASSERT_TRUE(read.ok());
  ASSERT_EQ(read->events.size(), 1u);
  EXPECT_EQ(read->events[0].target, "NC100");
  q.action = "contact.record";
  EXPECT_EQ(world.store().ListAudit(q)->events.size(), 1u);
  q.action = "contact.denied";
  ASSERT_EQ(world.store().ListAudit(q)->events.size(), 1u);
  EXPECT_EQ(world.store().ListAudit(q)->events[0].target, "NC104");
  q.action = "contact.rejected";
  EXPECT_EQ(world.store().ListAudit(q)->events.size(), 1u);

  HttpResponse codes = world.Send("GET", "/api/v1/result-codes", world.Token(Role::kCanvasser));
  ASSERT_EQ(codes.status, 200);
  EXPECT_GE(Body(codes).at("result_codes").as_array().size(), 10u);
}

}  // namespace
}  // namespace narwhal

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
        {"voter_id":"NC101","idempotency_key":"key-00003","result":"zz"},
        {"voter_id":"NC101","idempotency_key":"key-00004","result":"C","answers":{"q":1}},
        {"voter_id":"NC101","idempotency_key":"key-00005","result":"C","client_at":"2026-10-03Tnoon"}]})");
  ASSERT_TRUE(items.ok()) << items.status().ToString();
  ASSERT_EQ(items->size(), 5u);
  EXPECT_TRUE((*items)[0].status.ok()) << (*items)[0].status.ToString();
  EXPECT_EQ((*items)[0].report.channel, ContactChannel::kPhone);
  EXPECT_EQ((*items)[0].report.answers, (NamedValues{{"top_issue", "schools"}}));
  EXPECT_EQ((*items)[0].report.list_id, 4);
  EXPECT_EQ((*items)[1].status.message(), "channel: must be door, phone, text, mail or email");
  EXPECT_EQ((*items)[2].status.message(), "result: unknown result code 'zz'");
  EXPECT_EQ((*items)[3].status.message(), "answers: 'q' must be a string or an array of strings");
  EXPECT_EQ((*items)[4].status.message(), "client_at: not an ISO 8601 time (2026-11-03T14:05:09Z)");
}

const std::string kBook = R"({"base_version":0,"book":{
  "result_codes":[{"code":"YS","name":"Yard sign requested","category":"success"}],
  "questions":[
    {"key":"top_issue","short_name":"Issue","text":"What matters most?","kind":"multi",
     "choices":[{"key":"schools","label":"Schools"},{"key":"jobs","label":"Jobs"}]}],
  "tags":[{"key":"yard_sign","label":"Yard sign"}]}})";

TEST(ContactApiTest, RecordInScopeReplayAndReadTheTimeline) {
  AccessWorld world;
  const std::string organizer = world.Token(Role::kOrganizer);
  ASSERT_EQ(world.Send("PUT", "/api/v1/field-book", world.Token(Role::kAdmin), kBook).status, 200);
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
  const json::array all = Body(codes).at("result_codes").as_array();
  EXPECT_GE(all.size(), 10u);
  EXPECT_EQ(all.back().at("code").as_string(), "YS");  // the campaign's own, after the core
  EXPECT_FALSE(all.back().at("core").as_bool());
}

TEST(ContactApiTest, TheFieldBookDecidesCodesAnswersAndTags) {
  AccessWorld world;
  const std::string admin = world.Token(Role::kAdmin);
  HttpResponse empty = world.Send("GET", "/api/v1/field-book", world.Token(Role::kCanvasser));
  ASSERT_EQ(empty.status, 200);
  EXPECT_EQ(Body(empty).at("version").as_int64(), 0);
  // Nothing in the book yet: a campaign code is unknown.
  HttpResponse early =
      world.Send("POST", "/api/v1/contacts", admin,
                 R"({"voter_id":"NC100","idempotency_key":"book-0000","result":"YS"})");
  EXPECT_EQ(Body(early).at("results").as_array()[0].at("error").at("status").as_int64(), 400);

  HttpResponse saved = world.Send("PUT", "/api/v1/field-book", admin, kBook);
  ASSERT_EQ(saved.status, 200) << saved.body;
  EXPECT_EQ(Body(saved).at("version").as_int64(), 1);
  // The same save again is the same version; a change made on version 0 is refused.
  EXPECT_EQ(Body(world.Send("PUT", "/api/v1/field-book", admin, kBook)).at("version").as_int64(),
            1);
  HttpResponse stale =
      world.Send("PUT", "/api/v1/field-book", admin,
                 R"({"base_version":0,"book":{"tags":[{"key":"x","label":"X"}]}})");
  EXPECT_EQ(stale.status, 409) << stale.body;
  HttpResponse bad = world.Send(
      "PUT", "/api/v1/field-book", admin,
      R"({"base_version":1,"book":{"result_codes":[{"code":"NH","name":"x","category":"retry"}]}})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("result_codes[0].code: 'NH' is a core result code"), std::string::npos);
  EXPECT_EQ(world.Send("PUT", "/api/v1/field-book", world.Token(Role::kOrganizer), kBook).status,
            403);

  HttpResponse r = world.Send("POST", "/api/v1/contacts", admin, R"({"contacts":[
        {"voter_id":"NC100","idempotency_key":"book-0001","result":"YS"},
        {"voter_id":"NC100","idempotency_key":"book-0002","answers":{"top_issue":["jobs","schools"]},
         "tags":["yard_sign"]},
        {"voter_id":"NC100","idempotency_key":"book-0003","answers":{"top_issue":["roads"]}},
        {"voter_id":"NC100","idempotency_key":"book-0004","tags":["vip"]},
        {"voter_id":"NC100","idempotency_key":"book-0005"}]})");
  ASSERT_EQ(r.status, 200) << r.body;
  const json::array results = Body(r).at("results").as_array();
  EXPECT_EQ(results[0].at("outcome").as_string(), "recorded");
  EXPECT_EQ(results[1].at("outcome").as_string(), "recorded");
  EXPECT_NE(json::serialize(results[2]).find("has no choice 'roads'"), std::string::npos);
  EXPECT_NE(json::serialize(results[3]).find("no tag 'vip'"), std::string::npos);
  EXPECT_NE(json::serialize(results[4]).find("result: required unless"), std::string::npos);

  const json::array timeline =
      Body(world.Send("GET", "/api/v1/voters/NC100/contacts", admin)).at("contacts").as_array();
  ASSERT_EQ(timeline.size(), 2u);
  EXPECT_EQ(timeline[0].at("result").as_string(), "");  // answers added to the visit
  EXPECT_EQ(timeline[0].at("answers").at("top_issue").as_string(), "schools;jobs");
  EXPECT_EQ(timeline[0].at("tags").as_array()[0].as_string(), "yard_sign");
  EXPECT_EQ(timeline[1].at("result_name").as_string(), "Yard sign requested");
  EXPECT_EQ(timeline[1].at("category").as_string(), "success");
}

}  // namespace
}  // namespace narwhal

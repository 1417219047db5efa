// The do-not-contact list over HTTP: an organizer uploads a batch with a bad entry and
// sees it refused; the phone banker's next claim skips the closed number; a number closed
// while she is on the line is not called again; the export gives back what an upload
// takes; an undo is the adder's or an admin's, audited, and puts the person back.
#include "http/suppression_api.h"

#include <gtest/gtest.h>

#include <string>

#include "access_support.h"

namespace narwhal {
namespace {

using testing::AccessWorld;
using testing::Body;
using testing::Str;
namespace json = boost::json;

class SuppressionApiTest : public ::testing::Test {
 protected:
  // 2026-11-02 14:30Z: 09:30 in Raleigh, inside calling hours.
  void SetUp() override {
    world_.clock().Advance(std::chrono::hours(38) + std::chrono::minutes(30));
    organizer_ = world_.Token(Role::kOrganizer);
    banker_ = world_.Token(Role::kPhoneBanker);
  }

  HttpResponse Add(const std::string& body, const std::string& token) {
    return world_.Send("POST", "/api/v1/do-not-contact", token, body);
  }

  json::value Claim() {
    HttpResponse r = world_.Send(
        "POST", "/api/v1/call-lists/" + std::to_string(world_.call_in()) + "/claim", banker_, "");
    EXPECT_EQ(r.status, 200) << r.body;
    return Body(r).at("claim");
  }

  AccessWorld world_;
  std::string organizer_;
  std::string banker_;
};

TEST_F(SuppressionApiTest, AnOptOutUploadClosesANumberToCallersUntilUndone) {
  HttpResponse added = Add(
      R"({"scope":"phone","channels":"phone,text","source":"stop replies","reason":"texted STOP",
          "entries":["(919) 555-0100","555-0101","+1 919 555 0102"]})",
      organizer_);
  ASSERT_EQ(added.status, 201) << added.body;
  const json::value out = Body(added);
  EXPECT_EQ(out.at("batch").at("entries").as_int64(), 2);
  EXPECT_EQ(Str(out.at("batch").at("channels")), "phone,text");
  EXPECT_EQ(out.at("rejected").as_int64(), 1);
  EXPECT_EQ(out.at("rejects").at(0).at("item").as_int64(), 2);
  EXPECT_NE(Str(out.at("rejects").at(0).at("reason")).find("ten digits"), std::string::npos);
  const int64_t batch = out.at("batch").at("id").as_int64();

  // NC100 (919-555-0100) is the call list's only person: held back and dropped.
  EXPECT_TRUE(Claim().is_null());
  HttpResponse list =
      world_.Send("GET", "/api/v1/call-lists/" + std::to_string(world_.call_in()), organizer_);
  EXPECT_EQ(Body(list).at("dropped").as_int64(), 1);
  EXPECT_EQ(Body(list).at("left").as_int64(), 0);

  // The export reads back as an upload takes it.
  HttpResponse csv = world_.Send("GET", "/api/v1/do-not-contact/export?channels=text", organizer_);
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.body, "scope,value,channels,batch_id\r\nphone,9195550100,\"phone,text\"," +
                          std::to_string(batch) + "\r\nphone,9195550102,\"phone,text\"," +
                          std::to_string(batch) + "\r\n");
  HttpResponse doors =
      world_.Send("GET", "/api/v1/do-not-contact/export?channels=door", organizer_);
  EXPECT_EQ(doors.body, "scope,value,channels,batch_id\r\n");
  EXPECT_EQ(world_.Send("GET", "/api/v1/do-not-contact/export?channels=fax", organizer_).status,
            400);

  // Another organizer may not undo her batch; she may, once; NC100 is called again.
  const std::string undo = "/api/v1/do-not-contact/" + std::to_string(batch) + "/undo";
  const User other = world_.Create("second organizer", Role::kOrganizer, {{"92"}, {}, {}});
  EXPECT_EQ(world_.Send("POST", undo, world_.Token(other.id)).status, 403);
  HttpResponse undone = world_.Send("POST", undo, organizer_);
  ASSERT_EQ(undone.status, 200) << undone.body;
  EXPECT_EQ(Body(undone).at("undone_by").as_int64(), world_.user(Role::kOrganizer).id);
  EXPECT_EQ(world_.Send("POST", undo, organizer_).status, 409);
  json::value back = Claim();
  ASSERT_TRUE(back.is_object());
  EXPECT_EQ(Str(back.at("voter").at("voter_id")), "NC100");

  HttpResponse batches = world_.Send("GET", "/api/v1/do-not-contact", organizer_);
  ASSERT_EQ(batches.status, 200) << batches.body;
  EXPECT_EQ(Body(batches).at("entries_in_force").as_int64(), 0);
  EXPECT_FALSE(Body(batches).at("batches").at(0).at("undone_at").is_null());

  AuditQuery adds;
  adds.action = "do_not_contact.add";
  EXPECT_EQ(world_.Audit(adds).size(), 1u);
  AuditQuery undos;
  undos.action = "do_not_contact.undo";
  ASSERT_EQ(world_.Audit(undos).size(), 1u);
  EXPECT_EQ(world_.Audit(undos)[0].target, std::to_string(batch));
}

TEST_F(SuppressionApiTest, APersonClosedWhileOnTheLineIsNotCalledAgain) {
  json::value claim = Claim();
  ASSERT_TRUE(claim.is_object());
  const int64_t position = claim.at("position").as_int64();
  ASSERT_EQ(Add(R"({"scope":"person","channels":"all","source":"asked on the phone",
                   "entries":["NC100"]})",
                organizer_)
                .status,
            201);
  // No answer would call her again in four hours; the list says never.
  HttpResponse r =
      world_.Send("POST",
                  "/api/v1/call-lists/" + std::to_string(world_.call_in()) + "/calls/" +
                      std::to_string(position) + "/result",
                  banker_, R"({"voter_id":"NC100","idempotency_key":"dnc-call-1","result":"NA"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r).at("finished"), json::value(true));
  EXPECT_TRUE(Body(r).at("next_call_at").is_null());
  EXPECT_TRUE(Body(r).at("do_not_contact").is_object());
}

TEST_F(SuppressionApiTest, BadUploadsAreRefusedWholeAndNamed) {
  auto refused = [&](const std::string& body) {
    HttpResponse r = Add(body, organizer_);
    EXPECT_EQ(r.status, 400) << body;
    return Str(Body(r).at("detail"));
  };
  EXPECT_NE(
      refused(R"({"scope":"email","channels":"phone","source":"x","entries":["a"]})").find("scope"),
      std::string::npos);
  EXPECT_NE(refused(R"({"scope":"phone","channels":"fax","source":"x","entries":["9195550100"]})")
                .find("not a channel"),
            std::string::npos);
  EXPECT_NE(
      refused(R"({"scope":"address","channels":"door","source":"x","entries":["PO BOX 5, 27601"]})")
          .find("no entry could be read"),
      std::string::npos);
  EXPECT_EQ(Add(R"({"scope":"address","channels":"door,mail","source":"moved",
                   "entries":["12 Elm Street Apt 4B, 27601"]})",
                organizer_)
                .status,
            201);
  EXPECT_EQ(
      Add(R"({"scope":"phone","channels":"phone","source":"x","entries":["9195550100"]})", banker_)
          .status,
      403);
}

}  // namespace
}  // namespace narwhal

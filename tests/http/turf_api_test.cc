// Kept turfs over HTTP: a canvasser loads her turf by its list number as she types it,
// records results for its voters and sees them on it; other turfs and other voters are
// refused; reads are audited.
#include "http/turf_api.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "access_support.h"

namespace narwhal {
namespace {

using testing::AccessWorld;
using testing::Body;
namespace json = boost::json;

// The list number as a person might type it: lower case, with a dash.
std::string Typed(std::string number) {
  std::transform(number.begin(), number.end(), number.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return number.substr(0, 3) + "-" + number.substr(3);
}

TEST(TurfApiTest, ACanvasserLoadsHerTurfRecordsResultsAndSeesThem) {
  AccessWorld world;
  const std::string canvasser = world.Token(Role::kCanvasser);
  HttpResponse r = world.Send("GET", "/api/v1/turfs/" + Typed(world.turf_in()), canvasser);
  ASSERT_EQ(r.status, 200) << r.body;
  json::value turf = Body(r);
  EXPECT_EQ(turf.at("list_number").as_string(), world.turf_in());
  EXPECT_EQ(turf.at("county").as_string(), "92");
  const json::array& stops = turf.at("stops").as_array();
  ASSERT_EQ(stops.size(), 1u);
  EXPECT_EQ(stops[0].at("address").as_string(), "10 OAK ST");
  const json::array& voters = stops[0].at("voters").as_array();
  ASSERT_EQ(voters.size(), 2u);
  EXPECT_EQ(voters[0].at("voter_id").as_string(), "NC100");
  EXPECT_EQ(voters[0].at("name").as_string().find("SMITH") != json::string::npos, true);
  EXPECT_TRUE(voters[0].at("last").is_null());

  // Her voters are recorded, others refused item by item; a turf not hers is refused too.
  r = world.Send("POST", "/api/v1/contacts", canvasser,
                 R"({"contacts":[
        {"voter_id":"NC100","idempotency_key":"canvass-0001","result":"C","support":2,
         "turf":")" + Typed(world.turf_in()) +
                     R"("},
        {"voter_id":"NC104","idempotency_key":"canvass-0002","result":"NH"},
        {"voter_id":"NC101","idempotency_key":"canvass-0003","result":"NH",
         "turf":")" + world.turf_out() +
                     R"("},
        {"voter_id":"NC101","idempotency_key":"canvass-0004","result":"NH","turf":"ABCDEF"}]})");
  ASSERT_EQ(r.status, 200) << r.body;
  const json::array results = Body(r).at("results").as_array();
  EXPECT_EQ(results[0].at("outcome").as_string(), "recorded");
  EXPECT_EQ(results[1].at("error").at("status").as_int64(), 403);
  EXPECT_EQ(results[2].at("error").at("status").as_int64(), 403);
  EXPECT_EQ(results[3].at("error").at("status").as_int64(), 400);  // a mistyped list number

  r = world.Send("GET", "/api/v1/turfs/" + world.turf_in(), canvasser);
  ASSERT_EQ(r.status, 200);
  turf = Body(r);
  const json::object& last = turf.at("stops").at(0).at("voters").at(0).at("last").as_object();
  EXPECT_EQ(last.at("result").as_string(), "C");
  EXPECT_EQ(last.at("support").as_int64(), 2);
  EXPECT_EQ(turf.at("doors_contacted").as_int64(), 1);
  EXPECT_EQ(turf.at("voters_contacted").as_int64(), 1);

  // A turf's results are its voters', whoever records them.
  r = world.Send("POST", "/api/v1/contacts", world.Token(Role::kAdmin),
                 R"({"voter_id":"NC104","idempotency_key":"canvass-0005","result":"NH","turf":")" +
                     world.turf_in() + R"("})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r).at("results").at(0).at("error").at("status").as_int64(), 400);

  // The organizer sees who canvassed it; the canvasser does not.
  r = world.Send("GET", "/api/v1/turfs/" + world.turf_in() + "/activity",
                 world.Token(Role::kOrganizer));
  ASSERT_EQ(r.status, 200) << r.body;
  const json::array canvassers = Body(r).at("canvassers").as_array();
  ASSERT_EQ(canvassers.size(), 1u);
  EXPECT_EQ(canvassers[0].at("user_id").as_int64(), world.user(Role::kCanvasser).id);
  EXPECT_EQ(canvassers[0].at("name").as_string(), "canvasser user");
  EXPECT_EQ(canvassers[0].at("doors").as_int64(), 1);
  EXPECT_EQ(canvassers[0].at("voters_reached").as_int64(), 1);
  EXPECT_EQ(world.Send("GET", "/api/v1/turfs/" + world.turf_in() + "/activity", canvasser).status,
            403);

  // She reads no timelines, and no turf that is not hers.
  EXPECT_EQ(world.Send("GET", "/api/v1/voters/NC100/contacts", canvasser).status, 403);
  EXPECT_EQ(world.Send("GET", "/api/v1/turfs/" + world.turf_out(), canvasser).status, 403);
  r = world.Send("GET", "/api/v1/turfs", canvasser);
  ASSERT_EQ(r.status, 200);
  ASSERT_EQ(Body(r).at("turfs").as_array().size(), 1u);

  AuditQuery q;
  q.action = "turf.read";
  EXPECT_EQ(world.Audit(q).size(), 2u);
  q.action = "turf.read_denied";
  EXPECT_EQ(world.Audit(q).size(), 1u);
}

TEST(TurfApiTest, OrganizersSeeTheTurfsOfTheirCountiesAndTyposAreNotUnknownTurfs) {
  AccessWorld world;
  const std::string organizer = world.Token(Role::kOrganizer);
  HttpResponse r = world.Send("GET", "/api/v1/turfs", organizer);
  ASSERT_EQ(r.status, 200) << r.body;
  const json::array turfs = Body(r).at("turfs").as_array();
  ASSERT_EQ(turfs.size(), 1u);
  EXPECT_EQ(turfs[0].at("list_number").as_string(), world.turf_in());
  EXPECT_EQ(world.Send("GET", "/api/v1/turfs/" + world.turf_out(), organizer).status, 403);
  const std::string admin = world.Token(Role::kAdmin);
  EXPECT_EQ(world.Send("GET", "/api/v1/turfs/" + world.turf_out(), admin).status, 200);
  std::string typo = world.turf_in();
  typo[0] = typo[0] == '7' ? '8' : '7';
  EXPECT_EQ(world.Send("GET", "/api/v1/turfs/" + typo, admin).status, 400);
  EXPECT_EQ(world.Send("GET", "/api/v1/turfs/" + world.turf_in() + "X", admin).status, 400);
  EXPECT_EQ(world.Send("GET", "/api/v1/turfs/" + ListNumberOf(999), admin).status, 404);
}

}  // namespace
}  // namespace narwhal

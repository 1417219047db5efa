// Universes over HTTP: scope of organizers, counting as a universe is built, saving,
// making a list and reading it after a strike, audit of list reads.
#include "http/universe_api.h"

#include <gtest/gtest.h>

#include <string>

#include "access_support.h"

namespace narwhal {
namespace {

using testing::AccessWorld;
using testing::Body;
namespace json = boost::json;

Principal Organizer(std::vector<std::string> counties) {
  Principal p;
  p.user_id = 3;
  p.role = Role::kOrganizer;
  p.scope.counties = std::move(counties);
  return p;
}

TEST(UniverseScopeTest, OrganizersStayInTheirCounties) {
  UniverseCriteria statewide;
  Result<UniverseCriteria> scoped = CriteriaInScope(Organizer({"92"}), statewide);
  ASSERT_TRUE(scoped.ok());
  EXPECT_EQ(scoped->counties, std::vector<std::string>{"92"});

  UniverseCriteria elsewhere;
  elsewhere.precincts = {{"32", "01"}};
  EXPECT_EQ(CriteriaInScope(Organizer({"92"}), elsewhere).status().code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(CriteriaInScope(Organizer({}), statewide).status().code(),
            ErrorCode::kPermissionDenied);

  Principal admin;
  admin.role = Role::kAdmin;
  EXPECT_TRUE(CriteriaInScope(admin, elsewhere)->counties.empty());

  Universe u;
  u.name = "statewide";
  EXPECT_EQ(CheckUniverseInScope(Organizer({"92"}), u).code(), ErrorCode::kPermissionDenied);
  u.criteria.counties = {"92"};
  EXPECT_TRUE(CheckUniverseInScope(Organizer({"92"}), u).ok());
  Principal analyst;
  analyst.role = Role::kAnalyst;
  EXPECT_EQ(CheckUniverseInScope(analyst, u).code(), ErrorCode::kPermissionDenied);
}

TEST(UniverseApiTest, CountSaveListAndReadAfterAStrike) {
  AccessWorld world;
  const std::string organizer = world.Token(Role::kOrganizer);

  // The organizer's count without a place is her county: NC100, NC101, NC102.
  HttpResponse count = world.Send("POST", "/api/v1/universes/count", organizer,
                                  R"({"criteria":{"parties":["UNA"]}})");
  ASSERT_EQ(count.status, 200) << count.body;
  EXPECT_EQ(Body(count).at("voters").as_int64(), 3);

  HttpResponse bad = world.Send("POST", "/api/v1/universes/count", organizer,
                                R"({"criteria":{"partys":["UNA"]}})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("criteria.partys"), std::string::npos) << bad.body;

  HttpResponse history =
      world.Send("POST", "/api/v1/universes/count", organizer,
                 R"({"criteria":{"vote_history":{"kind":"general","last":2,"min":2}}})");
  ASSERT_EQ(history.status, 200) << history.body;
  EXPECT_EQ(Body(history).at("voters").as_int64(), 1);  // NC100

  HttpResponse saved = world.Send(
      "POST", "/api/v1/universes", organizer,
      R"({"name":"Door list","description":"who we knock","criteria":{"precincts":[{"county":"92","precinct":"01-07"}],"election_day":{"election":"2026-11-01","voted":false}}})");
  ASSERT_EQ(saved.status, 201) << saved.body;
  const json::object universe = Body(saved).as_object();
  EXPECT_EQ(universe.at("count").at("voters").as_int64(), 2);
  const int64_t id = universe.at("id").as_int64();

  HttpResponse made = world.Send("POST", "/api/v1/universes/" + std::to_string(id) + "/lists",
                                 organizer, R"({"idempotency_key":"door-list-0001"})");
  ASSERT_EQ(made.status, 201) << made.body;
  const int64_t list = Body(made).at("id").as_int64();
  EXPECT_EQ(Body(made).at("voters").as_int64(), 2);
  HttpResponse again = world.Send("POST", "/api/v1/universes/" + std::to_string(id) + "/lists",
                                  organizer, R"({"idempotency_key":"door-list-0001"})");
  EXPECT_EQ(Body(again).at("id").as_int64(), list);

  // NC100 votes: the list drops her when read.
  HttpResponse strike = world.Send("POST", "/api/v1/strikes", world.Token(Role::kAdmin),
                                   R"({"voter_id":"NC100","idempotency_key":"universe-api-0001"})");
  ASSERT_EQ(strike.status, 200) << strike.body;
  HttpResponse page =
      world.Send("GET", "/api/v1/lists/" + std::to_string(list) + "/voters", organizer);
  ASSERT_EQ(page.status, 200) << page.body;
  const json::object p = Body(page).as_object();
  ASSERT_EQ(p.at("voters").as_array().size(), 1u);
  EXPECT_EQ(p.at("voters").as_array()[0].at("voter_id").as_string(), "NC101");
  EXPECT_EQ(p.at("dropped").at("voted").as_int64(), 1);

  // The universe shows its lists; the list read is audited with the voters it showed.
  HttpResponse shown =
      world.Send("GET", "/api/v1/universes/" + std::to_string(id), world.Token(Role::kAnalyst));
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_EQ(Body(shown).at("lists").as_array().size(), 1u);
  ASSERT_TRUE(world.sink().Flush().ok());
  AuditQuery q;
  q.action = "list.read";
  Result<AuditPage> audit = world.store().ListAudit(q);
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->events.size(), 1u);
  EXPECT_NE(audit->events[0].detail.find("NC101"), std::string::npos);

  // An organizer cannot take over a universe outside her counties by saving its name.
  HttpResponse theirs = world.Send("POST", "/api/v1/universes", world.Token(Role::kAdmin),
                                   R"({"name":"County 32","criteria":{"counties":["32"]}})");
  ASSERT_EQ(theirs.status, 201) << theirs.body;
  HttpResponse takeover = world.Send("POST", "/api/v1/universes", organizer,
                                     R"({"name":"County 32","criteria":{"counties":["92"]}})");
  EXPECT_EQ(takeover.status, 403) << takeover.body;

  // An analyst never reads a list.
  EXPECT_EQ(world
                .Send("GET", "/api/v1/lists/" + std::to_string(list) + "/voters",
                      world.Token(Role::kAnalyst))
                .status,
            403);
}

}  // namespace
}  // namespace narwhal

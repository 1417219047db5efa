// The scope rules and the JSON body validation as plain functions.
#include "http/access_policy.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "base/clock.h"
#include "http/json_body.h"
#include "http/params.h"

namespace narwhal {
namespace {

Principal As(Role role, Scope scope = {}) {
  Principal p;
  p.user_id = 7;
  p.role = role;
  p.scope = std::move(scope);
  return p;
}

VoterQuery Query(std::string county = "", std::string precinct = "") {
  VoterQuery q;
  q.name = "smith";
  q.county = std::move(county);
  q.precinct = std::move(precinct);
  return q;
}

const Scope kCounty92{{"92"}, {}, {}};
const Scope kPrecinct{{}, {{"92", "01-07"}}, {}};

TEST(SearchScopeTest, EachRoleGetsItsFilter) {
  Result<std::optional<Scope>> admin = SearchScope(As(Role::kAdmin), Query("32"));
  ASSERT_TRUE(admin.ok());
  EXPECT_FALSE(admin->has_value()) << "admins search unfiltered";

  Result<std::optional<Scope>> organizer = SearchScope(As(Role::kOrganizer, kCounty92), Query());
  ASSERT_TRUE(organizer.ok());
  EXPECT_EQ(**organizer, kCounty92);

  Result<std::optional<Scope>> watcher =
      SearchScope(As(Role::kPollWatcher, kPrecinct), Query("92"));
  ASSERT_TRUE(watcher.ok());
  EXPECT_EQ(**watcher, kPrecinct);

  for (Role role : {Role::kCanvasser, Role::kPhoneBanker}) {
    // Even with counties on her record: turfs and call lists arrive with field organizing.
    Result<std::optional<Scope>> s = SearchScope(As(role, kCounty92), Query());
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE(s->has_value());
    EXPECT_EQ(**s, Scope{}) << "an empty scope matches nobody";
  }
  EXPECT_EQ(SearchScope(As(Role::kAnalyst), Query()).status().code(), ErrorCode::kPermissionDenied);
}

TEST(SearchScopeTest, NamingAPlaceOutsideTheScopeIsDenied) {
  EXPECT_EQ(SearchScope(As(Role::kOrganizer, kCounty92), Query("32")).status().code(),
            ErrorCode::kPermissionDenied);
  EXPECT_TRUE(SearchScope(As(Role::kOrganizer, kCounty92), Query("92", "99")).ok());
  EXPECT_TRUE(SearchScope(As(Role::kPollWatcher, kPrecinct), Query("92", "01-07")).ok());
  EXPECT_EQ(SearchScope(As(Role::kPollWatcher, kPrecinct), Query("92", "02-01")).status().code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(SearchScope(As(Role::kCanvasser), Query("92")).status().code(),
            ErrorCode::kPermissionDenied);
}

TEST(CheckVoterAccessTest, ByPrecinct) {
  Voter in;
  in.county = "92";
  in.precinct = "01-07";
  Voter out = in;
  out.precinct = "02-01";
  EXPECT_TRUE(CheckVoterAccess(As(Role::kAdmin), out).ok());
  EXPECT_TRUE(CheckVoterAccess(As(Role::kOrganizer, kCounty92), out).ok());
  EXPECT_TRUE(CheckVoterAccess(As(Role::kPollWatcher, kPrecinct), in).ok());
  EXPECT_EQ(CheckVoterAccess(As(Role::kPollWatcher, kPrecinct), out).code(),
            ErrorCode::kPermissionDenied);
  for (Role role : {Role::kAnalyst, Role::kCanvasser, Role::kPhoneBanker}) {
    EXPECT_EQ(CheckVoterAccess(As(role, kCounty92), in).code(), ErrorCode::kPermissionDenied);
  }
}

TEST(CheckMayManageUserTest, OrganizersManageVolunteersOfTheirCounties) {
  User watcher;
  watcher.id = 3;
  watcher.role = Role::kPollWatcher;
  watcher.scope = kPrecinct;
  const Principal organizer = As(Role::kOrganizer, kCounty92);
  EXPECT_TRUE(CheckMayManageUser(organizer, watcher).ok());
  EXPECT_TRUE(CheckMayManageUser(As(Role::kAdmin), watcher).ok());

  User elsewhere = watcher;
  elsewhere.scope.precincts.push_back({"32", "01"});
  EXPECT_FALSE(CheckMayManageUser(organizer, elsewhere).ok()) << "partly outside is outside";
  User unassigned = watcher;
  unassigned.scope = {};
  EXPECT_FALSE(CheckMayManageUser(organizer, unassigned).ok());
  User colleague = watcher;
  colleague.role = Role::kOrganizer;
  colleague.scope = kCounty92;
  EXPECT_FALSE(CheckMayManageUser(organizer, colleague).ok()) << "organizers manage volunteers";
  User canvasser = watcher;
  canvasser.role = Role::kCanvasser;
  canvasser.scope = kCounty92;
  EXPECT_TRUE(CheckMayManageUser(organizer, canvasser).ok());
  EXPECT_FALSE(CheckMayManageUser(As(Role::kPollWatcher, kPrecinct), watcher).ok());
}

TEST(CountiesForTest, OrganizersAreHeldToTheirCounties) {
  const Principal organizer = As(Role::kOrganizer, Scope{{"92", "32"}, {}, {}});
  EXPECT_EQ(*CountiesFor(organizer, ""), (std::vector<std::string>{"92", "32"}));
  EXPECT_EQ(*CountiesFor(organizer, "32"), std::vector<std::string>{"32"});
  EXPECT_EQ(CountiesFor(organizer, "41").status().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(*CountiesFor(As(Role::kAnalyst), ""), std::vector<std::string>{""});
  EXPECT_EQ(CountiesFor(As(Role::kPollWatcher, kPrecinct), "").status().code(),
            ErrorCode::kPermissionDenied);
}

constexpr JsonField kFields[] = {
    {"code", JsonKind::kString, true, 16},
    {"count", JsonKind::kInteger},
    {"on", JsonKind::kBoolean},
    {"tags", JsonKind::kStringArray, false, 8, 2},
};

void ExpectRejected(std::string_view body, std::string_view field) {
  Result<boost::json::object> r = ParseJsonBody(body, kFields);
  ASSERT_FALSE(r.ok()) << body;
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(r.status().message().starts_with(std::string(field) + ":"))
      << body << " -> " << r.status().message();
}

TEST(JsonBodyTest, StrictAboutShapeTypesAndSizes) {
  Result<boost::json::object> ok =
      ParseJsonBody(R"({"code":"x","count":3,"on":true,"tags":["a"]})", kFields);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->at("count").as_int64(), 3);

  ExpectRejected(R"({"count":3})", "code");
  ExpectRejected(R"({"code":"x","extra":1})", "extra");
  ExpectRejected(R"({"code":1})", "code");
  ExpectRejected(R"({"code":"x","count":1.5})", "count");
  ExpectRejected(R"({"code":"x","count":"3"})", "count");
  ExpectRejected(R"({"code":"x","on":"yes"})", "on");
  ExpectRejected(R"({"code":"x","tags":["a","b","c"]})", "tags");
  ExpectRejected(R"({"code":"x","tags":[1]})", "tags");
  ExpectRejected(R"({"code":"0123456789abcdefg"})", "code");
  ExpectRejected("{\"code\":\"a\\u0000b\"}", "code");
  ExpectRejected("{\"code\":\"\xff\"}", "body");
  ExpectRejected(R"(["code"])", "body");
  ExpectRejected(R"({"code":"x"} trailing)", "body");
  ExpectRejected(R"({"code":"x","tags":[[[[[[[[[[]]]]]]]]]]})", "body");
  ExpectRejected(std::string(kMaxJsonBodyBytes + 1, ' '), "body");
  ExpectRejected("", "code");
  EXPECT_TRUE(ParseJsonBody("  ", {}).ok()) << "no fields, no body";
  EXPECT_EQ(ParseJsonRequest("text/plain", "{}", {}).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(ParseJsonRequest("application/json; charset=utf-8", "{}", {}).ok());
}

TEST(ParseIso8601Test, TimesAndDates) {
  EXPECT_EQ(FormatIso8601(*ParseIso8601("2026-11-03T14:05:09Z")), "2026-11-03T14:05:09Z");
  EXPECT_EQ(FormatIso8601(*ParseIso8601("2026-11-03")), "2026-11-03T00:00:00Z");
  for (std::string_view bad :
       {"2026-02-30", "2026-11-03T25:00:00Z", "yesterday", "2026-11-03T14:05:09", ""}) {
    EXPECT_FALSE(ParseIso8601(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace narwhal

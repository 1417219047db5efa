#include "domain/universe.h"

#include <gtest/gtest.h>

#include "domain/universe_json.h"

namespace narwhal {
namespace {

TEST(ElectionKindTest, ReadFromDescriptions) {
  EXPECT_EQ(ElectionKindOf("11/08/2022 GENERAL"), ElectionKind::kGeneral);
  EXPECT_EQ(ElectionKindOf("GENERAL-11/03/2015"), ElectionKind::kGeneral);
  EXPECT_EQ(ElectionKindOf("03/05/2024 PRIMARY"), ElectionKind::kPrimary);
  EXPECT_EQ(ElectionKindOf("05/17/2022 SECOND PRIMARY"), ElectionKind::kPrimary);
  EXPECT_EQ(ElectionKindOf("11/07/2023 MUNICIPAL GENERAL"), ElectionKind::kMunicipal);
  EXPECT_EQ(ElectionKindOf("10/10/2023 CITY OF RALEIGH PRIMARY"), ElectionKind::kMunicipal);
  EXPECT_EQ(ElectionKindOf("SPECIAL-05/02/2017"), ElectionKind::kOther);
  EXPECT_EQ(ElectionKindOf("general"), ElectionKind::kGeneral);
  EXPECT_EQ(ElectionKindOf(""), ElectionKind::kOther);
}

std::vector<ElectionInfo> Elections() {
  return {{"2018-11-06", "GENERAL", ElectionKind::kGeneral, 1},
          {"2024-11-05", "GENERAL", ElectionKind::kGeneral, 1},
          {"2024-03-05", "PRIMARY", ElectionKind::kPrimary, 1},
          {"2022-11-08", "GENERAL", ElectionKind::kGeneral, 1},
          {"2020-11-03", "GENERAL", ElectionKind::kGeneral, 1}};
}

TEST(ElectionsForTest, TheNewestOfAKindOrTheDatesNamed) {
  VoteHistoryRule rule;
  rule.kind = ElectionKind::kGeneral;
  rule.last = 3;
  EXPECT_EQ(*ElectionsFor(rule, Elections()),
            (std::vector<std::string>{"2024-11-05", "2022-11-08", "2020-11-03"}));
  rule.last = 10;  // fewer in the history than asked: all of them
  EXPECT_EQ(ElectionsFor(rule, Elections())->size(), 4u);
  rule.kind.reset();
  rule.last = 2;
  EXPECT_EQ(*ElectionsFor(rule, Elections()),
            (std::vector<std::string>{"2024-11-05", "2024-03-05"}));
  rule.dates = {"2018-11-06", "2024-03-05"};
  EXPECT_EQ(*ElectionsFor(rule, Elections()),
            (std::vector<std::string>{"2024-03-05", "2018-11-06"}));
  rule.dates = {"2016-11-08"};
  EXPECT_EQ(ElectionsFor(rule, Elections()).status().code(), ErrorCode::kInvalidArgument);
}

TEST(UniverseCriteriaTest, BirthYearsFromAges) {
  UniverseCriteria c;
  c.min_age = 18;
  c.max_age = 35;
  c.as_of_year = 2026;
  const BirthYears years = BirthYearsFor(c);
  EXPECT_EQ(years.first, 1991);
  EXPECT_EQ(years.last, 2008);
}

TEST(UniverseCriteriaTest, DistrictsMatchPerName) {
  const NamedValues wanted = {{"congressional", "4"}, {"congressional", "13"}, {"ward", "2"}};
  EXPECT_TRUE(MatchesDistricts(wanted, {{"congressional", "13"}, {"ward", "2"}}));
  EXPECT_FALSE(MatchesDistricts(wanted, {{"congressional", "13"}}));
  EXPECT_FALSE(MatchesDistricts(wanted, {{"congressional", "5"}, {"ward", "2"}}));
  EXPECT_TRUE(MatchesDistricts({}, {}));
}

TEST(UniverseJsonTest, RoundTripsEveryCriterion) {
  const std::string text = R"({"counties":["92"],"precincts":[{"county":"92","precinct":"01-07"}],
    "districts":[{"name":"congressional","value":"4"}],"parties":["DEM","UNA"],
    "statuses":["active"],"genders":["F"],"age":{"min":18,"max":35},
    "registered":{"after":"2020-01-01","before":"2026-01-01"},
    "vote_history":{"kind":"general","last":4,"min":2,"max":4},
    "support":{"min":60},"turnout":{"max":40},
    "election_day":{"election":"2026-11-03","voted":false},"has_phone":true,
    "contact":{"ever":true,"last_result":["C","NH"],"support":{"min":1,"max":2},"since":"2026-09-01"},
    "answers":[{"question":"vote_plan","any":["unsure","day"]}],"tags":["yard_sign"]})";
  Result<UniverseCriteria> c = ParseUniverseCriteria(text, 2026);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->counties, std::vector<std::string>{"92"});
  EXPECT_EQ(c->precincts.size(), 1u);
  EXPECT_EQ(c->as_of_year, 2026);
  EXPECT_EQ(c->history->kind, ElectionKind::kGeneral);
  EXPECT_EQ(c->history->max, 4);
  EXPECT_EQ(c->support->min, 60);
  EXPECT_EQ(c->support->max, -1);
  EXPECT_EQ(c->election, "2026-11-03");
  EXPECT_EQ(c->has_phone, true);
  ASSERT_TRUE(c->contact.has_value());
  EXPECT_EQ(c->contact->last_results, (std::vector<std::string>{"C", "NH"}));
  EXPECT_EQ(c->contact->support.max, 2);
  EXPECT_EQ(c->contact->since, "2026-09-01");
  ASSERT_EQ(c->answers.size(), 1u);
  EXPECT_EQ(c->answers[0].any, (std::vector<std::string>{"unsure", "day"}));
  EXPECT_EQ(c->tags, (std::vector<std::string>{"yard_sign"}));
  Result<UniverseCriteria> again = ParseUniverseCriteria(UniverseCriteriaJson(*c), 1999);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(*again, *c);
  EXPECT_EQ(UniverseCriteriaJson(UniverseCriteria{}), "{}");
}

TEST(UniverseJsonTest, ErrorsNameTheMember) {
  auto error = [](std::string_view text) {
    Result<UniverseCriteria> c = ParseUniverseCriteria(text, 2026);
    EXPECT_FALSE(c.ok()) << text;
    return c.ok() ? std::string() : c.status().message();
  };
  EXPECT_EQ(error(R"({"partys":["DEM"]})"), "criteria.partys: is not a criterion");
  EXPECT_EQ(error(R"({"age":{"min":"18"}})"), "criteria.age.min: expected an integer");
  EXPECT_EQ(error(R"({"statuses":["removed"]})"),
            "criteria.statuses: removed voters are never in a universe");
  EXPECT_EQ(error(R"({"statuses":["gone"]})"), "criteria.statuses: unknown status 'gone'");
  EXPECT_EQ(error(R"({"age":{"min":40,"max":30}})"), "criteria.min_age is above criteria.max_age");
  EXPECT_EQ(error(R"({"vote_history":{"kind":"general","last":4,"min":5}})"),
            "criteria.vote_history.min is 0..4");
  EXPECT_EQ(error(R"({"vote_history":{"kind":"mayoral"}})"),
            "criteria.vote_history.kind: expected general, primary, municipal, other or any");
  EXPECT_EQ(error(R"({"registered":{"after":"01/02/2020"}})"),
            "criteria.registered_after is not a date (YYYY-MM-DD)");
  EXPECT_EQ(error(R"({"support":{"min":101}})"), "criteria.support bounds are 0..100");
  EXPECT_EQ(error(R"({"support":{}})"), "criteria.support needs a min or a max");
  EXPECT_EQ(error(R"({"election_day":{"voted":true}})"),
            "criteria.election_day.election: is required");
  EXPECT_EQ(error(R"({"precincts":[{"county":"92"}]})"),
            "criteria.precincts: each needs county and precinct");
  EXPECT_EQ(error(R"({"contact":{"last_result":["nh"]}})"),
            "criteria.contact.last_result: unknown result code 'nh'");
  EXPECT_EQ(error(R"({"answers":[{"question":"plan"}]})"),
            "criteria.answers: 'plan' needs 1 to 50 choices in any");
  EXPECT_EQ(error(R"({"answers":[{"question":"plan","any":["x"],"when":1}]})"),
            "criteria.answers[0].when: is not a criterion");
  EXPECT_EQ(error(R"({"tags":["Yard Sign"]})"), "criteria.tags: 'Yard Sign' is not a tag key");
  EXPECT_EQ(error(R"({"contact":{"support":{"min":0}}})"),
            "criteria.contact.support is 1..5 (1 strong for us)");
  EXPECT_EQ(error(R"({"contact":{"support":{}}})"),
            "criteria.contact.support: needs a min or a max");
  EXPECT_EQ(error(R"({"contact":{"since":"2026-09-01"}})"),
            "criteria.contact needs ever, last_result or support");
  EXPECT_EQ(error(R"({"contact":{"ever":false,"last_result":["C"]}})"),
            "criteria.contact: never contacted cannot also ask for a result or support ID");
  EXPECT_EQ(error(R"({"contact":{"ever":"yes"}})"),
            "criteria.contact.ever: expected true or false");
  EXPECT_EQ(error("[1]"), "criteria: expected a JSON object");
  EXPECT_FALSE(error("{").empty());
}

}  // namespace
}  // namespace narwhal

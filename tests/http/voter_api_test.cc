// The voter endpoints as plain functions over a real SQLite store: no server, no sockets.
#include "http/voter_api.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "test_support.h"

namespace narwhal {
namespace {

using testing::Str;

namespace json = boost::json;

Principal Admin() {
  Principal p;
  p.user_id = 1;
  p.role = Role::kAdmin;
  return p;
}

// What the search handler answers an admin.
Result<json::value> SearchVotersJson(Store& store, const SearchParams& params) {
  NARWHAL_ASSIGN_OR_RETURN(VoterPage page, SearchVotersFor(store, params, Admin()));
  return VoterPageJson(page);
}

Result<json::value> GetVoterJson(Store& store, std::string_view voter_id) {
  NARWHAL_ASSIGN_OR_RETURN(VoterRecord record, GetVoterFor(store, voter_id, Admin()));
  return json::value(VoterRecordJson(record));
}

class VoterApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    loaded_ = testing::OpenLoadedStore();
    ASSERT_NE(loaded_, nullptr);
  }
  Store& store() { return *loaded_->store; }

  std::unique_ptr<testing::LoadedStore> loaded_;
};

// The message of an InvalidArgument names the parameter first.
void ExpectBadParam(const NamedValues& query, std::string_view param) {
  Result<SearchParams> p = ParseSearchParams(query);
  ASSERT_FALSE(p.ok()) << "accepted a bad query naming " << param;
  EXPECT_EQ(p.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(p.status().message().starts_with(std::string(param) + ":")) << p.status().message();
}

TEST(ParseSearchParamsTest, Defaults) {
  Result<SearchParams> p = ParseSearchParams({{"q", "  smith "}});
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->q, "smith");
  EXPECT_EQ(p->limit, kDefaultSearchLimit);
}

TEST(ParseSearchParamsTest, RejectsBadValuesNamingTheParameter) {
  ExpectBadParam({}, "q");
  ExpectBadParam({{"q", "a"}, {"limit", "0"}}, "limit");
  ExpectBadParam({{"q", "a"}, {"limit", "1001"}}, "limit");
  ExpectBadParam({{"q", "a"}, {"limit", "ten"}}, "limit");
  ExpectBadParam({{"q", std::string(101, 'a')}}, "q");
  ExpectBadParam({{"q", "a"}, {"precinct", "01"}}, "precinct");
  ExpectBadParam({{"county",
                   "9\x01"
                   "2"}},
                 "county");
  ExpectBadParam({{"q", "a"}, {"bogus", "1"}}, "bogus");
  ExpectBadParam({{"q", "a"}, {"q", "b"}}, "q");
  ExpectBadParam({{"q", "\xff\xfe"}}, "q");
  ExpectBadParam({{"q", "a"}, {"cursor", std::string(600, 'c')}}, "cursor");
}

TEST(ParseSearchParamsTest, LengthCountsCharactersNotBytes) {
  std::string hundred_accents;
  for (int i = 0; i < 100; ++i) hundred_accents += "é";
  EXPECT_TRUE(ParseSearchParams({{"q", hundred_accents}}).ok());
}

TEST(ToVoterQueryTest, FoldsNamesAndTreatsDigitsAsRegistrationNumber) {
  Result<VoterQuery> name = ToVoterQuery({.q = "o'Néil  émi"});
  ASSERT_TRUE(name.ok());
  EXPECT_EQ(name->name, "ONEIL EMI");
  Result<VoterQuery> digits = ToVoterQuery({.q = "1001", .county = "92"});
  ASSERT_TRUE(digits.ok());
  EXPECT_EQ(digits->name, "");
  EXPECT_EQ(digits->registration_number, "1001");
  EXPECT_EQ(digits->county, "92");
  EXPECT_FALSE(ToVoterQuery({.q = "1001", .registration_number = "2"}).ok());
  EXPECT_FALSE(ToVoterQuery({.q = "!!!"}).ok());
}

TEST_F(VoterApiTest, SearchByNamePrefix) {
  Result<json::value> r = SearchVotersJson(store(), {.q = "smi"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const json::array& voters = r->at("voters").as_array();
  ASSERT_EQ(voters.size(), 2u);
  // Ordered by last name key, then first name key.
  EXPECT_EQ(Str(voters[0].at("voter_id")), "NC101");
  EXPECT_EQ(Str(voters[1].at("voter_id")), "NC100");
  EXPECT_EQ(Str(voters[1].at("status")), "active");
  EXPECT_TRUE(r->at("next_cursor").is_null());
}

TEST_F(VoterApiTest, SearchIsAccentAndCaseInsensitive) {
  Result<json::value> r = SearchVotersJson(store(), {.q = "oneil emile"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->at("voters").as_array().size(), 1u);
  EXPECT_EQ(Str(r->at("voters").as_array()[0].at("first_name")), "ÉMILE");
}

TEST_F(VoterApiTest, PagesFollowTheCursor) {
  Result<json::value> first = SearchVotersJson(store(), {.county = "92", .limit = 2});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->at("voters").as_array().size(), 2u);
  ASSERT_TRUE(first->at("next_cursor").is_string());
  SearchParams next{.county = "92", .limit = 2};
  next.cursor = std::string(first->at("next_cursor").as_string());
  Result<json::value> second = SearchVotersJson(store(), next);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  ASSERT_EQ(second->at("voters").as_array().size(), 1u);
  EXPECT_TRUE(second->at("next_cursor").is_null());
}

TEST_F(VoterApiTest, RegistrationNumberInsideCounty) {
  Result<json::value> r = SearchVotersJson(store(), {.q = "1001", .county = "32"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->at("voters").as_array().size(), 1u);
  EXPECT_EQ(Str(r->at("voters").as_array()[0].at("voter_id")), "NC103");
}

TEST_F(VoterApiTest, GetVoterHasHistoryDistrictsAndExtra) {
  Result<json::value> r = GetVoterJson(store(), "NC100");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->at("last_name"), "SMITH");
  EXPECT_EQ(Str(r->at("districts").at("congressional")), "02");
  EXPECT_EQ(Str(r->at("extra").at("birth_state")), "NC");
  EXPECT_EQ(Str(r->at("residence").at("city")), "RALEIGH");
  const json::array& history = r->at("history").as_array();
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(Str(history[0].at("election_date")), "2024-11-05");  // newest first
}

TEST_F(VoterApiTest, GetUnknownVoterIsNotFound) {
  Result<json::value> r = GetVoterJson(store(), "NOPE");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(GetVoterJson(store(), std::string(65, 'x')).status().code(),
            ErrorCode::kInvalidArgument);
}

TEST_F(VoterApiTest, ListPrecinctsWithCounts) {
  Result<json::value> r = ListPrecinctsJson(store(), {{"county", "92"}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const json::array& precincts = r->at("precincts").as_array();
  ASSERT_EQ(precincts.size(), 2u);
  EXPECT_EQ(Str(precincts[0].at("precinct")), "01-07");
  EXPECT_EQ(precincts[0].at("voters").to_number<int64_t>(), 2);
  EXPECT_EQ(Str(precincts[0].at("county_name")), "WAKE");
  Result<json::value> all = ListPrecinctsJson(store(), {});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->at("precincts").as_array().size(), 3u);
  EXPECT_EQ(ListPrecinctsJson(store(), {{"state", "NC"}}).status().code(),
            ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace narwhal

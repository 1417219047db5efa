// The universe part of the store conformance suite (storage/universe_store.h): criteria
// evaluated over the voter file, saved universes, and lists that drop whoever since voted,
// moved or was removed, run against every backend (store_factory.h).
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "storage/store.h"
#include "storage/universe_store.h"
#include "store_factory.h"

namespace narwhal::testing {
namespace {

constexpr std::string_view kElection = "2026-11-03";

Voter MakeVoter(std::string id, std::string party, int birth_year, std::string precinct = "01",
                std::string county = "92") {
  Voter v;
  v.voter_id = std::move(id);
  v.state = "NC";
  v.county = std::move(county);
  v.county_name = "WAKE";
  v.precinct = std::move(precinct);
  v.precinct_name = "P " + v.precinct;
  v.registration_number = "R" + v.voter_id;
  v.last_name = "DOE";
  v.first_name = v.voter_id;
  v.residence = Address{"1 MAIN ST", "RALEIGH", "NC", "27601"};
  v.party = std::move(party);
  v.status = VoterStatus::kActive;
  v.birth_year = birth_year;
  v.registration_date = "2010-01-01";
  v.gender = "F";
  return v;
}

VoteHistoryEntry Voted(std::string voter_id, std::string date, std::string desc) {
  VoteHistoryEntry e;
  e.voter_id = std::move(voter_id);
  e.election_date = std::move(date);
  e.election_desc = std::move(desc);
  return e;
}

class UniverseConformanceTest : public BackendTest {
 protected:
  UniverseStore& universes() {
    UniverseStore* u = store().Universes();
    EXPECT_NE(u, nullptr);
    return *u;
  }

  void ImportVoters(const std::vector<Voter>& voters, FinishImportOptions finish = {}) {
    Result<ImportId> id = store().BeginImport({"voters", "test", "test.txt"});
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    ASSERT_TRUE(store().UpsertVoters(*id, voters).ok());
    Result<FinishImportResult> done = store().FinishImport(*id, finish);
    ASSERT_TRUE(done.ok()) << done.status().ToString();
  }

  void ImportHistory(const std::vector<VoteHistoryEntry>& rows) {
    Result<ImportId> id = store().BeginImport({"history", "ncvhis", "ncvhis.txt"});
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    ASSERT_TRUE(store().UpsertHistory(*id, rows).ok());
    ASSERT_TRUE(store().FinishImport(*id, {}).ok());
  }

  // Ten voters: A1..A4 DEM, B1..B3 REP, C1..C3 UNA, born 1950 + 5 * n; elections four
  // generals and two primaries.
  void LoadCounty() {
    std::vector<Voter> voters;
    const char* ids[] = {"A1", "A2", "A3", "A4", "B1", "B2", "B3", "C1", "C2", "C3"};
    for (int i = 0; i < 10; ++i) {
      const std::string party = i < 4 ? "DEM" : i < 7 ? "REP" : "UNA";
      voters.push_back(MakeVoter(ids[i], party, 1950 + 5 * i, i % 2 == 0 ? "01" : "02"));
    }
    voters[1].districts = {{"congressional", "4"}, {"state_house", "33"}};
    voters[4].districts = {{"congressional", "4"}};
    voters[7].districts = {{"congressional", "13"}};
    voters[2].phone = "9195550100";
    voters[9].status = VoterStatus::kInactive;
    ImportVoters(voters);
    std::vector<VoteHistoryEntry> history;
    // A1 voted in all four generals, A2 in the last two, B1 in the oldest only, C1 in a
    // primary only.
    for (const char* date : {"2024-11-05", "2022-11-08", "2020-11-03", "2018-11-06"}) {
      history.push_back(Voted("A1", date, "GENERAL"));
    }
    history.push_back(Voted("A2", "2024-11-05", "11/05/2024 GENERAL"));
    history.push_back(Voted("A2", "2022-11-08", "11/08/2022 GENERAL"));
    history.push_back(Voted("B1", "2018-11-06", "11/06/2018 GENERAL"));
    history.push_back(Voted("C1", "2024-03-05", "03/05/2024 PRIMARY"));
    history.push_back(Voted("A1", "2022-05-17", "05/17/2022 PRIMARY"));
    ImportHistory(history);
  }

  UniverseCount Count(const UniverseCriteria& c) {
    Result<UniverseCount> n = universes().CountUniverse(c);
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    return n.ok() ? *n : UniverseCount{};
  }

  Universe Save(std::string name, UniverseCriteria c) {
    Result<Universe> u = universes().SaveUniverse(
        {std::move(name), "", std::move(c), 7, std::chrono::system_clock::now()});
    EXPECT_TRUE(u.ok()) << u.status().ToString();
    return u.ok() ? *u : Universe{};
  }

  VoterList MakeList(int64_t universe_id, std::string key = "") {
    Result<VoterList> l = universes().MakeList(
        {universe_id, "", std::move(key), 7, std::chrono::system_clock::now()});
    EXPECT_TRUE(l.ok()) << l.status().ToString();
    return l.ok() ? *l : VoterList{};
  }

  ListVotersPage Page(int64_t list_id, int limit = 100, std::string cursor = "") {
    Result<ListVotersPage> p = universes().ListVoters({list_id, limit, std::move(cursor)});
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    return p.ok() ? *p : ListVotersPage{};
  }

  static std::vector<std::string> Ids(const ListVotersPage& page) {
    std::vector<std::string> out;
    for (const VoterSummary& v : page.voters) out.push_back(v.voter_id);
    return out;
  }
};

TEST_P(UniverseConformanceTest, ElectionsComeFromTheHistoryImport) {
  LoadCounty();
  Result<std::vector<ElectionInfo>> elections = universes().ListElections();
  ASSERT_TRUE(elections.ok()) << elections.status().ToString();
  ASSERT_EQ(elections->size(), 6u);
  EXPECT_EQ((*elections)[0].date, "2024-11-05");
  EXPECT_EQ((*elections)[0].kind, ElectionKind::kGeneral);
  EXPECT_EQ((*elections)[0].voters, 2);
  EXPECT_EQ((*elections)[1].date, "2024-03-05");
  EXPECT_EQ((*elections)[1].kind, ElectionKind::kPrimary);
}

TEST_P(UniverseConformanceTest, CountsByPartyStatusAgeAndPlace) {
  LoadCounty();
  UniverseCriteria all;
  UniverseCount n = Count(all);
  EXPECT_EQ(n.voters, 10);  // active and inactive by default
  ASSERT_EQ(n.by_party.size(), 3u);
  EXPECT_EQ(n.by_party[0], (std::pair<std::string, int64_t>{"DEM", 4}));
  EXPECT_EQ(n.by_party[1], (std::pair<std::string, int64_t>{"REP", 3}));

  UniverseCriteria active;
  active.statuses = {VoterStatus::kActive};
  EXPECT_EQ(Count(active).voters, 9);

  UniverseCriteria dem_or_una;
  dem_or_una.parties = {"DEM", "UNA"};
  EXPECT_EQ(Count(dem_or_una).voters, 7);
  Result<std::vector<std::string>> ids = universes().UniverseVoterIds(dem_or_una);
  ASSERT_TRUE(ids.ok()) << ids.status().ToString();
  EXPECT_EQ(*ids, (std::vector<std::string>{"A1", "A3", "C2", "A2", "A4", "C1", "C3"}));

  UniverseCriteria young;  // born 1975 (A4... index 5 = B2) or later at 2026: age <= 51
  young.max_age = 51;
  young.as_of_year = 2026;
  EXPECT_EQ(Count(young).voters, 5);  // born 1975, 1980, 1985, 1990, 1995
  young.min_age = 40;
  EXPECT_EQ(Count(young).voters, 3);  // 1975, 1980, 1985

  UniverseCriteria place;
  place.precincts = {{"92", "01"}};
  EXPECT_EQ(Count(place).voters, 5);
  place.counties = {"11"};  // a county or a precinct: still precinct 01 of 92
  EXPECT_EQ(Count(place).voters, 5);
  place.counties = {"92"};
  EXPECT_EQ(Count(place).voters, 10);

  UniverseCriteria phone;
  phone.has_phone = true;
  EXPECT_EQ(Count(phone).voters, 1);
  phone.has_phone = false;
  EXPECT_EQ(Count(phone).voters, 9);

  UniverseCriteria registered;
  registered.registered_after = "2011-01-01";
  EXPECT_EQ(Count(registered).voters, 0);
  registered.registered_after = "2010-01-01";
  EXPECT_EQ(Count(registered).voters, 10);
}

TEST_P(UniverseConformanceTest, RemovedVotersAreNeverInAUniverse) {
  LoadCounty();
  // A full refresh of county 92 with A1 missing marks A1 removed.
  std::vector<Voter> again;
  const char* ids[] = {"A2", "A3", "A4", "B1", "B2", "B3", "C1", "C2", "C3"};
  for (const char* id : ids) again.push_back(MakeVoter(id, "DEM", 1980));
  FinishImportOptions refresh;
  refresh.full_refresh = true;
  refresh.covered_counties = {"92"};
  ImportVoters(again, refresh);
  UniverseCriteria all;
  EXPECT_EQ(Count(all).voters, 9);
}

TEST_P(UniverseConformanceTest, VoteHistoryRules) {
  LoadCounty();
  UniverseCriteria c;
  c.history = VoteHistoryRule{ElectionKind::kGeneral, 4, {}, 2, -1};
  UniverseCount n = Count(c);
  EXPECT_EQ(n.voters, 2);  // A1 (4 of 4), A2 (2 of 4)
  EXPECT_EQ(n.elections,
            (std::vector<std::string>{"2024-11-05", "2022-11-08", "2020-11-03", "2018-11-06"}));

  c.history = VoteHistoryRule{ElectionKind::kGeneral, 2, {}, 1, -1};
  EXPECT_EQ(Count(c).voters, 2);  // A1, A2; B1 voted only in the oldest

  c.history = VoteHistoryRule{ElectionKind::kGeneral, 4, {}, 0, 0};
  EXPECT_EQ(Count(c).voters, 7);  // never in the last four generals: all but A1, A2, B1

  c.history = VoteHistoryRule{ElectionKind::kGeneral, 4, {}, 1, 3};
  EXPECT_EQ(Count(c).voters, 2);  // A2 (2), B1 (1); A1 voted in all four

  c.history = VoteHistoryRule{std::nullopt, 32, {}, 1, -1};
  EXPECT_EQ(Count(c).voters, 4);  // any election: A1, A2, B1, C1

  c.history = VoteHistoryRule{std::nullopt, 4, {"2018-11-06"}, 1, -1};
  EXPECT_EQ(Count(c).voters, 2);  // A1, B1

  // Fewer elections of the kind than the minimum asks: nobody, not everyone.
  c.history = VoteHistoryRule{ElectionKind::kMunicipal, 4, {}, 1, -1};
  EXPECT_EQ(Count(c).voters, 0);
  c.history = VoteHistoryRule{ElectionKind::kPrimary, 4, {}, 3, -1};
  EXPECT_EQ(Count(c).voters, 0);  // two primaries in the history
  c.history = VoteHistoryRule{ElectionKind::kMunicipal, 4, {}, 0, 0};
  EXPECT_EQ(Count(c).voters, 10);

  c.history = VoteHistoryRule{std::nullopt, 4, {"2016-11-08"}, 1, -1};
  Result<UniverseCount> unknown = universes().CountUniverse(c);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), ErrorCode::kInvalidArgument);
}

TEST_P(UniverseConformanceTest, ScoresDistrictsAndElectionDay) {
  LoadCounty();
  std::vector<VoterScore> scores = {{"A1", 90, 80}, {"A2", 70, 20}, {"B1", 10, 90}, {"C1", -1, 50}};
  ASSERT_TRUE(store().UpsertScores(scores).ok());
  UniverseCriteria supporters;
  supporters.support = ScoreRange{60, -1};
  EXPECT_EQ(Count(supporters).voters, 2);
  supporters.turnout = ScoreRange{-1, 50};
  EXPECT_EQ(Count(supporters).voters, 1);  // A2
  UniverseCriteria unknown_support;
  unknown_support.support = ScoreRange{0, 100};
  EXPECT_EQ(Count(unknown_support).voters, 3);  // C1's support is unknown

  UniverseCriteria district;
  district.districts = {{"congressional", "4"}};
  UniverseCount n = Count(district);
  EXPECT_EQ(n.voters, 2);  // A2, B1
  EXPECT_EQ(n.by_party.size(), 2u);
  district.districts = {{"congressional", "4"}, {"congressional", "13"}};
  EXPECT_EQ(Count(district).voters, 3);
  district.districts = {{"congressional", "4"}, {"state_house", "33"}};
  EXPECT_EQ(Count(district).voters, 1);  // A2

  NewStrike strike;
  strike.election = std::string(kElection);
  strike.voter_id = "A1";
  strike.idempotency_key = "universe-test-A1";
  strike.at = std::chrono::system_clock::now();
  ASSERT_TRUE(store().RecordStrikes(std::span<const NewStrike>(&strike, 1)).ok());
  UniverseCriteria not_voted;
  not_voted.election = std::string(kElection);
  EXPECT_EQ(Count(not_voted).voters, 9);
  not_voted.voted = true;
  EXPECT_EQ(Count(not_voted).voters, 1);
}

TEST_P(UniverseConformanceTest, SavedUniversesKeepTheirIdAndCriteria) {
  LoadCounty();
  UniverseCriteria c;
  c.parties = {"DEM"};
  c.history = VoteHistoryRule{ElectionKind::kGeneral, 4, {}, 2, -1};
  c.min_age = 18;
  c.as_of_year = 2026;
  Universe first = Save("Dem regulars", c);
  EXPECT_GT(first.id, 0);
  EXPECT_EQ(first.criteria, c);
  EXPECT_EQ(first.created_by, 7);
  c.parties = {"DEM", "UNA"};
  Universe second = Save("Dem regulars", c);
  EXPECT_EQ(second.id, first.id);
  EXPECT_EQ(second.criteria, c);
  Save("Everyone", {});
  Reopen();
  Result<std::vector<Universe>> all = universes().ListUniverses();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].name, "Dem regulars");
  EXPECT_EQ((*all)[0].criteria, c);
  Result<Universe> found = universes().FindUniverse("Everyone");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(universes().GetUniverse(found->id)->name, "Everyone");
  EXPECT_EQ(universes().FindUniverse("nobody").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(universes().GetUniverse(999).status().code(), ErrorCode::kNotFound);
  Result<Universe> unnamed =
      universes().SaveUniverse({"  ", "", {}, 0, std::chrono::system_clock::now()});
  EXPECT_EQ(unnamed.status().code(), ErrorCode::kInvalidArgument);
}

TEST_P(UniverseConformanceTest, ListsAreSnapshotsThatDropWhoVotedMovedOrWasRemoved) {
  LoadCounty();
  UniverseCriteria c;
  c.parties = {"DEM"};
  c.election = std::string(kElection);
  Universe u = Save("Dems not voted", c);
  VoterList list = MakeList(u.id);
  EXPECT_EQ(list.voters, 4);
  EXPECT_EQ(list.universe_name, "Dems not voted");
  EXPECT_EQ(list.election, kElection);
  // List order: county, precinct, voter id (A1, A3 in 01; A2, A4 in 02).
  ListVotersPage page = Page(list.id);
  EXPECT_EQ(Ids(page), (std::vector<std::string>{"A1", "A3", "A2", "A4"}));
  EXPECT_TRUE(page.next_cursor.empty());

  // Pages of two.
  ListVotersPage first = Page(list.id, 2);
  EXPECT_EQ(Ids(first), (std::vector<std::string>{"A1", "A3"}));
  ASSERT_FALSE(first.next_cursor.empty());
  ListVotersPage second = Page(list.id, 2, first.next_cursor);
  EXPECT_EQ(Ids(second), (std::vector<std::string>{"A2", "A4"}));

  // A1 votes, A2 moves to another street, A3 is removed by a full refresh; a new Democrat
  // arrives but the list is a snapshot.
  NewStrike strike;
  strike.election = std::string(kElection);
  strike.voter_id = "A1";
  strike.idempotency_key = "universe-list-A1";
  strike.at = std::chrono::system_clock::now();
  ASSERT_TRUE(store().RecordStrikes(std::span<const NewStrike>(&strike, 1)).ok());
  std::vector<Voter> again;
  for (const char* id : {"A2", "A4", "B1", "B2", "B3", "C1", "C2", "C3", "A1"}) {
    again.push_back(MakeVoter(id, id[0] == 'A' ? "DEM" : "REP", 1980,
                              std::string(id) == "A2" || std::string(id) == "A4" ? "02" : "01"));
  }
  again[0].residence.street = "9 ELM ST";
  again.push_back(MakeVoter("A9", "DEM", 1990));
  FinishImportOptions refresh;
  refresh.full_refresh = true;
  refresh.covered_counties = {"92"};
  ImportVoters(again, refresh);

  ListVotersPage now = Page(list.id);
  EXPECT_EQ(Ids(now), (std::vector<std::string>{"A4"}));
  EXPECT_EQ(now.dropped_voted, 1);
  EXPECT_EQ(now.dropped_moved, 1);
  EXPECT_EQ(now.dropped_removed, 1);
  EXPECT_EQ(now.list.voters, 4);

  // A universe of those who voted gives its lists no election to drop them by.
  UniverseCriteria voted;
  voted.election = std::string(kElection);
  voted.voted = true;
  VoterList of_voters = MakeList(Save("Voted", voted).id);
  EXPECT_EQ(of_voters.voters, 1);
  EXPECT_TRUE(of_voters.election.empty());
  EXPECT_EQ(Ids(Page(of_voters.id)), std::vector<std::string>{"A1"});

  // A new list from the same universe sees today's file.
  VoterList fresh = MakeList(u.id);
  EXPECT_EQ(fresh.voters, 3);  // A2 (moved, still a Democrat), A4, A9; A1 struck
  Result<std::vector<VoterList>> lists = universes().ListsOf(u.id);
  ASSERT_TRUE(lists.ok());
  ASSERT_EQ(lists->size(), 2u);
  EXPECT_EQ((*lists)[0].id, fresh.id);
}

TEST_P(UniverseConformanceTest, AListMadeAgainWithItsKeyIsTheSameList) {
  LoadCounty();
  Universe u = Save("Everyone", {});
  VoterList a = MakeList(u.id, "list-key-0001");
  VoterList b = MakeList(u.id, "list-key-0001");
  EXPECT_EQ(a.id, b.id);
  VoterList c = MakeList(u.id, "list-key-0002");
  EXPECT_NE(a.id, c.id);
  Reopen();
  Result<VoterList> read = universes().GetList(a.id);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->voters, 10);
  EXPECT_EQ(universes().GetList(9999).status().code(), ErrorCode::kNotFound);
  Universe other = Save("Democrats", UniverseCriteria{.parties = {"DEM"}});
  EXPECT_EQ(universes()
                .MakeList({other.id, "", "list-key-0001", 7, std::chrono::system_clock::now()})
                .status()
                .code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(universes().ListVoters({a.id, 0, ""}).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(universes().ListVoters({a.id, 10, "x"}).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(
      universes().MakeList({999, "", "", 0, std::chrono::system_clock::now()}).status().code(),
      ErrorCode::kNotFound);
}

TEST_P(UniverseConformanceTest, AListOfManyIsWrittenWhole) {
  std::vector<Voter> voters;
  for (int i = 0; i < 45000; ++i) {
    voters.push_back(MakeVoter("V" + std::to_string(100000 + i), "DEM", 1980));
  }
  ImportVoters(voters);
  Universe u = Save("Everyone", {});
  VoterList list = MakeList(u.id);
  EXPECT_EQ(list.voters, 45000);
  ListVotersPage last = Page(list.id, 1000, "44500");
  ASSERT_EQ(last.voters.size(), 500u);
  EXPECT_EQ(last.voters.back().voter_id, "V144999");
}

INSTANTIATE_TEST_SUITE_P(Backends, UniverseConformanceTest, ::testing::ValuesIn(AllBackends()),
                         BackendName);

}  // namespace
}  // namespace narwhal::testing

// The store conformance suite: what every Store backend must do, written against Store
// alone. Each backend is one parameter (see store_factory.h); nothing here may depend on
// how a backend keeps its data.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <ostream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "base/text.h"
#include "storage/store.h"
#include "store_factory.h"

namespace narwhal::testing {
namespace {

Voter MakeVoter(std::string id, std::string last, std::string first, std::string county = "92",
                std::string precinct = "01-01") {
  Voter v;
  v.voter_id = std::move(id);
  v.state = "NC";
  v.county = std::move(county);
  v.county_name = v.county == "92" ? "WAKE" : "COUNTY " + v.county;
  v.precinct = std::move(precinct);
  v.precinct_name = "PRECINCT " + v.precinct;
  v.registration_number = "R" + v.voter_id;
  v.last_name = std::move(last);
  v.first_name = std::move(first);
  v.residence = Address{"1 MAIN ST", "RALEIGH", "NC", "27601"};
  v.party = "UNA";
  v.status = VoterStatus::kActive;
  v.birth_year = 1980;
  return v;
}

std::vector<std::string> Ids(const VoterPage& page) {
  std::vector<std::string> ids;
  for (const VoterSummary& s : page.voters) ids.push_back(s.voter_id);
  return ids;
}

}  // namespace

// Names the backend in gtest's messages instead of dumping its bytes.
void PrintTo(const StoreBackend& backend, std::ostream* os) {
  *os << backend.name;
}

namespace {

class StoreConformanceTest : public ::testing::TestWithParam<StoreBackend> {
 protected:
  void SetUp() override {
    factory_ = GetParam().make();
    Result<std::unique_ptr<Store>> store = factory_->Open();
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }
  void TearDown() override {
    store_.reset();
    factory_.reset();
  }

  void Reopen() {
    store_.reset();
    Result<std::unique_ptr<Store>> store = factory_->Open();
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }

  Store& store() { return *store_; }

  // One complete voter import; returns the counts.
  UpsertCounts Import(const std::vector<Voter>& voters, FinishImportOptions finish = {},
                      int64_t* removed = nullptr) {
    Result<ImportId> id = store().BeginImport({"voters", "test", "test.txt"});
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    if (!id.ok()) return {};
    Result<UpsertCounts> counts = store().UpsertVoters(*id, voters);
    EXPECT_TRUE(counts.ok()) << counts.status().ToString();
    Result<FinishImportResult> done = store().FinishImport(*id, finish);
    EXPECT_TRUE(done.ok()) << done.status().ToString();
    if (removed != nullptr && done.ok()) *removed = done->removed;
    return counts.ok() ? *counts : UpsertCounts{};
  }

  VoterPage Search(VoterQuery q) {
    Result<VoterPage> page = store().SearchVoters(q);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() ? *page : VoterPage{};
  }

  VoterPage SearchName(const std::string& name) {
    VoterQuery q;
    q.name = FoldForSearch(name);
    return Search(q);
  }

  std::unique_ptr<StoreFactory> factory_;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreConformanceTest, UpsertCountsAddedChangedMovedUnchanged) {
  UpsertCounts first = Import({MakeVoter("A1", "SMITH", "ANN"), MakeVoter("A2", "JONES", "BOB"),
                               MakeVoter("A3", "BROWN", "CAL")});
  EXPECT_EQ(first.added, 3);
  EXPECT_EQ(first.changed + first.unchanged, 0);

  Voter changed = MakeVoter("A1", "SMITH", "ANN");
  changed.party = "DEM";
  Voter moved = MakeVoter("A2", "JONES", "BOB");
  moved.residence.street = "9 OAK AVE";
  UpsertCounts second =
      Import({changed, moved, MakeVoter("A3", "BROWN", "CAL"), MakeVoter("A4", "GREEN", "DEE")});
  EXPECT_EQ(second.added, 1);
  EXPECT_EQ(second.changed, 2);
  EXPECT_EQ(second.moved, 1);
  EXPECT_EQ(second.unchanged, 1);
  EXPECT_EQ(second.restored, 0);

  Result<VoterRecord> a1 = store().GetVoter("A1");
  ASSERT_TRUE(a1.ok()) << a1.status().ToString();
  EXPECT_EQ(a1->voter, changed);
  Result<VoterRecord> a2 = store().GetVoter("A2");
  ASSERT_TRUE(a2.ok());
  EXPECT_EQ(a2->voter.residence.street, "9 OAK AVE");
}

TEST_P(StoreConformanceTest, PrecinctChangeIsAMove) {
  Import({MakeVoter("P1", "LEE", "AL", "92", "01-01")});
  UpsertCounts counts = Import({MakeVoter("P1", "LEE", "AL", "92", "02-02")});
  EXPECT_EQ(counts.changed, 1);
  EXPECT_EQ(counts.moved, 1);
}

TEST_P(StoreConformanceTest, VoterRoundTripsExactly) {
  Voter v = MakeVoter("RT1", "Peña", "José", "92", "01-07");
  v.middle_name = "María";
  v.name_suffix = "JR";
  v.mailing_address = "PO BOX 5, APT \"B\"";
  v.mailing = Address{"", "CARY", "NC", "27511"};
  v.status_reason = "VERIFIED";
  v.registration_date = "1998-03-24";
  v.phone = "9195551234";
  v.gender = "F";
  v.race = "W";
  v.ethnicity = "HL";
  v.districts = {{"congressional", "13"}, {"ward", "7\\\"\n\t\x01é"}};
  v.extra = {{"zeta", "last"}, {"alpha", "first"}, {"quote\"key", "{}"}};
  Import({v});
  Result<VoterRecord> r = store().GetVoter("RT1");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->voter, v);
  EXPECT_TRUE(r->removed_at.empty());
  EXPECT_FALSE(r->updated_at.empty());
  EXPECT_TRUE(r->history.empty());
}

TEST_P(StoreConformanceTest, GetVoterNotFound) {
  Result<VoterRecord> r = store().GetVoter("NOPE");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kNotFound);
  Import({MakeVoter("X1", "DOE", "JO")});
  r = store().GetVoter("NOPE");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kNotFound);
}

TEST_P(StoreConformanceTest, FullRefreshMarksRemovedOnlyInCoveredCounties) {
  Import({MakeVoter("W1", "ABLE", "A", "92"), MakeVoter("W2", "BAKER", "B", "92"),
          MakeVoter("D1", "CHARLIE", "C", "32"), MakeVoter("D2", "DELTA", "D", "32")});
  FinishImportOptions refresh;
  refresh.full_refresh = true;
  refresh.covered_counties = {"92"};
  int64_t removed = -1;
  // Wake's file no longer has W2; Durham is not covered, so D2's absence means nothing.
  UpsertCounts counts =
      Import({MakeVoter("W1", "ABLE", "A", "92"), MakeVoter("D1", "CHARLIE", "C", "32")}, refresh,
             &removed);
  EXPECT_EQ(counts.unchanged, 2);
  EXPECT_EQ(removed, 1);

  Result<VoterRecord> w2 = store().GetVoter("W2");
  ASSERT_TRUE(w2.ok()) << "removed voters are kept";
  EXPECT_EQ(w2->voter.status, VoterStatus::kRemoved);
  EXPECT_FALSE(w2->removed_at.empty());
  Result<VoterRecord> d2 = store().GetVoter("D2");
  ASSERT_TRUE(d2.ok());
  EXPECT_TRUE(d2->removed_at.empty());

  Result<StoreStats> stats = store().Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->voters, 3);
  EXPECT_EQ(stats->removed, 1);

  // A second refresh does not remove W2 again.
  Import({MakeVoter("W1", "ABLE", "A", "92")}, refresh, &removed);
  EXPECT_EQ(removed, 0);

  // Removed voters are hidden from search unless asked for.
  EXPECT_TRUE(SearchName("BAKER").voters.empty());
  VoterQuery q;
  q.name = "BAKER";
  q.include_removed = true;
  EXPECT_EQ(Ids(Search(q)), std::vector<std::string>{"W2"});

  // Back in the file: restored, counted as changed.
  UpsertCounts back = Import({MakeVoter("W2", "BAKER", "B", "92")});
  EXPECT_EQ(back.restored, 1);
  EXPECT_EQ(back.changed, 1);
  EXPECT_EQ(back.added + back.unchanged, 0);
  w2 = store().GetVoter("W2");
  ASSERT_TRUE(w2.ok());
  EXPECT_EQ(w2->voter.status, VoterStatus::kActive);
  EXPECT_TRUE(w2->removed_at.empty());
  EXPECT_EQ(Ids(SearchName("BAKER")), std::vector<std::string>{"W2"});
}

TEST_P(StoreConformanceTest, HistoryUpsertAndOrdering) {
  Import({MakeVoter("H1", "HIST", "ORY")});
  Result<ImportId> id = store().BeginImport({"history", "ncvhis", "h.txt"});
  ASSERT_TRUE(id.ok());
  std::vector<VoteHistoryEntry> rows = {
      {"H1", "2020-11-03", "11/03/2020 GENERAL", "IN-PERSON", "", "92", "01-01"},
      {"H1", "2022-11-08", "11/08/2022 GENERAL", "ABSENTEE BY MAIL", "", "92", "01-01"},
      {"H1", "2016-11-08", "11/08/2016 GENERAL", "IN-PERSON", "", "92", "01-01"},
      {"GHOST", "2020-11-03", "11/03/2020 GENERAL", "IN-PERSON", "", "92", "01-01"},
  };
  Result<int64_t> added = store().UpsertHistory(*id, rows);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(*added, 4);

  std::vector<VoteHistoryEntry> again = {
      {"H1", "2022-11-08", "11/08/2022 GENERAL", "EARLY VOTING", "", "92", "01-01"},
      {"H1", "2024-11-05", "11/05/2024 GENERAL", "IN-PERSON", "", "92", "01-01"},
  };
  added = store().UpsertHistory(*id, again);
  ASSERT_TRUE(added.ok());
  EXPECT_EQ(*added, 1);
  ASSERT_TRUE(store().FinishImport(*id, {}).ok());

  Result<VoterRecord> r = store().GetVoter("H1");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->history.size(), 4u);
  EXPECT_EQ(r->history[0].election_date, "2024-11-05");
  EXPECT_EQ(r->history[1].election_date, "2022-11-08");
  EXPECT_EQ(r->history[1].voting_method, "EARLY VOTING");
  EXPECT_EQ(r->history[2].election_date, "2020-11-03");
  EXPECT_EQ(r->history[3].election_date, "2016-11-08");
  EXPECT_EQ(r->history[3], rows[2]);

  // History of a voter the store does not know yet was kept; it shows once she arrives.
  Import({MakeVoter("GHOST", "LATE", "COMER")});
  r = store().GetVoter("GHOST");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->history.size(), 1u);

  Result<StoreStats> stats = store().Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->history_rows, 5);
}

TEST_P(StoreConformanceTest, SearchByLastNamePrefix) {
  Import({MakeVoter("S1", "SMITH", "ANN"), MakeVoter("S2", "SMITHERS", "WAYLON"),
          MakeVoter("S3", "SMYTH", "ZED"), MakeVoter("S4", "SMITH", "AARON"),
          MakeVoter("S5", "ADAMS", "SMITH")});
  EXPECT_EQ(Ids(SearchName("smith")), (std::vector<std::string>{"S4", "S1", "S2"}));
  EXPECT_EQ(Ids(SearchName("SM")), (std::vector<std::string>{"S4", "S1", "S2", "S3"}));
  EXPECT_TRUE(SearchName("SMZ").voters.empty());
  VoterPage page = SearchName("SMITHERS");
  ASSERT_EQ(page.voters.size(), 1u);
  EXPECT_EQ(page.voters[0].first_name, "WAYLON");
  EXPECT_EQ(page.voters[0].county, "92");
  EXPECT_EQ(page.voters[0].street, "1 MAIN ST");
  EXPECT_EQ(page.voters[0].status, VoterStatus::kActive);
  EXPECT_TRUE(page.next_cursor.empty());
}

TEST_P(StoreConformanceTest, SearchFirstLastAndLastFirst) {
  Import({MakeVoter("N1", "SMITH", "JOHN"), MakeVoter("N2", "JOHNSON", "SMITH"),
          MakeVoter("N3", "SMITH", "JOAN"), MakeVoter("N4", "VAN BUREN", "MARTIN"),
          MakeVoter("N5", "LEE", "MARY ANN"), MakeVoter("N6", "ANN", "LEE"),
          MakeVoter("N7", "LEE", "ANN")});
  // "last first" with the first name as a prefix, and "first last" (SMITH JOHNSON).
  EXPECT_EQ(Ids(SearchName("SMITH JO")), (std::vector<std::string>{"N2", "N3", "N1"}));
  // "first last" with the last name as a prefix.
  EXPECT_EQ(Ids(SearchName("JOHN SMI")), (std::vector<std::string>{"N1"}));
  EXPECT_EQ(Ids(SearchName("SMITH JOHNS")), (std::vector<std::string>{"N2"}));
  // Names of several words.
  EXPECT_EQ(Ids(SearchName("MARTIN VAN BUR")), (std::vector<std::string>{"N4"}));
  EXPECT_EQ(Ids(SearchName("VAN BUREN MAR")), (std::vector<std::string>{"N4"}));
  EXPECT_EQ(Ids(SearchName("MARY ANN LEE")), (std::vector<std::string>{"N5"}));
  // Both readings match different people; each once, in name order.
  EXPECT_EQ(Ids(SearchName("ANN LEE")), (std::vector<std::string>{"N6", "N7"}));
}

TEST_P(StoreConformanceTest, SearchIgnoresAccentsAndCase) {
  Import({MakeVoter("E1", "Peña", "José"), MakeVoter("E2", "O'Neil", "Siobhán"),
          MakeVoter("E3", "Müller", "Jürgen")});
  EXPECT_EQ(Ids(SearchName("PENA")), std::vector<std::string>{"E1"});
  EXPECT_EQ(Ids(SearchName("peña")), std::vector<std::string>{"E1"});
  EXPECT_EQ(Ids(SearchName("jose pen")), std::vector<std::string>{"E1"});
  EXPECT_EQ(Ids(SearchName("oneil")), std::vector<std::string>{"E2"});
  EXPECT_EQ(Ids(SearchName("MULLER JURGEN")), std::vector<std::string>{"E3"});
  VoterPage page = SearchName("PENA");
  ASSERT_EQ(page.voters.size(), 1u);
  EXPECT_EQ(page.voters[0].last_name, "Peña") << "results show names as stored";
}

TEST_P(StoreConformanceTest, SearchByRegistrationNumber) {
  Voter a = MakeVoter("RG1", "ALPHA", "A", "92");
  a.registration_number = "1234";
  Voter b = MakeVoter("RG2", "BETA", "B", "32");
  b.registration_number = "1234";
  Voter c = MakeVoter("RG3", "GAMMA", "C", "92");
  c.registration_number = "12345";
  Import({a, b, c});
  VoterQuery q;
  q.registration_number = "1234";
  EXPECT_EQ(Ids(Search(q)), (std::vector<std::string>{"RG1", "RG2"}));
  q.county = "32";
  EXPECT_EQ(Ids(Search(q)), std::vector<std::string>{"RG2"});
  q.registration_number = "123";
  EXPECT_TRUE(Search(q).voters.empty()) << "registration numbers match exactly";
}

TEST_P(StoreConformanceTest, SearchCountyAndPrecinctFilters) {
  Import({MakeVoter("C1", "ZED", "A", "92", "01-01"), MakeVoter("C2", "ABLE", "B", "92", "01-02"),
          MakeVoter("C3", "MID", "C", "92", "01-01"), MakeVoter("C4", "ABLE", "D", "32", "01-01"),
          MakeVoter("C5", "ABLE", "E", "92", "01-01")});
  VoterQuery q;
  q.county = "92";
  q.precinct = "01-01";
  // A precinct alone lists it alphabetically: the poll book.
  EXPECT_EQ(Ids(Search(q)), (std::vector<std::string>{"C5", "C3", "C1"}));
  q.name = "ABLE";
  EXPECT_EQ(Ids(Search(q)), std::vector<std::string>{"C5"});
  q.precinct.clear();
  EXPECT_EQ(Ids(Search(q)), (std::vector<std::string>{"C2", "C5"}));
  q.name.clear();
  EXPECT_EQ(Ids(Search(q)), (std::vector<std::string>{"C2", "C5", "C3", "C1"}));
  q.county = "32";
  EXPECT_EQ(Ids(Search(q)), std::vector<std::string>{"C4"});
  VoterQuery no_county;
  no_county.precinct = "01-01";
  no_county.name = "ABLE";
  Result<VoterPage> bad = store().SearchVoters(no_county);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), ErrorCode::kInvalidArgument);
}

TEST_P(StoreConformanceTest, PaginationVisitsEveryMatchOnce) {
  std::vector<Voter> voters;
  std::set<std::string> expected;
  const std::vector<std::string> lasts = {"PAGE", "PAGES", "PAGET", "PAGEANT"};
  for (int i = 0; i < 230; ++i) {
    // Many equal names: the voter id breaks ties, and the cursor must keep them apart.
    std::string id = "PG" + std::to_string(i);
    voters.push_back(MakeVoter(id, lasts[i % lasts.size()], i % 3 == 0 ? "ANN" : "BO"));
    expected.insert(id);
  }
  voters.push_back(MakeVoter("OTHER", "PAPER", "ANN"));
  Import(voters);
  for (const std::string& name : {std::string("PAGE"), std::string("ANN PAGE")}) {
    VoterQuery q;
    q.name = name;
    q.limit = 17;
    std::vector<std::string> seen;
    std::string previous_key;
    for (int pages = 0; pages < 100; ++pages) {
      VoterPage page = Search(q);
      EXPECT_LE(page.voters.size(), 17u);
      for (const std::string& id : Ids(page)) seen.push_back(id);
      if (page.next_cursor.empty()) break;
      EXPECT_EQ(page.voters.size(), 17u);
      q.cursor = page.next_cursor;
    }
    std::set<std::string> unique(seen.begin(), seen.end());
    EXPECT_EQ(unique.size(), seen.size()) << "no duplicates for " << name;
    if (name == "PAGE") {
      EXPECT_EQ(unique, expected) << "no misses";
    } else {
      size_t anns = 0;
      for (int i = 0; i < 230; i += 3) ++anns;
      EXPECT_EQ(unique.size(), anns);
    }
  }
}

TEST_P(StoreConformanceTest, ExactPageHasNoNextCursor) {
  Import({MakeVoter("K1", "KAY", "A"), MakeVoter("K2", "KAY", "B")});
  VoterQuery q;
  q.name = "KAY";
  q.limit = 2;
  VoterPage page = Search(q);
  EXPECT_EQ(page.voters.size(), 2u);
  EXPECT_TRUE(page.next_cursor.empty());
  q.limit = 1;
  page = Search(q);
  ASSERT_FALSE(page.next_cursor.empty());
  q.cursor = page.next_cursor;
  page = Search(q);
  EXPECT_EQ(Ids(page), std::vector<std::string>{"K2"});
  EXPECT_TRUE(page.next_cursor.empty());
}

TEST_P(StoreConformanceTest, BadQueriesAreInvalidArgument) {
  Import({MakeVoter("B1", "BAD", "Q")});
  auto expect_invalid = [&](VoterQuery q, const char* why) {
    Result<VoterPage> page = store().SearchVoters(q);
    ASSERT_FALSE(page.ok()) << why;
    EXPECT_EQ(page.status().code(), ErrorCode::kInvalidArgument) << why;
  };
  VoterQuery q;
  q.name = "BAD";
  for (const char* cursor : {"zz", "abc", "00", "not a cursor", "31", "313a"}) {
    q.cursor = cursor;
    expect_invalid(q, cursor);
  }
  q.cursor.clear();
  q.limit = 0;
  expect_invalid(q, "limit 0");
  q.limit = 1001;
  expect_invalid(q, "limit 1001");
  q.limit = 1000;
  EXPECT_TRUE(store().SearchVoters(q).ok());
  q.limit = 1;
  EXPECT_TRUE(store().SearchVoters(q).ok());
  expect_invalid(VoterQuery{}, "empty query");
  VoterQuery blank;
  blank.name = "   ";
  expect_invalid(blank, "blank name");
}

TEST_P(StoreConformanceTest, PrecinctCounts) {
  FinishImportOptions refresh;
  refresh.full_refresh = true;
  refresh.covered_counties = {"92", "32"};
  Import({MakeVoter("Q1", "A", "A", "92", "02"), MakeVoter("Q2", "B", "B", "92", "01"),
          MakeVoter("Q3", "C", "C", "92", "02"), MakeVoter("Q4", "D", "D", "32", "01"),
          MakeVoter("Q5", "E", "E", "92", "01")});
  Result<std::vector<PrecinctSummary>> all = store().ListPrecincts("");
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].county, "32");
  EXPECT_EQ((*all)[0].voters, 1);
  EXPECT_EQ((*all)[1].county, "92");
  EXPECT_EQ((*all)[1].precinct, "01");
  EXPECT_EQ((*all)[1].precinct_name, "PRECINCT 01");
  EXPECT_EQ((*all)[1].county_name, "WAKE");
  EXPECT_EQ((*all)[1].voters, 2);
  EXPECT_EQ((*all)[2].precinct, "02");
  EXPECT_EQ((*all)[2].voters, 2);

  Import({MakeVoter("Q1", "A", "A", "92", "02"), MakeVoter("Q2", "B", "B", "92", "01"),
          MakeVoter("Q4", "D", "D", "32", "01"), MakeVoter("Q5", "E", "E", "92", "02")},
         refresh);
  Result<std::vector<PrecinctSummary>> wake = store().ListPrecincts("92");
  ASSERT_TRUE(wake.ok());
  ASSERT_EQ(wake->size(), 2u);
  EXPECT_EQ((*wake)[0].voters, 1);
  EXPECT_EQ((*wake)[1].voters, 2);
  Result<std::vector<PrecinctSummary>> none = store().ListPrecincts("99");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  Result<StoreStats> stats = store().Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->precincts, 3);
  EXPECT_EQ(stats->voters, 4);
  EXPECT_EQ(stats->removed, 1);
}

TEST_P(StoreConformanceTest, RepeatedIdAcrossBatchesOfFirstImportKeepsTheLast) {
  Result<ImportId> id = store().BeginImport({"voters", "test", "dup.txt"});
  ASSERT_TRUE(id.ok());
  std::vector<Voter> first = {MakeVoter("R1", "OLD", "NAME"), MakeVoter("R2", "TWO", "X")};
  std::vector<Voter> second = {MakeVoter("R1", "NEW", "NAME")};
  ASSERT_TRUE(store().UpsertVoters(*id, first).ok());
  ASSERT_TRUE(store().UpsertVoters(*id, second).ok());
  ASSERT_TRUE(store().FinishImport(*id, {}).ok());
  Result<VoterRecord> r = store().GetVoter("R1");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->voter.last_name, "NEW");
  Result<StoreStats> stats = store().Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->voters, 2);
  EXPECT_TRUE(SearchName("OLD").voters.empty());
}

TEST_P(StoreConformanceTest, ReadsSeeWritesBeforeTheImportFinishes) {
  Result<ImportId> id = store().BeginImport({"voters", "test", "open.txt"});
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(store().UpsertVoters(*id, std::vector<Voter>{MakeVoter("O1", "OPEN", "ED")}).ok());
  Result<VoterRecord> r = store().GetVoter("O1");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Ids(SearchName("OPEN")), std::vector<std::string>{"O1"});
  ASSERT_TRUE(store().FinishImport(*id, {}).ok());
  // A finished import takes no more rows.
  Result<UpsertCounts> late =
      store().UpsertVoters(*id, std::vector<Voter>{MakeVoter("O2", "LATE", "X")});
  EXPECT_FALSE(late.ok());
  Result<UpsertCounts> unknown =
      store().UpsertVoters(*id + 1000, std::vector<Voter>{MakeVoter("O3", "NO", "X")});
  EXPECT_FALSE(unknown.ok());
  Result<UpsertCounts> empty_id =
      store().UpsertVoters(*id, std::vector<Voter>{MakeVoter("", "NO", "ID")});
  ASSERT_FALSE(empty_id.ok());
  EXPECT_EQ(empty_id.status().code(), ErrorCode::kInvalidArgument);
}

TEST_P(StoreConformanceTest, ConcurrentReadersWhileAWriterWrites) {
  Import({MakeVoter("CC0", "CONCURRENT", "BASE")});
  constexpr int kBatches = 30;
  constexpr int kPerBatch = 20;
  std::atomic<bool> writer_done{false};
  std::atomic<int> reads{0};
  std::atomic<int> failures{0};
  std::thread writer([&] {
    for (int b = 0; b < kBatches; ++b) {
      Result<ImportId> id = store().BeginImport({"voters", "test", "w.txt"});
      if (!id.ok()) {
        ++failures;
        continue;
      }
      std::vector<Voter> batch;
      for (int i = 0; i < kPerBatch; ++i) {
        batch.push_back(MakeVoter("CW" + std::to_string(b * kPerBatch + i), "CONCURRENT",
                                  "W" + std::to_string(b)));
      }
      if (!store().UpsertVoters(*id, batch).ok()) ++failures;
      if (!store().FinishImport(*id, {}).ok()) ++failures;
    }
    writer_done = true;
  });
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&] {
      size_t last_seen = 0;
      // Until the writer is done, and at least a few reads each.
      for (int i = 0; !writer_done || i < 5; ++i) {
        VoterQuery q;
        q.name = "CONCURRENT";
        q.limit = 1000;
        Result<VoterPage> page = store().SearchVoters(q);
        if (!page.ok() || page->voters.empty()) {
          ++failures;
          continue;
        }
        // Committed data only, and never going backwards.
        if (page->voters.size() < last_seen || (page->voters.size() - 1) % kPerBatch != 0) {
          ++failures;
        }
        last_seen = page->voters.size();
        if (!store().GetVoter("CC0").ok()) ++failures;
        ++reads;
      }
    });
  }
  writer.join();
  for (std::thread& t : readers) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GE(reads.load(), 20);
  VoterQuery q;
  q.name = "CONCURRENT";
  q.limit = 1000;
  EXPECT_EQ(Search(q).voters.size(), static_cast<size_t>(1 + kBatches * kPerBatch));
}

TEST_P(StoreConformanceTest, ConcurrentWritersAllCommit) {
  Import({MakeVoter("CB0", "BASE", "X")});
  Result<ImportId> id = store().BeginImport({"voters", "test", "many.txt"});
  ASSERT_TRUE(id.ok());
  constexpr int kThreads = 8;
  constexpr int kWrites = 25;
  std::atomic<int> added{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kWrites; ++i) {
        Result<UpsertCounts> c = store().UpsertVoters(
            *id, std::vector<Voter>{MakeVoter("M" + std::to_string(t) + "-" + std::to_string(i),
                                              "MANY", "T" + std::to_string(t))});
        if (c.ok()) added += static_cast<int>(c->added);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(added.load(), kThreads * kWrites);
  ASSERT_TRUE(store().FinishImport(*id, {}).ok());
  Result<StoreStats> stats = store().Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->voters, 1 + kThreads * kWrites);
}

TEST_P(StoreConformanceTest, ReopenFindsEverything) {
  Voter v = MakeVoter("RO1", "REOPEN", "ED");
  v.districts = {{"ward", "3"}};
  Import({v, MakeVoter("RO2", "REOPEN", "FAY")});
  Result<ImportId> id = store().BeginImport({"history", "ncvhis", "h.txt"});
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(
      store()
          .UpsertHistory(*id, std::vector<VoteHistoryEntry>{{"RO1", "2024-11-05", "GENERAL",
                                                             "IN-PERSON", "", "92", "01-01"}})
          .ok());
  ASSERT_TRUE(store().FinishImport(*id, {}).ok());
  Reopen();
  ASSERT_NE(store_, nullptr);
  Result<VoterRecord> r = store().GetVoter("RO1");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->voter, v);
  EXPECT_EQ(r->history.size(), 1u);
  EXPECT_EQ(Ids(SearchName("REOPEN")), (std::vector<std::string>{"RO1", "RO2"}));
  Result<std::vector<PrecinctSummary>> precincts = store().ListPrecincts("");
  ASSERT_TRUE(precincts.ok());
  EXPECT_EQ(precincts->size(), 1u);
  EXPECT_TRUE(store().Ping().ok());
  // And it still takes writes.
  UpsertCounts counts = Import({v, MakeVoter("RO3", "REOPEN", "GUS")});
  EXPECT_EQ(counts.added, 1);
  EXPECT_EQ(counts.unchanged, 1);
}

TEST_P(StoreConformanceTest, PingOnAFreshStore) {
  EXPECT_TRUE(store().Ping().ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreConformanceTest, ::testing::Values(SqliteBackend()),
                         [](const ::testing::TestParamInfo<StoreBackend>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace narwhal::testing

// The store conformance suite: what every Store backend must do, written against Store
// alone. Each backend is one parameter (see store_factory.h); nothing here may depend on
// how a backend keeps its data.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <optional>
#include <ostream>
#include <set>
#include <span>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/text.h"
#include "domain/access.h"
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

namespace {

class StoreConformanceTest : public BackendTest {
 protected:
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

TEST_P(StoreConformanceTest, VoterPrecinctsAnswersInOrderWithGapsForUnknownIds) {
  Import({MakeVoter("P1", "ABLE", "A", "92"), MakeVoter("P2", "BAKER", "B", "32")});
  const std::vector<std::string> ids = {"P2", "NOPE", "P1", "P2"};
  Result<std::vector<std::optional<PrecinctKey>>> r = store().VoterPrecincts(ids);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), ids.size());
  ASSERT_TRUE((*r)[0].has_value());
  EXPECT_EQ((*r)[0]->county, "32");
  EXPECT_FALSE((*r)[1].has_value());
  ASSERT_TRUE((*r)[2].has_value());
  EXPECT_EQ((*r)[2]->county, "92");
  EXPECT_EQ(*(*r)[2], (PrecinctKey{"92", store().GetVoter("P1")->voter.precinct}));
  EXPECT_EQ((*r)[3], (*r)[0]) << "an id asked twice is answered twice";
  Result<std::vector<std::optional<PrecinctKey>>> none = store().VoterPrecincts({});
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_TRUE(none->empty());
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

// An import prepares each batch on its decode thread, before earlier batches are stored:
// a prepared batch may name state columns the store first meets in those earlier batches,
// and a prepared value that does not fit the batch is recomputed, never trusted.
TEST_P(StoreConformanceTest, PreparedBatchesStoreWhatUnpreparedOnesDo) {
  Result<ImportId> id = store().BeginImport({"voters", "test", "prepared.txt"});
  ASSERT_TRUE(id.ok());
  std::vector<Voter> first = {MakeVoter("P1", "ONE", "A"), MakeVoter("P2", "TWO", "B")};
  first[0].extra = {{"ward_note", "north"}};
  std::vector<Voter> second = {MakeVoter("P3", "THREE", "C")};
  second[0].extra = {{"ward_note", "south"}, {"lot", "7"}};
  std::unique_ptr<PreparedVoters> prepared_first = store().PrepareVoters(first);
  std::unique_ptr<PreparedVoters> prepared_second = store().PrepareVoters(second);
  Result<UpsertCounts> a = store().UpsertPreparedVoters(*id, first, std::move(prepared_first));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  Result<UpsertCounts> b = store().UpsertPreparedVoters(*id, second, std::move(prepared_second));
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  // Prepared for another batch (of another size): the store does the work itself.
  std::vector<Voter> third = {MakeVoter("P4", "FOUR", "D")};
  third[0].extra = {{"lot", "9"}};
  Result<UpsertCounts> c = store().UpsertPreparedVoters(*id, third, store().PrepareVoters(first));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_TRUE(store().FinishImport(*id, {}).ok());
  EXPECT_EQ(a->added + b->added + c->added, 4);

  Result<VoterRecord> p1 = store().GetVoter("P1");
  ASSERT_TRUE(p1.ok());
  EXPECT_EQ(p1->voter.extra, (NamedValues{{"ward_note", "north"}}));
  Result<VoterRecord> p3 = store().GetVoter("P3");
  ASSERT_TRUE(p3.ok());
  EXPECT_EQ(p3->voter.extra, (NamedValues{{"ward_note", "south"}, {"lot", "7"}}));
  Result<VoterRecord> p4 = store().GetVoter("P4");
  ASSERT_TRUE(p4.ok());
  EXPECT_EQ(p4->voter.last_name, "FOUR");
  EXPECT_EQ(p4->voter.extra, (NamedValues{{"lot", "9"}}));
  EXPECT_EQ(Ids(SearchName("FOUR")), std::vector<std::string>{"P4"});

  // A second import of the same voters, prepared: nothing changed.
  Result<ImportId> again = store().BeginImport({"voters", "test", "prepared.txt"});
  ASSERT_TRUE(again.ok());
  Result<UpsertCounts> same =
      store().UpsertPreparedVoters(*again, first, store().PrepareVoters(first));
  ASSERT_TRUE(same.ok()) << same.status().ToString();
  EXPECT_EQ(same->unchanged, 2);
  ASSERT_TRUE(store().FinishImport(*again, {}).ok());
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

INSTANTIATE_TEST_SUITE_P(Backends, StoreConformanceTest, ::testing::ValuesIn(AllBackends()),
                         BackendName);

// --- volunteers, credentials and access ---------------------------------------------

// Times the tests hand to the store are whole milliseconds: backends keep that much.
constexpr TimePoint kT0 =
    std::chrono::sys_days{std::chrono::November / 3 / 2026} + std::chrono::hours(8);

NewUser MakeNewUser(std::string name, Role role, Scope scope = {}, std::string office = "") {
  NewUser u;
  u.name = std::move(name);
  u.phone = "919-555-0100";
  u.email = "someone@example.org";
  u.role = role;
  u.scope = std::move(scope);
  u.field_office = std::move(office);
  return u;
}

Scope PrecinctScope(std::string county, std::string precinct) {
  Scope s;
  s.precincts.push_back(PrecinctKey{std::move(county), std::move(precinct)});
  return s;
}

Scope CountyScope(std::string county) {
  Scope s;
  s.counties.push_back(std::move(county));
  return s;
}

LoginCodeRecord MakeCode(std::string selector, int64_t user_id, TimePoint issued = kT0) {
  LoginCodeRecord c;
  c.selector = std::move(selector);
  c.user_id = user_id;
  c.secret_hash = "$argon2id$v=19$m=8192,t=2,p=1$c2FsdA$aGFzaA";
  c.issued_at = issued;
  c.expires_at = issued + std::chrono::hours(24 * 21);
  return c;
}

NewSession MakeSession(int64_t user_id, std::string token_hash, TimePoint at) {
  NewSession s;
  s.user_id = user_id;
  s.token_hash = std::move(token_hash);
  s.created_at = at;
  s.expires_at = at + std::chrono::hours(72);
  s.created_from = "192.0.2.7";
  return s;
}

std::vector<int64_t> UserIds(const UserPage& page) {
  std::vector<int64_t> ids;
  for (const User& u : page.users) ids.push_back(u.id);
  return ids;
}

class AccessTest : public StoreConformanceTest {
 protected:
  User Create(NewUser u) {
    Result<User> user = store().CreateUser(u);
    EXPECT_TRUE(user.ok()) << user.status().ToString();
    return user.ok() ? *user : User{};
  }

  std::vector<int64_t> List(UserFilter f) {
    Result<UserPage> page = store().ListUsers(f);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() ? UserIds(*page) : std::vector<int64_t>{};
  }

  User Get(int64_t id) {
    Result<User> user = store().GetUser(id);
    EXPECT_TRUE(user.ok()) << user.status().ToString();
    return user.ok() ? *user : User{};
  }

  LoginCodeRecord Code(const std::string& selector) {
    Result<LoginCodeRecord> code = store().GetLoginCode(selector);
    EXPECT_TRUE(code.ok()) << code.status().ToString();
    return code.ok() ? *code : LoginCodeRecord{};
  }
};

TEST_P(AccessTest, CreateAndGetUser) {
  Scope scope;
  scope.counties = {"92", "32"};
  scope.precincts = {{"92", "01-07"}, {"10", "PR1"}};
  scope.turfs = {"T-17"};
  NewUser n = MakeNewUser("Ann Organizer", Role::kOrganizer, scope, "Raleigh");
  User created = Create(n);
  EXPECT_GT(created.id, 0);
  EXPECT_FALSE(created.created_at.empty());

  User got = Get(created.id);
  EXPECT_EQ(got.id, created.id);
  EXPECT_EQ(got.name, "Ann Organizer");
  EXPECT_EQ(got.phone, n.phone);
  EXPECT_EQ(got.email, n.email);
  EXPECT_EQ(got.role, Role::kOrganizer);
  EXPECT_EQ(got.scope, scope) << "scope entries keep their order";
  EXPECT_EQ(got.field_office, "Raleigh");
  EXPECT_EQ(got.created_at, created.created_at);
  EXPECT_TRUE(got.first_login_at.empty());
  EXPECT_TRUE(got.last_seen_at.empty());
  EXPECT_FALSE(got.disabled);

  EXPECT_NE(Create(MakeNewUser("Bob", Role::kAnalyst)).id, created.id);
  EXPECT_EQ(store().GetUser(created.id + 1000).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store().CreateUser(MakeNewUser("", Role::kAdmin)).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(store()
                .CreateUser(MakeNewUser("Bad", Role::kPollWatcher, PrecinctScope("92", "")))
                .status()
                .code(),
            ErrorCode::kInvalidArgument);
}

TEST_P(AccessTest, SetUserDisabled) {
  User u = Create(MakeNewUser("Dee", Role::kCanvasser));
  ASSERT_TRUE(store().SetUserDisabled(u.id, true).ok());
  EXPECT_TRUE(Get(u.id).disabled);
  ASSERT_TRUE(store().SetUserDisabled(u.id, false).ok());
  EXPECT_FALSE(Get(u.id).disabled);
  EXPECT_EQ(store().SetUserDisabled(u.id + 1000, true).code(), ErrorCode::kNotFound);
}

TEST_P(AccessTest, ListUsersFilters) {
  User org = Create(MakeNewUser("Org", Role::kOrganizer, CountyScope("92"), "Raleigh"));
  User pw1 =
      Create(MakeNewUser("Pw1", Role::kPollWatcher, PrecinctScope("92", "01-01"), "Raleigh"));
  User pw2 = Create(MakeNewUser("Pw2", Role::kPollWatcher, PrecinctScope("92", "01-02"), "Cary"));
  User far = Create(MakeNewUser("Far", Role::kPollWatcher, PrecinctScope("10", "01-01"), "Cary"));
  User admin = Create(MakeNewUser("Admin", Role::kAdmin));

  EXPECT_EQ(List({}), (std::vector<int64_t>{org.id, pw1.id, pw2.id, far.id, admin.id}));
  UserFilter county;
  county.county = "92";
  EXPECT_EQ(List(county), (std::vector<int64_t>{org.id, pw1.id, pw2.id}));
  UserFilter precinct;
  precinct.county = "92";
  precinct.precinct = "01-01";
  EXPECT_EQ(List(precinct), (std::vector<int64_t>{pw1.id}));
  UserFilter role;
  role.role = Role::kPollWatcher;
  EXPECT_EQ(List(role), (std::vector<int64_t>{pw1.id, pw2.id, far.id}));
  UserFilter office;
  office.field_office = "Cary";
  EXPECT_EQ(List(office), (std::vector<int64_t>{pw2.id, far.id}));
  UserFilter both;
  both.county = "92";
  both.role = Role::kPollWatcher;
  both.field_office = "Raleigh";
  EXPECT_EQ(List(both), (std::vector<int64_t>{pw1.id}));

  Result<UserPage> page = store().ListUsers(county);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->users.size(), 3u);
  EXPECT_EQ(page->users[1].scope, PrecinctScope("92", "01-01")) << "listed users carry their scope";

  UserFilter bad;
  bad.precinct = "01-01";
  EXPECT_EQ(store().ListUsers(bad).status().code(), ErrorCode::kInvalidArgument);
  bad = {};
  bad.limit = 0;
  EXPECT_EQ(store().ListUsers(bad).status().code(), ErrorCode::kInvalidArgument);
  bad = {};
  bad.cursor = "zz";
  EXPECT_EQ(store().ListUsers(bad).status().code(), ErrorCode::kInvalidArgument);
}

TEST_P(AccessTest, ListUsersPagination) {
  std::vector<int64_t> all;
  for (int i = 0; i < 7; ++i) {
    all.push_back(Create(MakeNewUser("U" + std::to_string(i), Role::kPhoneBanker)).id);
  }
  Create(MakeNewUser("Other", Role::kAdmin));
  UserFilter f;
  f.role = Role::kPhoneBanker;
  f.limit = 3;
  std::vector<int64_t> seen;
  int pages = 0;
  for (;;) {
    Result<UserPage> page = store().ListUsers(f);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    ++pages;
    for (int64_t id : UserIds(*page)) seen.push_back(id);
    if (page->next_cursor.empty()) break;
    f.cursor = page->next_cursor;
    ASSERT_LT(pages, 10);
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, all);

  // A page that ends exactly at the last match has no next page.
  f = {};
  f.role = Role::kPhoneBanker;
  f.limit = 7;
  Result<UserPage> exact = store().ListUsers(f);
  ASSERT_TRUE(exact.ok());
  EXPECT_EQ(exact->users.size(), 7u);
  EXPECT_TRUE(exact->next_cursor.empty());
}

TEST_P(AccessTest, PutLoginCodeReplacesEarlierCodes) {
  User u = Create(MakeNewUser("Eve", Role::kPollWatcher));
  LoginCodeRecord first = MakeCode("AAAA", u.id);
  ASSERT_TRUE(store().PutLoginCode(first).ok());
  LoginCodeRecord got = Code("AAAA");
  EXPECT_EQ(got.selector, "AAAA");
  EXPECT_EQ(got.user_id, u.id);
  EXPECT_EQ(got.secret_hash, first.secret_hash);
  EXPECT_EQ(got.issued_at, first.issued_at);
  EXPECT_EQ(got.expires_at, first.expires_at);
  EXPECT_FALSE(got.used_at || got.replaced_at || got.locked_until);
  EXPECT_EQ(got.failed_attempts, 0);

  // Reissue: the earlier code is replaced, the new one is live.
  const TimePoint later = kT0 + std::chrono::hours(1);
  ASSERT_TRUE(store().PutLoginCode(MakeCode("BBBB", u.id, later)).ok());
  EXPECT_EQ(Code("AAAA").replaced_at, later);
  EXPECT_FALSE(Code("BBBB").replaced_at.has_value());

  // Another user's codes are untouched.
  User other = Create(MakeNewUser("Fay", Role::kPollWatcher));
  ASSERT_TRUE(store().PutLoginCode(MakeCode("CCCC", other.id, later)).ok());
  EXPECT_FALSE(Code("BBBB").replaced_at.has_value());

  // A selector ever used is refused, whatever became of its code.
  EXPECT_EQ(store().PutLoginCode(MakeCode("AAAA", u.id, later)).code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(store().PutLoginCode(MakeCode("CCCC", u.id, later)).code(), ErrorCode::kAlreadyExists);
  EXPECT_FALSE(Code("BBBB").replaced_at.has_value()) << "a refused code replaces nothing";

  EXPECT_EQ(store().PutLoginCode(MakeCode("DDDD", other.id + 1000)).code(), ErrorCode::kNotFound);
  EXPECT_EQ(store().GetLoginCode("ZZZZ").status().code(), ErrorCode::kNotFound);
}

TEST_P(AccessTest, UsersAndCodesInBatches) {
  std::vector<NewUser> batch = {
      MakeNewUser("Gil", Role::kPollWatcher, PrecinctScope("92", "01-07")),
      MakeNewUser("Hal", Role::kPhoneBanker), MakeNewUser("Ida", Role::kCanvasser)};
  Result<std::vector<User>> created = store().CreateUsers(batch);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  ASSERT_EQ(created->size(), 3u);
  EXPECT_EQ(Get((*created)[0].id).scope, PrecinctScope("92", "01-07"));
  EXPECT_EQ(Get((*created)[2].id).name, "Ida");
  EXPECT_LT((*created)[0].id, (*created)[1].id);

  // One bad user: nobody is created.
  const size_t before = List(UserFilter{}).size();
  batch.push_back(MakeNewUser("", Role::kAdmin));
  EXPECT_EQ(store().CreateUsers(batch).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(List(UserFilter{}).size(), before);

  // Codes: a taken selector is reported by index and not stored; the rest are.
  const int64_t gil = (*created)[0].id;
  const int64_t hal = (*created)[1].id;
  ASSERT_TRUE(store().PutLoginCode(MakeCode("EEEE", gil)).ok());
  const TimePoint later = kT0 + std::chrono::hours(1);
  std::vector<LoginCodeRecord> codes = {MakeCode("FFFF", gil, later), MakeCode("EEEE", hal, later),
                                        MakeCode("GGGG", hal, later)};
  Result<std::vector<size_t>> taken = store().PutLoginCodes(codes);
  ASSERT_TRUE(taken.ok()) << taken.status().ToString();
  EXPECT_EQ(*taken, std::vector<size_t>{1});
  EXPECT_EQ(Code("EEEE").user_id, gil);
  EXPECT_EQ(Code("EEEE").replaced_at, later);
  EXPECT_FALSE(Code("FFFF").replaced_at.has_value());
  EXPECT_EQ(Code("GGGG").user_id, hal);
  codes = {MakeCode("HHHH", gil), MakeCode("JJJJ", gil + 1000)};
  EXPECT_EQ(store().PutLoginCodes(codes).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store().GetLoginCode("HHHH").status().code(), ErrorCode::kNotFound)
      << "nothing of a refused batch is stored";
}

TEST_P(AccessTest, UpdateUserReplacesFieldsAndScope) {
  User u = Create(MakeNewUser("Jo", Role::kPollWatcher, PrecinctScope("92", "01-07"), "Raleigh"));
  NewUser change = MakeNewUser("Jo Ann", Role::kCanvasser, Scope{{"92"}, {}, {"T-3"}}, "Cary");
  change.phone = "919-555-0177";
  Result<User> updated = store().UpdateUser(u.id, change);
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  User got = Get(u.id);
  EXPECT_EQ(got.name, "Jo Ann");
  EXPECT_EQ(got.phone, "919-555-0177");
  EXPECT_EQ(got.role, Role::kCanvasser);
  EXPECT_EQ(got.scope, (Scope{{"92"}, {}, {"T-3"}}));
  EXPECT_EQ(got.field_office, "Cary");
  EXPECT_EQ(got.created_at, u.created_at);
  EXPECT_EQ(updated->scope, got.scope);
  UserFilter in_92;
  in_92.county = "92";
  EXPECT_EQ(List(in_92), std::vector<int64_t>{u.id});
  EXPECT_EQ(store().UpdateUser(u.id + 1000, change).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store().UpdateUser(u.id, MakeNewUser("", Role::kAdmin)).status().code(),
            ErrorCode::kInvalidArgument);
}

TEST_P(AccessTest, LoginFailuresLockTheCode) {
  User u = Create(MakeNewUser("Gus", Role::kPollWatcher));
  ASSERT_TRUE(store().PutLoginCode(MakeCode("LOCK", u.id)).ok());
  const TimePoint until = kT0 + std::chrono::minutes(15);
  for (int i = 1; i <= 2; ++i) {
    Result<LoginCodeRecord> r = store().RecordLoginFailure("LOCK", 3, until);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->failed_attempts, i);
    EXPECT_FALSE(r->locked_until.has_value());
  }
  Result<LoginCodeRecord> third = store().RecordLoginFailure("LOCK", 3, until);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->failed_attempts, 3);
  EXPECT_EQ(third->locked_until, until);
  EXPECT_EQ(Code("LOCK").locked_until, until);
  EXPECT_EQ(store().RecordLoginFailure("NONE", 3, until).status().code(), ErrorCode::kNotFound);

  // Locked: refused before `until`, redeemable after.
  Result<SessionRecord> early =
      store().RedeemLoginCode("LOCK", MakeSession(u.id, "h-early", kT0 + std::chrono::minutes(5)));
  EXPECT_EQ(early.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(early.status().message().find("locked"), std::string::npos) << early.status().message();
  Result<SessionRecord> late = store().RedeemLoginCode("LOCK", MakeSession(u.id, "h-late", until));
  EXPECT_TRUE(late.ok()) << late.status().ToString();
}

TEST_P(AccessTest, RedeemLoginCodeOnce) {
  User u = Create(MakeNewUser("Hal", Role::kPollWatcher, PrecinctScope("92", "01-01")));
  ASSERT_TRUE(store().PutLoginCode(MakeCode("ONCE", u.id)).ok());
  const TimePoint at = kT0 + std::chrono::hours(2);
  Result<SessionRecord> s = store().RedeemLoginCode("ONCE", MakeSession(u.id, "hash-1", at));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_GT(s->id, 0);
  EXPECT_EQ(s->user_id, u.id);
  EXPECT_EQ(s->created_at, at);
  EXPECT_EQ(s->expires_at, at + std::chrono::hours(72));
  EXPECT_FALSE(s->revoked_at.has_value());
  EXPECT_EQ(Code("ONCE").used_at, at);
  EXPECT_FALSE(Get(u.id).first_login_at.empty());

  Result<SessionRecord> again =
      store().RedeemLoginCode("ONCE", MakeSession(u.id, "hash-2", at + std::chrono::minutes(1)));
  EXPECT_EQ(again.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(again.status().message().find("used"), std::string::npos) << again.status().message();
  EXPECT_EQ(store().GetSessionByTokenHash("hash-2").status().code(), ErrorCode::kNotFound)
      << "a refused redemption creates no session";

  // The first login stays the first.
  const std::string first_login = Get(u.id).first_login_at;
  ASSERT_TRUE(store().PutLoginCode(MakeCode("TWO1", u.id, at)).ok());
  ASSERT_TRUE(store()
                  .RedeemLoginCode("TWO1", MakeSession(u.id, "hash-3", at + std::chrono::hours(30)))
                  .ok());
  EXPECT_EQ(Get(u.id).first_login_at, first_login);

  EXPECT_EQ(store().RedeemLoginCode("NONE", MakeSession(u.id, "hash-4", at)).status().code(),
            ErrorCode::kNotFound);
}

TEST_P(AccessTest, RedeemRefusesExpiredReplacedAndDisabled) {
  User u = Create(MakeNewUser("Ida", Role::kPollWatcher));
  LoginCodeRecord code = MakeCode("EXPD", u.id);
  ASSERT_TRUE(store().PutLoginCode(code).ok());
  Result<SessionRecord> expired =
      store().RedeemLoginCode("EXPD", MakeSession(u.id, "h1", code.expires_at));
  EXPECT_EQ(expired.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(expired.status().message().find("expired"), std::string::npos);
  EXPECT_FALSE(Code("EXPD").used_at.has_value()) << "a refused redemption changes nothing";

  ASSERT_TRUE(store().PutLoginCode(MakeCode("NEW1", u.id)).ok());
  Result<SessionRecord> replaced =
      store().RedeemLoginCode("EXPD", MakeSession(u.id, "h2", kT0 + std::chrono::minutes(1)));
  EXPECT_EQ(replaced.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(replaced.status().message().find("replaced"), std::string::npos);

  ASSERT_TRUE(store().SetUserDisabled(u.id, true).ok());
  Result<SessionRecord> disabled =
      store().RedeemLoginCode("NEW1", MakeSession(u.id, "h3", kT0 + std::chrono::minutes(1)));
  EXPECT_EQ(disabled.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_FALSE(Code("NEW1").used_at.has_value());
  EXPECT_TRUE(Get(u.id).first_login_at.empty());
}

TEST_P(AccessTest, ConcurrentRedemptionsExactlyOneWins) {
  User u = Create(MakeNewUser("Jo", Role::kPollWatcher));
  ASSERT_TRUE(store().PutLoginCode(MakeCode("RACE", u.id)).ok());
  constexpr int kThreads = 8;
  std::atomic<int> won{0};
  std::atomic<int> refused{0};
  std::atomic<int> other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      Result<SessionRecord> r = store().RedeemLoginCode(
          "RACE", MakeSession(u.id, "race-" + std::to_string(i), kT0 + std::chrono::minutes(1)));
      if (r.ok()) {
        ++won;
      } else if (r.status().code() == ErrorCode::kFailedPrecondition) {
        ++refused;
      } else {
        ++other;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(refused.load(), kThreads - 1);
  EXPECT_EQ(other.load(), 0);
  int sessions = 0;
  for (int i = 0; i < kThreads; ++i) {
    if (store().GetSessionByTokenHash("race-" + std::to_string(i)).ok()) ++sessions;
  }
  EXPECT_EQ(sessions, 1);
}

TEST_P(AccessTest, SessionsLookupAndRevoke) {
  User u = Create(MakeNewUser("Kim", Role::kPollWatcher));
  User other = Create(MakeNewUser("Lou", Role::kPollWatcher));
  std::vector<SessionRecord> made;
  int n = 0;
  for (const auto& [user, hash] : std::vector<std::pair<int64_t, std::string>>{
           {u.id, "s-a"}, {u.id, "s-b"}, {u.id, "s-c"}, {other.id, "s-d"}}) {
    const std::string selector = "SES" + std::to_string(n++);
    ASSERT_TRUE(store().PutLoginCode(MakeCode(selector, user)).ok());
    Result<SessionRecord> s =
        store().RedeemLoginCode(selector, MakeSession(user, hash, kT0 + std::chrono::minutes(n)));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    made.push_back(*s);
  }
  Result<SessionRecord> found = store().GetSessionByTokenHash("s-b");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->id, made[1].id);
  EXPECT_EQ(found->user_id, u.id);
  EXPECT_EQ(found->created_at, made[1].created_at);
  EXPECT_EQ(found->expires_at, made[1].expires_at);
  EXPECT_FALSE(found->revoked_at.has_value());
  EXPECT_EQ(store().GetSessionByTokenHash("nope").status().code(), ErrorCode::kNotFound);

  const TimePoint at = kT0 + std::chrono::hours(5);
  ASSERT_TRUE(store().RevokeSession(made[0].id, at).ok());
  EXPECT_EQ(store().GetSessionByTokenHash("s-a")->revoked_at, at);
  EXPECT_EQ(store().RevokeSession(made.back().id + 1000, at).code(), ErrorCode::kNotFound);

  // Every live session of the user: s-b and s-c, not the revoked s-a, not the other user's.
  Result<int64_t> revoked = store().RevokeUserSessions(u.id, at + std::chrono::minutes(1));
  ASSERT_TRUE(revoked.ok());
  EXPECT_EQ(*revoked, 2);
  EXPECT_EQ(store().GetSessionByTokenHash("s-a")->revoked_at, at) << "first revocation kept";
  EXPECT_TRUE(store().GetSessionByTokenHash("s-c")->revoked_at.has_value());
  EXPECT_FALSE(store().GetSessionByTokenHash("s-d")->revoked_at.has_value());
  EXPECT_EQ(*store().RevokeUserSessions(u.id, at + std::chrono::minutes(2)), 0);
}

TEST_P(AccessTest, RecordActivityLaterTimesWin) {
  User a = Create(MakeNewUser("Max", Role::kPollWatcher));
  User b = Create(MakeNewUser("Ned", Role::kPollWatcher));
  const std::vector<std::pair<int64_t, TimePoint>> first = {{a.id, kT0 + std::chrono::minutes(10)},
                                                            {b.id, kT0 + std::chrono::minutes(5)}};
  ASSERT_TRUE(store().RecordActivity(first).ok());
  const std::string a_seen = Get(a.id).last_seen_at;
  EXPECT_FALSE(a_seen.empty());
  EXPECT_FALSE(Get(b.id).last_seen_at.empty());

  const std::vector<std::pair<int64_t, TimePoint>> second = {
      {a.id, kT0 + std::chrono::minutes(1)}, {b.id, kT0 + std::chrono::minutes(20)}};
  ASSERT_TRUE(store().RecordActivity(second).ok());
  EXPECT_EQ(Get(a.id).last_seen_at, a_seen) << "an earlier time does not win";
  EXPECT_GT(Get(b.id).last_seen_at, a_seen);
  EXPECT_TRUE(store().RecordActivity({}).ok());
}

TEST_P(AccessTest, AuditAppendAndList) {
  auto event = [](int64_t user, std::string action, std::string target, int minute) {
    AuditEvent e;
    e.at = kT0 + std::chrono::minutes(minute);
    e.user_id = user;
    e.action = std::move(action);
    e.target = std::move(target);
    e.detail = R"({"n":1})";
    e.request_id = "req-" + std::to_string(minute);
    e.remote_addr = "198.51.100.4";
    return e;
  };
  const std::vector<AuditEvent> batch = {
      event(1, "voter.read", "V1", 0), event(1, "voter.search", "SMITH", 1),
      event(2, "voter.read", "V2", 2), event(0, "user.create", "7", 3),
      event(2, "voter.read", "V1", 4)};
  ASSERT_TRUE(store().AppendAudit(std::span(batch).first(3)).ok());
  ASSERT_TRUE(store().AppendAudit(std::span(batch).subspan(3)).ok());
  EXPECT_TRUE(store().AppendAudit({}).ok());

  auto list = [&](AuditQuery q) {
    Result<AuditPage> page = store().ListAudit(q);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    std::vector<std::string> ids;
    if (page.ok()) {
      for (const AuditEvent& e : page->events) ids.push_back(e.request_id);
    }
    return ids;
  };
  using Ids = std::vector<std::string>;
  EXPECT_EQ(list({}), (Ids{"req-4", "req-3", "req-2", "req-1", "req-0"})) << "newest first";

  Result<AuditPage> all = store().ListAudit({});
  ASSERT_TRUE(all.ok());
  const AuditEvent& newest = all->events.front();
  EXPECT_GT(newest.id, all->events.back().id);
  EXPECT_EQ(newest.at, batch[4].at);
  EXPECT_EQ(newest.user_id, 2);
  EXPECT_EQ(newest.action, "voter.read");
  EXPECT_EQ(newest.target, "V1");
  EXPECT_EQ(newest.detail, R"({"n":1})");
  EXPECT_EQ(newest.remote_addr, "198.51.100.4");

  AuditQuery by_user;
  by_user.user_id = 1;
  EXPECT_EQ(list(by_user), (Ids{"req-1", "req-0"}));
  AuditQuery by_action;
  by_action.action = "voter.read";
  EXPECT_EQ(list(by_action), (Ids{"req-4", "req-2", "req-0"}));
  AuditQuery by_target;
  by_target.target = "V1";
  EXPECT_EQ(list(by_target), (Ids{"req-4", "req-0"}));
  AuditQuery window;
  window.since = kT0 + std::chrono::minutes(1);
  window.until = kT0 + std::chrono::minutes(3);
  EXPECT_EQ(list(window), (Ids{"req-2", "req-1"})) << "since inclusive, until exclusive";

  AuditQuery paged;
  paged.limit = 2;
  Ids seen;
  int pages = 0;
  for (;;) {
    Result<AuditPage> page = store().ListAudit(paged);
    ASSERT_TRUE(page.ok());
    ++pages;
    for (const AuditEvent& e : page->events) seen.push_back(e.request_id);
    if (page->next_cursor.empty()) break;
    paged.cursor = page->next_cursor;
    ASSERT_LT(pages, 10);
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, (Ids{"req-4", "req-3", "req-2", "req-1", "req-0"}));

  AuditQuery bad;
  bad.limit = 1001;
  EXPECT_EQ(store().ListAudit(bad).status().code(), ErrorCode::kInvalidArgument);
  bad = {};
  bad.cursor = "not-a-cursor";
  EXPECT_EQ(store().ListAudit(bad).status().code(), ErrorCode::kInvalidArgument);
}

TEST_P(AccessTest, ReadinessCountsPollWatchersPerPrecinct) {
  Import({MakeVoter("R1", "A", "A", "92", "01-01"), MakeVoter("R2", "B", "B", "92", "01-02"),
          MakeVoter("R3", "C", "C", "10", "02-01")});
  User in = Create(MakeNewUser("In", Role::kPollWatcher, PrecinctScope("92", "01-01")));
  User out = Create(MakeNewUser("Out", Role::kPollWatcher, PrecinctScope("92", "01-01")));
  User off = Create(MakeNewUser("Off", Role::kPollWatcher, PrecinctScope("92", "01-01")));
  Create(MakeNewUser("Org", Role::kOrganizer, CountyScope("92")));
  Create(MakeNewUser("Canvasser", Role::kCanvasser, PrecinctScope("92", "01-02")));
  User far = Create(MakeNewUser("Far", Role::kPollWatcher, PrecinctScope("10", "02-01")));
  ASSERT_TRUE(store().SetUserDisabled(off.id, true).ok());
  ASSERT_TRUE(store().PutLoginCode(MakeCode("RDY1", in.id)).ok());
  ASSERT_TRUE(
      store().RedeemLoginCode("RDY1", MakeSession(in.id, "rdy", kT0 + std::chrono::hours(1))).ok());

  Result<std::vector<ReadinessRow>> wake = store().GetReadiness("92");
  ASSERT_TRUE(wake.ok()) << wake.status().ToString();
  ASSERT_EQ(wake->size(), 2u);
  const ReadinessRow& p1 = (*wake)[0];
  EXPECT_EQ(p1.precinct, (PrecinctKey{"92", "01-01"}));
  EXPECT_EQ(p1.precinct_name, "PRECINCT 01-01");
  EXPECT_EQ(p1.assigned, 2) << "the disabled watcher does not count";
  EXPECT_EQ(p1.logged_in, 1);
  ASSERT_EQ(p1.not_logged_in.size(), 1u);
  EXPECT_EQ(p1.not_logged_in[0].id, out.id);
  EXPECT_EQ(p1.not_logged_in[0].scope, PrecinctScope("92", "01-01"));
  const ReadinessRow& p2 = (*wake)[1];
  EXPECT_EQ(p2.precinct, (PrecinctKey{"92", "01-02"}));
  EXPECT_EQ(p2.assigned, 0) << "precincts nobody watches are listed";
  EXPECT_EQ(p2.logged_in, 0);
  EXPECT_TRUE(p2.not_logged_in.empty());

  Result<std::vector<ReadinessRow>> all = store().GetReadiness("");
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].precinct, (PrecinctKey{"10", "02-01"}));
  EXPECT_EQ((*all)[0].assigned, 1);
  ASSERT_EQ((*all)[0].not_logged_in.size(), 1u);
  EXPECT_EQ((*all)[0].not_logged_in[0].id, far.id);

  // A watcher who tested her code (without spending it) is ready too.
  const TimePoint tested = kT0 + std::chrono::hours(2);
  ASSERT_TRUE(store().RecordCodeTest(out.id, tested).ok());
  EXPECT_EQ(Get(out.id).code_tested_at, FormatIso8601(tested));
  EXPECT_TRUE(Get(out.id).first_login_at.empty());
  EXPECT_TRUE(Get(in.id).code_tested_at.empty());
  Result<std::vector<ReadinessRow>> after = store().GetReadiness("92");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ((*after)[0].logged_in, 2);
  EXPECT_TRUE((*after)[0].not_logged_in.empty());
  EXPECT_EQ(store().RecordCodeTest(far.id + 1000, tested).code(), ErrorCode::kNotFound);
}

TEST_P(AccessTest, ScopeRestrictsSearch) {
  Import({MakeVoter("S1", "SMITH", "ANN", "92", "01-01"),
          MakeVoter("S2", "SMITH", "BOB", "92", "01-02"),
          MakeVoter("S3", "SMITH", "CAL", "10", "01-01"),
          MakeVoter("S4", "SMITH", "DEE", "32", "05-05"),
          MakeVoter("S5", "SMYTHE", "EVE", "92", "01-01")});
  auto search = [&](std::optional<Scope> scope, std::string name = "SM") {
    VoterQuery q;
    q.name = FoldForSearch(name);
    q.scope = std::move(scope);
    return Ids(Search(q));
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(search(std::nullopt), (V{"S1", "S2", "S3", "S4", "S5"}));
  // A poll watcher's precinct: 92/01-01 only, not 10/01-01 (same precinct code).
  EXPECT_EQ(search(PrecinctScope("92", "01-01")), (V{"S1", "S5"}));
  EXPECT_EQ(search(PrecinctScope("92", "01-01"), "SMITH ANN"), (V{"S1"}));
  EXPECT_EQ(search(PrecinctScope("92", "01-01"), "ANN SMITH"), (V{"S1"}));
  // An organizer's county.
  EXPECT_EQ(search(CountyScope("92")), (V{"S1", "S2", "S5"}));
  // Counties and precincts together; a voter in both parts is listed once.
  Scope mixed = CountyScope("32");
  mixed.precincts = {{"10", "01-01"}, {"92", "01-02"}, {"32", "05-05"}};
  EXPECT_EQ(search(mixed), (V{"S2", "S3", "S4"}));
  // An empty scope sees nobody.
  EXPECT_TRUE(search(Scope{}).empty());

  // Scope and explicit filters intersect.
  VoterQuery q;
  q.county = "92";
  q.scope = PrecinctScope("92", "01-01");
  EXPECT_EQ(Ids(Search(q)), (V{"S1", "S5"}));
  q.county = "10";
  EXPECT_TRUE(Search(q).voters.empty());
  q = {};
  q.registration_number = "RS3";
  q.scope = CountyScope("92");
  EXPECT_TRUE(Search(q).voters.empty());
  q.scope = PrecinctScope("10", "01-01");
  EXPECT_EQ(Ids(Search(q)), (V{"S3"}));

  // Pages through a scope of several precincts visit every match once, in order.
  VoterQuery paged;
  paged.name = "SM";
  paged.scope = mixed;
  paged.scope->precincts.push_back({"92", "01-01"});
  paged.limit = 2;
  V seen;
  for (int pages = 0; pages < 10; ++pages) {
    VoterPage page = Search(paged);
    for (const std::string& id : Ids(page)) seen.push_back(id);
    if (page.next_cursor.empty()) break;
    paged.cursor = page.next_cursor;
  }
  EXPECT_EQ(seen, (V{"S1", "S2", "S3", "S4", "S5"}));
}

TEST_P(AccessTest, FullRefreshKeepsRejectedVoters) {
  Import({MakeVoter("K1", "KEEP", "A", "92"), MakeVoter("K2", "KEEP", "B", "92"),
          MakeVoter("K3", "GONE", "C", "92")});
  FinishImportOptions refresh;
  refresh.full_refresh = true;
  refresh.covered_counties = {"92"};
  refresh.rejected_voter_ids = {"K2", "UNKNOWN"};
  int64_t removed = -1;
  Import({MakeVoter("K1", "KEEP", "A", "92")}, refresh, &removed);
  EXPECT_EQ(removed, 1);
  Result<VoterRecord> k2 = store().GetVoter("K2");
  ASSERT_TRUE(k2.ok());
  EXPECT_TRUE(k2->removed_at.empty()) << "a rejected row is not a removed voter";
  Result<VoterRecord> k3 = store().GetVoter("K3");
  ASSERT_TRUE(k3.ok());
  EXPECT_FALSE(k3->removed_at.empty());
}

TEST_P(AccessTest, AccessDataSurvivesReopen) {
  User u = Create(MakeNewUser("Ola", Role::kPollWatcher, PrecinctScope("92", "01-01")));
  ASSERT_TRUE(store().PutLoginCode(MakeCode("KEEP", u.id)).ok());
  ASSERT_TRUE(store().RedeemLoginCode("KEEP", MakeSession(u.id, "keep", kT0)).ok());
  AuditEvent e;
  e.at = kT0;
  e.action = "session.create";
  ASSERT_TRUE(store().AppendAudit(std::span(&e, 1)).ok());
  Reopen();
  ASSERT_NE(store_, nullptr);
  EXPECT_EQ(Get(u.id).scope, PrecinctScope("92", "01-01"));
  EXPECT_TRUE(Code("KEEP").used_at.has_value());
  EXPECT_TRUE(store().GetSessionByTokenHash("keep").ok());
  Result<AuditPage> audit = store().ListAudit({});
  ASSERT_TRUE(audit.ok());
  EXPECT_EQ(audit->events.size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Backends, AccessTest, ::testing::ValuesIn(AllBackends()), BackendName);

}  // namespace
}  // namespace narwhal::testing

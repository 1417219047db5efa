// Saved turfs of the store conformance suite (storage/turf_store.h): a cut kept with its
// list numbers, stops in walk order and their voters; the results recorded on a turf read
// back with it; who is on whose turfs; against every backend (store_factory.h).
#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "storage/contact_store.h"
#include "storage/store.h"
#include "storage/turf_store.h"
#include "store_factory.h"

namespace narwhal::testing {
namespace {

Voter MakeVoter(std::string id, std::string last) {
  Voter v;
  v.voter_id = std::move(id);
  v.state = "NC";
  v.county = "92";
  v.county_name = "WAKE";
  v.precinct = "01";
  v.precinct_name = "P 01";
  v.registration_number = "R" + v.voter_id;
  v.last_name = std::move(last);
  v.first_name = "ANN";
  v.residence = Address{"10 OAK ST", "RALEIGH", "NC", "27601"};
  v.party = "DEM";
  v.gender = "F";
  v.status = VoterStatus::kActive;
  v.birth_year = 1980;
  return v;
}

TurfStop Stop(std::string door, std::string address, std::vector<std::string> voters,
              std::optional<double> lat = std::nullopt, std::optional<double> lon = std::nullopt) {
  TurfStop s;
  s.door_key = std::move(door);
  s.address = std::move(address);
  s.voter_ids = std::move(voters);
  s.lat = lat;
  s.lon = lon;
  return s;
}

class TurfConformanceTest : public BackendTest {
 protected:
  TurfStore& turfs() {
    TurfStore* t = store().Turfs();
    EXPECT_NE(t, nullptr);
    return *t;
  }

  void Load() {
    std::vector<Voter> voters = {MakeVoter("V1", "ABLE"), MakeVoter("V2", "BAKER"),
                                 MakeVoter("V3", "COLE"), MakeVoter("V4", "DUNN")};
    Result<ImportId> id = store().BeginImport({"voters", "test", "test.txt"});
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    ASSERT_TRUE(store().UpsertVoters(*id, voters).ok());
    ASSERT_TRUE(store().FinishImport(*id, {}).ok());
  }

  // Two turfs: 1 = doors A (V2, V1) then B (V3); 2 = door C (V4).
  NewTurfCut Cut() {
    NewTurfCut cut;
    cut.county = "92";
    cut.precinct = "01";
    cut.options = "2 turfs";
    cut.created_by = 5;
    cut.at = std::chrono::system_clock::now();
    NewTurf one;
    one.stops = {Stop("A", "10 OAK ST", {"V2", "V1"}, 57.79, -152.41),
                 Stop("B", "12 OAK ST", {"V3"})};
    one.route_metres = 120.5;
    one.minutes = 4.75;
    NewTurf two;
    two.stops = {Stop("C", "14 OAK ST", {"V4"})};
    two.drive = true;
    cut.turfs = {one, two};
    return cut;
  }
};

TEST_P(TurfConformanceTest, ACutIsKeptWithListNumbersStopsAndVotersInWalkOrder) {
  Load();
  Result<std::vector<TurfSummary>> saved = turfs().SaveTurfCut(Cut());
  ASSERT_TRUE(saved.ok()) << saved.status().ToString();
  ASSERT_EQ(saved->size(), 2u);
  const TurfSummary& first = (*saved)[0];
  EXPECT_EQ(first.number, 1);
  EXPECT_EQ(first.of, 2);
  EXPECT_EQ(first.county, "92");
  EXPECT_EQ(first.precinct, "01");
  EXPECT_EQ(first.doors, 2);
  EXPECT_EQ(first.voters, 3);
  EXPECT_DOUBLE_EQ(first.route_metres, 120.5);
  EXPECT_DOUBLE_EQ(first.minutes, 4.75);
  EXPECT_FALSE(first.drive);
  EXPECT_TRUE((*saved)[1].drive);
  EXPECT_EQ(first.list_number, ListNumberOf(first.id));
  EXPECT_NE(first.list_number, (*saved)[1].list_number);
  EXPECT_EQ(first.cut_id, (*saved)[1].cut_id);

  Result<TurfSheet> sheet = turfs().GetTurf(first.list_number);
  ASSERT_TRUE(sheet.ok()) << sheet.status().ToString();
  ASSERT_EQ(sheet->stops.size(), 2u);
  EXPECT_EQ(sheet->stops[0].address, "10 OAK ST");
  ASSERT_TRUE(sheet->stops[0].lat.has_value());
  EXPECT_DOUBLE_EQ(*sheet->stops[0].lat, 57.79);
  EXPECT_FALSE(sheet->stops[1].lat.has_value());
  EXPECT_EQ(sheet->stops[0].voter_ids, (std::vector<std::string>{"V2", "V1"}));
  ASSERT_EQ(sheet->voters.size(), 3u);
  EXPECT_EQ(sheet->voters[0].resident.voter_id, "V2");
  EXPECT_EQ(sheet->voters[0].resident.last_name, "BAKER");
  EXPECT_EQ(sheet->voters[0].resident.door_key, "A");
  EXPECT_EQ(sheet->voters[0].stop, 1);
  EXPECT_EQ(sheet->voters[2].stop, 2);
  EXPECT_TRUE(sheet->voters[0].last_result.empty());

  EXPECT_EQ(turfs().GetTurf("ZZZZZZ").status().code(), ErrorCode::kNotFound);

  // A second cut takes new list numbers; listing is newest cut first.
  Result<std::vector<TurfSummary>> again = turfs().SaveTurfCut(Cut());
  ASSERT_TRUE(again.ok());
  std::set<std::string> numbers;
  for (const auto& t : *saved) numbers.insert(t.list_number);
  for (const auto& t : *again) numbers.insert(t.list_number);
  EXPECT_EQ(numbers.size(), 4u);
  Result<std::vector<TurfSummary>> listed = turfs().ListTurfs({"92", "01", 500});
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 4u);
  EXPECT_EQ((*listed)[0].cut_id, (*again)[0].cut_id);
  EXPECT_EQ((*listed)[0].number, 1);
  EXPECT_TRUE(turfs().ListTurfs({"93", "", 500})->empty());
  EXPECT_EQ(turfs().ListTurfs({"", "01", 500}).status().code(), ErrorCode::kInvalidArgument);
}

TEST_P(TurfConformanceTest, ResultsOnATurfShowTheLatestPerVoter) {
  Load();
  Result<std::vector<TurfSummary>> saved = turfs().SaveTurfCut(Cut());
  ASSERT_TRUE(saved.ok()) << saved.status().ToString();
  const std::string list = (*saved)[0].list_number;
  auto contact = [&](std::string voter, std::string key, std::string result, std::string turf) {
    NewContact c;
    c.report.voter_id = std::move(voter);
    c.report.idempotency_key = std::move(key);
    c.report.result = std::move(result);
    c.report.turf = std::move(turf);
    c.user_id = 9;
    c.at = std::chrono::system_clock::now();
    return c;
  };
  std::vector<NewContact> batch = {contact("V1", "turf-key-1", "NH", list),
                                   contact("V1", "turf-key-2", "C", list),
                                   contact("V3", "turf-key-3", "RF", ""),  // not on this turf
                                   contact("V2", "turf-key-4", "NH", (*saved)[1].list_number),
                                   // An answer added to a visit with no result: no progress.
                                   contact("V2", "turf-key-5", "", list)};
  batch[1].report.support = 2;
  batch[4].report.note = "come back after six";
  Result<std::vector<ContactResult>> recorded = store().Contacts()->RecordContacts(batch);
  ASSERT_TRUE(recorded.ok()) << recorded.status().ToString();
  for (const ContactResult& r : *recorded) ASSERT_TRUE(r.status.ok()) << r.status.ToString();

  Result<TurfSheet> sheet = turfs().GetTurf(list);
  ASSERT_TRUE(sheet.ok()) << sheet.status().ToString();
  EXPECT_EQ(sheet->turf.voters_contacted, 1);
  EXPECT_EQ(sheet->turf.doors_contacted, 1);
  const TurfVoter& v1 = sheet->voters[1];
  ASSERT_EQ(v1.resident.voter_id, "V1");
  EXPECT_EQ(v1.last_result, "C");
  EXPECT_EQ(v1.last_support, 2);
  EXPECT_EQ(v1.last_user_id, 9);
  EXPECT_FALSE(v1.last_at.empty());
  EXPECT_GT(v1.last_contact_id, 0);
  EXPECT_TRUE(sheet->voters[0].last_result.empty());  // V2's result was on the other turf
  // ... where she is not: it does not count as that turf's progress.
  Result<TurfSheet> other = turfs().GetTurf((*saved)[1].list_number);
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->turf.voters_contacted, 0);
  EXPECT_EQ(other->turf.doors_contacted, 0);
  EXPECT_TRUE(sheet->voters[2].last_result.empty());  // V3's on none

  Result<std::vector<DoorContact>> on_turf = turfs().TurfContacts(list);
  ASSERT_TRUE(on_turf.ok()) << on_turf.status().ToString();
  ASSERT_EQ(on_turf->size(), 2u);
  EXPECT_EQ((*on_turf)[0].voter_id, "V1");
  EXPECT_EQ((*on_turf)[0].stop, 1);
  EXPECT_EQ((*on_turf)[0].result, "NH");
  EXPECT_EQ((*on_turf)[1].result, "C");
  EXPECT_EQ((*on_turf)[1].user_id, 9);
  EXPECT_FALSE((*on_turf)[1].at.empty());
  EXPECT_TRUE(turfs().TurfContacts("ZZZZZZ")->empty());

  Result<std::vector<ContactRecord>> timeline = store().Contacts()->ContactsOf("V1", 10);
  ASSERT_TRUE(timeline.ok());
  EXPECT_EQ(timeline->front().report.turf, list);
}

TEST_P(TurfConformanceTest, OnTurfsAnswersWhoIsOnWhichTurfs) {
  Load();
  Result<std::vector<TurfSummary>> saved = turfs().SaveTurfCut(Cut());
  ASSERT_TRUE(saved.ok()) << saved.status().ToString();
  const std::vector<std::string> first = {(*saved)[0].list_number};
  const std::vector<std::string> ids = {"V1", "V4", "V3", "NOPE"};
  Result<std::vector<bool>> on = turfs().OnTurfs(first, ids);
  ASSERT_TRUE(on.ok()) << on.status().ToString();
  EXPECT_EQ(*on, (std::vector<bool>{true, false, true, false}));
  const std::vector<std::string> both = {(*saved)[0].list_number, (*saved)[1].list_number};
  EXPECT_EQ(*turfs().OnTurfs(both, ids), (std::vector<bool>{true, true, true, false}));
  EXPECT_EQ(*turfs().OnTurfs({}, ids), (std::vector<bool>{false, false, false, false}));
}

TEST_P(TurfConformanceTest, AMalformedCutIsRefusedWhole) {
  Load();
  NewTurfCut empty = Cut();
  empty.turfs.clear();
  EXPECT_EQ(turfs().SaveTurfCut(empty).status().code(), ErrorCode::kInvalidArgument);
  NewTurfCut twice = Cut();
  twice.turfs[0].stops[1].voter_ids = {"V1"};
  EXPECT_EQ(turfs().SaveTurfCut(twice).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(turfs().ListTurfs({"", "", 500})->empty());
}

TEST(ListNumberTest, DistinctCheckedAndForgivingOfHowPeopleTypeThem) {
  std::set<std::string> seen;
  for (int64_t id = 1; id <= 20000; ++id) {
    const std::string n = ListNumberOf(id);
    ASSERT_EQ(n.size(), 6u);
    ASSERT_TRUE(seen.insert(n).second) << "list number " << n << " repeated at " << id;
    Result<std::string> parsed = ParseListNumber(n);
    ASSERT_TRUE(parsed.ok()) << n << ": " << parsed.status().ToString();
    ASSERT_EQ(*parsed, n);
  }
  EXPECT_NE(ListNumberOf(1).substr(0, 3), ListNumberOf(2).substr(0, 3));  // neighbours differ
  const std::string n = ListNumberOf(42);
  std::string typed = n.substr(0, 3) + "-" + n.substr(3);
  for (char& c : typed) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_EQ(*ParseListNumber(typed), n);
  // Every single mistyped character is caught by the check.
  constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  for (size_t i = 0; i < n.size(); ++i) {
    for (char c : kAlphabet) {
      if (c == n[i]) continue;
      std::string wrong = n;
      wrong[i] = c;
      EXPECT_EQ(ParseListNumber(wrong).status().code(), ErrorCode::kInvalidArgument) << wrong;
    }
  }
  EXPECT_EQ(ParseListNumber("ABC").status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ParseListNumber("ABCDE!").status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ParseListNumber("").status().code(), ErrorCode::kInvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(Backends, TurfConformanceTest, ::testing::ValuesIn(AllBackends()),
                         BackendName);

}  // namespace
}  // namespace narwhal::testing

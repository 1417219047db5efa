// The household part of the store conformance suite (storage/household_store.h):
// buildings, doors, residences and address points, written against the interfaces alone
// and run against every backend (store_factory.h).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "storage/household_store.h"
#include "storage/store.h"
#include "store_factory.h"

namespace narwhal::testing {
namespace {

Voter MakeVoter(std::string id, std::string street, std::string county = "92",
                std::string zip = "27601") {
  Voter v;
  v.voter_id = std::move(id);
  v.state = "NC";
  v.county = std::move(county);
  v.county_name = "WAKE";
  v.precinct = "01-01";
  v.precinct_name = "PRECINCT 01-01";
  v.registration_number = "R" + v.voter_id;
  v.last_name = "SMITH";
  v.first_name = "ANN";
  v.residence = Address{std::move(street), "Raleigh", "NC", std::move(zip)};
  v.party = "UNA";
  v.status = VoterStatus::kActive;
  v.birth_year = 1980;
  return v;
}

AddressPoint Point(int64_t line, std::string_view number_and_street, double lon, double lat,
                   std::string postcode = "") {
  AddressPoint p;
  p.line = line;
  p.match_key = BuildingMatchKey(NormalizeAddress(number_and_street));
  p.postcode = std::move(postcode);
  p.lon = lon;
  p.lat = lat;
  return p;
}

class HouseholdConformanceTest : public BackendTest {
 protected:
  HouseholdStore& households() {
    HouseholdStore* h = store().Households();
    EXPECT_NE(h, nullptr);
    return *h;
  }

  // Stores the voters and their residences, as an import does.
  void Import(const std::vector<Voter>& voters, FinishImportOptions finish = {}) {
    Result<ImportId> id = store().BeginImport({"voters", "test", "test.txt"});
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    Result<UpsertCounts> counts = store().UpsertVoters(*id, voters);
    ASSERT_TRUE(counts.ok()) << counts.status().ToString();
    std::vector<VoterResidence> residences;
    for (const Voter& v : voters) residences.push_back(ResidenceOf(v));
    Result<ResidenceCounts> placed = households().UpsertResidences(residences);
    ASSERT_TRUE(placed.ok()) << placed.status().ToString();
    Result<FinishImportResult> done = store().FinishImport(*id, finish);
    ASSERT_TRUE(done.ok()) << done.status().ToString();
  }

  HouseholdSummary Summary(std::string county = "") {
    HouseholdQuery q;
    q.county = std::move(county);
    Result<HouseholdSummary> s = households().SummarizeHouseholds(q);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? *s : HouseholdSummary{};
  }

  void LoadPoints(const std::string& source, const std::vector<AddressPoint>& points,
                  AddressSitesSummary expected) {
    ASSERT_TRUE(households().BeginAddressPoints(source).ok());
    ASSERT_TRUE(households().AppendAddressPoints(source, points).ok());
    Result<AddressSitesSummary> sites = households().FinishAddressPoints();
    ASSERT_TRUE(sites.ok()) << sites.status().ToString();
    EXPECT_EQ(sites->points, expected.points);
    EXPECT_EQ(sites->sites, expected.sites);
    EXPECT_EQ(sites->ambiguous, expected.ambiguous);
  }

  // Two houses' worth of voters, an apartment building with two doors, and two voters
  // with no door.
  std::vector<Voter> Street() {
    return {MakeVoter("A1", "10 Main St"),       MakeVoter("A2", "10 MAIN STREET"),
            MakeVoter("A3", "12 Oak Ave Apt 1"), MakeVoter("A4", "12 Oak Ave #2"),
            MakeVoter("A5", "12 OAK AVE APT 1"), MakeVoter("A6", "14 Main St"),
            MakeVoter("B1", "PO Box 5"),         MakeVoter("B2", "")};
  }
};

TEST_P(HouseholdConformanceTest, VotersLiveAtDoorsOfBuildings) {
  Import(Street());
  HouseholdSummary s = Summary();
  EXPECT_EQ(s.voters, 8);
  EXPECT_EQ(s.placed, 6);
  EXPECT_EQ(s.buildings, 3) << "10 MAIN ST, 12 OAK AVE, 14 MAIN ST";
  EXPECT_EQ(s.doors, 4) << "apartment 1 and #2 are two doors of one building";
  EXPECT_EQ(s.multi_door_buildings, 1);
  std::vector<std::pair<std::string, int64_t>> reasons = {{"PO box", 1}, {"empty address", 1}};
  EXPECT_EQ(s.unplaced_by_reason, reasons);
  std::vector<HouseholdSummary::Problem> problems = {{"B1", "PO Box 5", "PO box"},
                                                     {"B2", "", "empty address"}};
  EXPECT_EQ(s.problems, problems);
  EXPECT_EQ(s.sites, 0);
  EXPECT_EQ(s.buildings_unmatched, 3) << "no address points yet";
}

// The first import of an empty store writes a building or door again in each batch that
// holds one of its voters (the embedded store appends them and keeps one per key at the
// end); a voter given twice in one file lives where the later row says.
TEST_P(HouseholdConformanceTest, ABuildingInManyBatchesIsOneBuilding) {
  Result<ImportId> id = store().BeginImport({"voters", "test", "batches.txt"});
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  std::vector<Voter> all = Street();
  all.push_back(MakeVoter("A1", "14 Main St"));  // A1 again, later in the file: moved
  for (size_t i = 0; i < all.size(); i += 3) {
    std::vector<Voter> batch(
        all.begin() + static_cast<std::ptrdiff_t>(i),
        all.begin() + static_cast<std::ptrdiff_t>(std::min(i + 3, all.size())));
    ASSERT_TRUE(store().UpsertVoters(*id, batch).ok());
    std::vector<VoterResidence> residences;
    for (const Voter& v : batch) residences.push_back(ResidenceOf(v));
    ASSERT_TRUE(households().UpsertResidences(residences).ok());
  }
  ASSERT_TRUE(store().FinishImport(*id, {}).ok());
  HouseholdSummary s = Summary();
  EXPECT_EQ(s.voters, 8);
  EXPECT_EQ(s.placed, 6);
  EXPECT_EQ(s.buildings, 3);
  EXPECT_EQ(s.doors, 4);
  Result<PrecinctDoors> doors = households().ListDoors({"92", "01-01"});
  ASSERT_TRUE(doors.ok()) << doors.status().ToString();
  std::vector<std::pair<std::string, int64_t>> voters_at;
  for (const Door& d : doors->doors) voters_at.emplace_back(d.door_key, d.voters);
  std::vector<std::pair<std::string, int64_t>> expected = {{"92|27601|10 MAIN ST|", 1},
                                                           {"92|27601|12 OAK AVE|1", 2},
                                                           {"92|27601|12 OAK AVE|2", 1},
                                                           {"92|27601|14 MAIN ST|", 2}};
  EXPECT_EQ(voters_at, expected);
  // The next import merges into what the bulk load left, keys and all.
  Import({MakeVoter("A2", "12 Oak Ave Apt 1")});
  EXPECT_EQ(Summary().buildings, 2) << "10 MAIN ST has no voter left";
}

TEST_P(HouseholdConformanceTest, AMoveTakesTheVoterToHerNewDoor) {
  Import(Street());
  // A1 moves to a new building; A2 stays, so 10 MAIN ST still has a voter. B1 gets an
  // address with a number.
  Import({MakeVoter("A1", "20 Elm St"), MakeVoter("B1", "30 Elm St")});
  HouseholdSummary s = Summary();
  EXPECT_EQ(s.voters, 8);
  EXPECT_EQ(s.placed, 7);
  EXPECT_EQ(s.buildings, 5);
  // A6 moves out of 14 MAIN ST, now empty: it is no longer counted.
  Import({MakeVoter("A6", "20 Elm St")});
  EXPECT_EQ(Summary().buildings, 4);
}

TEST_P(HouseholdConformanceTest, RemovedVotersAndOtherCountiesAreNotCounted) {
  std::vector<Voter> voters = Street();
  voters.push_back(MakeVoter("C1", "1 Harbor Rd", "01", "27001"));
  Import(voters);
  EXPECT_EQ(Summary().voters, 9);
  EXPECT_EQ(Summary("01").voters, 1);
  EXPECT_EQ(Summary("01").buildings, 1);
  // A full refresh of county 92 without A6 marks her removed; her building empties.
  voters = Street();
  voters.erase(voters.begin() + 5);
  FinishImportOptions refresh;
  refresh.full_refresh = true;
  refresh.covered_counties = {"92"};
  Import(voters, refresh);
  HouseholdSummary s = Summary("92");
  EXPECT_EQ(s.voters, 7);
  EXPECT_EQ(s.buildings, 2);
}

TEST_P(HouseholdConformanceTest, AddressPointsGiveBuildingsCoordinates) {
  Import(Street());
  LoadPoints("points.csv",
             {
                 Point(2, "10 Main Street", -78.6400, 35.7800),
                 // Two structures 20 m apart on one lot: one site.
                 Point(3, "12 Oak Avenue", -78.6410, 35.7810),
                 Point(4, "12 Oak Avenue", -78.6410, 35.7812),
                 // The same number in two places a kilometre apart: ambiguous.
                 Point(5, "14 Main Street", -78.6400, 35.7800),
                 Point(6, "14 Main Street", -78.6400, 35.7900),
                 Point(7, "99 Nowhere Lane", -78.6, 35.7),
             },
             {6, 4, 1});
  HouseholdSummary s = Summary();
  EXPECT_EQ(s.sites, 4);
  EXPECT_EQ(s.buildings_matched, 2);
  EXPECT_EQ(s.buildings_ambiguous, 1);
  EXPECT_EQ(s.buildings_unmatched, 0);
  EXPECT_EQ(s.voters_with_coordinates, 5) << "A1, A2 at 10 MAIN ST; A3, A4, A5 at 12 OAK AVE";
  ASSERT_EQ(s.ambiguous.size(), 1u);
  EXPECT_EQ(s.ambiguous[0].match_key, "14 MAIN ST");
  EXPECT_EQ(s.ambiguous[0].voters, 1);

  // Loading the source again replaces its points: 10 MAIN ST now carries another town's
  // postcode, which contradicts the voters' ZIP, and 14 MAIN ST has one point.
  LoadPoints("points.csv",
             {Point(2, "10 Main Street", -78.6400, 35.7800, "99615"),
              Point(5, "14 Main Street", -78.6400, 35.7800)},
             {2, 2, 0});
  s = Summary();
  EXPECT_EQ(s.buildings_matched, 1);
  EXPECT_EQ(s.buildings_ambiguous, 0);
  EXPECT_EQ(s.buildings_unmatched, 2);
  ASSERT_EQ(s.unmatched.size(), 2u);
  EXPECT_EQ(s.unmatched[0].match_key, "12 OAK AVE") << "most voters first";
  EXPECT_EQ(s.unmatched[0].voters, 3);
  EXPECT_EQ(s.unmatched[0].zip, "27601");
  EXPECT_EQ(s.unmatched[1].match_key, "10 MAIN ST");

  // A second source adds to the first; everything survives a reopen.
  LoadPoints("more.csv", {Point(1, "12 Oak Ave", -78.6410, 35.7810)}, {3, 3, 0});
  Reopen();
  s = Summary();
  EXPECT_EQ(s.sites, 3);
  EXPECT_EQ(s.buildings_matched, 2);
  EXPECT_EQ(s.voters_with_coordinates, 4);
}

TEST_P(HouseholdConformanceTest, DoorsOfAPrecinctWithTheirVotersAndCoordinates) {
  std::vector<Voter> voters = Street();
  voters[1].last_name = "ADAMS";  // A2
  Voter other = MakeVoter("C1", "16 Main St");
  other.precinct = "01-02";
  voters.push_back(other);
  Import(voters);
  LoadPoints("points.csv", {Point(2, "10 Main Street", -78.6400, 35.7800)}, {1, 1, 0});
  Result<PrecinctDoors> got = households().ListDoors({"92", "01-01"});
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->doors.size(), 4u) << "10 MAIN ST, two doors of 12 OAK AVE, 14 MAIN ST";
  const Door& ten = got->doors[0];
  EXPECT_EQ(ten.door_key, "92|27601|10 MAIN ST|");
  EXPECT_EQ(ten.building_key, "92|27601|10 MAIN ST");
  EXPECT_EQ(ten.town, "27601");
  EXPECT_EQ(ten.street_key, "MAIN ST");
  EXPECT_EQ(ten.house_number, 10);
  EXPECT_EQ(ten.unit, "");
  EXPECT_EQ(ten.voters, 2) << "A1 and A2";
  ASSERT_TRUE(ten.lat.has_value() && ten.lon.has_value());
  EXPECT_DOUBLE_EQ(*ten.lat, 35.78);
  EXPECT_DOUBLE_EQ(*ten.lon, -78.64);
  const Door& apt1 = got->doors[1];
  EXPECT_EQ(apt1.door_key, "92|27601|12 OAK AVE|1");
  EXPECT_EQ(apt1.unit, "APT 1");
  EXPECT_EQ(apt1.voters, 2) << "A3 and A5";
  EXPECT_FALSE(apt1.lat.has_value()) << "12 OAK AVE has no point";
  std::vector<HouseholdSummary::Problem> unplaced = {{"B1", "PO Box 5", "PO box"},
                                                     {"B2", "", "empty address"}};
  EXPECT_EQ(got->unplaced, unplaced);
  // Behind each door its voters, by name: A2 (ADAMS) before A1 (SMITH) at 10 MAIN ST.
  std::vector<std::pair<std::string, std::string>> residents;
  for (const Resident& r : got->residents) residents.emplace_back(r.door_key, r.voter_id);
  std::vector<std::pair<std::string, std::string>> expected = {
      {"92|27601|10 MAIN ST|", "A2"},  {"92|27601|10 MAIN ST|", "A1"},
      {"92|27601|12 OAK AVE|1", "A3"}, {"92|27601|12 OAK AVE|1", "A5"},
      {"92|27601|12 OAK AVE|2", "A4"}, {"92|27601|14 MAIN ST|", "A6"}};
  EXPECT_EQ(residents, expected);
  ASSERT_FALSE(got->residents.empty());
  EXPECT_EQ(got->residents[0].last_name, "ADAMS");
  EXPECT_EQ(got->residents[0].first_name, "ANN");
  EXPECT_EQ(got->residents[0].birth_year, 1980);
  EXPECT_EQ(got->residents[0].party, "UNA");

  // The whole county includes the other precinct; another county has none of these.
  got = households().ListDoors({"92", ""});
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->doors.size(), 5u);
  got = households().ListDoors({"01", ""});
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(got->doors.empty() && got->unplaced.empty());
  EXPECT_EQ(households().ListDoors({"", ""}).status().code(), ErrorCode::kInvalidArgument);
}

TEST_P(HouseholdConformanceTest, BadArgumentsAreRefused) {
  VoterResidence nobody;
  EXPECT_EQ(households().UpsertResidences({&nobody, 1}).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(households().BeginAddressPoints("").code(), ErrorCode::kInvalidArgument);
  HouseholdQuery q;
  q.sample_limit = -1;
  EXPECT_EQ(households().SummarizeHouseholds(q).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(Summary().voters, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, HouseholdConformanceTest, ::testing::ValuesIn(AllBackends()),
                         BackendName);

}  // namespace
}  // namespace narwhal::testing

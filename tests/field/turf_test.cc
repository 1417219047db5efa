#include "field/turf.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace narwhal {
namespace {

Door MakeDoor(const std::string& street, int64_t number, std::string unit = "",
              std::optional<double> lat = std::nullopt, std::optional<double> lon = std::nullopt) {
  Door d;
  d.town = "99615";
  d.street_key = street;
  d.house_number = number;
  d.unit = std::move(unit);
  d.building_key = "15|99615|" + std::to_string(number) + " " + street;
  d.door_key = d.building_key + "|" + d.unit;
  d.voters = 2;
  d.lat = lat;
  d.lon = lon;
  return d;
}

// Streets of houses numbered 100 up, `per_street` each (both sides: 20 per block face).
std::vector<Door> Precinct(int streets, int per_street) {
  std::vector<Door> doors;
  for (int s = 0; s < streets; ++s) {
    const std::string street = std::string(1, static_cast<char>('A' + s)) + " ST";
    for (int k = 0; k < per_street; ++k) {
      doors.push_back(MakeDoor(street, 100 + (k / 40) * 100 + k % 40));
    }
  }
  return doors;
}

// The same precinct with coordinates: streets run east-west 80 m apart, odd numbers on
// the north side, 10 m between neighbouring houses on a side.
std::vector<Door> LocatedPrecinct(int streets, int per_street) {
  std::vector<Door> doors = Precinct(streets, per_street);
  for (size_t i = 0; i < doors.size(); ++i) {
    const int s = doors[i].street_key[0] - 'A';
    const int64_t along =
        (doors[i].house_number / 100 - 1) * 20 + (doors[i].house_number % 100) / 2;
    const double side = doors[i].house_number % 2 != 0 ? 8 : -8;  // across a 16 m street
    doors[i].lat = 57.79 + (s * 80 + side) / 111000.0;
    doors[i].lon = -152.40 + static_cast<double>(along) * 10 / (111000.0 * 0.534);
  }
  return doors;
}

std::string FaceOf(const Door& d) {
  return d.street_key + "|" + std::to_string(d.house_number / 100) + "|" +
         std::to_string(d.house_number % 2);
}

// Every door in exactly one turf; the faces each turf holds.
std::map<std::string, std::set<int>> CheckPartition(const std::vector<Door>& doors,
                                                    const TurfCut& cut) {
  std::vector<int> seen(doors.size(), 0);
  std::map<std::string, std::set<int>> turfs_of_face;
  for (const Turf& t : cut.turfs) {
    for (size_t i : t.walk) {
      ++seen[i];
      turfs_of_face[FaceOf(doors[i])].insert(t.number);
    }
  }
  for (size_t i = 0; i < doors.size(); ++i) EXPECT_EQ(seen[i], 1) << doors[i].door_key;
  return turfs_of_face;
}

// Each turf's doors, by key, in walk order.
std::vector<std::vector<std::string>> Walks(const std::vector<Door>& doors, const TurfCut& cut) {
  std::vector<std::vector<std::string>> out;
  for (const Turf& t : cut.turfs) {
    std::vector<std::string> keys;
    for (size_t i : t.walk) keys.push_back(doors[i].door_key);
    out.push_back(keys);
  }
  return out;
}

TEST(TurfCutTest, WithoutCoordinatesBlockFacesStayWholeAndSizesStayInTolerance) {
  // 5 streets x 200 houses = 1,000 doors in faces of 20.
  std::vector<Door> doors = Precinct(5, 200);
  TurfCutOptions options;
  options.target_doors = 50;
  options.tolerance = 0.2;
  Result<TurfCut> cut = CutTurfs(doors, options);
  ASSERT_TRUE(cut.ok()) << cut.status().ToString();
  EXPECT_FALSE(cut->used_coordinates);
  EXPECT_EQ(cut->block_faces, 50);
  EXPECT_EQ(cut->block_faces_split, 0);
  EXPECT_EQ(cut->turfs.size(), 20u);
  for (const Turf& t : cut->turfs) {
    EXPECT_GE(t.walk.size(), 40u) << t.number;
    EXPECT_LE(t.walk.size(), 60u) << t.number;
    EXPECT_EQ(t.voters, 2 * static_cast<int64_t>(t.walk.size()));
    EXPECT_EQ(t.doors_without_coordinates, static_cast<int>(t.walk.size()));
    EXPECT_EQ(t.route_metres, 0);
  }
  for (const auto& [face, turfs] : CheckPartition(doors, *cut)) {
    EXPECT_EQ(turfs.size(), 1u) << face << " is split";
  }
}

TEST(TurfCutTest, IsDeterministicInAnyInputOrder) {
  for (bool located : {false, true}) {
    std::vector<Door> doors = located ? LocatedPrecinct(6, 160) : Precinct(6, 160);
    TurfCutOptions options;
    Result<TurfCut> first = CutTurfs(doors, options);
    ASSERT_TRUE(first.ok());
    const std::vector<std::vector<std::string>> want = Walks(doors, *first);
    EXPECT_GT(want.size(), 10u);
    std::mt19937 rng(7);
    for (int round = 0; round < 3; ++round) {
      std::shuffle(doors.begin(), doors.end(), rng);
      Result<TurfCut> again = CutTurfs(doors, options);
      ASSERT_TRUE(again.ok());
      EXPECT_EQ(Walks(doors, *again), want) << "located " << located << ", round " << round;
    }
  }
}

TEST(TurfCutTest, AFaceLargerThanAnyTurfIsSplitInHouseNumberOrder) {
  // A 130-door apartment building and a street of houses.
  std::vector<Door> doors = Precinct(1, 80);
  for (int u = 1; u <= 130; ++u)
    doors.push_back(MakeDoor("HARBOR WAY", 301, "APT " + std::to_string(u)));
  TurfCutOptions options;
  options.target_doors = 50;
  Result<TurfCut> cut = CutTurfs(doors, options);
  ASSERT_TRUE(cut.ok());
  EXPECT_EQ(cut->block_faces_split, 1);
  std::map<std::string, std::set<int>> faces = CheckPartition(doors, *cut);
  EXPECT_EQ(faces["HARBOR WAY|3|1"].size(), 3u) << "130 doors in three pieces";
  for (const auto& [face, turfs] : faces) {
    if (face != "HARBOR WAY|3|1") {
      EXPECT_EQ(turfs.size(), 1u) << face;
    }
  }
  // Within a piece the apartments are in natural order: APT 9 before APT 10.
  for (const Turf& t : cut->turfs) {
    std::vector<int> units;
    for (size_t i : t.walk) {
      if (doors[i].street_key == "HARBOR WAY") units.push_back(std::stoi(doors[i].unit.substr(4)));
    }
    EXPECT_TRUE(std::is_sorted(units.begin(), units.end()) ||
                std::is_sorted(units.rbegin(), units.rend()));
  }
}

TEST(TurfCutTest, IntoExactlyNTurfs) {
  std::vector<Door> doors = Precinct(4, 120);  // 480 doors, faces of 20
  TurfCutOptions options;
  options.turfs = 6;
  Result<TurfCut> cut = CutTurfs(doors, options);
  ASSERT_TRUE(cut.ok());
  ASSERT_EQ(cut->turfs.size(), 6u);
  for (const Turf& t : cut->turfs) EXPECT_EQ(t.walk.size(), 80u) << t.number;
  CheckPartition(doors, *cut);
}

TEST(TurfCutTest, WithCoordinatesTurfsAreCompactAndDoorsWithoutThemAreKept) {
  std::vector<Door> doors = LocatedPrecinct(8, 200);  // 1,600 doors
  // Two doors the address points did not match: cut with their street, never dropped.
  doors.push_back(MakeDoor("C ST", 141));
  doors.push_back(MakeDoor("Z ST", 101));
  TurfCutOptions options;
  Result<TurfCut> cut = CutTurfs(doors, options);
  ASSERT_TRUE(cut.ok());
  EXPECT_TRUE(cut->used_coordinates);
  CheckPartition(doors, *cut);
  double metres = 0;
  size_t counted = 0;
  for (const Turf& t : cut->turfs) {
    EXPECT_FALSE(t.drive) << t.number;
    metres += t.route_metres;
    counted += t.walk.size() - static_cast<size_t>(t.doors_without_coordinates);
    EXPECT_NEAR(t.minutes, t.walk.size() * 1.5 + t.route_metres / 72.0, 1e-6);
  }
  // A face of 20 houses on both sides is 200 m long: a compact turf walks under 15 m a door.
  EXPECT_LT(metres / static_cast<double>(counted), 15.0);
}

TEST(TurfCutTest, ALongRouteIsADriveTurf) {
  std::vector<Door> doors;
  for (int k = 0; k < 10; ++k) {
    doors.push_back(MakeDoor("RIVER RD", 101 + 200 * k, "", 57.7 + k * 0.01, -152.4));
  }
  TurfCutOptions options;
  options.target_doors = 10;
  Result<TurfCut> cut = CutTurfs(doors, options);
  ASSERT_TRUE(cut.ok());
  ASSERT_EQ(cut->turfs.size(), 1u);
  EXPECT_GT(cut->turfs[0].route_metres, 9000);
  EXPECT_TRUE(cut->turfs[0].drive);
}

TEST(TurfCutTest, BadOptionsAreRefused) {
  std::vector<Door> doors = Precinct(1, 10);
  TurfCutOptions options;
  options.target_doors = 0;
  EXPECT_EQ(CutTurfs(doors, options).status().code(), ErrorCode::kInvalidArgument);
  options = {};
  options.tolerance = 1;
  EXPECT_EQ(CutTurfs(doors, options).status().code(), ErrorCode::kInvalidArgument);
  options = {};
  options.turfs = 11;
  EXPECT_EQ(CutTurfs(doors, options).status().code(), ErrorCode::kInvalidArgument);
  Result<TurfCut> none = CutTurfs({}, TurfCutOptions{});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->turfs.empty());
}

TEST(WalkOrderTest, UpTheOddSideAndBackDownTheEven) {
  std::vector<Door> doors = {MakeDoor("MAIN ST", 104), MakeDoor("MAIN ST", 101),
                             MakeDoor("MAIN ST", 203), MakeDoor("MAIN ST", 102),
                             MakeDoor("MAIN ST", 103), MakeDoor("MAIN ST", 202),
                             MakeDoor("ELM ST", 5)};
  std::vector<size_t> all = {0, 1, 2, 3, 4, 5, 6};
  std::vector<std::string> got;
  for (size_t i : WalkOrder(doors, all)) {
    got.push_back(std::to_string(doors[i].house_number) + " " + doors[i].street_key);
  }
  std::vector<std::string> want = {"5 ELM ST",    "101 MAIN ST", "103 MAIN ST", "203 MAIN ST",
                                   "202 MAIN ST", "104 MAIN ST", "102 MAIN ST"};
  EXPECT_EQ(got, want);
}

TEST(WalkOrderTest, WithCoordinatesTheRouteBeatsStreetThenNumber) {
  // Street-then-number crosses the street at every door; the walk takes one side up and
  // the other back.
  std::vector<Door> doors = LocatedPrecinct(2, 80);
  std::vector<size_t> all(doors.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  std::vector<size_t> naive = all;
  std::sort(naive.begin(), naive.end(), [&](size_t a, size_t b) {
    return std::tie(doors[a].street_key, doors[a].house_number) <
           std::tie(doors[b].street_key, doors[b].house_number);
  });
  std::vector<size_t> walk = WalkOrder(doors, all);
  ASSERT_EQ(walk.size(), all.size());
  EXPECT_LT(RouteMetres(doors, walk), 0.6 * RouteMetres(doors, naive));
}

TEST(WalkOrderTest, MetresBetweenIsAGreatCircle) {
  EXPECT_NEAR(MetresBetween(57.79, -152.40, 57.80, -152.40), 1112, 2);
  EXPECT_NEAR(MetresBetween(0, 0, 0, 1), 111195, 10);
}

TEST(KeepVotersTest, DoorsOfTheUniverseOnlyCountingWhoIsKept) {
  PrecinctDoors all;
  all.doors = {MakeDoor("MAIN ST", 101), MakeDoor("MAIN ST", 103), MakeDoor("MAIN ST", 105)};
  for (Door& d : all.doors) d.voters = 2;
  const std::string a = all.doors[0].door_key, b = all.doors[1].door_key, c = all.doors[2].door_key;
  all.residents = {{a, "V1"}, {a, "V2"}, {b, "V3"}, {b, "V4"}, {c, "V5"}, {c, "V6"}};
  all.unplaced = {{"V7", "PO BOX 1", "PO box"}, {"V8", "PO BOX 2", "PO box"}};
  PrecinctDoors kept = KeepVoters(all, {"V1", "V2", "V4", "V8"});
  ASSERT_EQ(kept.doors.size(), 2u);
  EXPECT_EQ(kept.doors[0].door_key, a);
  EXPECT_EQ(kept.doors[0].voters, 2);
  EXPECT_EQ(kept.doors[1].door_key, b);
  EXPECT_EQ(kept.doors[1].voters, 1);
  ASSERT_EQ(kept.residents.size(), 3u);
  EXPECT_EQ(kept.residents[2].voter_id, "V4");
  ASSERT_EQ(kept.unplaced.size(), 1u);
  EXPECT_EQ(kept.unplaced[0].voter_id, "V8");
  EXPECT_TRUE(KeepVoters(all, {}).doors.empty());
}

}  // namespace
}  // namespace narwhal

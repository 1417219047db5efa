#include "domain/address.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace narwhal {
namespace {

TEST(AddressTest, Parses) {
  auto a = ParseStreetAddress("123 N Main St Apt 4");
  EXPECT_EQ(a.house_number, 123);
  EXPECT_EQ(a.street, "N MAIN ST");
  EXPECT_EQ(a.unit, "APT 4");
  auto b = ParseStreetAddress("7B Oak Ave");
  EXPECT_EQ(b.house_number, 7);
  EXPECT_EQ(b.house_suffix, "B");
  EXPECT_EQ(b.street, "OAK AVE");
  auto c = ParseStreetAddress("12 1/2 Elm St");
  EXPECT_EQ(c.house_number, 12);
  EXPECT_EQ(c.house_suffix, "1/2");
  EXPECT_EQ(c.street, "ELM ST");
  auto d = ParseStreetAddress("PO Box 55");
  EXPECT_EQ(d.house_number, -1);
  auto e = ParseStreetAddress("");
  EXPECT_EQ(e.house_number, -1);
  EXPECT_EQ(e.street, "");
}

TEST(AddressTest, WalkOrderIsUpOneSideDownTheOther) {
  std::vector<std::string> lines = {"4 Main St", "1 Main St", "3 Main St",       "2 Main St",
                                    "5 Main St", "10 Elm St", "6 Main St Apt 2", "6 Main St Apt 1"};
  std::vector<ParsedStreetAddress> parsed;
  for (const auto& l : lines) parsed.push_back(ParseStreetAddress(l));
  std::vector<ParsedStreetAddress> by_key = parsed;
  std::sort(parsed.begin(), parsed.end(), WalkOrderLess);
  std::sort(by_key.begin(), by_key.end(),
            [](const auto& x, const auto& y) { return WalkOrderKey(x) < WalkOrderKey(y); });
  std::vector<std::string> got;
  for (const auto& p : parsed)
    got.push_back(std::to_string(p.house_number) + " " + p.street +
                  (p.unit.empty() ? "" : " " + p.unit));
  std::vector<std::string> want = {"10 ELM ST",       "1 MAIN ST",       "3 MAIN ST", "5 MAIN ST",
                                   "6 MAIN ST APT 1", "6 MAIN ST APT 2", "4 MAIN ST", "2 MAIN ST"};
  EXPECT_EQ(got, want);
  for (size_t i = 0; i < parsed.size(); ++i) {
    EXPECT_EQ(WalkOrderKey(parsed[i]), WalkOrderKey(by_key[i])) << i;
  }
}

struct Expected {
  std::string line;
  std::string match_key;  // BuildingMatchKey
  std::string unit;
  std::string unit_id;
};

TEST(NormalizeAddressTest, StandardisesStreetsUnitsAndNumbers) {
  std::vector<Expected> cases = {
      {"4844 East Rezanof Drive", "4844 E REZANOF DR", "", ""},
      {"4844 E REZANOF DR", "4844 E REZANOF DR", "", ""},
      {"123 1/2 North Main Street Apartment 4B", "123 1/2 N MAIN ST", "APT 4B", "4B"},
      {"12 1/2 ELM ST", "12 1/2 ELM ST", "", ""},
      {"1820E Larch Street", "1820E LARCH ST", "", ""},
      {"1820-E LARCH ST", "1820E LARCH ST", "", ""},
      {"12-14 Main St", "12-14 MAIN ST", "", ""},
      {"2124 Second Street", "2124 2ND ST", "", ""},
      {"2124 2ND ST", "2124 2ND ST", "", ""},
      {"500 Main St NW", "500 MAIN ST NW", "", ""},
      {"100 Oak Ave #12", "100 OAK AVE", "UNIT 12", "12"},
      {"100 Oak Ave # 12", "100 OAK AVE", "UNIT 12", "12"},
      {"100 OAK AVE UNIT 12", "100 OAK AVE", "UNIT 12", "12"},
      {"100 OAK AVE STE 200", "100 OAK AVE", "STE 200", "200"},
      {"100 Oak Avenue Suite 200", "100 OAK AVE", "STE 200", "200"},
      {"100 OAK AVE 12", "100 OAK AVE", "UNIT 12", "12"},
      {"100 OAK AVE REAR", "100 OAK AVE", "REAR", "REAR"},
      {"77 W FRONT ST", "77 W FRONT ST", "", ""},
      {"9 SPRING LOT RD", "9 SPRING LOT RD", "", ""},
      {"55 LOT 5 LN LOT 7", "55 LOT 5 LN", "LOT 7", "7"},
      {"21915 Chiniak Highway", "21915 CHINIAK HWY", "", ""},
      {"4400 NC HWY 55", "4400 NC HWY 55", "", ""},
      {"4400 HIGHWAY 55", "4400 HWY 55", "", ""},
      {"10 EAST ST", "10 EAST ST", "", ""},
      {"10 N", "10 N", "", ""},
      {"  8  o'neil   ct ", "8 ONEIL CT", "", ""},
      {"301 Mountain View Dr., Apt. 3", "301 MOUNTAIN VIEW DR", "APT 3", "3"},
      {"15 CÔTÉ RD", "15 COTE RD", "", ""},
  };
  for (const Expected& c : cases) {
    NormalizedAddress a = NormalizeAddress(c.line);
    EXPECT_EQ(a.kind, AddressKind::kStreet) << c.line << ": " << a.problem;
    EXPECT_EQ(BuildingMatchKey(a), c.match_key) << c.line;
    EXPECT_EQ(a.unit, c.unit) << c.line;
    EXPECT_EQ(a.unit_id, c.unit_id) << c.line;
  }
}

TEST(NormalizeAddressTest, PartsAndKeys) {
  NormalizedAddress a = NormalizeAddress("4844 East Rezanof Drive West Apt 2");
  EXPECT_EQ(a.house_number, 4844);
  EXPECT_EQ(a.predir, "E");
  EXPECT_EQ(a.street_name, "REZANOF");
  EXPECT_EQ(a.street_type, "DR");
  EXPECT_EQ(a.postdir, "W");
  EXPECT_EQ(StreetKey(a), "E REZANOF DR W");
  EXPECT_EQ(BlockFaceKey(a), "E REZANOF DR W|48|0");
  EXPECT_EQ(BlockFaceKey(NormalizeAddress("4851 E Rezanof Dr W")), "E REZANOF DR W|48|1");
  // Both spellings of one apartment are the same door.
  EXPECT_EQ(NormalizeAddress("9 Elm St Apt 3").unit_id, NormalizeAddress("9 ELM ST #3").unit_id);
}

TEST(NormalizeAddressTest, LinesWithoutADoorKeepTheirReason) {
  struct NoDoor {
    std::string line;
    AddressKind kind;
    std::string problem;
  };
  std::vector<NoDoor> cases = {
      {"PO Box 55", AddressKind::kPoBox, "PO box"},
      {"P.O. BOX 55", AddressKind::kPoBox, "PO box"},
      {"P O Box 55", AddressKind::kPoBox, "PO box"},
      {"Post Office Box 9", AddressKind::kPoBox, "PO box"},
      {"BOX 12", AddressKind::kPoBox, "PO box"},
      {"PO 55", AddressKind::kPoBox, "PO box"},
      {"RR 2 Box 15", AddressKind::kRuralRoute, "rural route box"},
      {"Rural Route 2", AddressKind::kRuralRoute, "rural route box"},
      {"HC 1 BOX 5", AddressKind::kRuralRoute, "rural route box"},
      {"RT 3 BOX 77", AddressKind::kRuralRoute, "rural route box"},
      {"General Delivery", AddressKind::kUnparsed, "general delivery"},
      {"", AddressKind::kUnparsed, "empty address"},
      {"   ", AddressKind::kUnparsed, "empty address"},
      {"MAIN ST", AddressKind::kUnparsed, "no house number"},
      {"R13800 Pasagshak Road", AddressKind::kUnparsed, "no house number"},
      {"1234567890 MAIN ST", AddressKind::kUnparsed, "no house number"},
      {"123", AddressKind::kUnparsed, "no street name"},
      {"123 #4", AddressKind::kUnparsed, "no street name"},
  };
  for (const NoDoor& c : cases) {
    NormalizedAddress a = NormalizeAddress(c.line);
    EXPECT_EQ(a.kind, c.kind) << c.line;
    EXPECT_EQ(a.problem, c.problem) << c.line;
    EXPECT_EQ(BuildingMatchKey(a), "") << c.line;
  }
}

// The standard form of a line is a fixed point: it reads back as the same building and door
// (the property fuzz/address_fuzz.cc checks; these are the shapes it once broke).
TEST(NormalizeAddressTest, StandardFormReadsBackTheSame) {
  for (std::string line :
       {"3 1r HANGAR", "12 Oak Apt Pt", "5 Main St #/3", "7-% Main St", "10 E 12th", "9 Main St 4B",
        "14 Spring Lot Rd", "1820-E Larch St #3", "500 Main St NW Rear", "1 NW RM } HIGHWAY }",
        "9 Rea Fl D R", "0 1T W Fl Mill", "123 H Rm # Pt", "50 Inn M # Rear", "5 15 # Fl",
        "0 Nd Rm Rm Rm", "1 NW 820 Pt Rm Rm Rm Rm # ##", "1 Ptrm Rm Rm#Highway # ## #"}) {
    NormalizedAddress a = NormalizeAddress(line);
    ASSERT_EQ(a.kind, AddressKind::kStreet) << line;
    const std::string standard =
        a.unit.empty() ? BuildingMatchKey(a) : BuildingMatchKey(a) + " " + a.unit;
    NormalizedAddress again = NormalizeAddress(standard);
    EXPECT_EQ(BuildingMatchKey(again), BuildingMatchKey(a)) << line << " -> " << standard;
    EXPECT_EQ(again.unit_id, a.unit_id) << line << " -> " << standard;
  }
  EXPECT_EQ(BuildingMatchKey(NormalizeAddress("10 E 12th")), "10 E 12TH");  // not unit 12TH
  EXPECT_EQ(NormalizeAddress("5 Main St #/3").unit_id, "3");
  EXPECT_EQ(NormalizeAddress("12 Oak Apt Pt").unit, "APT PT");
  EXPECT_EQ(NormalizeAddress("12 Oak Ave #").unit, "") << "a '#' with no id after it";
  EXPECT_EQ(BuildingMatchKey(NormalizeAddress("12 Oak Ave #")), "12 OAK AVE");
  EXPECT_EQ(NormalizeAddress("12 Oak Ave Rear ##").unit, "REAR");
}

// Every shape the fuzzer ever kept (fuzz/corpus/address) holds the fixed-point rule here
// too, without a fuzzing run.
TEST(NormalizeAddressTest, EveryFuzzCorpusLineReadsBackTheSame) {
  int lines = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(NARWHAL_SOURCE_DIR "/fuzz/corpus/address")) {
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string line((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ++lines;
    NormalizedAddress a = NormalizeAddress(line);
    EXPECT_EQ(a.kind == AddressKind::kStreet, a.problem.empty()) << entry.path();
    if (a.kind != AddressKind::kStreet) continue;
    const std::string standard =
        a.unit.empty() ? BuildingMatchKey(a) : BuildingMatchKey(a) + " " + a.unit;
    NormalizedAddress again = NormalizeAddress(standard);
    EXPECT_EQ(BuildingMatchKey(again), BuildingMatchKey(a)) << entry.path();
    EXPECT_EQ(again.unit_id, a.unit_id) << entry.path();
  }
  EXPECT_GT(lines, 10);
}

TEST(NormalizeAddressTest, NeverFailsOnArbitraryBytes) {
  std::string junk;
  for (int i = 0; i < 2000; ++i) {
    junk.push_back(static_cast<char>((i * 131 + 7) % 256));
    NormalizedAddress a = NormalizeAddress(junk);
    EXPECT_EQ(a.kind == AddressKind::kStreet, a.problem.empty());
  }
}

}  // namespace
}  // namespace narwhal

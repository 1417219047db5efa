#include "field/walk_list.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "print/table_pdf.h"

namespace narwhal {
namespace {

Door MakeDoor(int64_t number, std::string unit = "") {
  Door d;
  d.town = "99615";
  d.street_key = "MILL BAY RD";
  d.house_number = number;
  d.unit = std::move(unit);
  d.building_key = "15|99615|" + std::to_string(number) + " MILL BAY RD";
  d.door_key = d.building_key + "|" + d.unit;
  return d;
}

Resident MakeResident(const Door& d, std::string id, std::string last, std::string first) {
  Resident r;
  r.door_key = d.door_key;
  r.voter_id = std::move(id);
  r.last_name = std::move(last);
  r.first_name = std::move(first);
  r.birth_year = 1970;
  r.gender = "F";
  r.party = "DEM";
  return r;
}

// Three doors (one with two voters), one turf walking them 102, 100, 100 APT 2.
PrecinctDoors ThreeDoors() {
  PrecinctDoors p;
  p.doors = {MakeDoor(100), MakeDoor(100, "APT 2"), MakeDoor(102)};
  p.doors[0].voters = 2;
  p.doors[1].voters = 1;
  p.doors[2].voters = 1;
  p.residents = {MakeResident(p.doors[0], "V1", "AKHIOK", "ANNA"),
                 MakeResident(p.doors[0], "V2", "BAKER", "BEN"),
                 MakeResident(p.doors[1], "V3", "CHO", "CARA"),
                 MakeResident(p.doors[2], "V4", "DIAZ", "DAN")};
  p.unplaced = {{"V9", "PO BOX 12", "PO box"}};
  return p;
}

TEST(WalkListTest, DoorsInWalkOrderWithTheirVotersUnderEach) {
  PrecinctDoors p = ThreeDoors();
  TurfCut cut;
  Turf t;
  t.number = 1;
  t.walk = {2, 0, 1};
  t.voters = 4;
  t.route_metres = 1234;
  t.minutes = 12.2;
  cut.turfs = {t};
  TableDocument doc = WalkListPdf(p, cut, {"15", "K1", "2026-12-04 10:00 UTC", 2026});
  ASSERT_EQ(doc.sections.size(), 2u) << "the turf, then the voters with no door";
  const PdfSection& turf = doc.sections[0];
  EXPECT_EQ(turf.heading, "County 15 — precinct K1 — turf 1 of 1");
  EXPECT_NE(turf.subheading.find("3 doors, 4 voters, 1.2 km walked, about 13 min"),
            std::string::npos)
      << turf.subheading;
  EXPECT_NE(turf.subheading.find("start at 102 MILL BAY RD"), std::string::npos);
  ASSERT_EQ(turf.rows.size(), 4u) << "one row per voter";
  std::vector<std::vector<std::string>> expected = {
      {"1", "102 MILL BAY RD", "DIAZ, DAN", "56", "F", "DEM", "", ""},
      {"2", "100 MILL BAY RD", "AKHIOK, ANNA", "56", "F", "DEM", "", ""},
      {"", "", "BAKER, BEN", "56", "F", "DEM", "", ""},
      {"3", "100 MILL BAY RD APT 2", "CHO, CARA", "56", "F", "DEM", "", ""}};
  EXPECT_EQ(turf.rows, expected);
  EXPECT_TRUE(doc.columns[0].carried && doc.columns[1].carried)
      << "a continued page repeats the door of its first voter";
  const PdfSection& unplaced = doc.sections[1];
  ASSERT_EQ(unplaced.rows.size(), 1u);
  EXPECT_EQ(unplaced.rows[0][1], "PO BOX 12");
  EXPECT_EQ(unplaced.rows[0][2], "V9");
  EXPECT_NE(doc.footer_note.find("NH not home"), std::string::npos);
  Result<std::string> pdf = RenderTablePdf(doc);
  ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();
  EXPECT_EQ(pdf->substr(0, 5), "%PDF-");
}

TEST(WalkListTest, ATurfWithCoordinatesStartsWithItsRouteMap) {
  PrecinctDoors p = ThreeDoors();
  p.doors[0].lat = 57.7900;
  p.doors[0].lon = -152.4000;
  p.doors[2].lat = 57.7909;  // 100 m north of door 0
  p.doors[2].lon = -152.4000;
  TurfCut cut;
  Turf t;
  t.number = 1;
  t.walk = {2, 0, 1};
  t.voters = 4;
  cut.turfs = {t};
  TableDocument doc = WalkListPdf(p, cut, {"15", "K1", "2026-12-04 10:00 UTC", 2026, {"7KQ2MD"}});
  const PdfSection& turf = doc.sections[0];
  EXPECT_EQ(turf.heading, "County 15 — precinct K1 — turf 1 of 1 — list 7KQ2MD");
  ASSERT_EQ(turf.map.route.size(), 2u) << "the located doors, in walk order";
  EXPECT_EQ(turf.map.route[0].label, "1");
  EXPECT_EQ(turf.map.route[1].label, "2");
  EXPECT_NEAR(turf.map.route[0].y - turf.map.route[1].y, 100, 1) << "stop 1 is 100 m north";
  EXPECT_NEAR(turf.map.route[0].x, turf.map.route[1].x, 0.01);
  EXPECT_NE(turf.map.caption.find("1 of 3 doors have no coordinates"), std::string::npos)
      << turf.map.caption;
  EXPECT_TRUE(doc.sections[1].map.route.empty());
  Result<std::string> pdf = RenderTablePdf(doc);
  ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();
}

TEST(WalkListTest, TheDoorScriptIsReadOutAndItsQuestionsGetColumns) {
  PrecinctDoors p = ThreeDoors();
  TurfCut cut;
  Turf t;
  t.number = 1;
  t.walk = {0, 1, 2};
  t.voters = 4;
  t.doors_without_coordinates = 3;
  cut.turfs = {t};
  FieldBook book;
  book.result_codes.push_back({"YS", "Yard sign", ResultCategory::kSuccess, ResultScope::kPerson});
  book.questions.push_back({"plan",
                            "Plan",
                            "How will you vote?",
                            QuestionKind::kSingle,
                            {{"early", "Early"}, {"unsure", "Not sure"}}});
  book.questions.push_back({"said", "Said", "Anything else?", QuestionKind::kText, {}});
  book.tags.push_back({"yard_sign", "Yard sign"});
  book.scripts.push_back({"door",
                          "Door script",
                          {ContactChannel::kDoor},
                          {{"hi", "Hello!", "", {}, "plan"},
                           {"plan", "", "plan", {{"unsure", "help"}}, "said"},
                           {"help", "Early voting opens soon.", "", {}, "said"},
                           {"said", "", "said", {}, ""}}});
  ASSERT_TRUE(ValidateFieldBook(book).ok()) << ValidateFieldBook(book).ToString();
  WalkListHeading heading{"15", "K1", "2026-12-04 10:00 UTC", 2026, {}, &book};
  TableDocument doc = WalkListPdf(p, cut, heading);
  // One column for the choice question (the text one is written in Notes), before Notes.
  ASSERT_EQ(doc.columns.size(), 9u);
  EXPECT_EQ(doc.columns[7].title, "Plan");
  EXPECT_EQ(doc.columns[8].title, "Notes");
  for (const auto& row : doc.sections[0].rows) EXPECT_EQ(row.size(), 9u);
  EXPECT_NE(doc.footer_note.find("YS Yard sign"), std::string::npos) << doc.footer_note;
  const std::vector<std::string>& notes = doc.sections[0].notes;
  ASSERT_EQ(notes.size(), 7u);  // the title, four steps, the codes, the tags
  EXPECT_EQ(notes[0], "Script: Door script");
  EXPECT_EQ(notes[2], "2. How will you vote? [Plan]  1 Early  2 Not sure (go to 3)");
  EXPECT_EQ(notes[5], "The campaign's result codes: YS Yard sign");
  EXPECT_EQ(notes[6], "Tags (write in Notes): Yard sign");
  // Without coordinates the script still has its page: the turf's first page.
  Result<std::string> pdf = RenderTablePdf(doc);
  ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();
}

TEST(WalkListTest, AddressesReadAsACanvasserSaysThem) {
  Door d = MakeDoor(12);
  d.house_suffix = "1/2";
  EXPECT_EQ(DoorAddress(d), "12 1/2 MILL BAY RD");
  d.house_suffix = "A";
  d.unit = "APT 4B";
  EXPECT_EQ(DoorAddress(d), "12A MILL BAY RD APT 4B");
}

}  // namespace
}  // namespace narwhal

#include "print/table_pdf.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "../print/read_back.h"

namespace narwhal {
namespace {

using testing::PdfToText;

class TablePdfTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("narwhal_pdf_" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    if (!getenv("KEEP_PDF")) std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
};

TEST_F(TablePdfTest, RowsReadBackInOrderAcrossPages) {
  TableDocument doc;
  doc.title = "Strike list";
  doc.footer_note = "printed by Narwhal";
  doc.checkbox_column = true;
  doc.columns = {{"Name", 3}, {"Address", 3}, {"Reg #", 1, true}};
  PdfSection s;
  s.heading = "WAKE — precinct 01-07";
  s.subheading = "Tick each voter who has voted";
  for (int i = 0; i < 120; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "VOTER%03d, ANN", i);
    s.rows.push_back({name, std::to_string(100 + i) + " MAIN ST", std::to_string(5000 + i)});
  }
  s.rows[7][0] = "PEÑA, JOSÉ";
  doc.sections.push_back(s);
  PdfSection s2 = s;
  s2.heading = "WAKE — precinct 02-01";
  s2.rows.resize(3);
  doc.sections.push_back(s2);

  std::string path = (dir_ / "list.pdf").string();
  ASSERT_TRUE(WriteTablePdf(doc, path).ok());
  std::string text = PdfToText(path);
  EXPECT_NE(text.find("WAKE — precinct 01-07"), std::string::npos);
  EXPECT_NE(text.find("PEÑA, JOSÉ"), std::string::npos);
  EXPECT_NE(text.find("page 1 of"), std::string::npos);
  EXPECT_NE(text.find("precinct 02-01"), std::string::npos);
  size_t last = 0;
  for (int i = 0; i < 120; i += 13) {
    if (i == 7) continue;
    char name[32];
    std::snprintf(name, sizeof name, "VOTER%03d, ANN", i);
    size_t at = text.find(name);
    ASSERT_NE(at, std::string::npos) << name;
    EXPECT_GT(at, last) << name << " out of order";
    last = at;
  }
}

TEST_F(TablePdfTest, ARouteMapIsAPageOfItsOwnBeforeTheRows) {
  TableDocument doc;
  doc.title = "Walk list";
  doc.columns = {{"Stop", 1}, {"Address", 3}};
  PdfSection s;
  s.heading = "County 15 — turf 1 of 1";
  s.rows = {{"1", "100 MILL BAY RD"}, {"2", "102 MILL BAY RD"}, {"3", "104 MILL BAY RD"}};
  s.map.route = {{0, 0, "1"}, {40, 10, "2"}, {90, -20, "3"}};
  s.map.caption = "The route in walk order";
  doc.sections.push_back(s);
  std::string path = (dir_ / "map.pdf").string();
  ASSERT_TRUE(WriteTablePdf(doc, path).ok());
  std::string text = PdfToText(path);
  const size_t caption = text.find("The route in walk order");
  ASSERT_NE(caption, std::string::npos) << text;
  EXPECT_NE(text.find("page 1 of 2"), std::string::npos);
  EXPECT_NE(text.find("page 2 of 2"), std::string::npos);
  EXPECT_NE(text.find("10 m"), std::string::npos) << "a scale bar of a round length";
  EXPECT_LT(caption, text.find("100 MILL BAY RD")) << "the map comes first";
}

TEST_F(TablePdfTest, RejectsRaggedRows) {
  TableDocument doc;
  doc.columns = {{"A"}, {"B"}};
  doc.sections.push_back({"s", "", {{"only one"}}});
  EXPECT_EQ(RenderTablePdf(doc).status().code(), ErrorCode::kInvalidArgument);
  doc.columns.clear();
  EXPECT_EQ(RenderTablePdf(doc).status().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace narwhal

#include "auth/credential_sheet.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "../print/read_back.h"

namespace narwhal {
namespace {

using testing::PdfToText;

class CredentialSheetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("narwhal_credentials_" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    if (!getenv("KEEP_PDF")) std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
};

CredentialSheet Sample(int volunteers) {
  CredentialSheet sheet;
  sheet.office = "Raleigh North";
  sheet.login_url = "https://vote.example.org/";
  sheet.expires = "2026-11-04";
  sheet.printed = "printed 2026-10-30 09:00 UTC";
  for (int i = 0; i < volunteers; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "WATCHER%03d, ANN", i);
    char code[32];
    std::snprintf(code, sizeof code, "K%03dM-9XMR-T2PW", i);
    sheet.lines.push_back({name, "poll watcher", "precinct 92/01-07", code});
  }
  return sheet;
}

TEST_F(CredentialSheetTest, EveryNameAndCodeReadsBack) {
  CredentialSheet sheet = Sample(60);  // more than one page
  sheet.lines[3].name = "PEÑA, JOSÉ";
  std::string path = (dir_ / "credentials-raleigh-north.pdf").string();
  ASSERT_TRUE(WriteCredentialSheet(sheet, path).ok());

  std::string text = PdfToText(path);
  EXPECT_NE(text.find("Raleigh North — login codes"), std::string::npos) << text.substr(0, 600);
  EXPECT_NE(text.find("Open https://vote.example.org/, type your code, keep this sheet safe"),
            std::string::npos)
      << text.substr(0, 600);
  EXPECT_NE(text.find("PEÑA, JOSÉ"), std::string::npos);
  EXPECT_NE(text.find("precinct 92/01-07"), std::string::npos) << "assignments fit their column";
  EXPECT_NE(text.find("until 2026-11-04"), std::string::npos) << "the expiry is printed";
  for (const CredentialLine& line : sheet.lines) {
    EXPECT_NE(text.find(line.name), std::string::npos) << line.name;
    EXPECT_NE(text.find(line.code), std::string::npos) << line.code;
  }
  EXPECT_NE(text.find("page 2 of"), std::string::npos) << "60 volunteers span two pages";
}

TEST_F(CredentialSheetTest, NeedsTheAddressToOpen) {
  CredentialSheet sheet = Sample(1);
  sheet.login_url.clear();
  Status s = WriteCredentialSheet(sheet, (dir_ / "x.pdf").string());
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "x.pdf"));
}

TEST_F(CredentialSheetTest, AnOfficeWithoutANameStillGetsAHeading) {
  CredentialSheet sheet = Sample(2);
  sheet.office.clear();
  TableDocument doc = CredentialSheetDocument(sheet);
  ASSERT_EQ(doc.sections.size(), 1u);
  EXPECT_EQ(doc.sections[0].heading, "No field office — login codes");
  EXPECT_EQ(doc.sections[0].rows.size(), 2u);
}

TEST(OfficeFileStemTest, KeepsLettersAndDigits) {
  EXPECT_EQ(OfficeFileStem("Raleigh North"), "raleigh-north");
  EXPECT_EQ(OfficeFileStem("  Durham #2 / Downtown "), "durham-2-downtown");
  EXPECT_EQ(OfficeFileStem("Peña Office"), "pe-a-office");
  EXPECT_EQ(OfficeFileStem("../.."), "office");
  EXPECT_EQ(OfficeFileStem(""), "office");
}

}  // namespace
}  // namespace narwhal

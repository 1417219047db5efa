// The paper fallback against a real SQLite store: poll book order and contents, CSV
// quoting, safe file names, the PDF as a person reads it, and the county archive.
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "../print/read_back.h"
#include "../storage/temp_dir.h"
#include "base/text.h"
#include "paper/county_archive.h"
#include "paper/gotv_list.h"
#include "paper/paper_list.h"
#include "paper/poll_book.h"
#include "print/table_pdf.h"
#include "storage/sqlite/sqlite_store.h"

namespace narwhal {
namespace {

using testing::PdfToText;
using testing::Shell;

using testing::TempDir;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

Voter MakeVoter(std::string id, std::string last, std::string first, std::string precinct) {
  Voter v;
  v.voter_id = std::move(id);
  v.state = "NC";
  v.county = "92";
  v.county_name = "WAKE";
  v.precinct = std::move(precinct);
  v.precinct_name = "RALEIGH " + v.precinct;
  v.registration_number = "R" + v.voter_id;
  v.last_name = std::move(last);
  v.first_name = std::move(first);
  v.residence = {"12 MAIN ST", "RALEIGH", "NC", "27601"};
  v.status = VoterStatus::kActive;
  v.birth_year = 1971;
  return v;
}

// Precinct 92 "1/7" has five voters (and one removed), "1-7" one; county 32 one.
std::vector<Voter> Fixture() {
  std::vector<Voter> v = {
      MakeVoter("NC1", "SMITH", "JOHN", "1/7"),   MakeVoter("NC2", "PEÑA", "JOSÉ", "1/7"),
      MakeVoter("NC3", "ADAMS", "ZOE", "1/7"),    MakeVoter("NC4", "O'NEIL", "ÉMILE", "1/7"),
      MakeVoter("NC5", "SMITH", "ANN", "1/7"),    MakeVoter("NC6", "GONE", "GARY", "1/7"),
      MakeVoter("NC7", "WALKER", "WANDA", "1-7"),
  };
  v[0].middle_name = "QUINCY";
  v[0].name_suffix = "JR";
  v[2].residence.street = "4 ELM ST, APT \"B\"";
  v[4].birth_year = 0;
  Voter other = MakeVoter("NC8", "FAR", "AWAY", "01");
  other.county = "32";
  other.county_name = "FORSYTH";
  v.push_back(other);
  return v;
}

class PaperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir_.ok());
    auto opened = OpenSqliteStore({.path = dir_.File("narwhal.db")});
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
    std::vector<Voter> voters = Fixture();
    Import(voters, false);
    // A second full import without GARY GONE marks him removed.
    voters.erase(voters.begin() + 5);
    Import(voters, true);
  }

  void Import(const std::vector<Voter>& voters, bool full_refresh) {
    auto import = store_->BeginImport({"voters", "test", "fixture"});
    ASSERT_TRUE(import.ok()) << import.status().ToString();
    ASSERT_TRUE(store_->UpsertVoters(*import, voters).ok());
    FinishImportOptions options;
    options.full_refresh = full_refresh;
    options.covered_counties = {"92", "32"};
    ASSERT_TRUE(store_->FinishImport(*import, options).ok());
  }

  // Precinct 92 "05" on Oak Street, election kElection: four supporters not yet voted,
  // walk order 1, 3 (odd side up), 4, 2 (even side down); at 5 a supporter who voted, at 7
  // a voter who is no supporter. Names are out of alphabetical order on purpose.
  void AddGotvPrecinct() {
    struct Row {
      const char* id;
      const char* last;
      const char* first;
      const char* street;
      int support;
    };
    const Row rows[] = {
        {"G1", "YOUNG", "AMY", "1 OAK ST", 100}, {"G2", "BAKER", "BEN", "3 OAK ST", 75},
        {"G3", "MOORE", "CARL", "4 OAK ST", 90}, {"G4", "ADAMS", "DORA", "2 OAK ST", 60},
        {"G5", "FOX", "ELLA", "5 OAK ST", 95},   {"G6", "GRAY", "FRED", "7 OAK ST", 40}};
    std::vector<Voter> voters;
    std::vector<VoterScore> scores;
    for (const Row& r : rows) {
      Voter v = MakeVoter(r.id, r.last, r.first, "05");
      v.residence.street = r.street;
      v.phone = std::string("919555000") + r.id[1];
      voters.push_back(std::move(v));
      scores.push_back({r.id, r.support, -1});
    }
    Import(voters, false);
    ASSERT_TRUE(store_->UpsertScores(scores).ok());
    NewStrike strike;
    strike.election = kElection;
    strike.voter_id = "G5";
    strike.idempotency_key = "paper-gotv-0001";
    strike.at = std::chrono::sys_days(std::chrono::year(2026) / 11 / 3) + std::chrono::hours(9);
    auto struck = store_->RecordStrikes(std::vector<NewStrike>{strike});
    ASSERT_TRUE(struck.ok()) << struck.status().ToString();
    ASSERT_TRUE(struck->front().status.ok()) << struck->front().status.ToString();
  }

  static constexpr char kElection[] = "2026-11-03";

  std::vector<std::string> Ids(const PollBook& book) {
    std::vector<std::string> ids;
    for (const VoterSummary& v : book.voters) ids.push_back(v.voter_id);
    return ids;
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST(PaperListTest, SafeFileStems) {
  EXPECT_EQ(SafeFileStem("1/7"), "1-7");
  EXPECT_EQ(SafeFileStem("01-07"), "01-07");
  EXPECT_EQ(SafeFileStem("PR 12A"), "PR-12A");
  EXPECT_EQ(SafeFileStem("../../etc/passwd"), "etc-passwd");
  EXPECT_EQ(SafeFileStem("a\\b:c*d?"), "a-b-c-d");
  EXPECT_EQ(SafeFileStem("ÉCOLE 3"), "COLE-3");
  EXPECT_EQ(SafeFileStem(""), "x");
  EXPECT_EQ(SafeFileStem("/"), "x");
  EXPECT_EQ(SafeFileStem(".."), "x");
  EXPECT_EQ(PaperFileName({"92", "1/7"}, PaperListKind::kStrikeList, "pdf"),
            "92-1-7-strike-list.pdf");
  EXPECT_EQ(PaperFileName({"92", "1/7"}, PaperListKind::kGotvList, "csv"), "92-1-7-gotv.csv");
}

TEST(PaperListTest, GotvCsvKeepsTheColumnsOfTheDownload) {
  GotvEntry e;
  e.voter.county = "92";
  e.voter.precinct = "1/7";
  e.voter.last_name = "PEÑA";
  e.voter.first_name = "JOSÉ";
  e.voter.street = "4 ELM ST, APT \"B\"";
  e.voter.city = "RALEIGH";
  e.voter.voter_id = "NC2";
  e.phone = "9195550100";
  e.support = 75;
  EXPECT_EQ(GotvListCsv({e}),
            "\xEF\xBB\xBF"
            "county,precinct,last_name,first_name,street,city,phone,support,turnout,voter_id\r\n"
            "92,1/7,PEÑA,JOSÉ,\"4 ELM ST, APT \"\"B\"\"\",RALEIGH,9195550100,75,,NC2\r\n");
  EXPECT_EQ(GotvListCsv({}),
            "\xEF\xBB\xBF"
            "county,precinct,last_name,first_name,street,city,phone,support,turnout,voter_id\r\n");
}

TEST(PaperListTest, CsvQuotesCommasQuotesAndLineBreaksAndKeepsAccents) {
  EXPECT_EQ(CsvField("SMITH"), "SMITH");
  EXPECT_EQ(CsvField("PEÑA, JOSÉ"), "\"PEÑA, JOSÉ\"");
  EXPECT_EQ(CsvField("4 ELM ST, APT \"B\""), "\"4 ELM ST, APT \"\"B\"\"\"");
  EXPECT_EQ(CsvField("a\nb"), "\"a\nb\"");
  EXPECT_EQ(CsvField("ÉMILE"), "ÉMILE");
  EXPECT_EQ(CsvField(""), "");
  std::string out;
  AppendCsvRecord({"a", "b,c", ""}, out);
  EXPECT_EQ(out, "a,\"b,c\",\r\n");
}

TEST(PaperListTest, PollBookNames) {
  VoterSummary v;
  v.last_name = "SMITH";
  v.first_name = "JOHN";
  v.middle_name = "QUINCY";
  v.name_suffix = "JR";
  EXPECT_EQ(PollBookName(v), "SMITH, JOHN QUINCY JR");
  v.middle_name.clear();
  v.name_suffix.clear();
  EXPECT_EQ(PollBookName(v), "SMITH, JOHN");
  v.first_name.clear();
  EXPECT_EQ(PollBookName(v), "SMITH");
}

TEST_F(PaperTest, PollBookIsAlphabeticalWithoutRemovedVoters) {
  auto book = LoadPollBook(*store_, {"92", "1/7"});
  ASSERT_TRUE(book.ok()) << book.status().ToString();
  EXPECT_EQ(book->county_name, "WAKE");
  EXPECT_EQ(book->precinct_name, "RALEIGH 1/7");
  EXPECT_EQ(Ids(*book), (std::vector<std::string>{"NC3", "NC4", "NC2", "NC5", "NC1"}));
}

TEST_F(PaperTest, UnknownPrecinctIsNotFound) {
  EXPECT_EQ(LoadPollBook(*store_, {"92", "77"}).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(LoadPollBook(*store_, {"99", "1/7"}).status().code(), ErrorCode::kNotFound);
}

TEST_F(PaperTest, CsvHasHeaderAndOneQuotedRowPerVoter) {
  auto book = LoadPollBook(*store_, {"92", "1/7"});
  ASSERT_TRUE(book.ok());
  const std::string csv = PollBookCsv(*book);
  ASSERT_TRUE(csv.starts_with("\xEF\xBB\xBF"));
  ASSERT_TRUE(IsValidUtf8(csv));
  std::vector<std::string> lines;
  for (size_t at = 3, end; (end = csv.find("\r\n", at)) != std::string::npos; at = end + 2) {
    lines.push_back(csv.substr(at, end - at));
  }
  ASSERT_EQ(lines.size(), 6u);
  EXPECT_EQ(lines[0], "county,precinct,name,address,city,born,registration_number,voter_id,voted");
  EXPECT_EQ(lines[1], "92,1/7,\"ADAMS, ZOE\",\"4 ELM ST, APT \"\"B\"\"\",RALEIGH,1971,RNC3,NC3,");
  EXPECT_EQ(lines[3], "92,1/7,\"PEÑA, JOSÉ\",12 MAIN ST,RALEIGH,1971,RNC2,NC2,");
  EXPECT_EQ(lines[4], "92,1/7,\"SMITH, ANN\",12 MAIN ST,RALEIGH,,RNC5,NC5,");
  EXPECT_EQ(lines[5], "92,1/7,\"SMITH, JOHN QUINCY JR\",12 MAIN ST,RALEIGH,1971,RNC1,NC1,");
}

TEST_F(PaperTest, PdfReadsBackWithTheRightVotersInOrder) {
  auto book = LoadPollBook(*store_, {"92", "1/7"});
  auto other = LoadPollBook(*store_, {"92", "1-7"});
  ASSERT_TRUE(book.ok() && other.ok());
  TableDocument doc = PollBookPdf({*book, *other}, "2026-11-02 06:00 UTC");
  ASSERT_EQ(doc.sections.size(), 2u);
  EXPECT_EQ(doc.sections[0].heading, "WAKE — precinct 1/7 RALEIGH 1/7 — strike list");
  EXPECT_TRUE(doc.sections[0].subheading.starts_with("5 voters — tick the box"));
  const std::string path = dir_.File("book.pdf");
  ASSERT_TRUE(WriteTablePdf(doc, path).ok());
  const std::string text = PdfToText(path);
  EXPECT_NE(text.find("WAKE — precinct 1/7 RALEIGH 1/7 — strike list"), std::string::npos);
  EXPECT_NE(text.find("phone the field office every hour"), std::string::npos);
  EXPECT_NE(text.find("printed 2026-11-02 06:00 UTC"), std::string::npos);
  size_t last = 0;
  for (std::string name : {"ADAMS, ZOE", "O'NEIL, ÉMILE", "PEÑA, JOSÉ", "SMITH, ANN",
                           "SMITH, JOHN QUINCY JR", "WALKER, WANDA"}) {
    size_t at = text.find(name);
    ASSERT_NE(at, std::string::npos) << name << "\n" << text;
    EXPECT_GT(at, last) << name << " out of order";
    last = at;
  }
  EXPECT_EQ(text.find("GONE, GARY"), std::string::npos);
  EXPECT_EQ(text.find("FAR, AWAY"), std::string::npos);
}

TEST_F(PaperTest, GotvPdfListsSupportersNotYetVotedInWalkOrder) {
  AddGotvPrecinct();
  auto entries = store_->GotvList(kElection, {"92", "05"});
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  GotvList list{{"92", "05"}, "WAKE", "RALEIGH 05", kElection, std::move(entries).value()};
  TableDocument doc = GotvListPdf(list, "2026-11-03 14:05 UTC");
  ASSERT_EQ(doc.sections.size(), 1u);
  EXPECT_EQ(doc.sections[0].heading, "WAKE — precinct 05 RALEIGH 05 — GOTV list 2026-11-03");
  const std::string path = dir_.File("gotv.pdf");
  ASSERT_TRUE(WriteTablePdf(doc, path).ok());
  const std::string text = PdfToText(path);
  EXPECT_NE(text.find("WAKE — precinct 05 RALEIGH 05 — GOTV list 2026-11-03"), std::string::npos)
      << text;
  EXPECT_NE(text.find("4 supporters not yet voted as of 2026-11-03 14:05 UTC"), std::string::npos)
      << text;
  EXPECT_NE(text.find("printed 2026-11-03 14:05 UTC"), std::string::npos) << text;
  for (std::string column : {"Address", "Name", "Phone", "Support"}) {
    EXPECT_NE(text.find(column), std::string::npos) << column;
  }
  size_t last = 0;
  for (std::string row : {"1 OAK ST", "YOUNG, AMY", "9195550001", "3 OAK ST", "BAKER, BEN",
                          "4 OAK ST", "MOORE, CARL", "2 OAK ST", "ADAMS, DORA"}) {
    size_t at = text.find(row, last);
    ASSERT_NE(at, std::string::npos) << row << " missing or out of order\n" << text;
    last = at;
  }
  EXPECT_EQ(text.find("FOX, ELLA"), std::string::npos) << "she voted";
  EXPECT_EQ(text.find("GRAY, FRED"), std::string::npos) << "not a supporter";
}

TEST_F(PaperTest, LargePrecinctIsReadAcrossPages) {
  std::vector<Voter> many;
  for (int i = 0; i < 2345; ++i) {
    char last[16];
    std::snprintf(last, sizeof last, "V%05d", (i * 7919) % 2345);
    many.push_back(MakeVoter("BIG" + std::to_string(i), last, "ANN", "09"));
  }
  Import(many, false);
  auto book = LoadPollBook(*store_, {"92", "09"});
  ASSERT_TRUE(book.ok()) << book.status().ToString();
  ASSERT_EQ(book->voters.size(), 2345u);
  for (size_t i = 1; i < book->voters.size(); ++i) {
    ASSERT_LT(book->voters[i - 1].last_name, book->voters[i].last_name) << i;
  }
}

TEST_F(PaperTest, CountyArchiveWritesEveryPrecinctAndOneZip) {
  PaperArchiveRequest request;
  request.county = "92";
  request.out_dir = dir_.File("out");
  request.printed_at = std::chrono::sys_days(std::chrono::year(2026) / 11 / 2);
  auto summary = WriteCountyArchive(*store_, request);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->precincts, 2);
  EXPECT_EQ(summary->voters, 6);
  EXPECT_EQ(summary->archive, dir_.File("out/92-poll-books.zip"));
  // "1-7" sorts before "1/7"; the second to reach the stem "1-7" gets "-2".
  const std::vector<std::string> names = {"92-1-7-strike-list.pdf", "92-1-7-strike-list.csv",
                                          "92-1-7-2-strike-list.pdf", "92-1-7-2-strike-list.csv"};
  ASSERT_EQ(summary->files.size(), 5u);
  for (size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(summary->files[i], dir_.File("out/" + names[i]));
    EXPECT_TRUE(std::filesystem::file_size(summary->files[i]) > 0) << names[i];
  }
  EXPECT_NE(ReadFile(dir_.File("out/92-1-7-2-strike-list.csv")).find("PEÑA"), std::string::npos);
  const std::string listing = Shell("unzip -Z1 '" + summary->archive + "'");
  for (const std::string& name : names) {
    EXPECT_NE(listing.find(name + "\n"), std::string::npos) << name << " not in\n" << listing;
  }
  const std::string csv_in_zip =
      Shell("unzip -p '" + summary->archive + "' 92-1-7-2-strike-list.csv");
  EXPECT_EQ(csv_in_zip, ReadFile(dir_.File("out/92-1-7-2-strike-list.csv")));
  for (const auto& entry : std::filesystem::directory_iterator(dir_.File("out"))) {
    EXPECT_FALSE(entry.path().string().ends_with(".tmp")) << entry.path();
  }
}

TEST_F(PaperTest, CountyArchiveWithAnElectionHoldsTheGotvLists) {
  AddGotvPrecinct();
  PaperArchiveRequest request;
  request.county = "92";
  request.out_dir = dir_.File("gotv-out");
  request.election = kElection;
  request.printed_at = std::chrono::sys_days(std::chrono::year(2026) / 11 / 3);
  auto summary = WriteCountyArchive(*store_, request);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->precincts, 3);
  EXPECT_EQ(summary->gotv_voters, 4);
  // Each precinct's strike list, then its GOTV list; the archive last.
  const std::vector<std::string> names = {
      "92-05-strike-list.pdf",    "92-05-strike-list.csv",  "92-05-gotv.pdf",
      "92-05-gotv.csv",           "92-1-7-strike-list.pdf", "92-1-7-strike-list.csv",
      "92-1-7-gotv.pdf",          "92-1-7-gotv.csv",        "92-1-7-2-strike-list.pdf",
      "92-1-7-2-strike-list.csv", "92-1-7-2-gotv.pdf",      "92-1-7-2-gotv.csv"};
  ASSERT_EQ(summary->files.size(), names.size() + 1);
  for (size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(summary->files[i], dir_.File("gotv-out/" + names[i]));
  }
  const std::string listing = Shell("unzip -Z1 '" + summary->archive + "'");
  for (const std::string& name : names) {
    EXPECT_NE(listing.find(name + "\n"), std::string::npos) << name << " not in\n" << listing;
  }
  const std::string csv = Shell("unzip -p '" + summary->archive + "' 92-05-gotv.csv");
  EXPECT_EQ(csv, ReadFile(dir_.File("gotv-out/92-05-gotv.csv")));
  std::vector<std::string> ids;  // the last field of each row, after the header
  std::istringstream rows(csv);
  for (std::string row; std::getline(rows, row);) {
    ids.push_back(row.substr(row.rfind(',') + 1, row.size() - row.rfind(',') - 2));
  }
  ASSERT_FALSE(ids.empty());
  ids.erase(ids.begin());
  EXPECT_EQ(ids, (std::vector<std::string>{"G1", "G2", "G3", "G4"})) << csv;
  // The fixture's other precincts have no scores: empty lists, still printed.
  const std::string text = PdfToText(dir_.File("gotv-out/92-1-7-gotv.pdf"));
  EXPECT_NE(text.find("0 supporters not yet voted as of 2026-11-03 00:00 UTC"), std::string::npos)
      << text;
}

TEST_F(PaperTest, CountyArchiveRefusesAnElectionThatIsNotADate) {
  PaperArchiveRequest request;
  request.county = "92";
  request.out_dir = dir_.File("bad-election");
  for (std::string election : {"11/03/2026", "2026-13-03", "tomorrow"}) {
    request.election = election;
    EXPECT_EQ(WriteCountyArchive(*store_, request).status().code(), ErrorCode::kInvalidArgument)
        << election;
  }
  EXPECT_FALSE(std::filesystem::exists(dir_.File("bad-election")));
}

TEST_F(PaperTest, OnePrecinctWritesNoArchive) {
  PaperArchiveRequest request;
  request.county = "92";
  request.precinct = "1/7";
  request.out_dir = dir_.File("one");
  auto summary = WriteCountyArchive(*store_, request);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->archive, "");
  EXPECT_EQ(summary->voters, 5);
  EXPECT_EQ(summary->files, (std::vector<std::string>{dir_.File("one/92-1-7-2-strike-list.pdf"),
                                                      dir_.File("one/92-1-7-2-strike-list.csv")}));
}

TEST_F(PaperTest, UnknownCountyOrPrecinctWritesNothing) {
  PaperArchiveRequest request;
  request.county = "77";
  request.out_dir = dir_.File("none");
  EXPECT_EQ(WriteCountyArchive(*store_, request).status().code(), ErrorCode::kNotFound);
  request.county = "92";
  request.precinct = "77";
  EXPECT_EQ(WriteCountyArchive(*store_, request).status().code(), ErrorCode::kNotFound);
  request.county = "";
  EXPECT_EQ(WriteCountyArchive(*store_, request).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(dir_.File("none")));
}

}  // namespace
}  // namespace narwhal

#include "demo/generator.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "base/text.h"
#include "domain/voter.h"

namespace narwhal {
namespace {

namespace fs = std::filesystem;

// A fresh directory under the system temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::temp_directory_path() /
            ("narwhal_demo_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  std::string File(std::string_view name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Rows of a file as the state writes it: CRLF-terminated lines of tab-separated, quoted
// fields. Fails the test when a line or field is not framed that way.
std::vector<std::vector<std::string>> ParseTsv(const std::string& content) {
  std::vector<std::vector<std::string>> rows;
  size_t start = 0;
  while (start < content.size()) {
    const size_t end = content.find("\r\n", start);
    if (end == std::string::npos) {
      ADD_FAILURE() << "last line has no CRLF";
      break;
    }
    std::string_view line(content.data() + start, end - start);
    EXPECT_EQ(line.find('\n'), std::string_view::npos) << "bare LF in line " << rows.size() + 1;
    std::vector<std::string> fields;
    size_t pos = 0;
    while (true) {
      const size_t tab = line.find('\t', pos);
      std::string_view field =
          line.substr(pos, tab == std::string_view::npos ? line.npos : tab - pos);
      EXPECT_TRUE(field.size() >= 2 && field.front() == '"' && field.back() == '"')
          << "unquoted field '" << field << "' in line " << rows.size() + 1;
      if (field.size() >= 2) fields.emplace_back(field.substr(1, field.size() - 2));
      if (tab == std::string_view::npos) break;
      pos = tab + 1;
    }
    rows.push_back(std::move(fields));
    start = end + 2;
  }
  return rows;
}

DemoOptions SmallCounty() {
  DemoOptions options;
  options.voters = 3000;
  options.precincts = 12;
  options.seed = 7;
  options.dirty_fraction = 0.01;
  options.elections = 6;
  return options;
}

TEST(DemoGeneratorTest, SameSeedSameBytes) {
  TempDir dir;
  const DemoOptions options = SmallCounty();
  auto a = WriteDemoFiles(options, dir.File("a.txt"), dir.File("ah.txt"));
  auto b = WriteDemoFiles(options, dir.File("b.txt"), dir.File("bh.txt"));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(ReadAll(dir.File("a.txt")), ReadAll(dir.File("b.txt")));
  EXPECT_EQ(ReadAll(dir.File("ah.txt")), ReadAll(dir.File("bh.txt")));
  EXPECT_EQ(a->history_rows, b->history_rows);

  DemoOptions other = options;
  other.seed = 8;
  ASSERT_TRUE(WriteDemoFiles(other, dir.File("c.txt"), "").ok());
  EXPECT_NE(ReadAll(dir.File("a.txt")), ReadAll(dir.File("c.txt")));
}

TEST(DemoGeneratorTest, VoterFileDoesNotDependOnHistory) {
  TempDir dir;
  const DemoOptions options = SmallCounty();
  ASSERT_TRUE(WriteDemoFiles(options, dir.File("a.txt"), dir.File("ah.txt")).ok());
  ASSERT_TRUE(WriteDemoFiles(options, dir.File("b.txt"), "").ok());
  EXPECT_EQ(ReadAll(dir.File("a.txt")), ReadAll(dir.File("b.txt")));
  EXPECT_FALSE(fs::exists(dir.File("bh.txt")));
}

TEST(DemoGeneratorTest, NcvoterLayout) {
  TempDir dir;
  DemoOptions options = SmallCounty();
  options.dirty_fraction = 0;
  auto files = WriteDemoFiles(options, dir.File("v.txt"), "");
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  EXPECT_EQ(files->voter_rows, options.voters);
  EXPECT_EQ(files->dirty_rows, 0);

  const auto rows = ParseTsv(ReadAll(dir.File("v.txt")));
  ASSERT_EQ(rows.size(), static_cast<size_t>(options.voters) + 1);
  const std::vector<std::string> expected_header = {"county_id",
                                                    "county_desc",
                                                    "voter_reg_num",
                                                    "ncid",
                                                    "last_name",
                                                    "first_name",
                                                    "middle_name",
                                                    "name_suffix_lbl",
                                                    "status_cd",
                                                    "voter_status_desc",
                                                    "reason_cd",
                                                    "voter_status_reason_desc",
                                                    "res_street_address",
                                                    "res_city_desc",
                                                    "state_cd",
                                                    "zip_code",
                                                    "mail_addr1",
                                                    "mail_addr2",
                                                    "mail_addr3",
                                                    "mail_addr4",
                                                    "mail_city",
                                                    "mail_state",
                                                    "mail_zipcode",
                                                    "full_phone_number",
                                                    "confidential_ind",
                                                    "registr_dt",
                                                    "race_code",
                                                    "ethnic_code",
                                                    "party_cd",
                                                    "gender_code",
                                                    "birth_year",
                                                    "age_at_year_end",
                                                    "birth_state",
                                                    "drivers_lic",
                                                    "precinct_abbrv",
                                                    "precinct_desc",
                                                    "municipality_abbrv",
                                                    "municipality_desc",
                                                    "ward_abbrv",
                                                    "ward_desc",
                                                    "cong_dist_abbrv",
                                                    "super_court_abbrv",
                                                    "judic_dist_abbrv",
                                                    "nc_senate_abbrv",
                                                    "nc_house_abbrv",
                                                    "county_commiss_abbrv",
                                                    "county_commiss_desc",
                                                    "township_abbrv",
                                                    "township_desc",
                                                    "school_dist_abbrv",
                                                    "school_dist_desc",
                                                    "fire_dist_abbrv",
                                                    "fire_dist_desc",
                                                    "water_dist_abbrv",
                                                    "water_dist_desc",
                                                    "sewer_dist_abbrv",
                                                    "sewer_dist_desc",
                                                    "sanit_dist_abbrv",
                                                    "sanit_dist_desc",
                                                    "rescue_dist_abbrv",
                                                    "rescue_dist_desc",
                                                    "munic_dist_abbrv",
                                                    "munic_dist_desc",
                                                    "dist_1_abbrv",
                                                    "dist_1_desc",
                                                    "vtd_abbrv",
                                                    "vtd_desc"};
  ASSERT_EQ(expected_header.size(), 67u);
  EXPECT_EQ(rows[0], expected_header);

  std::set<std::string> ncids, reg_nums, precincts;
  std::map<std::string, std::vector<std::string>> districts_by_precinct;
  std::map<std::string, int> voters_at_address;
  std::map<std::string, int> parties, statuses;
  for (size_t i = 1; i < rows.size(); ++i) {
    const auto& r = rows[i];
    ASSERT_EQ(r.size(), 67u) << "row " << i;
    EXPECT_EQ(r[0], "92");
    EXPECT_EQ(r[1], "WAKE");
    EXPECT_TRUE(ncids.insert(r[3]).second) << "duplicate ncid " << r[3];
    EXPECT_TRUE(reg_nums.insert(r[2]).second) << "duplicate voter_reg_num " << r[2];
    ASSERT_EQ(r[3].size(), 8u);
    EXPECT_TRUE(std::isupper(static_cast<unsigned char>(r[3][0])) &&
                std::isupper(static_cast<unsigned char>(r[3][1])));
    EXPECT_FALSE(r[4].empty());
    EXPECT_FALSE(r[5].empty());
    std::string iso;
    EXPECT_TRUE(ParseDate(r[25], iso)) << r[25];
    const int birth_year = std::stoi(r[30]);
    EXPECT_GE(birth_year, 1930);
    EXPECT_LE(birth_year, 2006);
    EXPECT_EQ(r[34].size(), 5u) << r[34];  // "01-07"
    EXPECT_EQ(r[35], r[13] + " " + r[34]) << "precinct named after its town";
    precincts.insert(r[34]);
    // Everything from precinct_abbrv on is a property of the precinct.
    std::vector<std::string> districts(r.begin() + 34, r.end());
    auto [it, inserted] = districts_by_precinct.emplace(r[34], districts);
    if (!inserted) {
      EXPECT_EQ(it->second, districts) << "precinct " << r[34];
    }
    ++voters_at_address[r[12] + "|" + r[13]];
    ++parties[r[28]];
    ++statuses[r[8]];
  }
  EXPECT_EQ(precincts.size(), 12u);
  size_t shared = 0;
  for (const auto& [address, count] : voters_at_address) shared += count > 1 ? 1 : 0;
  EXPECT_GT(shared, voters_at_address.size() / 4) << "households share addresses";
  for (const char* party : {"DEM", "REP", "UNA"}) EXPECT_GT(parties[party], 600) << party;
  EXPECT_GT(statuses["A"], 2400);
  EXPECT_GT(statuses["I"], 100);
}

TEST(DemoGeneratorTest, DirtyRowsAreCountedAndPresent) {
  TempDir dir;
  DemoOptions options = SmallCounty();
  options.voters = 5000;
  options.dirty_fraction = 0.02;
  auto files = WriteDemoFiles(options, dir.File("v.txt"), "");
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  EXPECT_GT(files->dirty_rows, 50);
  EXPECT_LT(files->dirty_rows, 150);

  const auto rows = ParseTsv(ReadAll(dir.File("v.txt")));
  int64_t dirty = 0;
  std::map<std::string, int> kinds;
  for (size_t i = 1; i < rows.size(); ++i) {
    const auto& r = rows[i];
    if (r.size() < 67) {
      ++kinds["short"];
    } else if (r[3].empty()) {
      ++kinds["no ncid"];
    } else if (r[25] == "02/30/2019") {
      ++kinds["bad date"];
    } else if (r[30] == "19X0") {
      ++kinds["bad birth year"];
    } else {
      continue;
    }
    ++dirty;
  }
  EXPECT_EQ(dirty, files->dirty_rows);
  EXPECT_EQ(kinds.size(), 4u) << "every kind of dirty row appears";
}

TEST(DemoGeneratorTest, WritesLatin1) {
  TempDir dir;
  DemoOptions options = SmallCounty();
  options.voters = 5000;
  ASSERT_TRUE(WriteDemoFiles(options, dir.File("v.txt"), "").ok());
  const std::string content = ReadAll(dir.File("v.txt"));
  EXPECT_NE(content.find('\xD1'), std::string::npos) << "an N with tilde, as one Latin-1 byte";
  EXPECT_NE(content.find('\xC9'), std::string::npos) << "an E with acute, as one Latin-1 byte";
  EXPECT_FALSE(IsValidUtf8(content)) << "Latin-1, not UTF-8";
  EXPECT_EQ(content.find("\xC3\x91"), std::string::npos) << "no UTF-8 N with tilde";
}

TEST(DemoGeneratorTest, HistoryReferencesGeneratedVoters) {
  TempDir dir;
  const DemoOptions options = SmallCounty();
  auto files = WriteDemoFiles(options, dir.File("v.txt"), dir.File("h.txt"));
  ASSERT_TRUE(files.ok()) << files.status().ToString();

  const auto voters = ParseTsv(ReadAll(dir.File("v.txt")));
  std::map<std::string, std::string> reg_num_by_ncid;
  for (size_t i = 1; i < voters.size(); ++i) {
    if (voters[i].size() == 67 && !voters[i][3].empty())
      reg_num_by_ncid[voters[i][3]] = voters[i][2];
  }
  const auto history = ParseTsv(ReadAll(dir.File("h.txt")));
  ASSERT_EQ(history.size(), static_cast<size_t>(files->history_rows) + 1);
  EXPECT_EQ(history[0], (std::vector<std::string>{
                            "county_id", "county_desc", "voter_reg_num", "election_lbl",
                            "election_desc", "voting_method", "voted_party_cd", "voted_party_desc",
                            "pct_label", "pct_description", "ncid", "voted_county_id",
                            "voted_county_desc", "vtd_label", "vtd_description"}));
  // Several elections per voter on average, but not everyone every time.
  EXPECT_GT(files->history_rows, options.voters);
  EXPECT_LT(files->history_rows, options.voters * options.elections);

  std::set<std::string> elections, methods;
  std::set<std::pair<std::string, std::string>> voter_elections;
  for (size_t i = 1; i < history.size(); ++i) {
    const auto& h = history[i];
    ASSERT_EQ(h.size(), 15u) << "history row " << i;
    auto it = reg_num_by_ncid.find(h[10]);
    ASSERT_NE(it, reg_num_by_ncid.end()) << "history of unknown ncid " << h[10];
    EXPECT_EQ(it->second, h[2]);
    EXPECT_TRUE(voter_elections.emplace(h[10], h[3]).second) << "voted twice: " << h[10];
    EXPECT_EQ(h[4].substr(0, 10), h[3]);
    const bool primary = h[4].find("PRIMARY") != std::string::npos;
    EXPECT_EQ(primary, !h[6].empty()) << "party only for primaries: " << h[4];
    elections.insert(h[3]);
    methods.insert(h[5]);
  }
  EXPECT_EQ(elections.size(), static_cast<size_t>(options.elections));
  EXPECT_EQ(methods, (std::set<std::string>{"ABSENTEE BY MAIL", "ABSENTEE ONESTOP", "IN-PERSON"}));
}

TEST(DemoGeneratorTest, RejectsBadOptions) {
  TempDir dir;
  DemoOptions options = SmallCounty();
  options.precincts = 0;
  auto files = WriteDemoFiles(options, dir.File("v.txt"), "");
  ASSERT_FALSE(files.ok());
  EXPECT_EQ(files.status().code(), ErrorCode::kInvalidArgument);

  options = SmallCounty();
  auto unwritable = WriteDemoFiles(options, dir.File("missing/dir/v.txt"), "");
  ASSERT_FALSE(unwritable.ok());
}

TEST(DemoGeneratorTest, EmptyCountyHasOnlyHeaders) {
  TempDir dir;
  DemoOptions options = SmallCounty();
  options.voters = 0;
  auto files = WriteDemoFiles(options, dir.File("v.txt"), dir.File("h.txt"));
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  EXPECT_EQ(ParseTsv(ReadAll(dir.File("v.txt"))).size(), 1u);
  EXPECT_EQ(ParseTsv(ReadAll(dir.File("h.txt"))).size(), 1u);
}

}  // namespace
}  // namespace narwhal

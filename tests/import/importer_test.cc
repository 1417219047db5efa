// End-to-end imports into the real embedded store.
#include "import/importer.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "../storage/temp_dir.h"
#include "../storage/unimplemented_store.h"
#include "import/progress.h"
#include "storage/sqlite/sqlite_store.h"

namespace narwhal {
namespace {

const std::string kVoterFiles = NARWHAL_SHARED_DATA "/voter-files/";

constexpr std::string_view kNcHeader =
    "ncid\tcounty_id\tcounty_desc\tprecinct_abbrv\tlast_name\tfirst_name\tres_street_address\t"
    "res_city_desc\tstatus_cd\tregistr_dt\tbirth_year\r\n";

std::string NcRow(std::string_view ncid, std::string_view county, std::string_view precinct,
                  std::string_view last, std::string_view street,
                  std::string_view date = "03/24/1998") {
  std::string row;
  bool first = true;
  for (std::string_view f :
       {ncid, county, std::string_view("WAKE"), precinct, last, std::string_view("ANN"), street,
        std::string_view("RALEIGH"), std::string_view("A"), date, std::string_view("1970")}) {
    if (!first) row += '\t';
    first = false;
    row += f;
  }
  return row + "\r\n";
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class RecordingProgress final : public ProgressSink {
 public:
  void Update(const ImportProgress& p) override { updates.push_back(p); }
  std::vector<ImportProgress> updates;
};

class ImporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir_.ok());
    SqliteOptions options;
    options.path = dir_.File("narwhal.db");
    options.read_connections = 1;
    auto store = OpenSqliteStore(options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }

  std::string Write(const std::string& name, const std::string& text) {
    std::string path = dir_.File(name);
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  Result<ImportSummary> Import(VoterFormat format, const std::string& path,
                               bool full_refresh = false, const std::string& mapping = "") {
    ImportOptions options;
    options.format = format;
    options.path = path;
    options.mapping_path = mapping;
    options.rejects_path = dir_.File("rejects.tsv");
    options.full_refresh = full_refresh;
    options.batch_rows = 7;  // several store batches even for small files
    return RunImport(*store_, options, nullptr);
  }

  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(ImporterTest, NcSampleIntoStore) {
  RecordingProgress progress;
  ImportOptions options;
  options.format = VoterFormat::kNcsbe;
  options.path = kVoterFiles + "synthetic_nc.csv";
  options.rejects_path = dir_.File("rejects.tsv");
  auto summary = RunImport(*store_, options, &progress);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->rows, 100);
  EXPECT_EQ(summary->imported, 100);
  EXPECT_EQ(summary->rejected, 0);
  EXPECT_EQ(summary->voters.added, 100);
  EXPECT_EQ(summary->rejects_path, "");
  EXPECT_FALSE(std::filesystem::exists(dir_.File("rejects.tsv")));
  ASSERT_FALSE(progress.updates.empty());
  EXPECT_EQ(progress.updates.back().rows, 100);
  EXPECT_EQ(progress.updates.back().bytes, progress.updates.back().total_bytes);
  EXPECT_TRUE(progress.updates.back().done);

  auto record = store_->GetVoter("DU994065");
  ASSERT_TRUE(record.ok()) << record.status().ToString();
  EXPECT_EQ(record->voter.last_name, "LANDRY");
  EXPECT_EQ(record->voter.registration_date, "1977-02-26");
  auto stats = store_->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->voters, 100);

  std::string json = summary->ToJson();
  EXPECT_EQ(json.find('\n'), std::string::npos);
  EXPECT_NE(json.find("\"format\":\"ncsbe\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"added\":100"), std::string::npos) << json;
}

TEST_F(ImporterTest, WrongFormatChangesNothing) {
  auto summary = Import(VoterFormat::kNcsbe, kVoterFiles + "synthetic_oh.csv");
  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(summary.status().message().find("header has no column 'ncid'"), std::string::npos);
  auto stats = store_->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->voters, 0);
  EXPECT_FALSE(std::filesystem::exists(dir_.File("rejects.tsv")));
}

TEST_F(ImporterTest, MissingFileIsNotFound) {
  auto summary = Import(VoterFormat::kNcsbe, dir_.File("nope.txt"));
  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.status().code(), ErrorCode::kNotFound);
}

TEST_F(ImporterTest, BadRowsGoToRejectsFile) {
  std::string text = std::string(kNcHeader) + NcRow("AA1", "92", "01", "SMITH", "1 MAIN ST") +
                     NcRow("AA2", "92", "01", "JONES", "2 MAIN ST", "02/30/1999") +
                     NcRow("", "92", "01", "NOID", "3 MAIN ST") + "AA4\t92\tSHORT\r\n" +
                     NcRow("AA1", "92", "01", "AGAIN", "1 MAIN ST") +
                     "AA6\t92\tWAKE\t01\t\"OPEN\tANN\r\n" +
                     NcRow("AA7", "92", "01", "LAST", "7 MAIN\\ST");
  auto summary = Import(VoterFormat::kNcsbe, Write("nc.tsv", text));
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->rows, 7);
  EXPECT_EQ(summary->imported, 2);
  EXPECT_EQ(summary->rejected, 5);
  EXPECT_EQ(summary->rejects_path, dir_.File("rejects.tsv"));
  std::string rejects = ReadFile(dir_.File("rejects.tsv"));
  std::vector<std::string> lines;
  std::istringstream in(rejects);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 6u) << rejects;
  EXPECT_EQ(lines[0], "line\tcolumn\treason\trecord");
  EXPECT_EQ(lines[1].substr(0, 24), "3\tregistr_dt\tregistratio");
  EXPECT_NE(lines[1].find("'02/30/1999' is not a date\tAA2\\t92\\tWAKE"), std::string::npos)
      << lines[1];
  EXPECT_EQ(lines[2].substr(0, 22), "4\tncid\tempty voter id\t");
  EXPECT_EQ(lines[3], "5\t\texpected 11 fields, found 3\tAA4\\t92\\tSHORT");
  EXPECT_EQ(lines[4].substr(0, 55), "6\tncid\tduplicate voter id, first seen at line 2\tAA1\\t92");
  EXPECT_EQ(lines[5].substr(0, 32), "7\t\tunterminated quoted field\tAA6");
  auto last = store_->GetVoter("AA7");
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->voter.residence.street, "7 MAIN\\ST");
  auto first = store_->GetVoter("AA1");
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->voter.last_name, "SMITH");  // the repeat did not overwrite it
}

TEST_F(ImporterTest, ReimportReportsUnchangedChangedMovedAdded) {
  std::string week1 = std::string(kNcHeader) + NcRow("AA1", "92", "01", "SMITH", "1 MAIN ST") +
                      NcRow("AA2", "92", "01", "JONES", "2 MAIN ST") +
                      NcRow("AA3", "92", "02", "BROWN", "3 OAK ST");
  auto first = Import(VoterFormat::kNcsbe, Write("w1.tsv", week1));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->voters.added, 3);

  auto again = Import(VoterFormat::kNcsbe, Write("w1.tsv", week1));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->voters.unchanged, 3);
  EXPECT_EQ(again->voters.added, 0);
  EXPECT_EQ(again->voters.changed, 0);

  std::string week2 = std::string(kNcHeader) + NcRow("AA1", "92", "01", "SMITH", "1 MAIN ST") +
                      NcRow("AA2", "92", "01", "JONES-LEE", "2 MAIN ST") +
                      NcRow("AA3", "92", "02", "BROWN", "9 ELM ST") +
                      NcRow("AA4", "92", "02", "NEW", "4 OAK ST");
  auto second = Import(VoterFormat::kNcsbe, Write("w2.tsv", week2));
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->voters.unchanged, 1);
  EXPECT_EQ(second->voters.changed, 2);
  EXPECT_EQ(second->voters.moved, 1);
  EXPECT_EQ(second->voters.added, 1);
  EXPECT_EQ(second->removed, 0);
}

TEST_F(ImporterTest, FullRefreshMarksAbsentVotersOfCoveredCountiesRemoved) {
  std::string week1 = std::string(kNcHeader) + NcRow("AA1", "92", "01", "SMITH", "1 MAIN ST") +
                      NcRow("AA2", "92", "01", "JONES", "2 MAIN ST") +
                      NcRow("BB1", "11", "07", "OTHER", "5 PINE ST");
  ASSERT_TRUE(Import(VoterFormat::kNcsbe, Write("w1.tsv", week1)).ok());
  // County 92 again without AA2; county 11 is not in the file, so BB1 stays.
  std::string week2 = std::string(kNcHeader) + NcRow("AA1", "92", "01", "SMITH", "1 MAIN ST");
  auto summary = Import(VoterFormat::kNcsbe, Write("w2.tsv", week2), /*full_refresh=*/true);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->removed, 1);
  auto removed = store_->GetVoter("AA2");
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(removed->voter.status, VoterStatus::kRemoved);
  auto kept = store_->GetVoter("BB1");
  ASSERT_TRUE(kept.ok());
  EXPECT_NE(kept->voter.status, VoterStatus::kRemoved);
}

TEST_F(ImporterTest, FullRefreshKeepsVotersWhoseRowWasRejected) {
  std::string week1 = std::string(kNcHeader) + NcRow("AA1", "92", "01", "SMITH", "1 MAIN ST") +
                      NcRow("AA2", "92", "01", "JONES", "2 MAIN ST");
  ASSERT_TRUE(Import(VoterFormat::kNcsbe, Write("w1.tsv", week1)).ok());
  // AA2's row is bad this week (an impossible date), but the state still lists her.
  std::string week2 = std::string(kNcHeader) + NcRow("AA1", "92", "01", "SMITH", "1 MAIN ST") +
                      NcRow("AA2", "92", "01", "JONES", "2 MAIN ST", "02/30/2019");
  auto summary = Import(VoterFormat::kNcsbe, Write("w2.tsv", week2), /*full_refresh=*/true);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->rejected, 1);
  EXPECT_EQ(summary->removed, 0);
  auto kept = store_->GetVoter("AA2");
  ASSERT_TRUE(kept.ok());
  EXPECT_NE(kept->voter.status, VoterStatus::kRemoved);
  EXPECT_TRUE(kept->removed_at.empty());
}

TEST_F(ImporterTest, Latin1FileStoredAsUtf8) {
  std::string text =
      "\"ncid\"\t\"county_id\"\t\"last_name\"\t\"first_name\"\r\n"
      "\"AA1\"\t\"92\"\t\"PE\xD1"
      "A\"\t\"JOS\xC9\"\r\n";
  auto summary = Import(VoterFormat::kNcsbe, Write("latin1.tsv", text));
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->imported, 1);
  auto record = store_->GetVoter("AA1");
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->voter.last_name, "PEÑA");
  EXPECT_EQ(record->voter.first_name, "JOSÉ");
}

TEST_F(ImporterTest, OhioStoresHistoryColumns) {
  auto summary = Import(VoterFormat::kOhio, kVoterFiles + "synthetic_oh.csv");
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->imported, 100);
  EXPECT_GT(summary->history_rows, 0);
  auto record = store_->GetVoter("OH0000606490");
  ASSERT_TRUE(record.ok());
  ASSERT_FALSE(record->history.empty());
  EXPECT_EQ(record->history.back().election_date, "2013-05-07");
}

TEST_F(ImporterTest, NcvhisHistoryFile) {
  ASSERT_TRUE(Import(VoterFormat::kNcsbe,
                     Write("v.tsv",
                           std::string(kNcHeader) + NcRow("AA1", "92", "01", "SMITH", "1 MAIN ST")))
                  .ok());
  std::string text =
      "county_id\tcounty_desc\tvoter_reg_num\telection_lbl\telection_desc\tvoting_method\t"
      "voted_party_cd\tvoted_party_desc\tpct_label\tpct_description\tncid\tvoted_county_id\t"
      "voted_county_desc\tvtd_label\tvtd_description\n"
      "92\tWAKE\t1\t11/08/2022\t11/08/2022 GENERAL\tIN-PERSON\t\t\t01\tP01\tAA1\t92\tWAKE\t01\t01\n"
      "92\tWAKE\t1\t03/03/2020\t03/03/2020 PRIMARY\tABSENTEE BY MAIL\tDEM\tDEMOCRATIC\t01\tP01\t"
      "AA1\t92\tWAKE\t01\t01\n";
  auto summary = Import(VoterFormat::kNcvhis, Write("h.tsv", text));
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->rows, 2);
  EXPECT_EQ(summary->history_rows, 2);
  auto record = store_->GetVoter("AA1");
  ASSERT_TRUE(record.ok());
  ASSERT_EQ(record->history.size(), 2u);
  EXPECT_EQ(record->history[0].election_date, "2022-11-08");
  EXPECT_EQ(record->history[1].party, "DEM");
}

TEST_F(ImporterTest, EveryOtherSampleImports) {
  struct Case {
    VoterFormat format;
    std::string file;
    std::string mapping;
    int64_t rows;
  };
  for (const Case& c : {Case{VoterFormat::kFlorida, "synthetic_fl.csv", "", 100},
                        Case{VoterFormat::kWashington, "synthetic_wa.csv", "", 1000},
                        Case{VoterFormat::kCsv, "synthetic_co.csv", "colorado.json", 1000},
                        Case{VoterFormat::kCsv, "synthetic_pa.csv", "pennsylvania.json", 100}}) {
    std::string mapping = c.mapping.empty() ? "" : NARWHAL_SOURCE_DIR "/docs/mappings/" + c.mapping;
    auto summary = Import(c.format, kVoterFiles + c.file, false, mapping);
    ASSERT_TRUE(summary.ok()) << c.file << ": " << summary.status().ToString();
    EXPECT_EQ(summary->rows, c.rows) << c.file;
    EXPECT_EQ(summary->rejected, 0) << c.file << " " << ReadFile(dir_.File("rejects.tsv"));
    EXPECT_EQ(summary->imported, c.rows) << c.file;
  }
}

// Forwards to a real store but fails the second voter batch, as a database that goes
// away mid-import would.
// The real store, except that the second batch fails as if the database went away.
class FailingStore final : public testing::UnimplementedStore {
 public:
  explicit FailingStore(Store& inner) : inner_(inner) {}
  Result<ImportId> BeginImport(const ImportInfo& info) override { return inner_.BeginImport(info); }
  Result<UpsertCounts> UpsertVoters(ImportId id, std::span<const Voter> voters) override {
    if (++calls_ == 2) return Unavailable("database went away");
    return inner_.UpsertVoters(id, voters);
  }
  Result<int64_t> UpsertHistory(ImportId id, std::span<const VoteHistoryEntry> rows) override {
    return inner_.UpsertHistory(id, rows);
  }
  Result<FinishImportResult> FinishImport(ImportId id,
                                          const FinishImportOptions& options) override {
    return inner_.FinishImport(id, options);
  }

 private:
  Store& inner_;
  int calls_ = 0;
};

TEST_F(ImporterTest, StoreFailureStopsTheImportCleanly) {
  FailingStore failing(*store_);
  ImportOptions options;
  options.format = VoterFormat::kWashington;
  options.path = kVoterFiles + "synthetic_wa.csv";
  options.rejects_path = dir_.File("rejects.tsv");
  options.batch_rows = 10;  // the decode thread is blocked on a full queue when it fails
  auto summary = RunImport(failing, options, nullptr);
  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.status().code(), ErrorCode::kUnavailable);
  EXPECT_NE(summary.status().message().find("database went away"), std::string::npos);
}

TEST_F(ImporterTest, Utf8EncodingRejectsLatin1Rows) {
  std::string text =
      "ncid\tcounty_id\tlast_name\tfirst_name\n"
      "AA1\t92\tPE\xD1"
      "A\tANN\n"
      "AA2\t92\tPE\xC3\x91"
      "A\tBO\n";
  ImportOptions options;
  options.format = VoterFormat::kNcsbe;
  options.path = Write("utf8.tsv", text);
  options.rejects_path = dir_.File("rejects.tsv");
  options.encoding = Encoding::kUtf8;
  auto summary = RunImport(*store_, options, nullptr);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->imported, 1);
  EXPECT_EQ(summary->rejected, 1);
  std::string rejects = ReadFile(dir_.File("rejects.tsv"));
  EXPECT_NE(rejects.find("2\t\tinvalid UTF-8 in field 3\tAA1\\t92\\tPEÑA"), std::string::npos)
      << rejects;
  auto record = store_->GetVoter("AA2");
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->voter.last_name, "PEÑA");
}

TEST(ProgressTest, FormatsLine) {
  ImportProgress p;
  p.rows = 1234567;
  p.bytes = 38;
  p.total_bytes = 100;
  p.elapsed_seconds = 3.0;
  EXPECT_EQ(FormatProgressLine(p), "1,234,567 rows  411,522 rows/s  38%  00:05 left");
  p.total_bytes = 0;
  EXPECT_EQ(FormatProgressLine(p), "1,234,567 rows  411,522 rows/s");
}

TEST(ProgressTest, SilentWhenNotATerminal) {
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  TerminalProgress quiet(out, /*interactive=*/false);
  quiet.Update({10, 1, 2, 1.0});
  quiet.Finish();
  EXPECT_EQ(std::ftell(out), 0);
  {
    TerminalProgress loud(out, /*interactive=*/true);
    loud.Update({10, 1, 2, 1.0});
    ImportProgress last{20, 2, 2, 2.0};
    last.done = true;
    loud.Update(last);  // ends the line itself
  }
  std::rewind(out);
  char text[200] = {};
  size_t n = std::fread(text, 1, sizeof text - 1, out);
  EXPECT_EQ(std::string(text, n),
            "\r10 rows  10 rows/s  50%  00:01 left\r20 rows  10 rows/s"
            "                 \n");
  std::fclose(out);
}

TEST(FormatNamesTest, RoundTrip) {
  for (std::string_view name : {"ncsbe", "ncvhis", "ohio", "florida", "washington", "csv"}) {
    auto f = ParseVoterFormat(name);
    ASSERT_TRUE(f.ok());
    EXPECT_EQ(VoterFormatName(*f), name);
  }
  EXPECT_FALSE(ParseVoterFormat("texas").ok());
}

}  // namespace
}  // namespace narwhal

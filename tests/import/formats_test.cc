#include "import/formats.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "import/csv_reader.h"

namespace narwhal {
namespace {

const std::string kVoterFiles = NARWHAL_SHARED_DATA "/voter-files/";

struct Mapped {
  std::vector<Voter> voters;
  std::vector<VoteHistoryEntry> history;
  std::vector<std::pair<int64_t, RowError>> errors;  // (line, error)
};

std::string_view Named(const NamedValues& values, std::string_view key) {
  for (const auto& [k, v] : values) {
    if (k == key) return v;
  }
  return {};
}

// Reads `data` as `format` the way the importer does, mapping every data record.
Result<Mapped> MapAll(VoterFormat format, std::unique_ptr<ByteSource> source,
                      const CsvMapping* mapping = nullptr) {
  FormatLayout layout = LayoutOf(format, mapping);
  CsvOptions options;
  options.delimiter = layout.delimiter;
  CsvReader reader(std::move(source), options);
  CsvRecord record;
  NARWHAL_ASSIGN_OR_RETURN(bool any, reader.Next(record));
  if (!any) return InvalidArgument("empty");
  NARWHAL_ASSIGN_OR_RETURN(RowMapper mapper, RowMapper::Create(format, record.fields, mapping));
  Mapped out;
  bool first_is_data = !layout.header;
  for (;;) {
    if (!first_is_data) {
      NARWHAL_ASSIGN_OR_RETURN(bool more, reader.Next(record));
      if (!more) break;
    }
    first_is_data = false;
    RowError error;
    if (!record.error.empty()) {
      out.errors.push_back({record.line, RowError{"", record.error}});
    } else if (mapper.kind() == RecordKind::kVoters) {
      Voter v;
      if (mapper.MapVoter(record.fields, v, out.history, error)) {
        out.voters.push_back(std::move(v));
      } else {
        out.errors.push_back({record.line, error});
      }
    } else {
      VoteHistoryEntry e;
      if (mapper.MapHistory(record.fields, e, error)) {
        out.history.push_back(std::move(e));
      } else {
        out.errors.push_back({record.line, error});
      }
    }
  }
  return out;
}

Result<Mapped> MapFile(VoterFormat format, const std::string& name,
                       const CsvMapping* mapping = nullptr) {
  NARWHAL_ASSIGN_OR_RETURN(auto source, OpenFileSource(kVoterFiles + name));
  return MapAll(format, std::move(source), mapping);
}

TEST(FormatsTest, NcsbeShuffled71Columns) {
  auto m = MapFile(VoterFormat::kNcsbe, "synthetic_nc.csv");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_TRUE(m->errors.empty());
  ASSERT_EQ(m->voters.size(), 100u);
  const Voter& v = m->voters[0];
  EXPECT_EQ(v.voter_id, "DU994065");
  EXPECT_EQ(v.state, "NC");
  EXPECT_EQ(v.last_name, "LANDRY");
  EXPECT_EQ(v.first_name, "MASON");
  EXPECT_EQ(v.middle_name, "JASON");
  EXPECT_EQ(v.county, "18");
  EXPECT_EQ(v.county_name, "JONESTOWN");
  EXPECT_EQ(v.precinct, "1/7");
  EXPECT_EQ(v.precinct_name, "BOWENVIEW");
  EXPECT_EQ(v.registration_number, "71556617");
  EXPECT_EQ(v.status, VoterStatus::kInactive);
  EXPECT_EQ(v.status_reason, "CONFIRMATION PENDING");
  EXPECT_EQ(v.registration_date, "1977-02-26");
  EXPECT_EQ(v.residence.street, "795 JOHNSON CLUB APT. 394");
  EXPECT_EQ(v.residence.city, "NORTH FELICIA");
  EXPECT_EQ(v.residence.state, "NC");
  EXPECT_EQ(v.residence.zip, "46984");
  EXPECT_EQ(v.party, "LIB");
  EXPECT_EQ(v.gender, "M");
  EXPECT_EQ(v.race, "W");
  EXPECT_EQ(v.ethnicity, "NL");
  EXPECT_EQ(v.phone, "02609712509");
  EXPECT_EQ(v.birth_year, 0);  // the old layout has birth_age, kept in extra
  EXPECT_EQ(Named(v.extra, "birth_age"), "34");
  EXPECT_EQ(Named(v.districts, "congressional"), "6");
  EXPECT_EQ(Named(v.districts, "state_house"), "89");
  EXPECT_EQ(Named(v.districts, "municipality"), "ME");
  EXPECT_EQ(Named(v.extra, "voter_status_desc"), "INACTIVE");
  EXPECT_EQ(Named(v.extra, "judic_dis_abbrv"), "13");  // unknown columns are kept
  for (const Voter& voter : m->voters) {
    EXPECT_FALSE(voter.voter_id.empty());
    for (const auto& [k, value] : voter.extra) EXPECT_FALSE(value.empty()) << k;
  }
}

TEST(FormatsTest, NcsbeMailingLinesJoined) {
  std::string data =
      "ncid\tcounty_id\tlast_name\tfirst_name\tmail_addr1\tmail_addr2\tmail_addr3\tmail_city\t"
      "birth_year\tregistr_dt\r\n"
      "AA1\t92\tSMITH\tANN\tPO BOX 1\t \tSUITE 2\tRALEIGH\t1980\t03/24/1998\r\n"
      "AA2\t92\tSMITH\tBOB\t\t\t\t\t19x0\t\r\n"
      "AA3\t92\tSMITH\tCY\t\t\t\t\t\t13/45/1998\r\n"
      " \t92\tSMITH\tDI\t\t\t\t\t\t\r\n"
      "AA5\t92\tSMITH\r\n";
  auto m = MapAll(VoterFormat::kNcsbe, MemorySource(data));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  ASSERT_EQ(m->voters.size(), 1u);
  EXPECT_EQ(m->voters[0].mailing_address, "PO BOX 1, SUITE 2");
  EXPECT_EQ(m->voters[0].mailing.city, "RALEIGH");
  EXPECT_EQ(m->voters[0].birth_year, 1980);
  EXPECT_EQ(m->voters[0].registration_date, "1998-03-24");
  ASSERT_EQ(m->errors.size(), 4u);
  EXPECT_EQ(m->errors[0].first, 3);
  EXPECT_EQ(m->errors[0].second.column, "birth_year");
  EXPECT_NE(m->errors[0].second.reason.find("'19x0'"), std::string::npos);
  EXPECT_EQ(m->errors[1].second.column, "registr_dt");
  EXPECT_EQ(m->errors[2].second.column, "ncid");
  EXPECT_EQ(m->errors[2].second.reason, "empty voter id");
  EXPECT_EQ(m->errors[3].second.column, "");
  EXPECT_EQ(m->errors[3].second.reason, "expected 10 fields, found 3");
}

TEST(FormatsTest, WrongHeaderExplainsItself) {
  auto m = MapFile(VoterFormat::kNcsbe, "synthetic_oh.csv");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(m.status().message().find("ncsbe: header has no column 'ncid'"), std::string::npos)
      << m.status().message();
  EXPECT_NE(m.status().message().find("first columns seen: CAREER_CENTER, CITY"),
            std::string::npos);
  EXPECT_FALSE(MapFile(VoterFormat::kOhio, "synthetic_nc.csv").ok());
  EXPECT_FALSE(MapFile(VoterFormat::kWashington, "synthetic_nc.csv").ok());
  EXPECT_FALSE(MapFile(VoterFormat::kNcvhis, "synthetic_nc.csv").ok());
  auto fl = MapFile(VoterFormat::kFlorida, "synthetic_wa.csv");
  ASSERT_FALSE(fl.ok());
  EXPECT_NE(fl.status().message().find("is not a Florida voter extract"), std::string::npos)
      << fl.status().message();
  auto short_fl = MapAll(VoterFormat::kFlorida, MemorySource("a\tb\tc\n"));
  ASSERT_FALSE(short_fl.ok());
  EXPECT_NE(short_fl.status().message().find("expected 38 fields"), std::string::npos);
}

TEST(FormatsTest, NcvhisHistory) {
  std::string data =
      "\"county_id\"\t\"county_desc\"\t\"voter_reg_num\"\t\"election_lbl\"\t\"election_desc\"\t"
      "\"voting_method\"\t\"voted_party_cd\"\t\"voted_party_desc\"\t\"pct_label\"\t"
      "\"pct_description\"\t\"ncid\"\t\"voted_county_id\"\t\"voted_county_desc\"\t"
      "\"vtd_label\"\t\"vtd_description\"\r\n"
      "\"92\"\t\"WAKE\"\t\"000001\"\t\"11/08/2022\"\t\"11/08/2022 GENERAL\"\t\"IN-PERSON\"\t"
      "\"DEM\"\t\"DEMOCRATIC\"\t\"01-07\"\t\"PRECINCT 01-07\"\t\"AA1\"\t\"92\"\t\"WAKE\"\t"
      "\"01-07\"\t\"01-07\"\r\n"
      "\"92\"\t\"WAKE\"\t\"000002\"\t\"soon\"\t\"X\"\t\"\"\t\"\"\t\"\"\t\"\"\t\"\"\t\"AA2\"\t"
      "\"92\"\t\"WAKE\"\t\"\"\t\"\"\r\n";
  auto m = MapAll(VoterFormat::kNcvhis, MemorySource(data));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  ASSERT_EQ(m->history.size(), 1u);
  const VoteHistoryEntry& e = m->history[0];
  EXPECT_EQ(e.voter_id, "AA1");
  EXPECT_EQ(e.election_date, "2022-11-08");
  EXPECT_EQ(e.election_desc, "11/08/2022 GENERAL");
  EXPECT_EQ(e.voting_method, "IN-PERSON");
  EXPECT_EQ(e.party, "DEM");
  EXPECT_EQ(e.county, "92");
  EXPECT_EQ(e.precinct, "01-07");
  ASSERT_EQ(m->errors.size(), 1u);
  EXPECT_EQ(m->errors[0].second.column, "election_lbl");
}

TEST(FormatsTest, OhioWithHistoryColumns) {
  auto m = MapFile(VoterFormat::kOhio, "synthetic_oh.csv");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_TRUE(m->errors.empty()) << m->errors[0].second.reason;
  ASSERT_EQ(m->voters.size(), 100u);
  const Voter& v = m->voters[0];
  EXPECT_EQ(v.voter_id, "OH0000241161");
  EXPECT_EQ(v.state, "OH");
  EXPECT_EQ(v.last_name, "MILLER");
  EXPECT_EQ(v.first_name, "AMANDA");
  EXPECT_EQ(v.middle_name, "GLENN");
  EXPECT_EQ(v.county, "84");
  EXPECT_EQ(v.precinct, "30-XDY");
  EXPECT_EQ(v.precinct_name, "EAST ELIZABETH");
  EXPECT_EQ(v.residence.street, "40689 BEASLEY PASSAGE SUITE 704");
  EXPECT_EQ(v.residence.zip, "48498-8717");
  EXPECT_EQ(v.birth_year, 2008);
  EXPECT_EQ(v.registration_date, "1977-03-22");
  EXPECT_EQ(v.status, VoterStatus::kActive);
  EXPECT_EQ(v.party, "C");
  EXPECT_EQ(Named(v.districts, "congressional"), "84");
  EXPECT_EQ(Named(v.extra, "COUNTY_ID"), "61419587");
  EXPECT_EQ(Named(v.extra, "GENERAL-11/03/2015"), "");  // history, not extra
  // Voter 1 voted in the 2015 general; voter 2 in the 2013 primary on a D ballot.
  ASSERT_GE(m->history.size(), 2u);
  EXPECT_EQ(m->history[0].voter_id, "OH0000241161");
  EXPECT_EQ(m->history[0].election_date, "2015-11-03");
  EXPECT_EQ(m->history[0].election_desc, "GENERAL-11/03/2015");
  EXPECT_EQ(m->history[0].party, "");
  EXPECT_EQ(m->history[1].voter_id, "OH0000606490");
  EXPECT_EQ(m->history[1].election_date, "2013-05-07");
  EXPECT_EQ(m->history[1].party, "D");
}

TEST(FormatsTest, FloridaWithoutHeader) {
  auto m = MapFile(VoterFormat::kFlorida, "synthetic_fl.csv");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  for (const auto& [line, e] : m->errors)
    ADD_FAILURE() << line << " " << e.column << " " << e.reason;
  ASSERT_EQ(m->voters.size(), 100u);  // the first record is data
  const Voter& v = m->voters[0];
  EXPECT_EQ(v.voter_id, "8143586746");
  EXPECT_EQ(v.state, "FL");
  EXPECT_EQ(v.county, "ALA");
  EXPECT_EQ(v.last_name, "GROSS");
  EXPECT_EQ(v.name_suffix, "MD");
  EXPECT_EQ(v.first_name, "ANTHONY");
  EXPECT_EQ(v.residence.street, "3784 JARED BROOKS");
  EXPECT_EQ(v.mailing_address, "APT. 087");
  EXPECT_EQ(v.mailing.state, "CA");
  EXPECT_EQ(v.birth_year, 2009);
  EXPECT_EQ(v.registration_date, "1974-12-06");
  EXPECT_EQ(v.precinct, "16");
  EXPECT_EQ(v.status, VoterStatus::kInactive);
  EXPECT_EQ(v.phone, "6770809");
  EXPECT_EQ(Named(v.extra, "email_address"), "WILCOXPAUL@PAGE.NET");
  EXPECT_EQ(Named(v.extra, "public_records_exemption"), "N");
  EXPECT_EQ(Named(v.districts, "congressional"), "4");
}

TEST(FormatsTest, WashingtonStreetFromParts) {
  auto m = MapFile(VoterFormat::kWashington, "synthetic_wa.csv");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  for (const auto& [line, e] : m->errors)
    ADD_FAILURE() << line << " " << e.column << " " << e.reason;
  ASSERT_EQ(m->voters.size(), 1000u);
  const Voter& v = m->voters[1];
  EXPECT_EQ(v.voter_id, "WA0002");
  EXPECT_EQ(v.registration_number, "1010");
  EXPECT_EQ(v.first_name, "Anne");
  EXPECT_EQ(v.middle_name, "Laura");
  EXPECT_EQ(v.last_name, "Bowman");
  EXPECT_EQ(v.residence.street, "8762 Jana Street Apt 56");
  EXPECT_EQ(v.residence.city, "Las Vegas");
  EXPECT_EQ(v.county, "AS");
  EXPECT_EQ(v.precinct, "61");
  EXPECT_EQ(v.birth_year, 1951);
  EXPECT_EQ(v.registration_date, "1967-09-27");
  EXPECT_EQ(v.mailing_address, "5 Nevada Center");
  EXPECT_EQ(v.mailing.zip, "95155");
  EXPECT_EQ(v.status, VoterStatus::kActive);
  EXPECT_EQ(Named(v.districts, "legislative"), "15");
  EXPECT_EQ(Named(v.extra, "LastVoted"), "2/4/2016");
}

TEST(FormatsTest, CsvMappingColorado) {
  auto mapping = LoadCsvMapping(NARWHAL_SOURCE_DIR "/docs/mappings/colorado.json");
  ASSERT_TRUE(mapping.ok()) << mapping.status().ToString();
  auto m = MapFile(VoterFormat::kCsv, "synthetic_co.csv", &*mapping);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  for (const auto& [line, e] : m->errors)
    ADD_FAILURE() << line << " " << e.column << " " << e.reason;
  ASSERT_EQ(m->voters.size(), 1000u);
  const Voter& v = m->voters[0];
  EXPECT_EQ(v.voter_id, "30762053");
  EXPECT_EQ(v.state, "CO");
  EXPECT_EQ(v.county, "49");
  EXPECT_EQ(v.county_name, "Tuscaloosa");
  EXPECT_EQ(v.last_name, "Adams");
  EXPECT_EQ(v.residence.street, "1162 SCHILLER ROAD");
  EXPECT_EQ(v.residence.zip, "64698-4207");
  EXPECT_EQ(v.birth_year, 1957);
  EXPECT_EQ(v.registration_date, "1998-03-24");
  EXPECT_EQ(v.status, VoterStatus::kInactive);
  EXPECT_EQ(Named(v.extra, "VOTER_NAME"), "Adams, Scott Joyce");
}

TEST(FormatsTest, CsvMappingPennsylvaniaByColumnNumber) {
  auto mapping = LoadCsvMapping(NARWHAL_SOURCE_DIR "/docs/mappings/pennsylvania.json");
  ASSERT_TRUE(mapping.ok()) << mapping.status().ToString();
  auto m = MapFile(VoterFormat::kCsv, "synthetic_pa.csv", &*mapping);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  for (const auto& [line, e] : m->errors)
    ADD_FAILURE() << line << " " << e.column << " " << e.reason;
  ASSERT_EQ(m->voters.size(), 100u);
  const Voter& v = m->voters[0];
  EXPECT_EQ(v.voter_id, "441568");
  EXPECT_EQ(v.state, "PA");
  EXPECT_EQ(v.last_name, "HARRIS");
  EXPECT_EQ(v.gender, "F");
  EXPECT_EQ(v.birth_year, 1978);
  EXPECT_EQ(v.registration_date, "1971-10-06");
  EXPECT_EQ(v.status, VoterStatus::kActive);
  EXPECT_EQ(v.party, "D");
}

TEST(FormatsTest, CsvMappingErrors) {
  EXPECT_FALSE(ParseCsvMapping("{").ok());
  EXPECT_FALSE(ParseCsvMapping("[]").ok());
  EXPECT_FALSE(ParseCsvMapping(R"({"columns":{"nonsense":"A"}})").ok());
  EXPECT_FALSE(ParseCsvMapping(R"({"columns":{"voter_id":0}})").ok());  // header: numbers
  EXPECT_FALSE(ParseCsvMapping(R"({"header":false,"columns":{"voter_id":"A"}})").ok());
  EXPECT_FALSE(ParseCsvMapping(R"({"colums":{}})").ok());
  auto ok = ParseCsvMapping(
      R"({"state":"XX","delimiter":"\t","columns":{"voter_id":"ID","residence.street":["N","S"],
          "district.ward":"W"}})");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->delimiter, '\t');
  EXPECT_EQ(ok->columns.size(), 4u);
  // A column the mapping names but the header lacks is an error, before any row.
  auto m = MapAll(VoterFormat::kCsv, MemorySource("ID\tN\nx\ty\n"), &*ok);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("no column 'S'"), std::string::npos);
}

}  // namespace
}  // namespace narwhal

#include "import/formats.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cstdint>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>
#include <unordered_map>

#include "base/text.h"

namespace narwhal {
namespace {

enum class Target : uint8_t {
  kVoterId,
  kState,
  kCounty,
  kCountyName,
  kPrecinct,
  kPrecinctName,
  kRegistrationNumber,
  kLastName,
  kFirstName,
  kMiddleName,
  kNameSuffix,
  kResidenceStreet,
  kResidenceCity,
  kResidenceState,
  kResidenceZip,
  kMailingStreet,
  kMailingCity,
  kMailingState,
  kMailingZip,
  kParty,
  kStatus,
  kStatusReason,
  kBirthYear,
  kBirthDate,
  kRegistrationDate,
  kPhone,
  kGender,
  kRace,
  kEthnicity,
  kDistrict,  // key = district name
  kExtra,     // key = extra name
  kIgnore,
  kElection,  // an Ohio-style election column; key = column name
  kHistoryVoterId,
  kHistoryElectionDate,
  kHistoryElectionDesc,
  kHistoryVotingMethod,
  kHistoryParty,
  kHistoryCounty,
  kHistoryPrecinct,
};

struct TargetName {
  std::string_view name;
  Target target;
};

// The target vocabulary shared by the built-in tables and mapping files.
constexpr TargetName kTargetNames[] = {
    {"voter_id", Target::kVoterId},
    {"state", Target::kState},
    {"county", Target::kCounty},
    {"county_name", Target::kCountyName},
    {"precinct", Target::kPrecinct},
    {"precinct_name", Target::kPrecinctName},
    {"registration_number", Target::kRegistrationNumber},
    {"last_name", Target::kLastName},
    {"first_name", Target::kFirstName},
    {"middle_name", Target::kMiddleName},
    {"name_suffix", Target::kNameSuffix},
    {"residence.street", Target::kResidenceStreet},
    {"residence.city", Target::kResidenceCity},
    {"residence.state", Target::kResidenceState},
    {"residence.zip", Target::kResidenceZip},
    {"mailing.street", Target::kMailingStreet},
    {"mailing.city", Target::kMailingCity},
    {"mailing.state", Target::kMailingState},
    {"mailing.zip", Target::kMailingZip},
    {"party", Target::kParty},
    {"status", Target::kStatus},
    {"status_reason", Target::kStatusReason},
    {"birth_year", Target::kBirthYear},
    {"birth_date", Target::kBirthDate},
    {"registration_date", Target::kRegistrationDate},
    {"phone", Target::kPhone},
    {"gender", Target::kGender},
    {"race", Target::kRace},
    {"ethnicity", Target::kEthnicity},
    {"ignore", Target::kIgnore},
    {"history.voter_id", Target::kHistoryVoterId},
    {"history.election_date", Target::kHistoryElectionDate},
    {"history.election_desc", Target::kHistoryElectionDesc},
    {"history.voting_method", Target::kHistoryVotingMethod},
    {"history.party", Target::kHistoryParty},
    {"history.county", Target::kHistoryCounty},
    {"history.precinct", Target::kHistoryPrecinct},
};

struct ColumnSpec {
  std::string_view column;  // header name (matched case-insensitively)
  std::string_view target;  // a name from kTargetNames, "district.X" or "extra.X"
};

constexpr ColumnSpec kNcsbeColumns[] = {
    {"ncid", "voter_id"},
    {"county_id", "county"},
    {"county_desc", "county_name"},
    {"precinct_abbrv", "precinct"},
    {"precinct_desc", "precinct_name"},
    {"voter_reg_num", "registration_number"},
    {"last_name", "last_name"},
    {"first_name", "first_name"},
    {"middle_name", "middle_name"},
    {"name_suffix_lbl", "name_suffix"},
    {"status_cd", "status"},
    {"voter_status_reason_desc", "status_reason"},
    {"birth_year", "birth_year"},
    {"registr_dt", "registration_date"},
    {"full_phone_number", "phone"},
    {"party_cd", "party"},
    {"gender_code", "gender"},
    {"race_code", "race"},
    {"ethnic_code", "ethnicity"},
    {"res_street_address", "residence.street"},
    {"res_city_desc", "residence.city"},
    {"state_cd", "residence.state"},
    {"zip_code", "residence.zip"},
    {"mail_addr1", "mailing.street"},
    {"mail_addr2", "mailing.street"},
    {"mail_addr3", "mailing.street"},
    {"mail_addr4", "mailing.street"},
    {"mail_city", "mailing.city"},
    {"mail_state", "mailing.state"},
    {"mail_zipcode", "mailing.zip"},
    {"cong_dist_abbrv", "district.congressional"},
    {"nc_senate_abbrv", "district.state_senate"},
    {"nc_house_abbrv", "district.state_house"},
    {"municipality_abbrv", "district.municipality"},
    {"ward_abbrv", "district.ward"},
    {"school_dist_abbrv", "district.school"},
    {"county_commiss_abbrv", "district.county_commission"},
    {"township_abbrv", "district.township"},
    {"super_court_abbrv", "district.superior_court"},
    {"judic_dist_abbrv", "district.judicial"},
    {"dist_1_abbrv", "district.prosecutorial"},
    {"fire_dist_abbrv", "district.fire"},
    {"water_dist_abbrv", "district.water"},
    {"sewer_dist_abbrv", "district.sewer"},
    {"sanit_dist_abbrv", "district.sanitation"},
    {"rescue_dist_abbrv", "district.rescue"},
    {"munic_dist_abbrv", "district.municipal_district"},
    {"vtd_abbrv", "district.vtd"},
};
constexpr std::string_view kNcsbeRequired[] = {"ncid", "county_id", "last_name", "first_name"};

constexpr ColumnSpec kNcvhisColumns[] = {
    {"ncid", "history.voter_id"},
    {"election_lbl", "history.election_date"},
    {"election_desc", "history.election_desc"},
    {"voting_method", "history.voting_method"},
    {"voted_party_cd", "history.party"},
    {"voted_county_id", "history.county"},
    {"pct_label", "history.precinct"},
};
constexpr std::string_view kNcvhisRequired[] = {"ncid", "election_lbl"};

constexpr ColumnSpec kOhioColumns[] = {
    {"SOS_VOTERID", "voter_id"},
    {"COUNTY_NUMBER", "county"},
    {"PRECINCT_CODE", "precinct"},
    {"PRECINCT_NAME", "precinct_name"},
    {"LAST_NAME", "last_name"},
    {"FIRST_NAME", "first_name"},
    {"MIDDLE_NAME", "middle_name"},
    {"SUFFIX", "name_suffix"},
    {"RESIDENTIAL_ADDRESS1", "residence.street"},
    {"RESIDENTIAL_SECONDARY_ADDR", "residence.street"},
    {"RESIDENTIAL_CITY", "residence.city"},
    {"RESIDENTIAL_STATE", "residence.state"},
    {"RESIDENTIAL_ZIP", "residence.zip"},
    {"RESIDENTIAL_ZIP_PLUS4", "residence.zip"},
    {"MAILING_ADDRESS1", "mailing.street"},
    {"MAILING_SECONDARY_ADDRESS", "mailing.street"},
    {"MAILING_CITY", "mailing.city"},
    {"MAILING_STATE", "mailing.state"},
    {"MAILING_ZIP", "mailing.zip"},
    {"MAILING_ZIP_PLUS4", "mailing.zip"},
    {"PARTY_AFFILIATION", "party"},
    {"DATE_OF_BIRTH", "birth_date"},
    {"REGISTRATION_DATE", "registration_date"},
    {"VOTER_STATUS", "status"},
    {"CONGRESSIONAL_DISTRICT", "district.congressional"},
    {"STATE_SENATE_DISTRICT", "district.state_senate"},
    {"STATE_REPRESENTATIVE_DISTRICT", "district.state_house"},
    {"CITY", "district.city"},
    {"VILLAGE", "district.village"},
    {"TOWNSHIP", "district.township"},
    {"WARD", "district.ward"},
    {"CITY_SCHOOL_DISTRICT", "district.city_school"},
    {"LOCAL_SCHOOL_DISTRICT", "district.local_school"},
    {"EXEMPTED_VILL_SCHOOL_DISTRICT", "district.exempted_village_school"},
    {"CAREER_CENTER", "district.career_center"},
    {"EDU_SERVICE_CENTER_DISTRICT", "district.edu_service_center"},
    {"COUNTY_COURT_DISTRICT", "district.county_court"},
    {"MUNICIPAL_COURT_DISTRICT", "district.municipal_court"},
    {"COURT_OF_APPEALS", "district.court_of_appeals"},
    {"STATE_BOARD_OF_EDUCATION", "district.state_board_of_education"},
    {"LIBRARY", "district.library"},
};
constexpr std::string_view kOhioRequired[] = {"SOS_VOTERID", "LAST_NAME", "COUNTY_NUMBER"};
constexpr std::string_view kOhioHistory = "^(GENERAL|PRIMARY|SPECIAL)-";

// The Florida voter extract has no header; these are the layout's names, in order.
constexpr std::string_view kFloridaNames[] = {
    "county_code",
    "voter_id",
    "name_last",
    "name_suffix",
    "name_first",
    "name_middle",
    "public_records_exemption",
    "residence_address_line_1",
    "residence_address_line_2",
    "residence_city",
    "residence_state",
    "residence_zipcode",
    "mailing_address_line_1",
    "mailing_address_line_2",
    "mailing_address_line_3",
    "mailing_city",
    "mailing_state",
    "mailing_zipcode",
    "mailing_country",
    "gender",
    "race",
    "birth_date",
    "registration_date",
    "party_affiliation",
    "precinct",
    "precinct_group",
    "precinct_split",
    "precinct_suffix",
    "voter_status",
    "congressional_district",
    "house_district",
    "senate_district",
    "county_commission_district",
    "school_board_district",
    "daytime_area_code",
    "daytime_phone_number",
    "daytime_phone_extension",
    "email_address",
};
constexpr ColumnSpec kFloridaColumns[] = {
    {"county_code", "county"},
    {"voter_id", "voter_id"},
    {"name_last", "last_name"},
    {"name_suffix", "name_suffix"},
    {"name_first", "first_name"},
    {"name_middle", "middle_name"},
    {"residence_address_line_1", "residence.street"},
    {"residence_address_line_2", "residence.street"},
    {"residence_city", "residence.city"},
    {"residence_state", "residence.state"},
    {"residence_zipcode", "residence.zip"},
    {"mailing_address_line_1", "mailing.street"},
    {"mailing_address_line_2", "mailing.street"},
    {"mailing_address_line_3", "mailing.street"},
    {"mailing_city", "mailing.city"},
    {"mailing_state", "mailing.state"},
    {"mailing_zipcode", "mailing.zip"},
    {"gender", "gender"},
    {"race", "race"},
    {"birth_date", "birth_date"},
    {"registration_date", "registration_date"},
    {"party_affiliation", "party"},
    {"precinct", "precinct"},
    {"voter_status", "status"},
    {"congressional_district", "district.congressional"},
    {"house_district", "district.state_house"},
    {"senate_district", "district.state_senate"},
    {"county_commission_district", "district.county_commission"},
    {"school_board_district", "district.school"},
    {"daytime_area_code", "phone"},
    {"daytime_phone_number", "phone"},
};
constexpr std::string_view kFloridaRequired[] = {"voter_id"};

constexpr ColumnSpec kWashingtonColumns[] = {
    {"StateVoterID", "voter_id"},
    {"CountyVoterID", "registration_number"},
    {"FName", "first_name"},
    {"MName", "middle_name"},
    {"LName", "last_name"},
    {"NameSuffix", "name_suffix"},
    {"Birthdate", "birth_date"},
    {"Gender", "gender"},
    // Street parts in the order they are written on an envelope.
    {"RegStNum", "residence.street"},
    {"RegStFrac", "residence.street"},
    {"RegStPreDirection", "residence.street"},
    {"RegStName", "residence.street"},
    {"RegStType", "residence.street"},
    {"RegStPostDirection", "residence.street"},
    {"RegUnitType", "residence.street"},
    {"RegUnitNum", "residence.street"},
    {"RegCity", "residence.city"},
    {"RegState", "residence.state"},
    {"RegZipCode", "residence.zip"},
    {"CountyCode", "county"},
    {"PrecinctCode", "precinct"},
    {"LegislativeDistrict", "district.legislative"},
    {"CongressionalDistrict", "district.congressional"},
    {"Mail1", "mailing.street"},
    {"Mail2", "mailing.street"},
    {"Mail3", "mailing.street"},
    {"Mail4", "mailing.street"},
    {"MailCity", "mailing.city"},
    {"MailZip", "mailing.zip"},
    {"MailState", "mailing.state"},
    {"Registrationdate", "registration_date"},
    {"StatusCode", "status"},
};
constexpr std::string_view kWashingtonRequired[] = {"StateVoterID", "LName", "CountyCode"};

struct FormatTable {
  std::string_view name;
  std::string_view what;  // "an ncvoter file", for error messages
  std::string_view state;
  std::span<const ColumnSpec> columns;
  std::span<const std::string_view> required;
  std::span<const std::string_view> fixed_names;  // header-less formats
  std::string_view history_columns;
};

FormatTable TableOf(VoterFormat format) {
  switch (format) {
    case VoterFormat::kNcsbe:
      return {"ncsbe", "an ncvoter file", "NC", kNcsbeColumns, kNcsbeRequired, {}, {}};
    case VoterFormat::kNcvhis:
      return {"ncvhis", "an ncvhis vote-history file", "NC", kNcvhisColumns, kNcvhisRequired, {},
              {}};
    case VoterFormat::kOhio:
      return {"ohio", "an Ohio voter file", "OH", kOhioColumns, kOhioRequired, {}, kOhioHistory};
    case VoterFormat::kFlorida:
      return {"florida",
              "a Florida voter extract",
              "FL",
              kFloridaColumns,
              kFloridaRequired,
              kFloridaNames,
              {}};
    case VoterFormat::kWashington:
      return {"washington",
              "a Washington VRDB extract",
              "WA",
              kWashingtonColumns,
              kWashingtonRequired,
              {},
              {}};
    case VoterFormat::kCsv: break;
  }
  return {"csv", "the file the mapping describes", "", {}, {}, {}, {}};
}

struct Slot {
  Target target;
  uint32_t column;                // the first (usually only) column
  std::string key;                // district / extra name, or election column name
  std::vector<uint32_t> columns;  // non-empty values are joined in this order
  std::string election_date;      // kElection: ISO date from the column name
  bool primary = false;           // kElection: the value is the party ballot
};

Result<std::pair<Target, std::string>> ParseTarget(std::string_view name) {
  for (const TargetName& t : kTargetNames) {
    if (t.name == name) return std::pair<Target, std::string>(t.target, "");
  }
  for (auto [prefix, target] : {std::pair<std::string_view, Target>("district.", Target::kDistrict),
                                std::pair<std::string_view, Target>("extra.", Target::kExtra)}) {
    if (name.size() > prefix.size() && name.substr(0, prefix.size()) == prefix) {
      return std::pair<Target, std::string>(target, std::string(name.substr(prefix.size())));
    }
  }
  return InvalidArgument(fmt::format(
      "unknown target '{}' (see docs/import.md for the list; districts are 'district.NAME', "
      "other values 'extra.NAME')",
      name));
}

std::string_view JoinSeparator(Target t) {
  switch (t) {
    case Target::kMailingStreet: return ", ";
    case Target::kResidenceZip:
    case Target::kMailingZip: return "-";
    case Target::kPhone: return "";
    default: return " ";
  }
}

// Finds the election date in a column name like "GENERAL-11/03/2015" or "PRIMARY_2013-05-07".
bool DateInColumnName(std::string_view name, std::string& iso) {
  for (size_t i = 0; i < name.size(); ++i) {
    if (i > 0 && name[i - 1] != '-' && name[i - 1] != '_' && name[i - 1] != ' ') continue;
    if (ParseDate(name.substr(i), iso)) return true;
  }
  return false;
}

VoterStatus NormalizeStatus(std::string_view v) {
  struct Code {
    std::string_view code;
    VoterStatus status;
  };
  static constexpr Code kCodes[] = {
      {"A", VoterStatus::kActive},      {"ACT", VoterStatus::kActive},
      {"ACTIVE", VoterStatus::kActive}, {"I", VoterStatus::kInactive},
      {"INA", VoterStatus::kInactive},  {"INACTIVE", VoterStatus::kInactive},
      {"R", VoterStatus::kRemoved},     {"REMOVED", VoterStatus::kRemoved},
      {"D", VoterStatus::kDenied},      {"DENIED", VoterStatus::kDenied},
      {"S", VoterStatus::kTemporary},   {"TEMPORARY", VoterStatus::kTemporary},
  };
  for (const Code& c : kCodes) {
    if (EqualsIgnoreCase(c.code, v)) return c.status;
  }
  return VoterStatus::kUnknown;
}

// TrimAscii, inlined: it runs for every field of every row.
inline std::string_view Trim(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// Writes (key, value) at position `n` of `values`, reusing the strings already there.
// A recycled Voter usually holds the same key at the same position already.
void SetNamed(NamedValues& values, size_t& n, std::string_view key, std::string_view value) {
  if (n < values.size()) {
    if (values[n].first != key) values[n].first.assign(key);
    values[n].second.clear();
    values[n].second.append(value);  // cheaper than assign: no aliasing to handle
  } else {
    values.emplace_back(std::string(key), std::string(value));
  }
  ++n;
}

std::string* StringField(Voter& v, Target t) {
  switch (t) {
    case Target::kVoterId: return &v.voter_id;
    case Target::kState: return &v.state;
    case Target::kCounty: return &v.county;
    case Target::kCountyName: return &v.county_name;
    case Target::kPrecinct: return &v.precinct;
    case Target::kPrecinctName: return &v.precinct_name;
    case Target::kRegistrationNumber: return &v.registration_number;
    case Target::kLastName: return &v.last_name;
    case Target::kFirstName: return &v.first_name;
    case Target::kMiddleName: return &v.middle_name;
    case Target::kNameSuffix: return &v.name_suffix;
    case Target::kResidenceStreet: return &v.residence.street;
    case Target::kResidenceCity: return &v.residence.city;
    case Target::kResidenceState: return &v.residence.state;
    case Target::kResidenceZip: return &v.residence.zip;
    case Target::kMailingStreet: return &v.mailing_address;
    case Target::kMailingCity: return &v.mailing.city;
    case Target::kMailingState: return &v.mailing.state;
    case Target::kMailingZip: return &v.mailing.zip;
    case Target::kParty: return &v.party;
    case Target::kStatusReason: return &v.status_reason;
    case Target::kPhone: return &v.phone;
    case Target::kGender: return &v.gender;
    case Target::kRace: return &v.race;
    case Target::kEthnicity: return &v.ethnicity;
    default: return nullptr;
  }
}

std::string* HistoryField(VoteHistoryEntry& e, Target t) {
  switch (t) {
    case Target::kHistoryVoterId: return &e.voter_id;
    case Target::kHistoryElectionDesc: return &e.election_desc;
    case Target::kHistoryVotingMethod: return &e.voting_method;
    case Target::kHistoryParty: return &e.party;
    case Target::kHistoryCounty: return &e.county;
    case Target::kHistoryPrecinct: return &e.precinct;
    default: return nullptr;
  }
}

void ClearVoter(Voter& v) {
  ForEachTextField(v, [](std::string& s) { s.clear(); });
  v.status = VoterStatus::kUnknown;
  v.birth_year = 0;
}

constexpr int kMinBirthYear = 1850;
constexpr int kMaxBirthYear = 2100;

std::string Quoted(std::string_view value) {
  constexpr size_t kMax = 40;
  if (value.size() > kMax) return fmt::format("'{}...'", value.substr(0, kMax));
  return fmt::format("'{}'", value);
}

std::string FirstColumns(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size() && i < 5; ++i) {
    if (i > 0) out += ", ";
    out += names[i];
  }
  if (names.size() > 5) out += ", ...";
  return out;
}

}  // namespace

struct RowMapper::Impl {
  RecordKind kind = RecordKind::kVoters;
  std::string state;
  std::vector<std::string> names;
  std::vector<Slot> slots;
  uint32_t id_column = 0;
  std::string join;  // scratch for joined values
  std::string date;  // scratch for parsed dates

  // The (possibly joined) trimmed value of a slot; a view into fields or into `join`.
  std::string_view Value(const Slot& s, std::span<const std::string_view> fields) {
    if (s.columns.size() == 1) return Trim(fields[s.column]);
    join.clear();
    std::string_view sep = JoinSeparator(s.target);
    for (uint32_t c : s.columns) {
      std::string_view t = Trim(fields[c]);
      if (t.empty()) continue;
      if (!join.empty()) join += sep;
      join += t;
    }
    return join;
  }

  bool CheckCount(std::span<const std::string_view> fields, RowError& error) const {
    if (fields.size() == names.size()) return true;
    error.column.clear();
    error.reason = fmt::format("expected {} fields, found {}", names.size(), fields.size());
    return false;
  }

  bool Fail(RowError& error, const Slot& s, std::string reason) const {
    error.column = names[s.columns[0]];
    error.reason = std::move(reason);
    return false;
  }
};

RowMapper::RowMapper(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RowMapper::RowMapper(RowMapper&&) noexcept = default;
RowMapper& RowMapper::operator=(RowMapper&&) noexcept = default;
RowMapper::~RowMapper() = default;

RecordKind RowMapper::kind() const {
  return impl_->kind;
}
std::string_view RowMapper::column_name(size_t i) const {
  return i < impl_->names.size() ? std::string_view(impl_->names[i]) : std::string_view();
}
size_t RowMapper::column_count() const {
  return impl_->names.size();
}
size_t RowMapper::id_column() const {
  return impl_->id_column;
}
std::string_view RowMapper::id_column_name() const {
  return impl_->names[impl_->id_column];
}

FormatLayout LayoutOf(VoterFormat format, const CsvMapping* mapping) {
  FormatLayout layout;
  switch (format) {
    case VoterFormat::kNcvhis: layout.kind = RecordKind::kHistory; break;
    case VoterFormat::kFlorida:
      layout.delimiter = '\t';
      layout.header = false;
      break;
    case VoterFormat::kWashington: layout.delimiter = '\t'; break;
    case VoterFormat::kCsv:
      if (mapping != nullptr) {
        layout.delimiter = mapping->delimiter;
        layout.header = mapping->header;
      }
      break;
    default: break;
  }
  return layout;
}

Result<RowMapper> RowMapper::Create(VoterFormat format, std::span<const std::string_view> first,
                                    const CsvMapping* mapping) {
  FormatTable table = TableOf(format);
  FormatLayout layout = LayoutOf(format, mapping);
  auto impl = std::make_unique<Impl>();
  impl->kind = layout.kind;
  impl->state = std::string(table.state);

  // Column names, and the (column, target) pairs to resolve against them.
  std::vector<std::pair<std::string, std::string>> specs;  // (column, target)
  std::vector<std::string> required;
  std::string history_pattern(table.history_columns);
  bool keep_unmapped = true;
  bool by_number = false;
  if (format == VoterFormat::kCsv) {
    if (mapping == nullptr) return InvalidArgument("csv: a column-mapping file is needed");
    impl->state = mapping->state;
    for (const auto& [target, column] : mapping->columns) {
      specs.emplace_back(column, target);
      required.push_back(column);
    }
    history_pattern = mapping->history_columns;
    keep_unmapped = mapping->keep_unmapped;
    by_number = !mapping->header;
  } else {
    for (const ColumnSpec& c : table.columns) {
      specs.emplace_back(std::string(c.column), std::string(c.target));
    }
    for (std::string_view r : table.required) required.emplace_back(r);
  }

  if (!table.fixed_names.empty()) {
    if (first.size() != table.fixed_names.size()) {
      return InvalidArgument(
          fmt::format("{}: expected {} fields in the first record, found {} — is this {}?",
                      table.name, table.fixed_names.size(), first.size(), table.what));
    }
    for (std::string_view n : table.fixed_names) impl->names.emplace_back(n);
  } else if (by_number) {
    for (size_t i = 0; i < first.size(); ++i) impl->names.push_back(fmt::format("column_{}", i));
  } else {
    for (std::string_view f : first) impl->names.emplace_back(TrimAscii(f));
  }

  // Column lookup: by lower-cased name, or by number.
  std::unordered_map<std::string, uint32_t> by_name;
  for (uint32_t i = 0; i < impl->names.size(); ++i) by_name.emplace(AsciiLower(impl->names[i]), i);
  auto find = [&](const std::string& column) -> std::optional<uint32_t> {
    if (by_number) {
      long long n = 0;
      if (ParseInt64(column, n) && n >= 0 && static_cast<size_t>(n) < impl->names.size()) {
        return static_cast<uint32_t>(n);
      }
      return std::nullopt;
    }
    auto it = by_name.find(AsciiLower(column));
    if (it == by_name.end()) return std::nullopt;
    return it->second;
  };

  for (const std::string& r : required) {
    if (!find(r)) {
      if (by_number) {
        return InvalidArgument(
            fmt::format("{}: the mapping names column {}, but the first record has only {} fields",
                        table.name, r, impl->names.size()));
      }
      return InvalidArgument(
          fmt::format("{}: header has no column '{}' — is this {}? (first columns seen: {})",
                      table.name, r, table.what, FirstColumns(impl->names)));
    }
  }

  std::vector<bool> used(impl->names.size(), false);
  bool has_id = false;
  for (const auto& [column, target_name] : specs) {
    std::optional<uint32_t> col = find(column);
    if (!col) continue;
    NARWHAL_ASSIGN_OR_RETURN(auto target, ParseTarget(target_name));
    bool history_target = target.first >= Target::kHistoryVoterId;
    if (target.first != Target::kIgnore &&
        history_target != (layout.kind == RecordKind::kHistory)) {
      return InvalidArgument(
          fmt::format("{}: target '{}' does not fit this kind of file", table.name, target_name));
    }
    used[*col] = true;
    if (target.first == Target::kIgnore) continue;
    if (target.first == Target::kVoterId || target.first == Target::kHistoryVoterId) {
      has_id = true;
      impl->id_column = *col;
    }
    auto same = [&](const Slot& s) { return s.target == target.first && s.key == target.second; };
    auto it = std::find_if(impl->slots.begin(), impl->slots.end(), same);
    if (it == impl->slots.end()) {
      impl->slots.push_back(Slot{target.first, *col, target.second, {*col}, {}, false});
    } else {
      it->columns.push_back(*col);
    }
  }
  if (!has_id) {
    return InvalidArgument(fmt::format("{}: no column is mapped to the voter id", table.name));
  }
  if (layout.kind == RecordKind::kHistory &&
      std::none_of(impl->slots.begin(), impl->slots.end(),
                   [](const Slot& s) { return s.target == Target::kHistoryElectionDate; })) {
    return InvalidArgument(fmt::format("{}: no column is mapped to the election date", table.name));
  }

  std::optional<std::regex> history_re;
  if (!history_pattern.empty()) {
    try {
      history_re.emplace(history_pattern, std::regex::ECMAScript | std::regex::icase);
    } catch (const std::regex_error& e) {
      return InvalidArgument(fmt::format("{}: bad history_columns regex '{}': {}", table.name,
                                         history_pattern, e.what()));
    }
  }
  for (uint32_t i = 0; i < impl->names.size(); ++i) {
    if (used[i]) continue;
    const std::string& name = impl->names[i];
    if (history_re && layout.kind == RecordKind::kVoters && std::regex_search(name, *history_re)) {
      Slot s{Target::kElection, i, name, {i}, {}, false};
      if (!DateInColumnName(name, s.election_date)) {
        return InvalidArgument(
            fmt::format("{}: history column '{}' has no date in its name", table.name, name));
      }
      s.primary = AsciiLower(name).find("primary") != std::string::npos;
      impl->slots.push_back(std::move(s));
    } else if (keep_unmapped && layout.kind == RecordKind::kVoters && !name.empty()) {
      impl->slots.push_back(Slot{Target::kExtra, i, name, {i}, {}, false});
    }
  }
  RowMapper mapper(std::move(impl));
  if (!table.fixed_names.empty()) {
    // Without a header, a file of another layout with the same field count (Washington
    // has 38 too) is caught by its first record not parsing as this layout's dates.
    Voter probe;
    std::vector<VoteHistoryEntry> history;
    RowError error;
    if (!mapper.MapVoter(first, probe, history, error) &&
        error.column.find("date") != std::string::npos) {
      return InvalidArgument(fmt::format("{}: the first record is not {} ({}: {})", table.name,
                                         table.what, error.column, error.reason));
    }
  }
  return mapper;
}

bool RowMapper::MapVoter(std::span<const std::string_view> fields, Voter& v,
                         std::vector<VoteHistoryEntry>& history, RowError& error) {
  Impl& m = *impl_;
  if (!m.CheckCount(fields, error)) return false;
  const size_t history_start = history.size();
  auto fail = [&](const Slot& s, std::string reason) {
    history.resize(history_start);
    return m.Fail(error, s, std::move(reason));
  };
  ClearVoter(v);
  v.state.append(m.state);
  size_t districts = 0;
  size_t extras = 0;
  for (const Slot& s : m.slots) {
    std::string_view value = m.Value(s, fields);
    if (value.empty()) continue;
    switch (s.target) {
      case Target::kStatus:
        v.status = NormalizeStatus(value);
        if (v.status == VoterStatus::kUnknown)
          SetNamed(v.extra, extras, m.names[s.columns[0]], value);
        break;
      case Target::kBirthYear: {
        long long year = 0;
        if (!ParseInt64(value, year) || year < kMinBirthYear || year > kMaxBirthYear) {
          return fail(s, fmt::format("birth year {} is not a year between {} and {}", Quoted(value),
                                     kMinBirthYear, kMaxBirthYear));
        }
        v.birth_year = static_cast<int>(year);
        break;
      }
      case Target::kBirthDate:
        if (!ParseDate(value, m.date)) {
          return fail(s, fmt::format("birth date {} is not a date", Quoted(value)));
        }
        v.birth_year = (m.date[0] - '0') * 1000 + (m.date[1] - '0') * 100 + (m.date[2] - '0') * 10 +
                       (m.date[3] - '0');
        break;
      case Target::kRegistrationDate:
        if (!ParseDate(value, v.registration_date)) {
          return fail(s, fmt::format("registration date {} is not a date", Quoted(value)));
        }
        break;
      case Target::kState: v.state.assign(value); break;  // overrides the format's state
      case Target::kDistrict: SetNamed(v.districts, districts, s.key, value); break;
      case Target::kExtra: SetNamed(v.extra, extras, s.key, value); break;
      case Target::kElection: {
        VoteHistoryEntry& e = history.emplace_back();
        e.election_date = s.election_date;
        e.election_desc = s.key;
        if (s.primary && !EqualsIgnoreCase(value, "X")) e.party.assign(value);
        break;
      }
      default:
        // ClearVoter emptied every field and each has one slot: append, the cheapest
        // way to fill a std::string.
        if (std::string* field = StringField(v, s.target)) field->append(value);
        break;
    }
  }
  v.districts.resize(districts);
  v.extra.resize(extras);
  if (v.voter_id.empty()) {
    history.resize(history_start);
    error.column = m.names[m.id_column];
    error.reason = "empty voter id";
    return false;
  }
  for (size_t i = history_start; i < history.size(); ++i) {
    history[i].voter_id = v.voter_id;
    history[i].county = v.county;
    history[i].precinct = v.precinct;
  }
  return true;
}

bool RowMapper::MapHistory(std::span<const std::string_view> fields, VoteHistoryEntry& e,
                           RowError& error) {
  Impl& m = *impl_;
  if (!m.CheckCount(fields, error)) return false;
  e = VoteHistoryEntry();
  for (const Slot& s : m.slots) {
    std::string_view value = m.Value(s, fields);
    if (s.target == Target::kHistoryElectionDate) {
      if (!ParseDate(value, e.election_date)) {
        return m.Fail(error, s, fmt::format("election date {} is not a date", Quoted(value)));
      }
    } else if (std::string* field = HistoryField(e, s.target)) {
      field->assign(value);
    }
  }
  if (e.voter_id.empty()) {
    error.column = m.names[m.id_column];
    error.reason = "empty voter id";
    return false;
  }
  return true;
}

Result<CsvMapping> ParseCsvMapping(std::string_view json) {
  boost::system::error_code ec;
  boost::json::value doc;
  try {
    doc = boost::json::parse(json, ec);
  } catch (const std::exception& e) {
    return InvalidArgument(std::string("mapping: ") + e.what());
  }
  if (ec) return InvalidArgument("mapping: not valid JSON: " + ec.message());
  const boost::json::object* root = doc.if_object();
  if (root == nullptr) return InvalidArgument("mapping: the document must be a JSON object");
  CsvMapping m;
  auto string_of = [&](std::string_view key, std::string& out) -> Status {
    const boost::json::value* v = root->if_contains(key);
    if (v == nullptr) return Status::Ok();
    const boost::json::string* s = v->if_string();
    if (s == nullptr) return InvalidArgument(fmt::format("mapping: '{}' must be a string", key));
    out.assign(s->data(), s->size());
    return Status::Ok();
  };
  for (const auto& [key, value] : *root) {
    static constexpr std::string_view kKnown[] = {
        "state", "delimiter", "header", "encoding", "columns", "history_columns", "keep_unmapped"};
    if (std::find(std::begin(kKnown), std::end(kKnown), std::string_view(key)) ==
        std::end(kKnown)) {
      return InvalidArgument(fmt::format("mapping: unknown key '{}'", std::string_view(key)));
    }
  }
  NARWHAL_RETURN_IF_ERROR(string_of("state", m.state));
  std::string delimiter;
  NARWHAL_RETURN_IF_ERROR(string_of("delimiter", delimiter));
  if (delimiter == "," || delimiter == "comma") {
    m.delimiter = ',';
  } else if (delimiter == "\t" || delimiter == "tab" || delimiter == "\\t") {
    m.delimiter = '\t';
  } else if (delimiter.size() == 1 && delimiter != "\"" && delimiter != "\n" && delimiter != "\r") {
    m.delimiter = delimiter[0];
  } else if (!delimiter.empty() && delimiter != "auto") {
    return InvalidArgument(fmt::format("mapping: bad delimiter '{}'", delimiter));
  }
  std::string encoding;
  NARWHAL_RETURN_IF_ERROR(string_of("encoding", encoding));
  if (encoding.empty() || encoding == "auto") {
    m.encoding = Encoding::kAuto;
  } else if (EqualsIgnoreCase(encoding, "utf-8") || EqualsIgnoreCase(encoding, "utf8")) {
    m.encoding = Encoding::kUtf8;
  } else if (EqualsIgnoreCase(encoding, "latin-1") || EqualsIgnoreCase(encoding, "latin1")) {
    m.encoding = Encoding::kLatin1;
  } else {
    return InvalidArgument(fmt::format("mapping: unknown encoding '{}'", encoding));
  }
  for (auto [key, out] : {std::pair<std::string_view, bool*>("header", &m.header),
                          std::pair<std::string_view, bool*>("keep_unmapped", &m.keep_unmapped)}) {
    if (const boost::json::value* v = root->if_contains(key)) {
      const bool* b = v->if_bool();
      if (b == nullptr)
        return InvalidArgument(fmt::format("mapping: '{}' must be true or false", key));
      *out = *b;
    }
  }
  NARWHAL_RETURN_IF_ERROR(string_of("history_columns", m.history_columns));
  const boost::json::value* columns = root->if_contains("columns");
  if (columns == nullptr || !columns->is_object()) {
    return InvalidArgument("mapping: 'columns' must be an object of target: column");
  }
  auto add = [&](std::string_view target, const boost::json::value& v) -> Status {
    if (const boost::json::string* s = v.if_string()) {
      if (!m.header) {
        return InvalidArgument(fmt::format(
            "mapping: '{}' names a column, but the file has no header (use a number)", target));
      }
      m.columns.emplace_back(std::string(target), std::string(s->data(), s->size()));
      return Status::Ok();
    }
    if (const int64_t* n = v.if_int64(); n != nullptr && *n >= 0) {
      if (m.header) {
        return InvalidArgument(fmt::format(
            "mapping: '{}' is a column number, but the file has a header (use its name)", target));
      }
      m.columns.emplace_back(std::string(target), std::to_string(*n));
      return Status::Ok();
    }
    return InvalidArgument(fmt::format(
        "mapping: '{}' must be a column name, a column number or a list of them", target));
  };
  for (const auto& [key, value] : columns->get_object()) {
    std::string_view target(key);
    NARWHAL_RETURN_IF_ERROR(ParseTarget(target).status());
    if (const boost::json::array* list = value.if_array()) {
      for (const boost::json::value& item : *list) NARWHAL_RETURN_IF_ERROR(add(target, item));
    } else {
      NARWHAL_RETURN_IF_ERROR(add(target, value));
    }
  }
  return m;
}

Result<CsvMapping> LoadCsvMapping(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot open mapping file '" + path + "'");
  std::ostringstream text;
  text << in.rdbuf();
  Result<CsvMapping> m = ParseCsvMapping(text.str());
  if (!m.ok()) return m.status().WithContext(path);
  return m;
}

}  // namespace narwhal

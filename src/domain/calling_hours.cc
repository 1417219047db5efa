#include "domain/calling_hours.h"

#include <fmt/format.h>
#include <unicode/timezone.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <array>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace narwhal {
namespace {

// The zone numbers, as stored beside each person of a call list.
enum Zone : uint8_t {
  kUnknown = 0,
  kEastern,
  kCentral,
  kMountain,
  kArizona,
  kPacific,
  kAlaska,
  kAleutian,
  kHawaii,
  kAtlantic,
  kChamorro,
  kSamoa,
  kEasternOrCentral,
  kCentralOrMountain,
  kMountainOrPacific,
  kAlaskaOrAleutian,
  kArizonaOrNavajo,
  kZoneCount,
};

constexpr std::string_view kNewYork = "America/New_York";
constexpr std::string_view kChicago = "America/Chicago";
constexpr std::string_view kDenver = "America/Denver";
constexpr std::string_view kPhoenix = "America/Phoenix";
constexpr std::string_view kLosAngeles = "America/Los_Angeles";
constexpr std::string_view kAnchorage = "America/Anchorage";
constexpr std::string_view kAdak = "America/Adak";

constexpr std::array kTzUnknown{kNewYork, kChicago, kDenver, kLosAngeles};
constexpr std::array kTzEastern{kNewYork};
constexpr std::array kTzCentral{kChicago};
constexpr std::array kTzMountain{kDenver};
constexpr std::array kTzArizona{kPhoenix};
constexpr std::array kTzPacific{kLosAngeles};
constexpr std::array kTzAlaska{kAnchorage};
constexpr std::array kTzAleutian{kAdak};
constexpr std::array<std::string_view, 1> kTzHawaii{"Pacific/Honolulu"};
constexpr std::array<std::string_view, 1> kTzAtlantic{"America/Puerto_Rico"};
constexpr std::array<std::string_view, 1> kTzChamorro{"Pacific/Guam"};
constexpr std::array<std::string_view, 1> kTzSamoa{"Pacific/Pago_Pago"};
constexpr std::array kTzEasternOrCentral{kNewYork, kChicago};
constexpr std::array kTzCentralOrMountain{kChicago, kDenver};
constexpr std::array kTzMountainOrPacific{kDenver, kLosAngeles};
constexpr std::array kTzAlaskaOrAleutian{kAnchorage, kAdak};
constexpr std::array kTzArizonaOrNavajo{kPhoenix, kDenver};

const std::array<CallZone, kZoneCount> kZones{{
    {kUnknown, "unknown", "Unknown (Eastern to Pacific)", kTzUnknown},
    {kEastern, kNewYork, "Eastern", kTzEastern},
    {kCentral, kChicago, "Central", kTzCentral},
    {kMountain, kDenver, "Mountain", kTzMountain},
    {kArizona, kPhoenix, "Arizona", kTzArizona},
    {kPacific, kLosAngeles, "Pacific", kTzPacific},
    {kAlaska, kAnchorage, "Alaska", kTzAlaska},
    {kAleutian, kAdak, "Aleutian", kTzAleutian},
    {kHawaii, "Pacific/Honolulu", "Hawaii", kTzHawaii},
    {kAtlantic, "America/Puerto_Rico", "Atlantic", kTzAtlantic},
    {kChamorro, "Pacific/Guam", "Chamorro", kTzChamorro},
    {kSamoa, "Pacific/Pago_Pago", "Samoa", kTzSamoa},
    {kEasternOrCentral, "America/New_York+America/Chicago", "Eastern or Central",
     kTzEasternOrCentral},
    {kCentralOrMountain, "America/Chicago+America/Denver", "Central or Mountain",
     kTzCentralOrMountain},
    {kMountainOrPacific, "America/Denver+America/Los_Angeles", "Mountain or Pacific",
     kTzMountainOrPacific},
    {kAlaskaOrAleutian, "America/Anchorage+America/Adak", "Alaska or Aleutian",
     kTzAlaskaOrAleutian},
    {kArizonaOrNavajo, "America/Phoenix+America/Denver", "Arizona or Navajo Nation",
     kTzArizonaOrNavajo},
}};

struct CountyZone {
  std::string_view county;  // normalised name (CountyKey), or the file's county code
  Zone zone;
};

// A state's zones: `rest` for a county it names that is not listed, `unknown` when the file
// gives no county at all.
struct StateZones {
  std::string_view state;
  Zone rest;
  Zone unknown;
  std::span<const CountyZone> counties;
};

// Florida: the panhandle west of the Apalachicola River keeps Central time; Gulf County is
// split (the ZIP decides: GulfCountyZip). The extract names counties by three-letter code.
constexpr CountyZone kFlorida[] = {
    {"ESCAMBIA", kCentral},      {"SANTA ROSA", kCentral}, {"OKALOOSA", kCentral},
    {"WALTON", kCentral},        {"HOLMES", kCentral},     {"WASHINGTON", kCentral},
    {"BAY", kCentral},           {"JACKSON", kCentral},    {"CALHOUN", kCentral},
    {"GULF", kEasternOrCentral}, {"ESC", kCentral},        {"SAN", kCentral},
    {"OKA", kCentral},           {"WAL", kCentral},        {"HOL", kCentral},
    {"WAS", kCentral},           {"JAC", kCentral},        {"CAL", kCentral},
    {"GUL", kEasternOrCentral},
};
// Tennessee: East Tennessee keeps Eastern time, the rest Central.
constexpr CountyZone kTennessee[] = {
    {"ANDERSON", kEastern}, {"BLEDSOE", kEastern}, {"BLOUNT", kEastern},     {"BRADLEY", kEastern},
    {"CAMPBELL", kEastern}, {"CARTER", kEastern},  {"CLAIBORNE", kEastern},  {"COCKE", kEastern},
    {"GRAINGER", kEastern}, {"GREENE", kEastern},  {"HAMBLEN", kEastern},    {"HAMILTON", kEastern},
    {"HANCOCK", kEastern},  {"HAWKINS", kEastern}, {"JEFFERSON", kEastern},  {"JOHNSON", kEastern},
    {"KNOX", kEastern},     {"LOUDON", kEastern},  {"MCMINN", kEastern},     {"MEIGS", kEastern},
    {"MONROE", kEastern},   {"MORGAN", kEastern},  {"POLK", kEastern},       {"RHEA", kEastern},
    {"ROANE", kEastern},    {"SCOTT", kEastern},   {"SEVIER", kEastern},     {"SULLIVAN", kEastern},
    {"UNICOI", kEastern},   {"UNION", kEastern},   {"WASHINGTON", kEastern},
};
// Kentucky: the western half keeps Central time.
constexpr CountyZone kKentucky[] = {
    {"ADAIR", kCentral},      {"ALLEN", kCentral},        {"BALLARD", kCentral},
    {"BARREN", kCentral},     {"BRECKINRIDGE", kCentral}, {"BUTLER", kCentral},
    {"CALDWELL", kCentral},   {"CALLOWAY", kCentral},     {"CARLISLE", kCentral},
    {"CHRISTIAN", kCentral},  {"CLINTON", kCentral},      {"CRITTENDEN", kCentral},
    {"CUMBERLAND", kCentral}, {"DAVIESS", kCentral},      {"EDMONSON", kCentral},
    {"FULTON", kCentral},     {"GRAVES", kCentral},       {"GRAYSON", kCentral},
    {"GREEN", kCentral},      {"HANCOCK", kCentral},      {"HART", kCentral},
    {"HENDERSON", kCentral},  {"HICKMAN", kCentral},      {"HOPKINS", kCentral},
    {"LIVINGSTON", kCentral}, {"LOGAN", kCentral},        {"LYON", kCentral},
    {"MCCRACKEN", kCentral},  {"MCLEAN", kCentral},       {"MARSHALL", kCentral},
    {"METCALFE", kCentral},   {"MONROE", kCentral},       {"MUHLENBERG", kCentral},
    {"OHIO", kCentral},       {"RUSSELL", kCentral},      {"SIMPSON", kCentral},
    {"TODD", kCentral},       {"TRIGG", kCentral},        {"UNION", kCentral},
    {"WARREN", kCentral},     {"WEBSTER", kCentral},
};
// Indiana: the counties near Chicago and Evansville keep Central time.
constexpr CountyZone kIndiana[] = {
    {"LAKE", kCentral},    {"PORTER", kCentral},      {"NEWTON", kCentral},  {"JASPER", kCentral},
    {"LAPORTE", kCentral}, {"LA PORTE", kCentral},    {"STARKE", kCentral},  {"GIBSON", kCentral},
    {"POSEY", kCentral},   {"VANDERBURGH", kCentral}, {"WARRICK", kCentral}, {"SPENCER", kCentral},
    {"PERRY", kCentral},
};
// Michigan: four Upper Peninsula counties on the Wisconsin line keep Central time.
constexpr CountyZone kMichigan[] = {
    {"GOGEBIC", kCentral},
    {"IRON", kCentral},
    {"DICKINSON", kCentral},
    {"MENOMINEE", kCentral},
};
constexpr CountyZone kNorthDakota[] = {
    {"ADAMS", kMountain},
    {"BILLINGS", kMountain},
    {"BOWMAN", kMountain},
    {"GOLDEN VALLEY", kMountain},
    {"GRANT", kMountain},
    {"HETTINGER", kMountain},
    {"SIOUX", kMountain},
    {"SLOPE", kMountain},
    {"STARK", kMountain},
    {"DUNN", kCentralOrMountain},
    {"MCKENZIE", kCentralOrMountain},
};
constexpr CountyZone kSouthDakota[] = {
    {"BENNETT", kMountain},  {"BUTTE", kMountain},         {"CORSON", kMountain},
    {"CUSTER", kMountain},   {"DEWEY", kMountain},         {"FALL RIVER", kMountain},
    {"HAAKON", kMountain},   {"HARDING", kMountain},       {"JACKSON", kMountain},
    {"LAWRENCE", kMountain}, {"MEADE", kMountain},         {"PENNINGTON", kMountain},
    {"PERKINS", kMountain},  {"OGLALA LAKOTA", kMountain}, {"SHANNON", kMountain},
    {"STANLEY", kMountain},  {"ZIEBACH", kMountain},
};
constexpr CountyZone kNebraska[] = {
    {"ARTHUR", kMountain},          {"BANNER", kMountain},   {"BOX BUTTE", kMountain},
    {"CHASE", kMountain},           {"CHEYENNE", kMountain}, {"DAWES", kMountain},
    {"DEUEL", kMountain},           {"DUNDY", kMountain},    {"GARDEN", kMountain},
    {"GRANT", kMountain},           {"KEITH", kMountain},    {"KIMBALL", kMountain},
    {"MORRILL", kMountain},         {"PERKINS", kMountain},  {"SCOTTS BLUFF", kMountain},
    {"SHERIDAN", kMountain},        {"SIOUX", kMountain},    {"CHERRY", kCentralOrMountain},
    {"HOOKER", kCentralOrMountain},
};
constexpr CountyZone kKansas[] = {
    {"GREELEY", kMountain},
    {"HAMILTON", kMountain},
    {"SHERMAN", kMountain},
    {"WALLACE", kMountain},
};
constexpr CountyZone kTexas[] = {
    {"EL PASO", kMountain},
    {"HUDSPETH", kMountain},
    {"CULBERSON", kCentralOrMountain},
};
constexpr CountyZone kIdaho[] = {
    {"BENEWAH", kPacific},         {"BONNER", kPacific},    {"BOUNDARY", kPacific},
    {"CLEARWATER", kPacific},      {"KOOTENAI", kPacific},  {"LATAH", kPacific},
    {"LEWIS", kPacific},           {"NEZ PERCE", kPacific}, {"SHOSHONE", kPacific},
    {"IDAHO", kMountainOrPacific},
};
constexpr CountyZone kOregon[] = {{"MALHEUR", kMountainOrPacific}};
constexpr CountyZone kNevada[] = {{"ELKO", kMountainOrPacific}};
constexpr CountyZone kAlaskaCounties[] = {
    {"ALEUTIANS WEST", kAleutian},
    {"ALEUTIANS EAST", kAlaskaOrAleutian},
};
// Arizona keeps standard time all year, but the Navajo Nation (in these three counties)
// keeps daylight time.
constexpr CountyZone kArizonaCounties[] = {
    {"APACHE", kArizonaOrNavajo},
    {"NAVAJO", kArizonaOrNavajo},
    {"COCONINO", kArizonaOrNavajo},
};

constexpr StateZones kStates[] = {
    {"AK", kAlaska, kAlaskaOrAleutian, kAlaskaCounties},
    {"AL", kCentral, kCentral, {}},
    {"AR", kCentral, kCentral, {}},
    {"AS", kSamoa, kSamoa, {}},
    {"AZ", kArizona, kArizonaOrNavajo, kArizonaCounties},
    {"CA", kPacific, kPacific, {}},
    {"CO", kMountain, kMountain, {}},
    {"CT", kEastern, kEastern, {}},
    {"DC", kEastern, kEastern, {}},
    {"DE", kEastern, kEastern, {}},
    {"FL", kEastern, kEasternOrCentral, kFlorida},
    {"GA", kEastern, kEastern, {}},
    {"GU", kChamorro, kChamorro, {}},
    {"HI", kHawaii, kHawaii, {}},
    {"IA", kCentral, kCentral, {}},
    {"ID", kMountain, kMountainOrPacific, kIdaho},
    {"IL", kCentral, kCentral, {}},
    {"IN", kEastern, kEasternOrCentral, kIndiana},
    {"KS", kCentral, kCentralOrMountain, kKansas},
    {"KY", kEastern, kEasternOrCentral, kKentucky},
    {"LA", kCentral, kCentral, {}},
    {"MA", kEastern, kEastern, {}},
    {"MD", kEastern, kEastern, {}},
    {"ME", kEastern, kEastern, {}},
    {"MI", kEastern, kEasternOrCentral, kMichigan},
    {"MN", kCentral, kCentral, {}},
    {"MO", kCentral, kCentral, {}},
    {"MP", kChamorro, kChamorro, {}},
    {"MS", kCentral, kCentral, {}},
    {"MT", kMountain, kMountain, {}},
    {"NC", kEastern, kEastern, {}},
    {"ND", kCentral, kCentralOrMountain, kNorthDakota},
    {"NE", kCentral, kCentralOrMountain, kNebraska},
    {"NH", kEastern, kEastern, {}},
    {"NJ", kEastern, kEastern, {}},
    {"NM", kMountain, kMountain, {}},
    {"NV", kPacific, kMountainOrPacific, kNevada},
    {"NY", kEastern, kEastern, {}},
    {"OH", kEastern, kEastern, {}},
    {"OK", kCentral, kCentral, {}},
    {"OR", kPacific, kMountainOrPacific, kOregon},
    {"PA", kEastern, kEastern, {}},
    {"PR", kAtlantic, kAtlantic, {}},
    {"RI", kEastern, kEastern, {}},
    {"SC", kEastern, kEastern, {}},
    {"SD", kCentral, kCentralOrMountain, kSouthDakota},
    {"TN", kCentral, kEasternOrCentral, kTennessee},
    {"TX", kCentral, kCentralOrMountain, kTexas},
    {"UT", kMountain, kMountain, {}},
    {"VA", kEastern, kEastern, {}},
    {"VI", kAtlantic, kAtlantic, {}},
    {"VT", kEastern, kEastern, {}},
    {"WA", kPacific, kPacific, {}},
    {"WI", kCentral, kCentral, {}},
    {"WV", kEastern, kEastern, {}},
    {"WY", kMountain, kMountain, {}},
};

// A county's name as the tables hold it: upper case, no periods or apostrophes, single
// spaces, without "County", "Parish", "Borough" or "Census Area".
std::string CountyKey(std::string_view name) {
  std::string out;
  for (char ch : name) {
    if (ch == '.' || ch == '\'') continue;
    if (ch == ' ' || ch == '-' || ch == '_') {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
      continue;
    }
    out.push_back(ch >= 'a' && ch <= 'z' ? static_cast<char>(ch - 'a' + 'A') : ch);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  for (std::string_view suffix :
       {" CITY AND BOROUGH", " CENSUS AREA", " COUNTY", " PARISH", " BOROUGH", " MUNICIPALITY"}) {
    if (out.size() > suffix.size() && out.ends_with(suffix)) {
      out.resize(out.size() - suffix.size());
      break;
    }
  }
  if (out.starts_with("SAINT ")) out = "ST " + out.substr(6);
  return out;
}

const StateZones* FindState(std::string_view state) {
  std::string upper(state.substr(0, 2));
  for (char& ch : upper) ch = (ch >= 'a' && ch <= 'z') ? static_cast<char>(ch - 'a' + 'A') : ch;
  if (state.size() != 2) return nullptr;
  for (const StateZones& s : kStates) {
    if (s.state == upper) return &s;
  }
  return nullptr;
}

// The zone `counties` give the county named `name` or coded `code`, or nullopt.
std::optional<Zone> FindCounty(std::span<const CountyZone> counties, std::string_view code,
                               std::string_view name) {
  const std::string key = CountyKey(name);
  const std::string code_key = CountyKey(code);
  for (const CountyZone& c : counties) {
    if ((!key.empty() && c.county == key) || (!code_key.empty() && c.county == code_key)) {
      return c.zone;
    }
  }
  return std::nullopt;
}

bool IsGulfCounty(std::string_view state, std::string_view county, std::string_view name) {
  if (FindState(state) == nullptr || FindState(state)->state != "FL") return false;
  return CountyKey(name) == "GULF" || CountyKey(county) == "GUL" || CountyKey(county) == "GULF";
}

// The offset from UTC (raw + daylight, ms) of IANA zone `tz` at `at_ms`. The ICU zones are
// made once and asked under one lock: ICU does not promise that a zone's lazily built
// transition tables are safe to fill from two threads at once.
int64_t OffsetMs(std::string_view tz, int64_t at_ms) {
  static std::mutex mu;
  static std::map<std::string, std::unique_ptr<icu::TimeZone>, std::less<>> zones;
  std::lock_guard lock(mu);
  auto it = zones.find(tz);
  if (it == zones.end()) {
    std::unique_ptr<icu::TimeZone> zone(icu::TimeZone::createTimeZone(icu::UnicodeString::fromUTF8(
        icu::StringPiece(tz.data(), static_cast<int32_t>(tz.size())))));
    it = zones.emplace(std::string(tz), std::move(zone)).first;
  }
  int32_t raw = 0;
  int32_t dst = 0;
  UErrorCode status = U_ZERO_ERROR;
  it->second->getOffset(static_cast<UDate>(at_ms), false, raw, dst, status);
  return int64_t{raw} + dst;
}

}  // namespace

Status ValidateWindow(const CallingWindow& window) {
  if (window.from_minute < kEarliestCallMinute || window.until_minute > kLatestCallMinute ||
      window.from_minute >= window.until_minute) {
    return InvalidArgument(fmt::format(
        "calling hours {}-{}: calls may begin from {} and must begin before {}, local time",
        FormatClockMinute(window.from_minute), FormatClockMinute(window.until_minute),
        FormatClockMinute(kEarliestCallMinute), FormatClockMinute(kLatestCallMinute)));
  }
  return Status::Ok();
}

Result<int> ParseClockMinute(std::string_view text) {
  const size_t colon = text.find(':');
  auto bad = [&] {
    return InvalidArgument("'" + std::string(text.substr(0, 16)) +
                           "' is not a time of day (HH:MM)");
  };
  if (colon == std::string_view::npos || colon == 0 || colon > 2 || text.size() != colon + 3) {
    return bad();
  }
  int hours = 0;
  int minutes = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (i == colon) continue;
    if (text[i] < '0' || text[i] > '9') return bad();
    int& part = i < colon ? hours : minutes;
    part = part * 10 + (text[i] - '0');
  }
  if (minutes > 59 || hours * 60 + minutes > 24 * 60) return bad();
  return hours * 60 + minutes;
}

std::string FormatClockMinute(int minute) {
  return fmt::format("{:02}:{:02}", minute / 60, minute % 60);
}

std::span<const CallZone> AllCallZones() {
  return kZones;
}

Result<CallZone> CallZoneById(int id) {
  if (id < 0 || id >= kZoneCount) return NotFound("no calling zone " + std::to_string(id));
  return kZones[static_cast<size_t>(id)];
}

int ZoneOf(std::string_view state, std::string_view county, std::string_view county_name,
           std::string_view zip) {
  const StateZones* s = FindState(state);
  if (s == nullptr) return kUnknown;
  if (s->counties.empty()) return s->rest;
  if (IsGulfCounty(state, county, county_name)) {
    // Wewahitchka, north of the Intracoastal Waterway, keeps Central time; Port St. Joe,
    // on the coast, Eastern.
    const std::string_view zip5 = zip.substr(0, 5);
    if (zip5 == "32465") return kCentral;
    if (zip5 == "32456" || zip5 == "32457") return kEastern;
    return kEasternOrCentral;
  }
  if (std::optional<Zone> z = FindCounty(s->counties, county, county_name)) return *z;
  if (CountyKey(county_name).empty() && CountyKey(county).empty()) return s->unknown;
  // A county the file names that the table does not list is in the state's main zone;
  // but a file that gives only codes (not the table's) cannot be placed: both zones.
  return CountyKey(county_name).empty() && s->state != "FL" ? s->unknown : s->rest;
}

bool ZipDecidesZone(std::string_view state, std::string_view county, std::string_view county_name) {
  return IsGulfCounty(state, county, county_name);
}

int LocalMinute(std::string_view tz, int64_t at_ms) {
  const int64_t local_ms = at_ms + OffsetMs(tz, at_ms);
  const int64_t day_ms = 24LL * 3600 * 1000;
  return static_cast<int>((((local_ms % day_ms) + day_ms) % day_ms) / 60000);
}

uint64_t OpenZones(const CallingWindow& window, int64_t at_ms) {
  // Each IANA zone's local minute once, then every zone from its members.
  std::map<std::string_view, bool> open;
  uint64_t mask = 0;
  for (const CallZone& z : kZones) {
    bool all = true;
    for (std::string_view tz : z.tz) {
      auto it = open.find(tz);
      if (it == open.end()) {
        const int m = LocalMinute(tz, at_ms);
        it = open.emplace(tz, m >= window.from_minute && m < window.until_minute).first;
      }
      all = all && it->second;
    }
    if (all) mask |= uint64_t{1} << z.id;
  }
  return mask;
}

}  // namespace narwhal

#include "demo/generator.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/text.h"
#include "demo/names.h"

namespace narwhal {
namespace {

using demo::Municipality;

// The year the synthetic file is "published": ages and the newest election are relative
// to it, so the output never depends on the wall clock.
constexpr int kFileYear = 2024;
constexpr int kOldestBirthYear = 1930;
constexpr int kYoungestBirthYear = kFileYear - 18;

// Flushed to the file in chunks this large: few syscalls, and memory stays flat.
constexpr size_t kFlushBytes = 1 << 20;

// ---------------------------------------------------------------------------------------
// Randomness. xoshiro256** seeded through splitmix64: the output is fixed by the
// algorithm, unlike std:: distributions whose results differ between standard libraries.
uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

class Random {
 public:
  explicit Random(uint64_t seed) {
    for (uint64_t& s : state_) s = SplitMix64(seed);
  }

  uint64_t Next() {
    const uint64_t result = Rotl(state_[1] * 5, 7) * 9;
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = Rotl(state_[3], 45);
    return result;
  }

  // Uniform in [0, n), n > 0. The modulo bias (n / 2^64) is far below what a demo shows.
  uint64_t Below(uint64_t n) { return Next() % n; }
  // Uniform in [lo, hi].
  int Between(int lo, int hi) { return lo + static_cast<int>(Below(hi - lo + 1)); }
  // Uniform in [0, 1).
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  bool Chance(double p) { return Unit() < p; }
  // An index into `n` items ordered most common first: the density falls linearly from
  // the front, so "SMITH" is about twice as common as a name in the middle of the list.
  size_t Skewed(size_t n) { return std::min(Below(n), Below(n)); }

  template <typename T>
  const T& Pick(std::span<const T> items) {
    return items[Below(items.size())];
  }
  template <typename T>
  const T& PickSkewed(std::span<const T> items) {
    return items[Skewed(items.size())];
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t state_[4];
};

// A code drawn with given weights; the weights need not sum to one.
struct Weighted {
  std::string_view value;
  double weight;
};

std::string_view PickWeighted(Random& rng, std::span<const Weighted> table) {
  double total = 0;
  for (const Weighted& w : table) total += w.weight;
  double x = rng.Unit() * total;
  for (const Weighted& w : table) {
    if (x < w.weight) return w.value;
    x -= w.weight;
  }
  return table.back().value;
}

// ---------------------------------------------------------------------------------------
// The layouts.

// ncvoter, "File layout (from 02/12/2022)", in file order.
constexpr std::array<std::string_view, 67> kVoterColumns = {
    "county_id",
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
    "vtd_desc",
};

// Indexes into kVoterColumns.
enum Col : size_t {
  kCountyId,
  kCountyDesc,
  kVoterRegNum,
  kNcid,
  kLastName,
  kFirstName,
  kMiddleName,
  kNameSuffix,
  kStatusCd,
  kStatusDesc,
  kReasonCd,
  kReasonDesc,
  kResStreet,
  kResCity,
  kStateCd,
  kZipCode,
  kMailAddr1,
  kMailAddr2,
  kMailAddr3,
  kMailAddr4,
  kMailCity,
  kMailState,
  kMailZip,
  kPhone,
  kConfidential,
  kRegistrDt,
  kRace,
  kEthnic,
  kParty,
  kGender,
  kBirthYear,
  kAge,
  kBirthState,
  kDriversLic,
  kPrecinctAbbrv,
  kPrecinctDesc,
  kMunicipalityAbbrv,
  kMunicipalityDesc,
  kWardAbbrv,
  kWardDesc,
  kCongDist,
  kSuperCourt,
  kJudicDist,
  kNcSenate,
  kNcHouse,
  kCommissAbbrv,
  kCommissDesc,
  kTownshipAbbrv,
  kTownshipDesc,
  kSchoolAbbrv,
  kSchoolDesc,
  kFireAbbrv,
  kFireDesc,
  kWaterAbbrv,
  kWaterDesc,
  kSewerAbbrv,
  kSewerDesc,
  kSanitAbbrv,
  kSanitDesc,
  kRescueAbbrv,
  kRescueDesc,
  kMunicDistAbbrv,
  kMunicDistDesc,
  kDist1Abbrv,
  kDist1Desc,
  kVtdAbbrv,
  kVtdDesc,
  kColumnCount,
};
static_assert(kColumnCount == kVoterColumns.size());

// The first district column: from here on every value is a property of the precinct.
constexpr size_t kFirstPrecinctColumn = kPrecinctAbbrv;

// Fields a short (dirty) row keeps.
constexpr size_t kShortRowFields = 20;

constexpr std::array<std::string_view, 15> kHistoryColumns = {
    "county_id",     "county_desc",     "voter_reg_num",     "election_lbl", "election_desc",
    "voting_method", "voted_party_cd",  "voted_party_desc",  "pct_label",    "pct_description",
    "ncid",          "voted_county_id", "voted_county_desc", "vtd_label",    "vtd_description",
};

enum class ElectionKind { kGeneral, kPrimary, kMunicipal };

struct Election {
  std::string_view label;  // election_lbl, the date as MM/DD/YYYY
  std::string_view desc;
  int date;  // YYYYMMDD, to compare with registration dates
  ElectionKind kind;
  double turnout;  // relative to a midterm general
};

// Newest first; DemoOptions::elections takes a prefix of this table.
constexpr Election kElections[] = {
    {"11/05/2024", "11/05/2024 GENERAL", 20241105, ElectionKind::kGeneral, 1.25},
    {"03/05/2024", "03/05/2024 PRIMARY", 20240305, ElectionKind::kPrimary, 0.55},
    {"10/10/2023", "10/10/2023 MUNICIPAL", 20231010, ElectionKind::kMunicipal, 0.3},
    {"11/08/2022", "11/08/2022 GENERAL", 20221108, ElectionKind::kGeneral, 1.0},
    {"05/17/2022", "05/17/2022 PRIMARY", 20220517, ElectionKind::kPrimary, 0.4},
    {"11/03/2020", "11/03/2020 GENERAL", 20201103, ElectionKind::kGeneral, 1.3},
    {"03/03/2020", "03/03/2020 PRIMARY", 20200303, ElectionKind::kPrimary, 0.6},
    {"10/08/2019", "10/08/2019 MUNICIPAL", 20191008, ElectionKind::kMunicipal, 0.25},
    {"11/06/2018", "11/06/2018 GENERAL", 20181106, ElectionKind::kGeneral, 1.0},
    {"05/08/2018", "05/08/2018 PRIMARY", 20180508, ElectionKind::kPrimary, 0.3},
    {"11/08/2016", "11/08/2016 GENERAL", 20161108, ElectionKind::kGeneral, 1.25},
    {"03/15/2016", "03/15/2016 PRIMARY", 20160315, ElectionKind::kPrimary, 0.6},
    {"11/04/2014", "11/04/2014 GENERAL", 20141104, ElectionKind::kGeneral, 0.85},
    {"05/06/2014", "05/06/2014 PRIMARY", 20140506, ElectionKind::kPrimary, 0.3},
    {"11/06/2012", "11/06/2012 GENERAL", 20121106, ElectionKind::kGeneral, 1.2},
    {"05/08/2012", "05/08/2012 PRIMARY", 20120508, ElectionKind::kPrimary, 0.5},
};

constexpr Weighted kParties[] = {
    {"DEM", 0.34}, {"REP", 0.30}, {"UNA", 0.345}, {"LIB", 0.012}, {"GRE", 0.003},
};
constexpr Weighted kStatuses[] = {
    {"A", 0.885}, {"I", 0.085}, {"S", 0.008}, {"R", 0.017}, {"D", 0.005},
};
constexpr Weighted kRaces[] = {
    {"W", 0.58}, {"B", 0.20}, {"A", 0.07},  {"O", 0.04},
    {"M", 0.03}, {"U", 0.07}, {"I", 0.005}, {"P", 0.005},
};
constexpr Weighted kEthnicities[] = {{"NL", 0.86}, {"HL", 0.09}, {"UN", 0.05}};
constexpr Weighted kBirthStates[] = {
    {"NC", 0.45}, {"", 0.08},   {"NY", 0.07}, {"VA", 0.06}, {"NJ", 0.04}, {"PA", 0.04},
    {"FL", 0.04}, {"SC", 0.03}, {"OH", 0.03}, {"GA", 0.02}, {"CA", 0.02}, {"TX", 0.02},
    {"MD", 0.03}, {"IL", 0.02}, {"MI", 0.02}, {"OC", 0.03},
};
constexpr Weighted kSuffixes[] = {{"JR", 0.6}, {"SR", 0.15}, {"II", 0.1}, {"III", 0.15}};

std::string_view PartyDesc(std::string_view party) {
  if (party == "DEM") return "DEMOCRATIC";
  if (party == "REP") return "REPUBLICAN";
  if (party == "LIB") return "LIBERTARIAN";
  if (party == "GRE") return "GREEN";
  return "UNAFFILIATED";
}

struct StatusText {
  std::string_view desc;
  std::string_view reason_cd;
  std::string_view reason_desc;
};

StatusText StatusTextFor(std::string_view status, Random& rng) {
  if (status == "A") return {"ACTIVE", "AV", "VERIFIED"};
  if (status == "I") {
    return rng.Chance(0.7) ? StatusText{"INACTIVE", "IN", "CONFIRMATION NOT RETURNED"}
                           : StatusText{"INACTIVE", "IU", "CONFIRMATION RETURNED UNDELIVERABLE"};
  }
  if (status == "S") return {"TEMPORARY", "SM", "MILITARY"};
  if (status == "R") {
    return rng.Chance(0.6) ? StatusText{"REMOVED", "RL", "MOVED FROM COUNTY"}
                           : StatusText{"REMOVED", "RD", "DECEASED"};
  }
  return {"DENIED", "DN", "NOT VERIFIED"};
}

constexpr std::string_view kTownships[] = {
    "BARTONS CREEK", "BUCKHORN",     "CARY",        "CEDAR FORK",     "HOLLY SPRINGS",
    "HOUSE CREEK",   "LITTLE RIVER", "MARKS CREEK", "MEREDITH",       "MIDDLE CREEK",
    "NEUSE",         "NEW LIGHT",    "OAK GROVE",   "PANTHER BRANCH", "RALEIGH",
    "ST MARYS",      "ST MATTHEWS",  "SWIFT CREEK", "WAKE FOREST",    "WHITE OAK",
};

// Addresses outside the county for the few voters whose mail goes elsewhere.
struct MailAddress {
  std::string_view street, city, state, zip;
};
constexpr MailAddress kFarMail[] = {
    {"1200 N 5TH ST", "PHILADELPHIA", "PA", "19122"},
    {"PSC 473 BOX 12", "FPO", "AP", "96349"},
    {"455 OCEAN BLVD APT 12", "MYRTLE BEACH", "SC", "29577"},
    {"88 COLLEGE AVE", "BOONE", "NC", "28607"},
    {"2100 W MAIN ST", "RICHMOND", "VA", "23220"},
    {"UNIT 2050 BOX 41", "APO", "AE", "09096"},
};

// ---------------------------------------------------------------------------------------
// Buffered, quoting writer of one tab-delimited file. Owns the FILE handle.
class TsvWriter {
 public:
  Status Open(const std::string& path) {
    path_ = path;
    file_.reset(std::fopen(path.c_str(), "wb"));
    if (!file_) {
      return Status(ErrorCode::kUnavailable,
                    fmt::format("cannot create {}: {}", path, std::strerror(errno)));
    }
    buffer_.reserve(kFlushBytes + 4096);
    return Status::Ok();
  }

  void Field(std::string_view value) {
    if (!first_in_row_) buffer_ += '\t';
    first_in_row_ = false;
    buffer_ += '"';
    buffer_ += value;
    buffer_ += '"';
  }

  Status EndRow() {
    buffer_ += "\r\n";
    first_in_row_ = true;
    return buffer_.size() >= kFlushBytes ? Flush() : Status::Ok();
  }

  // Flushes and closes; the file is complete only when this returns OK.
  Status Close() {
    NARWHAL_RETURN_IF_ERROR(Flush());
    if (std::fclose(file_.release()) != 0) {
      return Status(ErrorCode::kUnavailable,
                    fmt::format("cannot close {}: {}", path_, std::strerror(errno)));
    }
    return Status::Ok();
  }

 private:
  Status Flush() {
    if (!buffer_.empty() &&
        std::fwrite(buffer_.data(), 1, buffer_.size(), file_.get()) != buffer_.size()) {
      return Status(ErrorCode::kUnavailable,
                    fmt::format("cannot write {}: {}", path_, std::strerror(errno)));
    }
    buffer_.clear();
    return Status::Ok();
  }

  struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::string path_;
  std::unique_ptr<std::FILE, FileCloser> file_;
  std::string buffer_;
  bool first_in_row_ = true;
};

// ---------------------------------------------------------------------------------------
// The county: precincts, with their districts, and the streets inside each.

struct Street {
  std::string name;  // "SIX FORKS RD"
  int next_odd;      // next free house number on each side
  int next_even;
};

struct Precinct {
  // The precinct's values of columns kFirstPrecinctColumn.. (districts and names), filled
  // once and copied into each row.
  std::array<std::string, kColumnCount - kFirstPrecinctColumn> columns;
  const Municipality* town = nullptr;
  std::string zip;
  double cumulative_weight = 0;  // for picking a precinct in proportion to its size
  size_t first_street = 0;
  size_t street_count = 0;

  std::string_view code() const { return columns[0]; }
  std::string_view name() const { return columns[1]; }
  std::string& column(Col c) { return columns[c - kFirstPrecinctColumn]; }
};

const Municipality& PickTown(Random& rng) {
  std::span<const Municipality> towns = demo::Municipalities();
  int total = 0;
  for (const Municipality& t : towns) total += t.weight;
  int x = static_cast<int>(rng.Below(total));
  for (const Municipality& t : towns) {
    if (x < t.weight) return t;
    x -= t.weight;
  }
  return towns.front();
}

class County {
 public:
  County(const DemoOptions& options, Random& rng) {
    // About 120 voters per street, bounded so memory does not grow with the file.
    const int64_t per_precinct = options.voters / options.precincts;
    const size_t streets_per_precinct =
        static_cast<size_t>(std::clamp<int64_t>(per_precinct / 120, 4, 40));
    std::span<const std::string_view> stems = demo::StreetStems();
    std::span<const std::string_view> types = demo::StreetTypes();
    constexpr std::string_view kDirections[] = {"", "N ", "S ", "E ", "W ", "UPPER "};
    // Street n of the county combines a stem and a type, shuffled (n -> n * stride mod
    // combos is a bijection because the prime stride does not divide combos); only a
    // county with more streets than combinations needs the "N ", "S ", ... variants.
    const size_t combos = stems.size() * types.size();
    const uint64_t stride = 7919;

    double cumulative = 0;
    precincts_.resize(static_cast<size_t>(options.precincts));
    for (int i = 0; i < options.precincts; ++i) {
      Precinct& p = precincts_[static_cast<size_t>(i)];
      const Municipality& town = PickTown(rng);
      p.town = &town;
      p.zip = std::to_string(town.zip_base + static_cast<int>(rng.Below(town.zip_count)));
      const std::string code = fmt::format("{:02}-{:02}", i / 8 + 1, i % 8 + 1);
      p.column(kPrecinctAbbrv) = code;
      p.column(kPrecinctDesc) = fmt::format("{} {}", town.name, code);
      p.column(kMunicipalityAbbrv) = town.abbrv;
      p.column(kMunicipalityDesc) = town.name;
      if (town.name == "RALEIGH" || town.name == "CARY") {
        const char ward = static_cast<char>('A' + i % 5);
        p.column(kWardAbbrv) = fmt::format("{}{}", town.abbrv.substr(0, 1), ward);
        p.column(kWardDesc) = fmt::format("{} DISTRICT {}", town.name, ward);
        p.column(kMunicDistAbbrv) = town.abbrv;
        p.column(kMunicDistDesc) = town.name;
      }
      // Districts follow the precinct number so neighbours share them, as they do.
      constexpr std::string_view kCong[] = {"02", "04", "13"};
      p.column(kCongDist) = kCong[static_cast<size_t>(i / 12) % 3];
      p.column(kSuperCourt) = fmt::format("10{}", static_cast<char>('A' + (i / 6) % 6));
      p.column(kJudicDist) = "10";
      p.column(kNcSenate) = fmt::format("{}", 13 + (i / 7) % 6);
      p.column(kNcHouse) = fmt::format("{:03}", 11 + (i / 3) % 30);
      const int commiss = 1 + (i / 5) % 7;
      p.column(kCommissAbbrv) = fmt::format("{}", commiss);
      p.column(kCommissDesc) = fmt::format("COMMISSIONER DISTRICT {}", commiss);
      // A town's precincts lie in the township named after it when there is one.
      size_t township = static_cast<size_t>(i / 2) % std::size(kTownships);
      for (size_t t = 0; t < std::size(kTownships); ++t) {
        if (kTownships[t] == town.name) township = t;
      }
      p.column(kTownshipAbbrv) = fmt::format("{:02}", township + 1);
      p.column(kTownshipDesc) = kTownships[township];
      if (town.name != "RALEIGH" && rng.Chance(0.3)) {
        p.column(kFireAbbrv) = fmt::format("F{:02}", township + 1);
        p.column(kFireDesc) = fmt::format("{} FIRE", kTownships[township]);
      }
      p.column(kDist1Abbrv) = "10";
      p.column(kDist1Desc) = "10TH PROSECUTORIAL";
      p.column(kVtdAbbrv) = code;
      p.column(kVtdDesc) = code;

      cumulative += 0.5 + rng.Unit();
      p.cumulative_weight = cumulative;
      p.first_street = streets_.size();
      p.street_count = streets_per_precinct;
      for (size_t s = 0; s < streets_per_precinct; ++s) {
        const size_t n = streets_.size();
        const size_t k = (n * stride) % combos;
        Street street;
        street.name = fmt::format("{}{} {}", kDirections[n / combos % std::size(kDirections)],
                                  stems[k % stems.size()], types[k / stems.size()]);
        const int start = rng.Between(1, 60) * 100;
        street.next_odd = start + 1;
        street.next_even = start + 2;
        streets_.push_back(std::move(street));
      }
    }
  }

  Precinct& PickPrecinct(Random& rng) {
    const double x = rng.Unit() * precincts_.back().cumulative_weight;
    auto it = std::upper_bound(precincts_.begin(), precincts_.end(), x,
                               [](double v, const Precinct& p) { return v < p.cumulative_weight; });
    return it == precincts_.end() ? precincts_.back() : *it;
  }

  const Precinct& PrecinctAt(size_t i) const { return precincts_[i]; }

  Street& PickStreet(const Precinct& p, Random& rng) {
    return streets_[p.first_street + rng.Below(p.street_count)];
  }

 private:
  std::vector<Precinct> precincts_;
  std::vector<Street> streets_;
};

// ---------------------------------------------------------------------------------------
// The generator proper: households, voters, their history.

void AssignInt(std::string& out, int64_t value) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out.assign(buf, end);
}

void AssignDate(std::string& out, int year, int month, int day) {
  out.clear();
  fmt::format_to(std::back_inserter(out), "{:02}/{:02}/{:04}", month, day, year);
}

// What the history generator needs to know about one written voter.
struct HistoryFacts {
  int birth_year;
  int registration_date;  // YYYYMMDD
  std::string_view status;
  std::string_view party;
  double propensity;  // how reliably this voter turns out, around 1
};

class Generator {
 public:
  Generator(const DemoOptions& options, TsvWriter& voters, TsvWriter* history)
      : options_(options),
        rng_(options.seed),
        // History draws come from their own stream so the voter file is the same bytes
        // whether or not the history is written.
        history_rng_(options.seed ^ 0x5EED0F415709ull),
        county_(options, rng_),
        voters_(voters),
        history_(history),
        elections_(std::span<const Election>(kElections)
                       .first(std::min<size_t>(static_cast<size_t>(options.elections),
                                               std::size(kElections)))) {
    fields_[kCountyId] = options.county_id;
    fields_[kCountyDesc] = options.county_name;
    fields_[kStateCd] = "NC";
    fields_[kConfidential] = "N";
    long long county_number = 0;
    std::from_chars(options.county_id.data(), options.county_id.data() + options.county_id.size(),
                    county_number);
    ncid_letters_[0] = static_cast<char>('A' + county_number % 26);
    ncid_letters_[1] = static_cast<char>('A' + (county_number / 26) * 5 % 26);
  }

  Result<DemoFiles> Run() {
    PrepareRealAddresses();
    for (std::string_view name : kVoterColumns) voters_.Field(name);
    NARWHAL_RETURN_IF_ERROR(voters_.EndRow());
    if (history_) {
      for (std::string_view name : kHistoryColumns) history_->Field(name);
      NARWHAL_RETURN_IF_ERROR(history_->EndRow());
    }
    while (files_.voter_rows < options_.voters) {
      NARWHAL_RETURN_IF_ERROR(WriteHousehold());
    }
    return files_;
  }

 private:
  // The real addresses in a seeded order, each with its precinct (a band of latitude).
  void PrepareRealAddresses() {
    const std::vector<DemoAddress>& all = options_.addresses;
    if (all.empty()) return;
    std::vector<size_t> by_lat(all.size());
    for (size_t i = 0; i < by_lat.size(); ++i) by_lat[i] = i;
    std::stable_sort(by_lat.begin(), by_lat.end(),
                     [&](size_t a, size_t b) { return all[a].lat < all[b].lat; });
    std::vector<size_t> precinct_of(all.size());
    const size_t precincts = static_cast<size_t>(options_.precincts);
    for (size_t rank = 0; rank < by_lat.size(); ++rank) {
      precinct_of[by_lat[rank]] = rank * precincts / by_lat.size();
    }
    for (size_t i = 0; i < all.size(); ++i)
      addresses_.push_back({all[i].street_line, precinct_of[i]});
    for (size_t i = addresses_.size(); i > 1; --i) {
      std::swap(addresses_[i - 1], addresses_[rng_.Below(i)]);
    }
  }

  // Writes the next real address into address_ as a voter file would; returns its precinct.
  const Precinct& PlaceAtRealAddress() {
    const size_t round = next_address_ / addresses_.size();
    const RealAddress& a = addresses_[next_address_ % addresses_.size()];
    ++next_address_;
    address_.clear();
    if (rng_.Chance(0.005)) {
      fmt::format_to(std::back_inserter(address_), "PO BOX {}", rng_.Between(1, 9999));
      return county_.PrecinctAt(a.precinct);
    }
    std::string line = FoldForSearch(a.street_line);
    std::vector<std::string_view> words = SplitWords(line);
    // Most files abbreviate the street type and the direction, as USPS does.
    const bool abbreviate = rng_.Chance(0.6);
    const bool typo = rng_.Chance(0.01) && words.size() > 2;
    for (size_t w = 0; w < words.size(); ++w) {
      std::string_view word = words[w];
      // "EAST ST" is a street named East: only a direction before a name is shortened.
      if (abbreviate) word = Abbreviation(word, w == 1 && words.size() > 3, w + 1 == words.size());
      if (!address_.empty()) address_.push_back(' ');
      if (typo && w == 1 && word.size() > 3) {
        address_.append(word.substr(0, 1)).append(word.substr(2));  // a letter dropped
      } else {
        address_.append(word);
      }
    }
    // Later rounds fill apartments; a few buildings have them from the start.
    if (round > 0) {
      fmt::format_to(std::back_inserter(address_), " APT {}", round + 1);
    } else if (rng_.Chance(0.05)) {
      fmt::format_to(std::back_inserter(address_), " APT {}", rng_.Between(1, 12));
    }
    return county_.PrecinctAt(a.precinct);
  }

  static std::string_view Abbreviation(std::string_view word, bool first_after_number, bool last) {
    static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
        {"DRIVE", "DR"}, {"STREET", "ST"},  {"ROAD", "RD"},  {"AVENUE", "AVE"},
        {"LANE", "LN"},  {"CIRCLE", "CIR"}, {"COURT", "CT"}, {"HIGHWAY", "HWY"}};
    static constexpr std::pair<std::string_view, std::string_view> kDirs[] = {
        {"EAST", "E"}, {"WEST", "W"}, {"NORTH", "N"}, {"SOUTH", "S"}};
    using Words = std::span<const std::pair<std::string_view, std::string_view>>;
    for (const auto& [full, abbr] : last ? Words(kTypes) : Words(kDirs)) {
      if ((last || first_after_number) && word == full) return abbr;
    }
    return word;
  }

  Status WriteHousehold() {
    Precinct& precinct = county_.PickPrecinct(rng_);
    Street& street = county_.PickStreet(precinct, rng_);
    int& next = rng_.Chance(0.5) ? street.next_odd : street.next_even;
    const int number = next;
    next += 2 * rng_.Between(1, 4);
    address_.clear();
    fmt::format_to(std::back_inserter(address_), "{} {}", number, street.name);
    if (rng_.Chance(0.07))
      fmt::format_to(std::back_inserter(address_), " APT {}", rng_.Between(1, 24));
    const Precinct* at = &precinct;
    if (!addresses_.empty()) at = &PlaceAtRealAddress();

    for (size_t c = kFirstPrecinctColumn; c < kColumnCount; ++c) {
      fields_[c] = at->columns[c - kFirstPrecinctColumn];
    }
    fields_[kResStreet] = address_;
    fields_[kResCity] = addresses_.empty() ? std::string(at->town->name) : options_.city;
    fields_[kZipCode] = addresses_.empty() ? at->zip : options_.zip;

    static constexpr double kSizeWeights[] = {0.28, 0.35, 0.16, 0.14, 0.07};
    int size = 1;
    for (double x = rng_.Unit(); size < 5 && x >= kSizeWeights[size - 1]; ++size) {
      x -= kSizeWeights[size - 1];
    }
    size = static_cast<int>(std::min<int64_t>(size, options_.voters - files_.voter_rows));

    // Shared by the household unless a member overrides them.
    const std::string_view family_name = rng_.PickSkewed(demo::LastNames());
    const std::string_view head_party = PickWeighted(rng_, kParties);
    const std::string_view race = PickWeighted(rng_, kRaces);
    const std::string_view ethnic = PickWeighted(rng_, kEthnicities);
    const bool has_landline = rng_.Chance(0.3);
    AssignPhone(household_phone_);
    const bool mail_elsewhere = rng_.Chance(0.025);
    const MailAddress& far = rng_.Pick(std::span<const MailAddress>(kFarMail));
    const int po_box = rng_.Between(100, 99999);
    // Middle-aged heads are the most common; the average of two draws peaks in the middle.
    const int head_birth = (rng_.Between(kOldestBirthYear, 2000) + rng_.Between(1935, 2002)) / 2;
    const bool head_female = rng_.Chance(0.52);

    for (int member = 0; member < size; ++member) {
      int birth = head_birth;
      bool female = head_female;
      bool family = true;
      if (member == 1) {  // a partner, usually of the same age and family name
        birth = std::clamp(head_birth + rng_.Between(-6, 6), kOldestBirthYear, kYoungestBirthYear);
        female = rng_.Chance(0.85) ? !head_female : head_female;
        family = rng_.Chance(0.75);
      } else if (member >= 2) {  // grown children, or lodgers when none can be old enough
        birth = head_birth + rng_.Between(20, 38);
        female = rng_.Chance(0.5);
        if (birth > kYoungestBirthYear) {
          birth = rng_.Between(1960, kYoungestBirthYear);
          family = rng_.Chance(0.2);
        }
      }
      const std::string_view last = family ? family_name : rng_.PickSkewed(demo::LastNames());
      const std::string_view party = rng_.Chance(0.6) ? head_party
                                     : (kFileYear - birth < 35 && rng_.Chance(0.3))
                                         ? std::string_view("UNA")
                                         : PickWeighted(rng_, kParties);
      if (has_landline) {
        fields_[kPhone] = household_phone_;
      } else if (rng_.Chance(0.35)) {
        AssignPhone(fields_[kPhone]);
      } else {
        fields_[kPhone].clear();
      }

      HistoryFacts facts = FillPerson(birth, female, last, party, race, ethnic);
      if (mail_elsewhere) {
        if (far.state == "NC" || rng_.Chance(0.5)) {
          fields_[kMailAddr1] = far.street;
          fields_[kMailCity] = far.city;
          fields_[kMailState] = far.state;
          fields_[kMailZip] = far.zip;
        } else {
          fields_[kMailAddr1].clear();
          fmt::format_to(std::back_inserter(fields_[kMailAddr1]), "PO BOX {}", po_box);
          fields_[kMailCity] = precinct.town->name;
          fields_[kMailState] = "NC";
          fields_[kMailZip] = precinct.zip;
        }
      } else {
        for (Col c :
             {kMailAddr1, kMailAddr2, kMailAddr3, kMailAddr4, kMailCity, kMailState, kMailZip}) {
          fields_[c].clear();
        }
      }
      const bool dirty = options_.dirty_fraction > 0 && rng_.Chance(options_.dirty_fraction);
      size_t fields = kColumnCount;
      if (dirty) {
        ++files_.dirty_rows;
        switch (rng_.Below(4)) {
          case 0: fields_[kNcid].clear(); break;
          case 1: fields_[kRegistrDt] = "02/30/2019"; break;
          case 2: fields = kShortRowFields; break;
          default: fields_[kBirthYear] = "19X0"; break;
        }
      }
      for (size_t c = 0; c < fields; ++c) voters_.Field(fields_[c]);
      NARWHAL_RETURN_IF_ERROR(voters_.EndRow());
      ++files_.voter_rows;
      // A row the importer rejects has no history: nothing should point at a voter that
      // does not exist.
      if (history_ && !dirty) NARWHAL_RETURN_IF_ERROR(WriteHistory(precinct, facts));
    }
    return Status::Ok();
  }

  // Fills the per-person columns of fields_ and returns what the history needs.
  HistoryFacts FillPerson(int birth, bool female, std::string_view last, std::string_view party,
                          std::string_view race, std::string_view ethnic) {
    const int64_t index = files_.voter_rows;
    // Registration numbers rise through the file with gaps; unique because each index
    // owns its own block of four.
    AssignInt(fields_[kVoterRegNum], 100000000 + index * 4 + static_cast<int64_t>(rng_.Below(4)));
    // ncid: two letters of the county and a block, then six digits in shuffled order
    // (k -> k * 387763 mod 10^6 is a bijection, 387763 being prime to 10).
    const int64_t block = index / 1000000;
    const int64_t digits = (index % 1000000 * 387763 + 271828) % 1000000;
    fields_[kNcid].clear();
    fields_[kNcid] += ncid_letters_[0];
    fields_[kNcid] += static_cast<char>('A' + (ncid_letters_[1] - 'A' + block) % 26);
    fmt::format_to(std::back_inserter(fields_[kNcid]), "{:06}", digits);

    fields_[kLastName] = last;
    std::span<const std::string_view> firsts =
        female ? demo::FemaleFirstNames() : demo::MaleFirstNames();
    fields_[kFirstName] = rng_.PickSkewed(firsts);
    if (rng_.Chance(0.85)) {
      std::string_view middle = rng_.Pick(firsts);
      // "ANDREA ANDREA" happens in real files, but rarely; draw once more.
      if (middle == fields_[kFirstName]) middle = rng_.Pick(firsts);
      fields_[kMiddleName] = middle;
    } else {
      fields_[kMiddleName].clear();
    }
    fields_[kNameSuffix] = !female && rng_.Chance(0.04) ? PickWeighted(rng_, kSuffixes) : "";

    const std::string_view status = PickWeighted(rng_, kStatuses);
    const StatusText text = StatusTextFor(status, rng_);
    fields_[kStatusCd] = status;
    fields_[kStatusDesc] = text.desc;
    fields_[kReasonCd] = text.reason_cd;
    fields_[kReasonDesc] = text.reason_desc;

    const int first_year = std::max(birth + 18, 1972);
    const int reg_year = rng_.Chance(0.5) ? rng_.Between(first_year, kFileYear)
                                          : (rng_.Between(first_year, kFileYear) + kFileYear) / 2;
    const int reg_month = rng_.Between(1, 12);
    const int reg_day = rng_.Between(1, 28);
    AssignDate(fields_[kRegistrDt], reg_year, reg_month, reg_day);

    fields_[kRace] = race;
    fields_[kEthnic] = ethnic;
    fields_[kParty] = party;
    fields_[kGender] = rng_.Chance(0.03) ? "U" : (female ? "F" : "M");
    AssignInt(fields_[kBirthYear], birth);
    AssignInt(fields_[kAge], kFileYear - birth);
    fields_[kBirthState] = PickWeighted(rng_, kBirthStates);
    fields_[kDriversLic] = rng_.Chance(0.86) ? "Y" : "N";
    return HistoryFacts{birth, reg_year * 10000 + reg_month * 100 + reg_day, status, party,
                        0.4 + rng_.Unit()};
  }

  void AssignPhone(std::string& out) {
    // 555 exchanges, so no generated number reaches a real person.
    out.clear();
    fmt::format_to(std::back_inserter(out), "{}555{:04}", rng_.Chance(0.7) ? "919" : "984",
                   rng_.Below(10000));
  }

  Status WriteHistory(const Precinct& precinct, const HistoryFacts& facts) {
    Random& rng = history_rng_;
    for (const Election& e : elections_) {
      const int year = e.date / 10000;
      if (year - facts.birth_year < 18 || facts.registration_date >= e.date) continue;
      // Older voters vote more often; inactive and removed ones mostly stopped.
      double p = 0.3 + 0.5 * std::min(1.0, (year - facts.birth_year - 18) / 45.0);
      p *= e.turnout * facts.propensity;
      if (facts.status == "I") p *= 0.2;
      if (facts.status == "R" || facts.status == "D") p *= 0.1;
      if (!rng.Chance(std::min(p, 0.97))) continue;

      const bool senior = year - facts.birth_year >= 65;
      std::string_view method;
      const double m = rng.Unit();
      const double by_mail = senior ? 0.2 : 0.06;
      const double early = e.kind == ElectionKind::kGeneral ? 0.55 : 0.38;
      if (m < by_mail) {
        method = "ABSENTEE BY MAIL";
      } else if (m < by_mail + early) {
        method = "ABSENTEE ONESTOP";
      } else {
        method = "IN-PERSON";
      }
      std::string_view ballot;
      if (e.kind == ElectionKind::kPrimary) {
        ballot = facts.party;
        if (ballot == "UNA" || ballot == "GRE") ballot = rng.Chance(0.55) ? "DEM" : "REP";
      }
      TsvWriter& out = *history_;
      out.Field(fields_[kCountyId]);
      out.Field(fields_[kCountyDesc]);
      out.Field(fields_[kVoterRegNum]);
      out.Field(e.label);
      out.Field(e.desc);
      out.Field(method);
      out.Field(ballot);
      out.Field(ballot.empty() ? std::string_view() : PartyDesc(ballot));
      out.Field(precinct.code());
      out.Field(precinct.name());
      out.Field(fields_[kNcid]);
      out.Field(fields_[kCountyId]);
      out.Field(fields_[kCountyDesc]);
      out.Field(precinct.code());
      out.Field(precinct.code());
      NARWHAL_RETURN_IF_ERROR(out.EndRow());
      ++files_.history_rows;
    }
    return Status::Ok();
  }

  const DemoOptions& options_;
  Random rng_;
  Random history_rng_;
  County county_;
  TsvWriter& voters_;
  TsvWriter* history_;  // null when no history is wanted
  std::span<const Election> elections_;
  char ncid_letters_[2];

  // The row being built, reused so that steady state allocates nothing.
  std::array<std::string, kColumnCount> fields_;
  std::string address_;
  struct RealAddress {
    std::string street_line;
    size_t precinct = 0;
  };
  std::vector<RealAddress> addresses_;  // options_.addresses, shuffled, with precincts
  size_t next_address_ = 0;
  std::string household_phone_;
  DemoFiles files_;
};

Status Validate(const DemoOptions& o) {
  if (o.voters < 0) return InvalidArgument("voters must not be negative");
  // Precinct codes are "WW-NN" with two-digit wards of eight precincts.
  if (o.precincts < 1 || o.precincts > 99 * 8) {
    return InvalidArgument("precincts must be between 1 and 792");
  }
  if (!(o.dirty_fraction >= 0 && o.dirty_fraction <= 1)) {
    return InvalidArgument("dirty_fraction must be between 0 and 1");
  }
  if (o.elections < 0) return InvalidArgument("elections must not be negative");
  if (o.county_id.empty() || o.county_name.empty()) {
    return InvalidArgument("county_id and county_name must not be empty");
  }
  // Voter numbers beyond 26 million would reuse ncid letter blocks.
  if (o.voters > 26'000'000) return InvalidArgument("at most 26,000,000 voters");
  return Status::Ok();
}

}  // namespace

Result<DemoFiles> WriteDemoFiles(const DemoOptions& options, const std::string& voter_path,
                                 const std::string& history_path) {
  NARWHAL_RETURN_IF_ERROR(Validate(options));
  TsvWriter voters;
  NARWHAL_RETURN_IF_ERROR(voters.Open(voter_path));
  TsvWriter history;
  if (!history_path.empty()) NARWHAL_RETURN_IF_ERROR(history.Open(history_path));

  Generator generator(options, voters, history_path.empty() ? nullptr : &history);
  NARWHAL_ASSIGN_OR_RETURN(DemoFiles files, generator.Run());
  NARWHAL_RETURN_IF_ERROR(voters.Close());
  if (!history_path.empty()) NARWHAL_RETURN_IF_ERROR(history.Close());
  return files;
}

}  // namespace narwhal

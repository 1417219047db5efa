#include "domain/address.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <initializer_list>
#include <span>
#include <tuple>
#include <utility>
#include <vector>

#include "base/text.h"

namespace narwhal {
namespace {

constexpr std::string_view kUnitWords[] = {"APT",  "UNIT", "STE", "SUITE", "LOT", "RM",
                                           "ROOM", "BLDG", "FL",  "TRLR",  "SPC"};

bool IsDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

ParsedStreetAddress ParseStreetAddress(std::string_view street_line) {
  ParsedStreetAddress out;
  std::string folded = FoldForSearch(street_line);
  // "#4" folds to "4" after the separator; keep a marker for it by looking at the raw text.
  std::vector<std::string_view> words = SplitWords(folded);
  size_t i = 0;
  if (!words.empty()) {
    std::string_view w = words[0];
    size_t digits = 0;
    while (digits < w.size() && w[digits] >= '0' && w[digits] <= '9') ++digits;
    if (digits > 0 && digits <= 9) {
      long long n = 0;
      ParseInt64(w.substr(0, digits), n);
      out.house_number = n;
      out.house_suffix = std::string(w.substr(digits));
      i = 1;
      // "123 1/2 MAIN" folds to "123 1 2 MAIN": a fraction after the number.
      if (words.size() > 3 && words[1] == "1" && words[2] == "2") {
        out.house_suffix = "1/2";
        i = 3;
      }
    }
  }
  size_t unit_at = words.size();
  for (size_t k = i + 1; k < words.size(); ++k) {
    for (std::string_view u : kUnitWords) {
      if (words[k] == u) unit_at = std::min(unit_at, k);
    }
  }
  // A trailing bare number after the street ("MAIN ST 4") is also a unit.
  if (unit_at == words.size() && words.size() > i + 2 && IsDigits(words.back())) {
    unit_at = words.size() - 1;
  }
  for (size_t k = i; k < unit_at; ++k) {
    if (!out.street.empty()) out.street.push_back(' ');
    out.street.append(words[k]);
  }
  for (size_t k = unit_at; k < words.size(); ++k) {
    if (!out.unit.empty()) out.unit.push_back(' ');
    out.unit.append(words[k]);
  }
  return out;
}

namespace {

// (street, side, position along the walk, suffix, unit): odd side up, even side back down.
auto WalkTuple(const ParsedStreetAddress& a) {
  int side = a.house_number < 0 ? 2 : static_cast<int>(a.house_number % 2 == 0);
  int64_t position = a.house_number < 0 ? 0 : (side == 0 ? a.house_number : -a.house_number);
  return std::make_tuple(std::string_view(a.street), side, position,
                         std::string_view(a.house_suffix), std::string_view(a.unit));
}

}  // namespace

bool WalkOrderLess(const ParsedStreetAddress& a, const ParsedStreetAddress& b) {
  return WalkTuple(a) < WalkTuple(b);
}

std::string WalkOrderKey(const ParsedStreetAddress& a) {
  int side = a.house_number < 0 ? 2 : static_cast<int>(a.house_number % 2 == 0);
  // Even side walks back down: store (10^9 - n) so ascending keys give descending numbers.
  int64_t position =
      a.house_number < 0 ? 0 : (side == 0 ? a.house_number : 1000000000 - a.house_number);
  char buf[64];
  std::snprintf(buf, sizeof buf, "\x1f%d\x1f%010lld\x1f", side, static_cast<long long>(position));
  return a.street + buf + a.house_suffix + "\x1f" + a.unit;
}

// ---------------------------------------------------------------------------------------
// NormalizeAddress

namespace {

using WordMap = std::pair<std::string_view, std::string_view>;

// Street types: the USPS Publication 28 (appendix C1) standard abbreviation of each common
// suffix, keyed by its common spellings.
constexpr WordMap kStreetTypes[] = {
    {"ALLEY", "ALY"},     {"ALY", "ALY"},       {"ANNEX", "ANX"},       {"ANX", "ANX"},
    {"AVENUE", "AVE"},    {"AVE", "AVE"},       {"AV", "AVE"},          {"AVN", "AVE"},
    {"BAYOU", "BYU"},     {"BEACH", "BCH"},     {"BCH", "BCH"},         {"BEND", "BND"},
    {"BND", "BND"},       {"BLUFF", "BLF"},     {"BLF", "BLF"},         {"BOULEVARD", "BLVD"},
    {"BLVD", "BLVD"},     {"BOUL", "BLVD"},     {"BRANCH", "BR"},       {"BR", "BR"},
    {"BRIDGE", "BRG"},    {"BRG", "BRG"},       {"BROOK", "BRK"},       {"BRK", "BRK"},
    {"BYPASS", "BYP"},    {"BYP", "BYP"},       {"CAUSEWAY", "CSWY"},   {"CSWY", "CSWY"},
    {"CENTER", "CTR"},    {"CTR", "CTR"},       {"CIRCLE", "CIR"},      {"CIR", "CIR"},
    {"CIRC", "CIR"},      {"CLIFF", "CLF"},     {"CLUB", "CLB"},        {"COMMON", "CMN"},
    {"CORNER", "COR"},    {"COURSE", "CRSE"},   {"COURT", "CT"},        {"CT", "CT"},
    {"CRT", "CT"},        {"COVE", "CV"},       {"CV", "CV"},           {"CREEK", "CRK"},
    {"CRK", "CRK"},       {"CRESCENT", "CRES"}, {"CRES", "CRES"},       {"CROSSING", "XING"},
    {"XING", "XING"},     {"DRIVE", "DR"},      {"DR", "DR"},           {"DRV", "DR"},
    {"ESTATES", "ESTS"},  {"ESTS", "ESTS"},     {"EXPRESSWAY", "EXPY"}, {"EXPY", "EXPY"},
    {"EXTENSION", "EXT"}, {"EXT", "EXT"},       {"FREEWAY", "FWY"},     {"FWY", "FWY"},
    {"GARDENS", "GDNS"},  {"GDNS", "GDNS"},     {"GLEN", "GLN"},        {"GLN", "GLN"},
    {"GREEN", "GRN"},     {"GRN", "GRN"},       {"GROVE", "GRV"},       {"GRV", "GRV"},
    {"HARBOR", "HBR"},    {"HBR", "HBR"},       {"HEIGHTS", "HTS"},     {"HTS", "HTS"},
    {"HIGHWAY", "HWY"},   {"HWY", "HWY"},       {"HIWAY", "HWY"},       {"HILL", "HL"},
    {"HL", "HL"},         {"HOLLOW", "HOLW"},   {"HOLW", "HOLW"},       {"ISLAND", "IS"},
    {"JUNCTION", "JCT"},  {"JCT", "JCT"},       {"KNOLL", "KNL"},       {"KNL", "KNL"},
    {"LAKE", "LK"},       {"LK", "LK"},         {"LANDING", "LNDG"},    {"LNDG", "LNDG"},
    {"LANE", "LN"},       {"LN", "LN"},         {"LOOP", "LOOP"},       {"MANOR", "MNR"},
    {"MNR", "MNR"},       {"MEADOW", "MDW"},    {"MDW", "MDW"},         {"MEADOWS", "MDWS"},
    {"MDWS", "MDWS"},     {"MILL", "ML"},       {"MOUNTAIN", "MTN"},    {"MTN", "MTN"},
    {"OVAL", "OVAL"},     {"OVERLOOK", "OVLK"}, {"OVLK", "OVLK"},       {"PARK", "PARK"},
    {"PARKWAY", "PKWY"},  {"PKWY", "PKWY"},     {"PKY", "PKWY"},        {"PASS", "PASS"},
    {"PATH", "PATH"},     {"PIKE", "PIKE"},     {"PINES", "PNES"},      {"PLACE", "PL"},
    {"PL", "PL"},         {"PLAZA", "PLZ"},     {"PLZ", "PLZ"},         {"POINT", "PT"},
    {"PT", "PT"},         {"RIDGE", "RDG"},     {"RDG", "RDG"},         {"ROAD", "RD"},
    {"RD", "RD"},         {"ROW", "ROW"},       {"RUN", "RUN"},         {"SQUARE", "SQ"},
    {"SQ", "SQ"},         {"STREET", "ST"},     {"ST", "ST"},           {"STR", "ST"},
    {"TERRACE", "TER"},   {"TER", "TER"},       {"TERR", "TER"},        {"TRACE", "TRCE"},
    {"TRCE", "TRCE"},     {"TRAIL", "TRL"},     {"TRL", "TRL"},         {"TURNPIKE", "TPKE"},
    {"TPKE", "TPKE"},     {"VALLEY", "VLY"},    {"VLY", "VLY"},         {"VIEW", "VW"},
    {"VW", "VW"},         {"VILLAGE", "VLG"},   {"VLG", "VLG"},         {"VISTA", "VIS"},
    {"VIS", "VIS"},       {"WALK", "WALK"},     {"WAY", "WAY"},         {"WY", "WAY"},
};

constexpr WordMap kDirections[] = {
    {"NORTH", "N"},      {"SOUTH", "S"},      {"EAST", "E"},       {"WEST", "W"},
    {"NORTHEAST", "NE"}, {"NORTHWEST", "NW"}, {"SOUTHEAST", "SE"}, {"SOUTHWEST", "SW"},
    {"N", "N"},          {"S", "S"},          {"E", "E"},          {"W", "W"},
    {"NE", "NE"},        {"NW", "NW"},        {"SE", "SE"},        {"SW", "SW"},
};

constexpr WordMap kOrdinals[] = {
    {"FIRST", "1ST"},        {"SECOND", "2ND"},      {"THIRD", "3RD"},       {"FOURTH", "4TH"},
    {"FIFTH", "5TH"},        {"SIXTH", "6TH"},       {"SEVENTH", "7TH"},     {"EIGHTH", "8TH"},
    {"NINTH", "9TH"},        {"TENTH", "10TH"},      {"ELEVENTH", "11TH"},   {"TWELFTH", "12TH"},
    {"THIRTEENTH", "13TH"},  {"FOURTEENTH", "14TH"}, {"FIFTEENTH", "15TH"},  {"SIXTEENTH", "16TH"},
    {"SEVENTEENTH", "17TH"}, {"EIGHTEENTH", "18TH"}, {"NINETEENTH", "19TH"}, {"TWENTIETH", "20TH"},
};

// Unit designators (Publication 28, appendix C2). `needs_id`: APT takes a number after
// it; REAR stands alone.
struct UnitWord {
  std::string_view word;
  std::string_view standard;
  bool needs_id;
};
constexpr UnitWord kUnitDesignators[] = {
    {"APARTMENT", "APT", true},  {"APT", "APT", true},     {"UNIT", "UNIT", true},
    {"SUITE", "STE", true},      {"STE", "STE", true},     {"BUILDING", "BLDG", true},
    {"BLDG", "BLDG", true},      {"FLOOR", "FL", true},    {"FL", "FL", true},
    {"ROOM", "RM", true},        {"RM", "RM", true},       {"LOT", "LOT", true},
    {"TRAILER", "TRLR", true},   {"TRLR", "TRLR", true},   {"SPACE", "SPC", true},
    {"SPC", "SPC", true},        {"DEPT", "DEPT", true},   {"HANGAR", "HNGR", true},
    {"HNGR", "HNGR", true},      {"SLIP", "SLIP", true},   {"PIER", "PIER", true},
    {"BASEMENT", "BSMT", false}, {"BSMT", "BSMT", false},  {"FRONT", "FRNT", false},
    {"FRNT", "FRNT", false},     {"REAR", "REAR", false},  {"UPPER", "UPPR", false},
    {"UPPR", "UPPR", false},     {"LOWER", "LOWR", false}, {"LOWR", "LOWR", false},
    {"PENTHOUSE", "PH", false},  {"PH", "PH", false},      {"SIDE", "SIDE", false},
};

// Words before a route number: in "123 HWY 55" the 55 is the road's, not an apartment.
constexpr std::string_view kRouteWords[] = {"HWY", "HIGHWAY", "RTE", "ROUTE", "SR",
                                            "CR",  "US",      "NC",  "FM",    "INTERSTATE"};

std::string_view Lookup(std::span<const WordMap> table, std::string_view word) {
  for (const WordMap& m : table) {
    if (m.first == word) return m.second;
  }
  return {};
}

// The USPS abbreviation of a street type, written out ("MILL") or already standard ("ML").
std::string_view StreetType(std::string_view word) {
  std::string_view standard = Lookup(kStreetTypes, word);
  if (!standard.empty()) return standard;
  for (const WordMap& m : kStreetTypes) {
    if (m.second == word) return m.second;
  }
  return {};
}

const UnitWord* LookupUnit(std::string_view word) {
  for (const UnitWord& u : kUnitDesignators) {
    if (u.word == word) return &u;
  }
  return nullptr;
}

bool IsRouteWord(std::string_view word) {
  return std::find(std::begin(kRouteWords), std::end(kRouteWords), word) != std::end(kRouteWords);
}

bool StartsWithDigit(std::string_view s) {
  return !s.empty() && s[0] >= '0' && s[0] <= '9';
}

bool IsFraction(std::string_view s) {
  size_t slash = s.find('/');
  return slash != std::string_view::npos && slash > 0 && IsDigits(s.substr(0, slash)) &&
         IsDigits(s.substr(slash + 1));
}

// Splits a raw street line into standardised words: folded as search keys are (upper
// case, accents and periods gone), except that '#' stays a word of its own and a fraction
// ("1/2") stays whole.
std::vector<std::string> Tokenize(std::string_view raw) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < raw.size()) {
    while (i < raw.size() && (raw[i] == ' ' || raw[i] == '\t' || raw[i] == ',')) ++i;
    size_t start = i;
    while (i < raw.size() && raw[i] != ' ' && raw[i] != '\t' && raw[i] != ',') ++i;
    std::string_view token = raw.substr(start, i - start);
    while (!token.empty() && token[0] == '#') {
      out.emplace_back("#");
      token.remove_prefix(1);
    }
    if (token.empty()) continue;
    if (IsFraction(token)) {
      out.emplace_back(token);
      continue;
    }
    std::string folded = FoldForSearch(token);
    for (std::string_view w : SplitWords(folded)) {
      // A word of punctuation alone ("}", "-") is no word: it would stand between a unit
      // designator and its id.
      if (std::any_of(w.begin(), w.end(), [](char ch) {
            return (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') || ch == '/';
          })) {
        out.emplace_back(w);
      }
    }
  }
  return out;
}

// The unit id the words from `from` on spell: letters and digits only ("#" and "/"
// separate, they are never part of the id), so "4 B" and "4B" are one door.
std::string UnitId(const std::vector<std::string>& w, size_t from) {
  std::string id;
  for (size_t k = from; k < w.size(); ++k) {
    for (char ch : w[k]) {
      if ((ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z')) id.push_back(ch);
    }
  }
  return id;
}

bool WordsAre(const std::vector<std::string>& w, size_t at,
              std::initializer_list<std::string_view> expected) {
  if (w.size() < at + expected.size()) return false;
  size_t k = at;
  for (std::string_view e : expected) {
    if (w[k++] != e) return false;
  }
  return true;
}

// A line with no house number: is it a box, a rural route or nothing we can place?
void ClassifyNonStreet(const std::vector<std::string>& w, NormalizedAddress& out) {
  out.kind = AddressKind::kUnparsed;
  if (w.empty()) {
    out.problem = "empty address";
    return;
  }
  bool po_box = WordsAre(w, 0, {"PO", "BOX"}) || WordsAre(w, 0, {"P", "O", "BOX"}) ||
                WordsAre(w, 0, {"POST", "OFFICE", "BOX"}) || w[0] == "POB" || w[0] == "BOX" ||
                w[0] == "DRAWER" || w[0] == "PMB" ||
                (w[0] == "PO" && w.size() > 1 && StartsWithDigit(w[1]));
  if (po_box) {
    out.kind = AddressKind::kPoBox;
    out.problem = "PO box";
    return;
  }
  bool route_number = w.size() > 1 && StartsWithDigit(w[1]);
  bool rural = WordsAre(w, 0, {"RURAL", "ROUTE"}) || WordsAre(w, 0, {"RURAL", "RTE"}) ||
               WordsAre(w, 0, {"R", "R"}) || WordsAre(w, 0, {"STAR", "ROUTE"}) ||
               ((w[0] == "RR" || w[0] == "HC" || w[0] == "RFD") && route_number) ||
               ((w[0] == "RT" || w[0] == "RTE" || w[0] == "ROUTE") && route_number &&
                std::find(w.begin(), w.end(), "BOX") != w.end());
  if (rural) {
    out.kind = AddressKind::kRuralRoute;
    out.problem = "rural route box";
    return;
  }
  if (WordsAre(w, 0, {"GENERAL", "DELIVERY"})) {
    out.problem = "general delivery";
    return;
  }
  out.problem = "no house number";
}

// Reads "123", "123A", "1820-E", "12-14" as number and suffix. False when the word does
// not start with one to nine digits.
bool ReadHouseNumber(std::string_view word, NormalizedAddress& out) {
  size_t digits = 0;
  while (digits < word.size() && word[digits] >= '0' && word[digits] <= '9') ++digits;
  if (digits == 0 || digits > 9) return false;
  long long n = 0;
  ParseInt64(word.substr(0, digits), n);
  out.house_number = n;
  out.house_suffix = std::string(word.substr(digits));
  return true;
}

}  // namespace

std::string_view AddressKindName(AddressKind kind) {
  switch (kind) {
    case AddressKind::kStreet: return "street";
    case AddressKind::kPoBox: return "po_box";
    case AddressKind::kRuralRoute: return "rural_route";
    case AddressKind::kUnparsed: return "unparsed";
  }
  return "unparsed";
}

namespace {

// One reading of a line; NormalizeAddress keeps it only when it is a fixed point.
NormalizedAddress ReadOnce(std::string_view street_line) {
  NormalizedAddress out;
  // A hyphen inside the house number ("1820-E", "12-14") is part of it, not a separator.
  std::string_view raw = TrimAscii(street_line);
  std::string first_word;
  size_t first_end = raw.find_first_of(" \t,");
  std::string_view first = raw.substr(0, first_end);
  size_t hyphen = first.find('-');
  std::vector<std::string> w;
  auto alphanumeric = [](std::string_view t) {
    return !t.empty() && std::all_of(t.begin(), t.end(), [](char ch) {
      return (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z');
    });
  };
  if (StartsWithDigit(first) && hyphen != std::string_view::npos &&
      IsDigits(first.substr(0, hyphen)) && alphanumeric(first.substr(hyphen + 1))) {
    std::string_view right = first.substr(hyphen + 1);
    first_word = std::string(first.substr(0, hyphen)) + (StartsWithDigit(right) ? "-" : "") +
                 FoldForSearch(right);
    w = Tokenize(first_end == std::string_view::npos ? "" : raw.substr(first_end));
    w.insert(w.begin(), first_word);
  } else {
    w = Tokenize(raw);
  }
  if (w.empty() || !ReadHouseNumber(w[0], out)) {
    out.house_number = -1;
    out.house_suffix.clear();
    ClassifyNonStreet(w, out);
    return out;
  }
  size_t i = 1;
  if (i < w.size() && IsFraction(w[i])) {
    out.house_suffix = w[i];
    ++i;
  }
  // '#'s with nothing after them say nothing.
  while (w.size() > i && w.back() == "#") w.pop_back();
  // The unit: a designator after at least one street word, or '#'.
  size_t unit_at = w.size();
  for (size_t k = i; k < w.size(); ++k) {
    if (w[k] == "#") {
      unit_at = k;
      break;
    }
    if (k == i) continue;
    const UnitWord* u = LookupUnit(w[k]);
    if (u == nullptr) continue;
    if (!u->needs_id && k + 1 != w.size()) continue;  // "W FRONT ST": FRONT is a name
    // "H RM UNIT 5": a designator straight before another that has its id is part of
    // the street ("UNIT REAR" is unit REAR, "UNIT FL" unit FL).
    if (u->needs_id && k + 2 < w.size()) {
      const UnitWord* next = LookupUnit(w[k + 1]);
      if (next != nullptr && next->needs_id && !UnitId(w, k + 2).empty()) continue;
    }
    const bool apartment_word =
        u->standard == "APT" || u->standard == "UNIT" || u->standard == "STE";
    if (u->needs_id && !apartment_word && k + 1 < w.size() &&
        !StreetType(UnitId(w, k + 1)).empty()) {
      continue;  // "SPRING LOT RD"; but "APT PT" is an apartment named PT
    }
    unit_at = k;
    break;
  }
  // "MAIN ST 4", "MAIN ST 4B": a bare number after a street type or direction is a unit
  // too ("E 12TH" is a street: an ordinal is not a unit number).
  auto unit_number = [](std::string_view t) {
    size_t d = 0;
    while (d < t.size() && t[d] >= '0' && t[d] <= '9') ++d;
    return d > 0 && t.size() - d <= 1;
  };
  if (unit_at == w.size() && w.size() >= i + 3 && unit_number(w.back()) &&
      !IsRouteWord(w[w.size() - 2]) &&
      (!StreetType(w[w.size() - 2]).empty() || !Lookup(kDirections, w[w.size() - 2]).empty())) {
    unit_at = w.size() - 1;
  }
  if (unit_at < w.size()) {
    size_t k = unit_at;
    std::string designator;
    if (w[k] == "#") {
      designator = "UNIT";
      ++k;
    } else {
      const UnitWord* u = LookupUnit(w[k]);
      if (u != nullptr) {
        designator = std::string(u->standard);
        ++k;
      } else {
        designator = "UNIT";
      }
    }
    out.unit_id = UnitId(w, k);
    // "REAR" alone is its own id; "RM RM" keeps both words, or it would read back as RM.
    if (out.unit_id.empty()) {
      out.unit_id = designator;
      out.unit = designator;
    } else {
      out.unit = designator + " " + out.unit_id;
    }
  }
  std::vector<std::string> street(w.begin() + static_cast<std::ptrdiff_t>(i),
                                  w.begin() + static_cast<std::ptrdiff_t>(unit_at));
  if (street.empty()) {
    out.kind = AddressKind::kUnparsed;
    out.problem = "no street name";
    return out;
  }
  size_t b = 0;
  size_t e = street.size();
  // Post-directional after a type: "MAIN ST NW".
  if (e - b >= 3 && !Lookup(kDirections, street[e - 1]).empty() &&
      !StreetType(street[e - 2]).empty()) {
    out.postdir = std::string(Lookup(kDirections, street[e - 1]));
    --e;
  }
  if (e - b >= 2 && !StreetType(street[e - 1]).empty()) {
    out.street_type = std::string(StreetType(street[e - 1]));
    --e;
  }
  if (e - b >= 2 && !Lookup(kDirections, street[b]).empty()) {
    out.predir = std::string(Lookup(kDirections, street[b]));
    ++b;
  }
  for (size_t k = b; k < e; ++k) {
    std::string_view word = street[k];
    std::string_view ordinal = Lookup(kOrdinals, word);
    if (!ordinal.empty()) word = ordinal;
    if (word == "HIGHWAY" || word == "HIWAY") word = "HWY";
    if (!out.street_name.empty()) out.street_name.push_back(' ');
    out.street_name.append(word);
  }
  out.kind = AddressKind::kStreet;
  return out;
}

std::string StandardForm(const NormalizedAddress& a) {
  const std::string key = BuildingMatchKey(a);
  return a.unit.empty() ? key : key + " " + a.unit;
}

}  // namespace

// A reading is kept only when its standard form reads back as the same building and door,
// so the keys of a line and of its standard form never differ. A line whose reading
// settles after a re-reading or two takes the settled one; one that keeps changing is
// reported as ambiguous rather than given keys that another spelling would not meet.
NormalizedAddress NormalizeAddress(std::string_view street_line) {
  NormalizedAddress a = ReadOnce(street_line);
  for (int round = 0; round < 4 && a.kind == AddressKind::kStreet; ++round) {
    NormalizedAddress again = ReadOnce(StandardForm(a));
    if (again.kind == AddressKind::kStreet && BuildingMatchKey(again) == BuildingMatchKey(a) &&
        again.unit == a.unit && again.unit_id == a.unit_id) {
      return a;
    }
    a = std::move(again);
  }
  if (a.kind != AddressKind::kStreet) return a;
  NormalizedAddress out;
  out.kind = AddressKind::kUnparsed;
  out.problem = "address reads two ways";
  return out;
}

std::string StreetKey(const NormalizedAddress& a) {
  if (a.kind != AddressKind::kStreet) return {};
  std::string key;
  for (const std::string* part : {&a.predir, &a.street_name, &a.street_type, &a.postdir}) {
    if (part->empty()) continue;
    if (!key.empty()) key.push_back(' ');
    key += *part;
  }
  return key;
}

std::string BuildingMatchKey(const NormalizedAddress& a) {
  if (a.kind != AddressKind::kStreet) return {};
  std::string key = std::to_string(a.house_number);
  if (!a.house_suffix.empty()) {
    // "12 1/2" keeps its space; a letter suffix is written on: "1820E".
    if (IsFraction(a.house_suffix)) key.push_back(' ');
    key += a.house_suffix;
  }
  key.push_back(' ');
  key += StreetKey(a);
  return key;
}

std::string BlockFaceKey(const NormalizedAddress& a) {
  if (a.kind != AddressKind::kStreet) return {};
  return StreetKey(a) + "|" + std::to_string(a.house_number / 100) + "|" +
         std::to_string(a.house_number % 2);
}

}  // namespace narwhal

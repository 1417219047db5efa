#include "domain/address.h"

#include <cstdio>
#include <tuple>

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

}  // namespace narwhal

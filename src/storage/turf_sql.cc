#include "storage/turf_sql.h"

#include <fmt/core.h>

#include <array>
#include <set>

namespace narwhal {
namespace {

// Crockford's base 32: digits and letters without I, L, O and U.
constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr int kDigits = 5;  // then the check character
constexpr int64_t kMask = (int64_t{1} << (5 * kDigits)) - 1;
// An odd multiplier and a mask: a bijection of [0, 2^25) that scatters neighbouring ids.
constexpr int64_t kMultiplier = 0x1C8E5B3;
constexpr int64_t kScramble = 0x0A5F3C1;
// Odd weights: a single mistyped character always changes the check.
constexpr std::array<int, kDigits> kWeights = {1, 3, 5, 7, 9};

char CheckCharacter(const std::array<int, kDigits>& digits) {
  int sum = 0;
  for (int i = 0; i < kDigits; ++i) sum += kWeights[i] * digits[i];
  return kAlphabet[sum % 32];
}

// The value of `c` in the alphabet, reading the look-alikes as digits; -1 when none.
int DigitOf(char c) {
  if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  if (c == 'O') c = '0';
  if (c == 'I' || c == 'L') c = '1';
  const size_t at = kAlphabet.find(c);
  return at == std::string_view::npos ? -1 : static_cast<int>(at);
}

}  // namespace

std::string ListNumberOf(int64_t id) {
  const int64_t x = ((id * kMultiplier) & kMask) ^ kScramble;
  std::array<int, kDigits> digits{};
  std::string out;
  for (int i = 0; i < kDigits; ++i) {
    digits[i] = static_cast<int>((x >> (5 * (kDigits - 1 - i))) & 31);
    out += kAlphabet[digits[i]];
  }
  out += CheckCharacter(digits);
  return out;
}

Result<std::string> ParseListNumber(std::string_view text) {
  std::string kept;
  for (char c : text) {
    if (c == ' ' || c == '-') continue;
    if (kept.size() > kDigits + 1) break;
    kept += c;
  }
  if (kept.size() != kDigits + 1) {
    return InvalidArgument("a list number is six letters and digits, like PT5KJ4");
  }
  std::array<int, kDigits + 1> digits{};
  std::string out;
  for (int i = 0; i <= kDigits; ++i) {
    digits[i] = DigitOf(kept[i]);
    if (digits[i] < 0) {
      return InvalidArgument(fmt::format("'{}' is not in a list number", kept[i]));
    }
    out += kAlphabet[digits[i]];
  }
  std::array<int, kDigits> body{};
  for (int i = 0; i < kDigits; ++i) body[i] = digits[i];
  if (CheckCharacter(body) != out.back()) {
    return InvalidArgument("list number " + out + " is mistyped (its check character differs)");
  }
  return out;
}

namespace turf_sql {

std::string DoubleText(double value) {
  return fmt::format("{}", value);
}

Status ValidateQuery(const TurfQuery& query) {
  if (query.limit < 1 || query.limit > 5000) return InvalidArgument("limit must be 1..5000");
  if (!query.precinct.empty() && query.county.empty()) {
    return InvalidArgument("a precinct is named with its county");
  }
  return Status::Ok();
}

Status ValidateCut(const NewTurfCut& cut) {
  if (cut.turfs.empty()) return InvalidArgument("a cut has at least one turf");
  for (size_t t = 0; t < cut.turfs.size(); ++t) {
    const NewTurf& turf = cut.turfs[t];
    if (turf.stops.empty()) {
      return InvalidArgument(fmt::format("turf {} has no doors", t + 1));
    }
    std::set<std::string_view> seen;
    for (const TurfStop& stop : turf.stops) {
      if (stop.voter_ids.empty()) {
        return InvalidArgument(fmt::format("turf {}: door {} has no voters", t + 1, stop.door_key));
      }
      for (const std::string& id : stop.voter_ids) {
        if (!seen.insert(id).second) {
          return InvalidArgument(fmt::format("turf {}: voter {} is at two doors", t + 1, id));
        }
      }
    }
  }
  return Status::Ok();
}

}  // namespace turf_sql
}  // namespace narwhal

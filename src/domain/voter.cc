#include "domain/voter.h"

#include <cstdio>

#include "base/text.h"

namespace narwhal {
namespace {

// A 64-bit hash that is stable across platforms, runs and library versions (it is
// stored): 8 bytes at a time, each word mixed with a multiply and a rotate, finished
// with a strong avalanche. Not cryptographic; it only detects change.
class StableHash {
 public:
  void Add(std::string_view s) {
    size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) Word(Load(s.data() + i, 8));
    Word(Load(s.data() + i, s.size() - i) ^ (uint64_t{0x1F} << 56) ^ s.size());
  }
  void Add(int64_t v) { Word(static_cast<uint64_t>(v)); }
  uint64_t value() const {
    uint64_t x = h_;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
  }

 private:
  // Little-endian load of n <= 8 bytes, byte by byte so the result is the same everywhere.
  static uint64_t Load(const char* p, size_t n) {
    uint64_t w = 0;
    for (size_t k = 0; k < n; ++k) w |= uint64_t{static_cast<unsigned char>(p[k])} << (8 * k);
    return w;
  }
  void Word(uint64_t w) {
    h_ ^= w * 0x9E3779B97F4A7C15ULL;
    h_ = ((h_ << 31) | (h_ >> 33)) * 0x87C37B91114253D5ULL;
  }
  uint64_t h_ = 0x6A09E667F3BCC908ULL;
};

bool IsLeap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

bool ValidDate(int y, int m, int d) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1800 || y > 2200 || m < 1 || m > 12 || d < 1) return false;
  int max = kDays[m - 1] + (m == 2 && IsLeap(y) ? 1 : 0);
  return d <= max;
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

int ToInt(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

}  // namespace

std::string_view VoterStatusName(VoterStatus status) {
  switch (status) {
    case VoterStatus::kActive: return "active";
    case VoterStatus::kInactive: return "inactive";
    case VoterStatus::kTemporary: return "temporary";
    case VoterStatus::kDenied: return "denied";
    case VoterStatus::kRemoved: return "removed";
    case VoterStatus::kUnknown: return "unknown";
  }
  return "unknown";
}

VoterStatus VoterStatusFromName(std::string_view name) {
  for (auto s : {VoterStatus::kActive, VoterStatus::kInactive, VoterStatus::kTemporary,
                 VoterStatus::kDenied, VoterStatus::kRemoved}) {
    if (name == VoterStatusName(s)) return s;
  }
  return VoterStatus::kUnknown;
}

std::string LastNameKey(const Voter& v) {
  return FoldForSearch(v.last_name);
}
std::string FirstNameKey(const Voter& v) {
  return FoldForSearch(v.first_name);
}

uint64_t Fingerprint(const Voter& v) {
  StableHash h;
  ForEachTextField(v, [&h](const std::string& s) { h.Add(s); });
  h.Add(static_cast<int64_t>(v.status));
  h.Add(static_cast<int64_t>(v.birth_year));
  for (const NamedValues* list : {&v.districts, &v.extra}) {
    h.Add(static_cast<int64_t>(list->size()));
    for (const auto& [k, val] : *list) {
      h.Add(k);
      h.Add(val);
    }
  }
  return h.value();
}

bool IsMove(const Voter& before, const Voter& after) {
  return before.residence != after.residence || before.county != after.county ||
         before.precinct != after.precinct;
}

bool ParseDate(std::string_view text, std::string& iso_out) {
  text = TrimAscii(text);
  int y = 0;
  int m = 0;
  int d = 0;
  if (text.size() == 10 && text[4] == '-' && text[7] == '-' && AllDigits(text.substr(0, 4)) &&
      AllDigits(text.substr(5, 2)) && AllDigits(text.substr(8, 2))) {
    y = ToInt(text.substr(0, 4));
    m = ToInt(text.substr(5, 2));
    d = ToInt(text.substr(8, 2));
  } else if (text.size() == 8 && AllDigits(text)) {
    y = ToInt(text.substr(0, 4));
    m = ToInt(text.substr(4, 2));
    d = ToInt(text.substr(6, 2));
  } else {
    // M/D/YYYY with one- or two-digit month and day.
    size_t s1 = text.find('/');
    if (s1 == std::string_view::npos) return false;
    size_t s2 = text.find('/', s1 + 1);
    if (s2 == std::string_view::npos) return false;
    std::string_view ms = text.substr(0, s1);
    std::string_view ds = text.substr(s1 + 1, s2 - s1 - 1);
    std::string_view ys = text.substr(s2 + 1);
    if (ms.empty() || ms.size() > 2 || ds.empty() || ds.size() > 2 || ys.size() != 4 ||
        !AllDigits(ms) || !AllDigits(ds) || !AllDigits(ys)) {
      return false;
    }
    m = ToInt(ms);
    d = ToInt(ds);
    y = ToInt(ys);
  }
  if (!ValidDate(y, m, d)) return false;
  char buf[48];  // ints are range-checked above; the size silences -Wformat-truncation
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  iso_out.assign(buf, 10);
  return true;
}

}  // namespace narwhal

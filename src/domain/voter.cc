#include "domain/voter.h"

#include <cstdio>

#include "base/text.h"

namespace narwhal {
namespace {

// FNV-1a, 64 bit: stable across platforms and runs, fast, good enough to detect change.
class Fnv64 {
 public:
  void Add(std::string_view s) {
    for (char c : s) Byte(static_cast<unsigned char>(c));
    Byte(0x1F);  // field separator, so ("ab","c") != ("a","bc")
  }
  void Add(int64_t v) {
    for (int i = 0; i < 8; ++i) Byte(static_cast<unsigned char>(v >> (8 * i)));
  }
  uint64_t value() const { return h_; }

 private:
  void Byte(unsigned char b) {
    h_ ^= b;
    h_ *= 0x100000001b3ULL;
  }
  uint64_t h_ = 0xcbf29ce484222325ULL;
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
  Fnv64 h;
  for (const std::string* s : {&v.voter_id,
                               &v.state,
                               &v.county,
                               &v.county_name,
                               &v.precinct,
                               &v.precinct_name,
                               &v.registration_number,
                               &v.last_name,
                               &v.first_name,
                               &v.middle_name,
                               &v.name_suffix,
                               &v.residence.street,
                               &v.residence.city,
                               &v.residence.state,
                               &v.residence.zip,
                               &v.mailing_address,
                               &v.mailing.street,
                               &v.mailing.city,
                               &v.mailing.state,
                               &v.mailing.zip,
                               &v.party,
                               &v.status_reason,
                               &v.registration_date,
                               &v.phone,
                               &v.gender,
                               &v.race,
                               &v.ethnicity}) {
    h.Add(*s);
  }
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

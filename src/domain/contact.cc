#include "domain/contact.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <map>
#include <set>

#include "base/text.h"
#include "domain/election.h"

namespace narwhal {
namespace {

using C = ResultCategory;
using S = ResultScope;

// Door and phone results together: the phone bank uses the same log.
constexpr std::array<ResultCode, 14> kCoreCodes = {{
    {"C", "Contacted", C::kSuccess, S::kPerson},
    {"NH", "Not home", C::kRetry, S::kHousehold},
    {"RF", "Refused", C::kSuppress, S::kPerson},
    {"MV", "Moved", C::kSuppress, S::kAddress},
    {"DC", "Deceased", C::kSuppress, S::kPerson},
    {"IN", "Inaccessible", C::kRetry, S::kAddress},
    {"WA", "Wrong address", C::kSuppress, S::kAddress},
    {"LB", "Language barrier", C::kRetry, S::kPerson},
    {"CB", "Call back", C::kRetry, S::kPerson},
    {"DNC", "Do not contact", C::kSuppress, S::kPerson},
    {"NA", "No answer", C::kRetry, S::kPerson},
    {"BZ", "Busy", C::kRetry, S::kPerson},
    {"LM", "Left message", C::kRetry, S::kPerson},
    {"WN", "Wrong number", C::kRetry, S::kPerson},
}};

constexpr size_t kMaxNote = 2000;
constexpr size_t kMaxAnswer = 500;
constexpr size_t kMaxAnswers = 50;
constexpr size_t kMaxTags = 20;

bool Digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// YYYY-MM-DDTHH:MM:SS, optional fraction, then Z or +HH:MM / -HH:MM.
bool IsIsoTime(std::string_view t) {
  std::string date;
  if (t.size() < 20 || !ParseDate(t.substr(0, 10), date) || t[10] != 'T' || t[13] != ':' ||
      t[16] != ':' || !Digits(t.substr(11, 2)) || !Digits(t.substr(14, 2)) ||
      !Digits(t.substr(17, 2)) || t.substr(11, 2) > "23" || t.substr(14, 2) > "59" ||
      t.substr(17, 2) > "60") {
    return false;
  }
  std::string_view rest = t.substr(19);
  if (rest.starts_with('.')) {
    size_t n = 1;
    while (n < rest.size() && n <= 9 && rest[n] >= '0' && rest[n] <= '9') ++n;
    if (n == 1) return false;
    rest.remove_prefix(n);
  }
  if (rest == "Z") return true;
  return rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && Digits(rest.substr(1, 2)) &&
         rest[3] == ':' && Digits(rest.substr(4, 2));
}

}  // namespace

std::string_view ContactChannelName(ContactChannel channel) {
  switch (channel) {
    case ContactChannel::kDoor: return "door";
    case ContactChannel::kPhone: return "phone";
    case ContactChannel::kText: return "text";
    case ContactChannel::kMail: return "mail";
    case ContactChannel::kEmail: return "email";
  }
  return "door";
}

std::optional<ContactChannel> ContactChannelFromName(std::string_view name) {
  for (ContactChannel c : {ContactChannel::kDoor, ContactChannel::kPhone, ContactChannel::kText,
                           ContactChannel::kMail, ContactChannel::kEmail}) {
    if (ContactChannelName(c) == name) return c;
  }
  return std::nullopt;
}

std::string_view ResultCategoryName(ResultCategory category) {
  switch (category) {
    case ResultCategory::kSuccess: return "success";
    case ResultCategory::kRetry: return "retry";
    case ResultCategory::kSuppress: return "suppress";
  }
  return "retry";
}

std::string_view ResultScopeName(ResultScope scope) {
  switch (scope) {
    case ResultScope::kPerson: return "person";
    case ResultScope::kHousehold: return "household";
    case ResultScope::kAddress: return "address";
  }
  return "person";
}

std::span<const ResultCode> CoreResultCodes() {
  return kCoreCodes;
}

const ResultCode* FindResultCode(std::string_view code) {
  for (const ResultCode& r : kCoreCodes) {
    if (r.code == code) return &r;
  }
  return nullptr;
}

Status ValidateContactReport(const ContactReport& r) {
  NARWHAL_RETURN_IF_ERROR(ValidateStrikeRequest(
      StrikeRequest{r.voter_id, r.idempotency_key, StrikeSource::kPollWatcher}));
  const bool code_shaped =
      r.result.size() <= 8 && std::all_of(r.result.begin(), r.result.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      });
  if (!code_shaped) {
    return InvalidArgument("result: unknown result code '" + r.result.substr(0, 16) + "'");
  }
  if (r.result.empty() && r.support == 0 && r.answers.empty() && r.tags.empty() && r.note.empty()) {
    return InvalidArgument("result: required unless answers, support, tags or a note are given");
  }
  if (r.tags.size() > kMaxTags) return InvalidArgument("tags: more than 20");
  for (const std::string& tag : r.tags) {
    if (!IsFieldKey(tag)) {
      return InvalidArgument("tags: '" + tag.substr(0, 40) + "' is not a tag key");
    }
  }
  if (r.support < 0 || r.support > 5) return InvalidArgument("support: must be 1 to 5, or 0");
  if (r.answers.size() > kMaxAnswers) return InvalidArgument("answers: more than 50");
  for (const auto& [question, answer] : r.answers) {
    if (question.empty() || question.size() > 100 || !IsValidUtf8(question)) {
      return InvalidArgument("answers: a question name is empty, over 100 bytes or not UTF-8");
    }
    if (answer.size() > kMaxAnswer || !IsValidUtf8(answer)) {
      return InvalidArgument("answers: '" + question + "' is over 500 bytes or not UTF-8");
    }
  }
  if (r.note.size() > kMaxNote || !IsValidUtf8(r.note)) {
    return InvalidArgument("note: over 2000 bytes or not UTF-8");
  }
  if (!r.client_at.empty() && !IsIsoTime(r.client_at)) {
    return InvalidArgument("client_at: not an ISO 8601 time (2026-11-03T14:05:09Z)");
  }
  if (r.list_id < 0) return InvalidArgument("list_id: must not be negative");
  if (r.turf.size() > 16 || !IsValidUtf8(r.turf)) {
    return InvalidArgument("turf: a list number is six letters and digits");
  }
  return Status::Ok();
}

bool IsFieldKey(std::string_view key) {
  return !key.empty() && key.size() <= 40 && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::optional<int64_t> IsoSeconds(std::string_view t) {
  if (!IsIsoTime(t)) return std::nullopt;
  auto number = [&](size_t pos, size_t len) {
    int out = 0;
    for (size_t i = pos; i < pos + len; ++i) out = out * 10 + (t[i] - '0');
    return out;
  };
  const std::chrono::year_month_day date{std::chrono::year(number(0, 4)),
                                         std::chrono::month(static_cast<unsigned>(number(5, 2))),
                                         std::chrono::day(static_cast<unsigned>(number(8, 2)))};
  int64_t seconds = std::chrono::sys_days(date).time_since_epoch().count() * int64_t{86400} +
                    number(11, 2) * 3600 + number(14, 2) * 60 + number(17, 2);
  std::string_view rest = t.substr(19);
  while (!rest.empty() && rest[0] != 'Z' && rest[0] != '+' && rest[0] != '-') {
    rest.remove_prefix(1);  // the fraction
  }
  if (rest.size() == 6) {
    const int64_t offset =
        (((rest[1] - '0') * 10 + (rest[2] - '0')) * 60 + (rest[4] - '0') * 10 + (rest[5] - '0')) *
        60;
    seconds += rest[0] == '+' ? -offset : offset;
  }
  return seconds;
}

std::vector<CanvasserActivity> SummarizeCanvassers(std::span<const DoorContact> contacts) {
  struct Timed {
    int64_t seconds;
    const DoorContact* contact;
    std::string_view when;
  };
  std::map<int64_t, std::vector<Timed>> by_user;
  for (const DoorContact& c : contacts) {
    std::string_view when = c.client_at.empty() ? c.at : c.client_at;
    std::optional<int64_t> s = IsoSeconds(when);
    if (!s) {
      when = c.at;
      s = IsoSeconds(when);
    }
    by_user[c.user_id].push_back({s.value_or(0), &c, when});
  }
  std::vector<CanvasserActivity> out;
  for (auto& [user, timed] : by_user) {
    std::stable_sort(timed.begin(), timed.end(),
                     [](const Timed& a, const Timed& b) { return a.seconds < b.seconds; });
    CanvasserActivity a;
    a.user_id = user;
    a.contacts = static_cast<int64_t>(timed.size());
    std::set<int> doors;
    std::set<std::string_view> voters;
    std::set<std::string_view> reached;
    std::vector<int64_t> gaps;
    int last_stop = -1;
    int64_t last_arrival = 0;
    for (const Timed& t : timed) {
      const DoorContact& c = *t.contact;
      if (c.stop > 0) doors.insert(c.stop);
      voters.insert(c.voter_id);
      if (c.category == ResultCategoryName(ResultCategory::kSuccess)) reached.insert(c.voter_id);
      if (c.stop != last_stop) {
        if (last_stop >= 0) gaps.push_back(t.seconds - last_arrival);
        last_stop = c.stop;
        last_arrival = t.seconds;
      }
    }
    a.doors = static_cast<int64_t>(doors.size());
    a.voters = static_cast<int64_t>(voters.size());
    a.voters_reached = static_cast<int64_t>(reached.size());
    a.contact_rate = a.voters > 0 ? static_cast<double>(a.voters_reached) / a.voters : 0;
    if (!gaps.empty()) {
      std::sort(gaps.begin(), gaps.end());
      const size_t n = gaps.size();
      const double median = n % 2 == 1 ? gaps[n / 2] : (gaps[n / 2 - 1] + gaps[n / 2]) / 2.0;
      a.minutes_between_doors = median / 60.0;
    }
    a.first_at = std::string(timed.front().when);
    a.last_at = std::string(timed.back().when);
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace narwhal

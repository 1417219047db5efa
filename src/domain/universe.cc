#include "domain/universe.h"

#include <algorithm>
#include <functional>
#include <set>

#include "base/text.h"
#include "domain/contact.h"

namespace narwhal {
namespace {

constexpr int kMaxListValues = 1000;  // values of one criterion
constexpr size_t kMaxCode = 32;       // a county, precinct, party or district code

bool Contains(std::string_view text, std::string_view word) {
  return text.find(word) != std::string_view::npos;
}

Status CheckCodes(std::string_view field, const std::vector<std::string>& codes) {
  if (codes.size() > kMaxListValues) {
    return InvalidArgument("criteria." + std::string(field) + " has more than 1000 values");
  }
  for (const std::string& c : codes) {
    if (c.empty() || c.size() > kMaxCode || !IsValidUtf8(c)) {
      return InvalidArgument("criteria." + std::string(field) +
                             " has an empty, over-long or "
                             "non-UTF-8 value");
    }
  }
  return Status::Ok();
}

Status CheckIsoDate(std::string_view field, const std::string& date) {
  std::string iso;
  if (!ParseDate(date, iso) || iso != date) {
    return InvalidArgument("criteria." + std::string(field) + " is not a date (YYYY-MM-DD)");
  }
  return Status::Ok();
}

Status CheckScore(std::string_view field, const std::optional<ScoreRange>& range) {
  if (!range) return Status::Ok();
  for (int v : {range->min, range->max}) {
    if (v < -1 || v > 100) {
      return InvalidArgument("criteria." + std::string(field) + " bounds are 0..100");
    }
  }
  if (range->min < 0 && range->max < 0) {
    return InvalidArgument("criteria." + std::string(field) + " needs a min or a max");
  }
  if (range->min >= 0 && range->max >= 0 && range->min > range->max) {
    return InvalidArgument("criteria." + std::string(field) + ".min is above its max");
  }
  return Status::Ok();
}

}  // namespace

std::string_view ElectionKindName(ElectionKind kind) {
  switch (kind) {
    case ElectionKind::kGeneral: return "general";
    case ElectionKind::kPrimary: return "primary";
    case ElectionKind::kMunicipal: return "municipal";
    case ElectionKind::kOther: return "other";
  }
  return "other";
}

std::optional<ElectionKind> ElectionKindFromName(std::string_view name) {
  for (ElectionKind k : {ElectionKind::kGeneral, ElectionKind::kPrimary, ElectionKind::kMunicipal,
                         ElectionKind::kOther}) {
    if (ElectionKindName(k) == name) return k;
  }
  return std::nullopt;
}

ElectionKind ElectionKindOf(std::string_view description) {
  const std::string upper = [&] {
    std::string s(description);
    for (char& c : s) {
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    return s;
  }();
  if (Contains(upper, "MUNICIPAL") || Contains(upper, "CITY") || Contains(upper, "TOWN")) {
    return ElectionKind::kMunicipal;
  }
  if (Contains(upper, "PRIMARY")) return ElectionKind::kPrimary;
  if (Contains(upper, "SPECIAL") || Contains(upper, "RUNOFF") || Contains(upper, "BOND")) {
    return ElectionKind::kOther;
  }
  if (Contains(upper, "GENERAL")) return ElectionKind::kGeneral;
  return ElectionKind::kOther;
}

Status ValidateUniverseCriteria(const UniverseCriteria& c) {
  NARWHAL_RETURN_IF_ERROR(CheckCodes("counties", c.counties));
  NARWHAL_RETURN_IF_ERROR(CheckCodes("parties", c.parties));
  NARWHAL_RETURN_IF_ERROR(CheckCodes("genders", c.genders));
  if (c.precincts.size() > kMaxListValues) {
    return InvalidArgument("criteria.precincts has more than 1000 values");
  }
  for (const PrecinctKey& p : c.precincts) {
    NARWHAL_RETURN_IF_ERROR(CheckCodes("precincts", {p.county, p.precinct}));
  }
  if (c.districts.size() > kMaxListValues) {
    return InvalidArgument("criteria.districts has more than 1000 values");
  }
  for (const auto& [name, value] : c.districts) {
    NARWHAL_RETURN_IF_ERROR(CheckCodes("districts", {name, value}));
  }
  for (VoterStatus s : c.statuses) {
    if (s == VoterStatus::kRemoved || s == VoterStatus::kUnknown) {
      return InvalidArgument("criteria.statuses: removed voters are never in a universe");
    }
  }
  for (const std::optional<int>& age : {c.min_age, c.max_age}) {
    if (age && (*age < 0 || *age > 130)) return InvalidArgument("criteria ages are 0..130");
  }
  if (c.min_age && c.max_age && *c.min_age > *c.max_age) {
    return InvalidArgument("criteria.min_age is above criteria.max_age");
  }
  if ((c.min_age || c.max_age) && (c.as_of_year < 1900 || c.as_of_year > 2200)) {
    return InvalidArgument("criteria.age needs the year it is counted at");
  }
  if (!c.registered_after.empty()) {
    NARWHAL_RETURN_IF_ERROR(CheckIsoDate("registered_after", c.registered_after));
  }
  if (!c.registered_before.empty()) {
    NARWHAL_RETURN_IF_ERROR(CheckIsoDate("registered_before", c.registered_before));
  }
  if (c.history) {
    const VoteHistoryRule& h = *c.history;
    if (h.dates.empty() && (h.last < 1 || h.last > 32)) {
      return InvalidArgument("criteria.vote_history.last is 1..32");
    }
    if (h.dates.size() > 32) {
      return InvalidArgument("criteria.vote_history.elections names more than 32 dates");
    }
    for (const std::string& d : h.dates) {
      NARWHAL_RETURN_IF_ERROR(CheckIsoDate("vote_history.elections", d));
    }
    const int n = h.dates.empty() ? h.last : static_cast<int>(h.dates.size());
    if (h.min < 0 || h.min > n) {
      return InvalidArgument("criteria.vote_history.min is 0.." + std::to_string(n));
    }
    if (h.max != -1 && (h.max < h.min || h.max > n)) {
      return InvalidArgument("criteria.vote_history.max is " + std::to_string(h.min) + ".." +
                             std::to_string(n));
    }
  }
  NARWHAL_RETURN_IF_ERROR(CheckScore("support", c.support));
  NARWHAL_RETURN_IF_ERROR(CheckScore("turnout", c.turnout));
  if (!c.election.empty()) NARWHAL_RETURN_IF_ERROR(CheckIsoDate("election", c.election));
  if (c.contact) {
    const ContactRule& k = *c.contact;
    if (k.last_results.size() > 50) {
      return InvalidArgument("criteria.contact.last_result names more than 50 codes");
    }
    // Whether a code is the campaign's is the field book's to say (CheckCriteriaAgainstBook).
    for (const std::string& code : k.last_results) {
      const bool shaped =
          !code.empty() && code.size() <= 8 && std::all_of(code.begin(), code.end(), [](char ch) {
            return (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
          });
      if (!shaped) {
        return InvalidArgument("criteria.contact.last_result: unknown result code '" +
                               code.substr(0, 16) + "'");
      }
    }
    for (int bound : {k.support.min, k.support.max}) {
      if (bound != -1 && (bound < 1 || bound > 5)) {
        return InvalidArgument("criteria.contact.support is 1..5 (1 strong for us)");
      }
    }
    if (k.support.min != -1 && k.support.max != -1 && k.support.min > k.support.max) {
      return InvalidArgument("criteria.contact.support.min is above its max");
    }
    if (!k.since.empty()) NARWHAL_RETURN_IF_ERROR(CheckIsoDate("contact.since", k.since));
    if (!k.ever && k.last_results.empty() && k.support.min == -1 && k.support.max == -1) {
      return InvalidArgument("criteria.contact needs ever, last_result or support");
    }
    if (k.ever == false &&
        (!k.last_results.empty() || k.support.min != -1 || k.support.max != -1)) {
      return InvalidArgument(
          "criteria.contact: never contacted cannot also ask for a result or support ID");
    }
  }
  if (c.answers.size() > 20) return InvalidArgument("criteria.answers: more than 20 rules");
  for (const AnswerRule& a : c.answers) {
    if (!IsFieldKey(a.question)) {
      return InvalidArgument("criteria.answers: '" + a.question.substr(0, 40) +
                             "' is not a question key");
    }
    if (a.any.empty() || a.any.size() > 50) {
      return InvalidArgument("criteria.answers: '" + a.question + "' needs 1 to 50 choices in any");
    }
    for (const std::string& choice : a.any) {
      if (!IsFieldKey(choice)) {
        return InvalidArgument("criteria.answers: '" + choice.substr(0, 40) +
                               "' is not a choice key");
      }
    }
  }
  if (c.tags.size() > 50) return InvalidArgument("criteria.tags: more than 50");
  for (const std::string& tag : c.tags) {
    if (!IsFieldKey(tag)) {
      return InvalidArgument("criteria.tags: '" + tag.substr(0, 40) + "' is not a tag key");
    }
  }
  return Status::Ok();
}

BirthYears BirthYearsFor(const UniverseCriteria& c) {
  BirthYears years;
  // Only the birth year is known: an age is the years between it and as_of_year.
  if (c.max_age) years.first = c.as_of_year - *c.max_age;
  if (c.min_age) years.last = c.as_of_year - *c.min_age;
  return years;
}

Result<std::vector<std::string>> ElectionsFor(const VoteHistoryRule& rule,
                                              const std::vector<ElectionInfo>& elections) {
  std::vector<std::string> out;
  if (!rule.dates.empty()) {
    std::set<std::string> known;
    for (const ElectionInfo& e : elections) known.insert(e.date);
    for (const std::string& d : rule.dates) {
      if (known.count(d) == 0) {
        return InvalidArgument("criteria.vote_history.elections: no election on " + d +
                               " in the vote history");
      }
      out.push_back(d);
    }
  } else {
    for (const ElectionInfo& e : elections) {
      if (!rule.kind || e.kind == *rule.kind) out.push_back(e.date);
    }
  }
  std::sort(out.begin(), out.end(), std::greater<>());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  if (rule.dates.empty() && out.size() > static_cast<size_t>(rule.last)) {
    out.resize(static_cast<size_t>(rule.last));
  }
  return out;
}

bool MatchesDistricts(const NamedValues& wanted, const NamedValues& districts) {
  for (const auto& [name, value] : wanted) {
    (void)value;
    bool any = false;  // some listed value of this name is hers
    for (const auto& [want_name, want_value] : wanted) {
      if (want_name != name) continue;
      for (const auto& [her_name, her_value] : districts) {
        any = any || (her_name == name && her_value == want_value);
      }
    }
    if (!any) return false;
  }
  return true;
}

Status ValidateUniverseName(std::string_view name, std::string_view description) {
  if (TrimAscii(name).empty()) return InvalidArgument("name is empty");
  if (!IsValidUtf8(name) || name.size() > 100) {
    return InvalidArgument("name is not UTF-8 of at most 100 bytes");
  }
  for (char c : name) {
    if (static_cast<unsigned char>(c) < 0x20)
      return InvalidArgument("name holds control characters");
  }
  if (!IsValidUtf8(description) || description.size() > 2000) {
    return InvalidArgument("description is not UTF-8 of at most 2000 bytes");
  }
  return Status::Ok();
}

}  // namespace narwhal

// Universes: saved, named target lists over the voter file ("Democrats and unaffiliated
// voters under 35 in county 92 who voted in at least 2 of the last 4 generals and have not
// voted today"). A universe is its criteria; evaluating it is the store's job
// (storage/universe_store.h), what the criteria mean is decided here.
//
// Every criterion narrows: a voter is in the universe when she matches all of them. Inside
// one criterion the listed values are alternatives (parties DEM or UNA). Removed voters
// are never in a universe.
//
// Plain values and pure functions; thread-safety is that of std::string.
#ifndef NARWHAL_DOMAIN_UNIVERSE_H_
#define NARWHAL_DOMAIN_UNIVERSE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "domain/voter.h"

namespace narwhal {

// What kind of election a vote-history entry records, read from its description
// ("11/08/2022 GENERAL", "GENERAL-11/03/2015", "05/17/2022 PRIMARY").
enum class ElectionKind : uint8_t {
  kGeneral,    // a general election (not a municipal one)
  kPrimary,    // a primary, or a second primary
  kMunicipal,  // a municipal or city election, general or primary
  kOther,      // special elections, runoffs, bond referendums, ...
};
std::string_view ElectionKindName(ElectionKind kind);  // "general", ...
std::optional<ElectionKind> ElectionKindFromName(std::string_view name);
ElectionKind ElectionKindOf(std::string_view description);

// One election of the vote history, with how many voters took part.
struct ElectionInfo {
  std::string date;  // ISO 8601
  std::string description;
  ElectionKind kind = ElectionKind::kOther;
  int64_t voters = 0;
  friend bool operator==(const ElectionInfo&, const ElectionInfo&) = default;
};

// "Voted in at least `min` and at most `max` of the last `last` elections of `kind`"
// (every kind when `kind` is unset), or of the `dates` named.
struct VoteHistoryRule {
  std::optional<ElectionKind> kind;  // unset: any election
  int last = 4;                      // 1..32; ignored when `dates` is given
  std::vector<std::string> dates;    // ISO dates; when given, these elections exactly
  int min = 1;                       // 0..number of elections
  int max = -1;                      // -1: no upper bound
  friend bool operator==(const VoteHistoryRule&, const VoteHistoryRule&) = default;
};

// An inclusive range of a score 0..100. A bound of -1 is no bound. A voter without that
// score never matches a range.
struct ScoreRange {
  int min = -1;
  int max = -1;
  friend bool operator==(const ScoreRange&, const ScoreRange&) = default;
};

// What the contact log says of a voter (contact.h): every part set must hold.
struct ContactRule {
  std::optional<bool> ever;               // contacted at least once (false: never)
  std::vector<std::string> last_results;  // her latest contact's result is one of these codes
  ScoreRange support;                     // her latest support ID (1..5) in range; -1 no bound
  std::string since;                      // ISO date: only contacts on or after it count
  friend bool operator==(const ContactRule&, const ContactRule&) = default;
};

// The current answer to a survey question of the field book (field_book.h): her latest
// answer to it includes one of `any` (choice keys).
struct AnswerRule {
  std::string question;
  std::vector<std::string> any;
  friend bool operator==(const AnswerRule&, const AnswerRule&) = default;
};

struct UniverseCriteria {
  std::vector<std::string> counties;   // county codes
  std::vector<PrecinctKey> precincts;  // precincts (county and code)
  NamedValues districts;               // (district name, value) pairs; a name may repeat
  std::vector<std::string> parties;    // as the state codes them: DEM, REP, UNA, ...
  std::vector<VoterStatus> statuses;   // empty: active and inactive
  std::vector<std::string> genders;    // as the state codes them: F, M, U
  std::optional<int> min_age;          // years, at as_of_year
  std::optional<int> max_age;
  int as_of_year = 0;             // the year ages are counted at; set by the caller
  std::string registered_after;   // ISO date, inclusive; empty: no bound
  std::string registered_before;  // ISO date, exclusive; empty: no bound
  std::optional<VoteHistoryRule> history;
  std::optional<ScoreRange> support;
  std::optional<ScoreRange> turnout;
  // Election day: with `election` set, only voters not yet struck in it (voted = false)
  // or only those struck (voted = true).
  std::string election;
  bool voted = false;
  std::optional<bool> has_phone;  // a phone number on file (or none)
  std::optional<ContactRule> contact;
  std::vector<AnswerRule> answers;  // every rule must hold
  std::vector<std::string> tags;    // tagged (field book tag keys) with any of these

  friend bool operator==(const UniverseCriteria&, const UniverseCriteria&) = default;
};

// The statuses a universe takes when it names none.
inline constexpr VoterStatus kDefaultUniverseStatuses[] = {VoterStatus::kActive,
                                                           VoterStatus::kInactive};

// kInvalidArgument naming the field ("criteria.min_age") when a value is out of range,
// malformed (dates, codes) or contradicts another (min_age > max_age, kRemoved status).
Status ValidateUniverseCriteria(const UniverseCriteria& criteria);

// The birth years [first, last] the age bounds allow (0 where unbounded). Needs
// as_of_year when an age bound is set.
struct BirthYears {
  int first = 0;
  int last = 0;
};
BirthYears BirthYearsFor(const UniverseCriteria& criteria);

// The elections a history rule counts, from `elections` (any order): the dates named, or
// the newest `last` of its kind. Newest first. Fewer than asked when the history has
// fewer; kInvalidArgument when a named date is not in `elections`.
Result<std::vector<std::string>> ElectionsFor(const VoteHistoryRule& rule,
                                              const std::vector<ElectionInfo>& elections);

// True when a voter with `districts` matches the criteria's district pairs `wanted`: for
// every district name listed there, her value is one of the values listed for it.
bool MatchesDistricts(const NamedValues& wanted, const NamedValues& districts);

// A universe as it is kept: a unique name and its criteria.
struct Universe {
  int64_t id = 0;
  std::string name;  // 1..100 characters, unique
  std::string description;
  UniverseCriteria criteria;
  int64_t created_by = 0;  // user id; 0 for the command line
  std::string created_at;  // ISO 8601 UTC
  std::string updated_at;
};

// kInvalidArgument naming the field when the name or description is unusable.
Status ValidateUniverseName(std::string_view name, std::string_view description);

}  // namespace narwhal

#endif  // NARWHAL_DOMAIN_UNIVERSE_H_

// The JSON form of a universe's criteria: what the API takes and answers, what the command
// line reads with --criteria, and what the store keeps. One form, documented in
// docs/field.md ("Universes"):
//
//   {"counties": ["92"], "precincts": [{"county": "92", "precinct": "01-07"}],
//    "districts": [{"name": "congressional", "value": "4"}],
//    "parties": ["DEM", "UNA"], "statuses": ["active"], "genders": ["F"],
//    "age": {"min": 18, "max": 35, "as_of_year": 2026},
//    "registered": {"after": "2020-01-01", "before": "2026-01-01"},
//    "vote_history": {"kind": "general", "last": 4, "min": 2, "max": 4},
//    "support": {"min": 60}, "turnout": {"max": 40},
//    "election_day": {"election": "2026-11-03", "voted": false},
//    "has_phone": true, "contact": {"ever": true, "last_result": ["NH"]},
//    "answers": [{"question": "vote_plan", "any": ["unsure"]}], "tags": ["yard_sign"]}
//
// Every member is optional; unknown members are errors, so a misspelt criterion never
// silently widens a universe.
//
// Thread-safety: pure functions.
#ifndef NARWHAL_DOMAIN_UNIVERSE_JSON_H_
#define NARWHAL_DOMAIN_UNIVERSE_JSON_H_

#include <string>
#include <string_view>

#include "base/status.h"
#include "domain/universe.h"

namespace narwhal {

// Parses and validates (ValidateUniverseCriteria) criteria. kInvalidArgument naming the
// member ("criteria.age.min: expected an integer") for anything else. When an age bound
// is given without as_of_year, `default_year` is used.
Result<UniverseCriteria> ParseUniverseCriteria(std::string_view json, int default_year);

// The criteria as one JSON object, members in the order above, absent ones left out.
// ParseUniverseCriteria(UniverseCriteriaJson(c), y) == c for valid criteria.
std::string UniverseCriteriaJson(const UniverseCriteria& criteria);

}  // namespace narwhal

#endif  // NARWHAL_DOMAIN_UNIVERSE_JSON_H_

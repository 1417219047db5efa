// The voter model: what Narwhal knows about a registered voter and her vote history,
// independent of the state file it came from and of the store that keeps it.
//
// Plain values; thread-safety is that of std::string.
#ifndef NARWHAL_DOMAIN_VOTER_H_
#define NARWHAL_DOMAIN_VOTER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace narwhal {

// An ordered list of named values (districts, state-specific columns). Order is the order
// of the source file, kept so records read back the way they came in.
using NamedValues = std::vector<std::pair<std::string, std::string>>;

// A precinct is addressed by county and precinct code together: codes are unique only
// inside a county (NC "01" exists in many counties).
struct PrecinctKey {
  std::string county;    // county code as the state publishes it (NC county_id "92")
  std::string precinct;  // precinct code (NC precinct_abbrv "01-07")

  friend bool operator==(const PrecinctKey&, const PrecinctKey&) = default;
  // clang-tidy 14 takes the defaulted comparison's 0 for a null pointer.
  // NOLINTNEXTLINE(modernize-use-nullptr)
  friend auto operator<=>(const PrecinctKey&, const PrecinctKey&) = default;
};

struct Address {
  std::string street;  // "123 MAIN ST APT 4"
  std::string city;
  std::string state;  // two-letter code
  std::string zip;

  friend bool operator==(const Address&, const Address&) = default;
};

// Registration status, normalised across states.
enum class VoterStatus {
  kActive,
  kInactive,
  kTemporary,  // military and overseas, NC "S"
  kDenied,
  kRemoved,  // removed by the state, or absent from a full-refresh import
  kUnknown,
};
std::string_view VoterStatusName(VoterStatus status);    // "active", ...
VoterStatus VoterStatusFromName(std::string_view name);  // kUnknown when not a name

// One registered voter. Every string is UTF-8 and trimmed; an empty string is "unknown".
struct Voter {
  std::string voter_id;             // state voter id, the key (NC ncid); never empty
  std::string state;                // two-letter state of the file ("NC")
  std::string county;               // county code
  std::string county_name;          // "WAKE"
  std::string precinct;             // precinct code, unique inside the county
  std::string precinct_name;        // "RALEIGH 01-07"
  std::string registration_number;  // county registration number (NC voter_reg_num)

  std::string last_name;
  std::string first_name;
  std::string middle_name;
  std::string name_suffix;

  Address residence;
  std::string mailing_address;  // all mailing lines joined with ", "; empty when none
  Address mailing;              // city/state/zip of the mailing address (street unused)

  std::string party;  // as the state codes it: DEM, REP, UNA, LIB, ...
  VoterStatus status = VoterStatus::kUnknown;
  std::string status_reason;      // state's reason text, if any
  int birth_year = 0;             // 0 when unknown
  std::string registration_date;  // ISO 8601 date "1998-03-24", or empty
  std::string phone;              // digits as published
  std::string gender;
  std::string race;
  std::string ethnicity;

  // Electoral districts by normalised name: congressional, state_senate, state_house,
  // municipality, ward, school, ... Only non-empty ones.
  NamedValues districts;
  // State-specific columns the model does not name, by the file's column name. Only
  // non-empty ones.
  NamedValues extra;

  friend bool operator==(const Voter&, const Voter&) = default;
};

// One election a voter took part in.
struct VoteHistoryEntry {
  std::string voter_id;
  std::string election_date;  // ISO 8601 date
  std::string election_desc;  // "11/08/2022 GENERAL"
  std::string voting_method;  // "IN-PERSON", "ABSENTEE BY MAIL", ... or empty
  std::string party;          // party ballot voted in a primary, or empty
  std::string county;         // county code where voted, or empty
  std::string precinct;       // precinct code where voted, or empty

  friend bool operator==(const VoteHistoryEntry&, const VoteHistoryEntry&) = default;
};

// Calls fn(field) for each single-valued text field of `v` (every std::string member,
// the address parts included), always in the same order. V is Voter or const Voter.
template <typename V, typename Fn>
void ForEachTextField(V& v, Fn&& fn) {
  for (auto* s : {&v.voter_id,
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
    fn(*s);
  }
}

// The search keys of a voter's names (see FoldForSearch).
std::string LastNameKey(const Voter& v);
std::string FirstNameKey(const Voter& v);

// A stable 64-bit fingerprint of everything a state file says about a voter; equal
// fingerprints mean "unchanged" on re-import. Independent of platform and run.
uint64_t Fingerprint(const Voter& v);

// True when a change from `before` to `after` is a move: residence or precinct changed.
bool IsMove(const Voter& before, const Voter& after);

// Parses the dates states publish ("03/24/1998", "3/24/1998", "1998-03-24", "19980324")
// into ISO 8601. Returns false when `text` is not one of them or not a real date.
bool ParseDate(std::string_view text, std::string& iso_out);

}  // namespace narwhal

#endif  // NARWHAL_DOMAIN_VOTER_H_

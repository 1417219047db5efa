// Who may do what: roles, scopes and the principal a request acts as.
//
// Pure values and functions; the HTTP layer checks each route's declared requirement with
// these in one place, and the store filters personal data by the principal's scope.
#ifndef NARWHAL_DOMAIN_ACCESS_H_
#define NARWHAL_DOMAIN_ACCESS_H_

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/voter.h"

namespace narwhal {

enum class Role : uint8_t {
  kAdmin,        // everything, everywhere
  kOrganizer,    // recruits and assigns volunteers in her counties; sees their voters
  kAnalyst,      // aggregates only; never personal data
  kPollWatcher,  // the voters of her precincts, on election day
  kCanvasser,    // the voters of her turfs
  kPhoneBanker,  // the voters of her call lists
};

inline constexpr Role kAllRoles[] = {Role::kAdmin,       Role::kOrganizer, Role::kAnalyst,
                                     Role::kPollWatcher, Role::kCanvasser, Role::kPhoneBanker};

std::string_view RoleName(Role role);                     // "poll_watcher"
std::optional<Role> RoleFromName(std::string_view name);  // nullopt when unknown

// A set of roles as a bit mask, for route requirements.
class RoleSet {
 public:
  constexpr RoleSet() = default;
  constexpr RoleSet(std::initializer_list<Role> roles) {
    for (Role r : roles) bits_ |= Bit(r);
  }
  static constexpr RoleSet All() {
    RoleSet s;
    for (Role r : kAllRoles) s.bits_ |= Bit(r);
    return s;
  }
  constexpr bool Contains(Role r) const { return (bits_ & Bit(r)) != 0; }
  constexpr bool empty() const { return bits_ == 0; }
  std::vector<Role> roles() const;

 private:
  static constexpr uint32_t Bit(Role r) { return 1u << static_cast<uint32_t>(r); }
  uint32_t bits_ = 0;
};

// What a user is assigned to. Which lists apply depends on the role: counties for
// organizers, precincts for poll watchers, turfs for canvassers.
struct Scope {
  std::vector<std::string> counties;
  std::vector<PrecinctKey> precincts;
  std::vector<std::string> turfs;

  friend bool operator==(const Scope&, const Scope&) = default;
};

// The authenticated caller of a request.
struct Principal {
  int64_t user_id = 0;  // 0 for the anonymous principal
  std::string name;
  Role role = Role::kAnalyst;
  Scope scope;
  int64_t session_id = 0;

  bool anonymous() const { return user_id == 0; }
};

// A staff member or volunteer, as organizers manage her.
struct NewUser {
  std::string name;
  std::string phone;
  std::string email;
  Role role = Role::kPollWatcher;
  Scope scope;
  std::string field_office;  // groups credential sheets and readiness lists; free text
};

struct User {
  int64_t id = 0;
  std::string name;
  std::string phone;
  std::string email;
  Role role = Role::kPollWatcher;
  Scope scope;
  std::string field_office;
  std::string created_at;      // ISO 8601 UTC
  std::string first_login_at;  // empty until she first logs in
  std::string last_seen_at;    // last authenticated request, to the minute; or empty
  std::string code_tested_at;  // last time she tested a code without spending it; or empty
  bool disabled = false;
};

// True when the role may see names, addresses and histories of voters at all.
bool SeesPersonalData(Role role);

// True when `principal` may see the voters of `precinct`: admins everywhere; organizers in
// their counties; poll watchers in their precincts; analysts never. Canvassers and phone
// bankers reach voters through their turfs and lists, not by precinct.
bool MaySeePrecinct(const Principal& principal, const PrecinctKey& precinct);

// True when the principal may see every voter (no scope filter is needed).
bool SeesAllVoters(const Principal& principal);

}  // namespace narwhal

#endif  // NARWHAL_DOMAIN_ACCESS_H_

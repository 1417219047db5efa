// Volunteers as organizers add them: one row of a sign-up sheet (or one web form) checked
// into a NewUser, a whole sheet read with every bad row reported by line and reason, a
// batch of users created with their first login codes, and those codes laid out as
// credential sheets (one per field office) and as CSV for a mail merge.
//
// The same rules serve `narwhal users add|import` and POST /api/v1/users[/import]; they
// live here so that the web and the command line never disagree about a row.
//
// Thread-safety: plain functions; CreateVolunteers and IssueCodes are as thread-safe as
// the Store and AuthService they are given.
#ifndef NARWHAL_AUTH_VOLUNTEERS_H_
#define NARWHAL_AUTH_VOLUNTEERS_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "auth/auth_service.h"
#include "auth/credential_sheet.h"
#include "base/status.h"
#include "domain/access.h"
#include "import/csv_reader.h"
#include "storage/store.h"

namespace narwhal {

class TurfStore;

// The columns of a volunteer sheet, in the order `users import` documents; a file's own
// header may order them differently and may omit phone, email, field_office and turf.
inline constexpr std::string_view kVolunteerColumns[] = {
    "name", "phone", "email", "role", "county", "precinct", "field_office", "turf"};
inline constexpr size_t kMaxVolunteerFieldBytes = 200;

// One volunteer as typed: trimmed text, checked by BuildVolunteer.
struct VolunteerFields {
  std::string name, phone, email, role, county, precinct, office;
  std::string turfs;  // list numbers of kept turfs, separated by spaces (canvassers)
};

// Why a volunteer cannot be created: the column at fault ("" for the whole row) and a
// reason a person can act on.
struct RowProblem {
  std::string column;
  std::string reason;
};

// The places of the voter file, to catch typos in assignments. Empty when no voter file
// is loaded yet; assignments are then taken as given.
struct KnownPlaces {
  std::set<std::string> counties;
  std::set<PrecinctKey> precincts;
  TurfStore* turfs = nullptr;  // the store's kept turfs, when it keeps them
  mutable std::map<std::string, std::string> turf_counties;  // list number -> county, as read
};

Result<KnownPlaces> LoadKnownPlaces(Store& store);

// "Poll Watcher", "poll-watcher" and "poll_watcher" all name Role::kPollWatcher.
std::optional<Role> ParseRole(std::string_view text);
// "poll watcher": the role as a sheet prints it.
std::string RoleLabel(Role role);
// "admin, organizer, ...": every role name, for error messages.
std::string RoleChoices();
// "precinct 92/01-07, county 92, turf 4": a scope as people read it.
std::string Assignment(const Scope& scope);

// Checks one volunteer and builds the user to create; nullopt when `out` is ready.
std::optional<RowProblem> BuildVolunteer(const VolunteerFields& fields, const KnownPlaces& known,
                                         NewUser& out);

// A sign-up sheet read whole: the rows to create and the rows refused.
struct VolunteerRow {
  int64_t line = 0;
  NewUser user;
  std::string record;  // the line as read
};
struct VolunteerReject {
  int64_t line = 0;
  std::string column;
  std::string reason;
  std::string record;  // the line as read, for the rejects file
};
struct VolunteerSheet {
  int64_t rows = 0;  // data rows read (the header not counted)
  std::vector<VolunteerRow> good;
  std::vector<VolunteerReject> bad;
};

// Reads a CSV (or TSV) sign-up sheet with a header line naming its columns (any order,
// any case; name, role, county and precinct required). kInvalidArgument when there is no
// header or a required column is missing, naming the columns expected; errors of the
// source otherwise. Nothing is written.
Result<VolunteerSheet> ReadVolunteerSheet(std::unique_ptr<ByteSource> source,
                                          const KnownPlaces& known);

// Moves to `bad` every good row that repeats a volunteer the store already has, or an
// earlier row of the sheet: the same name (any case) and phone digits, or name and email,
// or — with neither — name, role and assignment. A sheet uploaded twice adds nobody twice.
Status RejectKnownVolunteers(Store& store, VolunteerSheet& sheet);

// The users of `rows`, created in one batch (Store::CreateUsers), then their first codes
// (AuthService::IssueCodes). Each creation is audited as user.create (with role and
// assignment) by `audit`, each code as login_code.issue. When the codes cannot be drawn
// the users stay, and the error says how to give them codes.
using AuditFn = std::function<void(std::string action, std::string target, std::string detail)>;
Result<std::vector<User>> CreateVolunteers(Store& store, std::span<const NewUser> users,
                                           const AuditFn& audit);
// Fresh codes for `users` (enabled, each once), audited as login_code.issue.
Result<std::vector<IssuedCode>> IssueVolunteerCodes(AuthService& auth, std::span<const User> users,
                                                    const AuditFn& audit);

// user_id,name,role,county,precinct,office,code,expires — the codes of `issued`, for a
// mail merge or a text message; CRLF lines.
std::string CredentialsCsv(std::span<const IssuedCode> issued);
// One sheet per field office (ordered by office), volunteers in the order given.
std::vector<CredentialSheet> CredentialSheetsFor(std::span<const IssuedCode> issued,
                                                 const std::string& login_url,
                                                 TimePoint printed_at);
// Every sheet in one PDF, one section (and page run) per field office.
Result<std::string> RenderCredentialSheets(std::span<const CredentialSheet> sheets);

}  // namespace narwhal

#endif  // NARWHAL_AUTH_VOLUNTEERS_H_

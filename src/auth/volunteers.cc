#include "auth/volunteers.h"

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <utility>

#include "base/text.h"
#include "storage/turf_store.h"

namespace narwhal {
namespace {

bool PlausibleEmail(const std::string& email) {
  size_t at = email.find('@');
  if (at == std::string::npos || at == 0 || email.find('@', at + 1) != std::string::npos) {
    return false;
  }
  size_t dot = email.find('.', at + 2);
  return dot != std::string::npos && dot + 1 < email.size() &&
         email.find_first_of(" \t,;<>") == std::string::npos;
}

bool PlausiblePhone(const std::string& phone) {
  int digits = 0;
  for (char c : phone) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      ++digits;
    } else if (std::string_view("+-(). ").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return digits >= 7 && digits <= 15;
}

}  // namespace

// "Poll Watcher", "poll-watcher" and "poll_watcher" all name Role::kPollWatcher.
std::optional<Role> ParseRole(std::string_view text) {
  std::string name;
  for (char c : TrimAscii(text)) {
    name += (c == ' ' || c == '-') ? '_' : static_cast<char>(std::tolower(c));
  }
  return RoleFromName(name);
}

std::string RoleLabel(Role role) {
  std::string label(RoleName(role));
  std::replace(label.begin(), label.end(), '_', ' ');
  return label;
}

std::string RoleChoices() {
  std::string out;
  for (Role r : kAllRoles) {
    if (!out.empty()) out += ", ";
    out += RoleName(r);
  }
  return out;
}

std::optional<RowProblem> BuildVolunteer(const VolunteerFields& f, const KnownPlaces& known,
                                         NewUser& out) {
  for (const std::string* field :
       {&f.name, &f.phone, &f.email, &f.role, &f.county, &f.precinct, &f.office, &f.turfs}) {
    if (field->size() > kMaxVolunteerFieldBytes) {
      return RowProblem{"",
                        fmt::format("a field is longer than {} bytes", kMaxVolunteerFieldBytes)};
    }
  }
  if (f.name.empty()) return RowProblem{"name", "the name is empty"};
  std::optional<Role> role = ParseRole(f.role);
  if (!role) {
    return RowProblem{"role", fmt::format("unknown role '{}'; one of {}", f.role, RoleChoices())};
  }
  if (!f.phone.empty() && !PlausiblePhone(f.phone)) {
    return RowProblem{"phone", fmt::format("'{}' is not a phone number", f.phone)};
  }
  if (!f.email.empty() && !PlausibleEmail(f.email)) {
    return RowProblem{"email", fmt::format("'{}' is not an email address", f.email)};
  }
  if (!f.precinct.empty() && f.county.empty()) {
    return RowProblem{"county", "a precinct needs its county"};
  }
  // A canvasser's counties are those of her turfs: an organizer then manages her (codes,
  // sessions) only when every one of her turfs lies in the organizer's counties.
  std::vector<std::string> turfs;
  std::vector<std::string> turf_counties;
  for (std::string_view word : SplitWords(f.turfs)) {
    Result<std::string> number = ParseListNumber(word);
    if (!number.ok()) return RowProblem{"turf", std::string(number.status().message())};
    if (known.turfs != nullptr) {
      auto cached = known.turf_counties.find(*number);
      if (cached == known.turf_counties.end()) {
        Result<TurfSheet> turf = known.turfs->GetTurf(*number);
        if (!turf.ok()) {
          return RowProblem{"turf", turf.status().code() == ErrorCode::kNotFound
                                        ? fmt::format("no turf has list number {}", *number)
                                        : std::string(turf.status().message())};
        }
        cached = known.turf_counties.emplace(*number, turf->turf.county).first;
      }
      if (!f.county.empty() && cached->second != f.county) {
        return RowProblem{"turf", fmt::format("turf {} is in county {}, not {}", *number,
                                              cached->second, f.county)};
      }
      turf_counties.push_back(cached->second);
    }
    turfs.push_back(*std::move(number));
  }
  if (!turfs.empty() && *role != Role::kCanvasser) {
    return RowProblem{"turf", "only canvassers are assigned turfs"};
  }
  switch (*role) {
    case Role::kAdmin:
    case Role::kAnalyst:
      if (!f.county.empty()) {
        return RowProblem{
            "county", fmt::format("{}s are not assigned to a county or precinct", RoleName(*role))};
      }
      break;
    case Role::kPollWatcher:
      if (f.precinct.empty()) {
        return RowProblem{"precinct", "a poll watcher needs her county and precinct"};
      }
      break;
    case Role::kOrganizer:
      if (f.county.empty()) return RowProblem{"county", "an organizer needs her county"};
      break;
    case Role::kCanvasser:
    case Role::kPhoneBanker: break;
  }
  if (!known.counties.empty() && !f.county.empty()) {
    if (!known.counties.contains(f.county)) {
      return RowProblem{"county",
                        fmt::format("county '{}' has no voters in the voter file", f.county)};
    }
    if (!f.precinct.empty() && !known.precincts.contains(PrecinctKey{f.county, f.precinct})) {
      return RowProblem{"precinct", fmt::format("county {} has no precinct '{}' in the voter file",
                                                f.county, f.precinct)};
    }
  }
  out = NewUser{};
  out.name = f.name;
  out.phone = f.phone;
  out.email = f.email;
  out.role = *role;
  out.field_office = f.office;
  out.scope.turfs = std::move(turfs);
  for (std::string& county : turf_counties) {
    if (std::find(out.scope.counties.begin(), out.scope.counties.end(), county) ==
        out.scope.counties.end()) {
      out.scope.counties.push_back(std::move(county));
    }
  }
  if (!f.precinct.empty()) {
    out.scope.precincts.push_back(PrecinctKey{f.county, f.precinct});
  } else if (!f.county.empty()) {
    out.scope.counties.push_back(f.county);
  }
  return std::nullopt;
}

std::string Assignment(const Scope& scope) {
  std::vector<std::string> parts;
  for (const PrecinctKey& p : scope.precincts) {
    parts.push_back(fmt::format("precinct {}/{}", p.county, p.precinct));
  }
  for (const std::string& c : scope.counties) parts.push_back(fmt::format("county {}", c));
  for (const std::string& t : scope.turfs) parts.push_back(fmt::format("turf {}", t));
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out;
}

Result<KnownPlaces> LoadKnownPlaces(Store& store) {
  NARWHAL_ASSIGN_OR_RETURN(std::vector<PrecinctSummary> precincts, store.ListPrecincts(""));
  KnownPlaces known;
  for (const PrecinctSummary& p : precincts) {
    known.counties.insert(p.county);
    known.precincts.insert(PrecinctKey{p.county, p.precinct});
  }
  known.turfs = store.Turfs();
  return known;
}

Result<VolunteerSheet> ReadVolunteerSheet(std::unique_ptr<ByteSource> source,
                                          const KnownPlaces& known) {
  CsvOptions options;
  options.encoding = Encoding::kAuto;
  CsvReader reader(std::move(source), options);
  CsvRecord record;

  // The header decides where each column is.
  NARWHAL_ASSIGN_OR_RETURN(bool first, reader.Next(record));
  if (!first || !record.error.empty()) return InvalidArgument("no header line");
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < record.fields.size(); ++i) {
    index[AsciiLower(TrimAscii(record.fields[i]))] = i;
  }
  for (std::string_view needed : {"name", "role", "county", "precinct"}) {
    if (!index.contains(std::string(needed))) {
      return InvalidArgument(fmt::format("the header has no '{}' column (expected {})", needed,
                                         fmt::join(kVolunteerColumns, ",")));
    }
  }
  auto column = [&](std::string_view name) -> std::string {
    auto it = index.find(std::string(name));
    if (it == index.end() || it->second >= record.fields.size()) return {};
    return std::string(TrimAscii(record.fields[it->second]));
  };

  VolunteerSheet sheet;
  for (;;) {
    NARWHAL_ASSIGN_OR_RETURN(bool more, reader.Next(record));
    if (!more) break;
    ++sheet.rows;
    if (!record.error.empty()) {
      sheet.bad.push_back({record.line, "", record.error, std::string(record.raw)});
      continue;
    }
    VolunteerFields f{column("name"),   column("phone"),    column("email"),        column("role"),
                      column("county"), column("precinct"), column("field_office"), column("turf")};
    NewUser user;
    if (auto problem = BuildVolunteer(f, known, user)) {
      sheet.bad.push_back({record.line, problem->column, problem->reason, std::string(record.raw)});
    } else {
      sheet.good.push_back({record.line, std::move(user), std::string(record.raw)});
    }
  }
  return sheet;
}

namespace {

// The keys a volunteer is recognised by (RejectKnownVolunteers).
std::vector<std::string> IdentityKeys(const std::string& name, const std::string& phone,
                                      const std::string& email, Role role, const Scope& scope) {
  const std::string who = AsciiLower(TrimAscii(name));
  std::string digits;
  for (char c : phone) {
    if (std::isdigit(static_cast<unsigned char>(c))) digits += c;
  }
  if (digits.size() == 11 && digits[0] == '1') digits.erase(0, 1);
  std::vector<std::string> keys;
  if (!digits.empty()) keys.push_back(who + "|p|" + digits);
  if (!email.empty()) keys.push_back(who + "|e|" + AsciiLower(TrimAscii(email)));
  if (keys.empty())
    keys.push_back(who + "|a|" + std::string(RoleName(role)) + "|" + Assignment(scope));
  return keys;
}

}  // namespace

Status RejectKnownVolunteers(Store& store, VolunteerSheet& sheet) {
  if (sheet.good.empty()) return Status::Ok();
  std::map<std::string, std::string> known;  // key -> who has it
  UserFilter filter;
  filter.limit = 1000;
  for (;;) {
    NARWHAL_ASSIGN_OR_RETURN(UserPage page, store.ListUsers(filter));
    for (const User& u : page.users) {
      for (std::string& key : IdentityKeys(u.name, u.phone, u.email, u.role, u.scope)) {
        known.emplace(std::move(key), fmt::format("already a volunteer: user {}", u.id));
      }
    }
    if (page.next_cursor.empty()) break;
    filter.cursor = page.next_cursor;
  }
  std::vector<VolunteerRow> kept;
  kept.reserve(sheet.good.size());
  for (VolunteerRow& row : sheet.good) {
    const NewUser& u = row.user;
    std::vector<std::string> keys = IdentityKeys(u.name, u.phone, u.email, u.role, u.scope);
    std::string repeat;
    for (const std::string& key : keys) {
      auto it = known.find(key);
      if (it != known.end()) {
        repeat = it->second;
        break;
      }
    }
    if (!repeat.empty()) {
      sheet.bad.push_back({row.line, "name", repeat, std::move(row.record)});
      continue;
    }
    for (std::string& key : keys) {
      known.emplace(std::move(key), fmt::format("repeats line {}", row.line));
    }
    kept.push_back(std::move(row));
  }
  sheet.good = std::move(kept);
  std::sort(sheet.bad.begin(), sheet.bad.end(),
            [](const VolunteerReject& a, const VolunteerReject& b) { return a.line < b.line; });
  return Status::Ok();
}

Result<std::vector<User>> CreateVolunteers(Store& store, std::span<const NewUser> users,
                                           const AuditFn& audit) {
  NARWHAL_ASSIGN_OR_RETURN(std::vector<User> created, store.CreateUsers(users));
  for (const User& u : created) {
    boost::json::object detail;
    detail["role"] = RoleName(u.role);
    detail["assignment"] = Assignment(u.scope);
    audit("user.create", std::to_string(u.id), boost::json::serialize(detail));
  }
  return created;
}

Result<std::vector<IssuedCode>> IssueVolunteerCodes(AuthService& auth, std::span<const User> users,
                                                    const AuditFn& audit) {
  NARWHAL_ASSIGN_OR_RETURN(std::vector<IssuedCode> issued, auth.IssueCodes(users));
  for (const IssuedCode& c : issued) audit("login_code.issue", std::to_string(c.user.id), {});
  return issued;
}

std::string CredentialsCsv(std::span<const IssuedCode> issued) {
  std::string out = "user_id,name,role,county,precinct,office,code,expires\r\n";
  for (const IssuedCode& c : issued) {
    const Scope& scope = c.user.scope;
    std::string county = !scope.precincts.empty()  ? scope.precincts[0].county
                         : !scope.counties.empty() ? scope.counties[0]
                                                   : "";
    std::string precinct = !scope.precincts.empty() ? scope.precincts[0].precinct : "";
    AppendCsvRecord({std::to_string(c.user.id), c.user.name, std::string(RoleName(c.user.role)),
                     county, precinct, c.user.field_office, c.code, FormatIso8601(c.expires_at)},
                    out);
  }
  return out;
}

std::vector<CredentialSheet> CredentialSheetsFor(std::span<const IssuedCode> issued,
                                                 const std::string& login_url,
                                                 TimePoint printed_at) {
  std::map<std::string, CredentialSheet> by_office;
  for (const IssuedCode& c : issued) {
    CredentialSheet& sheet = by_office[c.user.field_office];
    if (sheet.lines.empty()) {
      sheet.office = c.user.field_office;
      sheet.login_url = login_url;
      sheet.expires = FormatHumanUtc(c.expires_at);
      sheet.printed = "printed " + FormatHumanUtc(printed_at);
    }
    sheet.lines.push_back({c.user.name, RoleLabel(c.user.role), Assignment(c.user.scope), c.code});
  }
  std::vector<CredentialSheet> out;
  out.reserve(by_office.size());
  for (auto& [office, sheet] : by_office) out.push_back(std::move(sheet));
  return out;
}

Result<std::string> RenderCredentialSheets(std::span<const CredentialSheet> sheets) {
  if (sheets.empty()) return InvalidArgument("no volunteers to print codes for");
  TableDocument doc = CredentialSheetDocument(sheets.front());
  doc.title = "Login codes";
  for (size_t i = 1; i < sheets.size(); ++i) {
    TableDocument more = CredentialSheetDocument(sheets[i]);
    for (PdfSection& s : more.sections) doc.sections.push_back(std::move(s));
  }
  return RenderTablePdf(doc);
}

}  // namespace narwhal

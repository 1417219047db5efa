// `narwhal users ...`: volunteers, their login codes and credential sheets.
#include <fmt/core.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "auth/auth_service.h"
#include "auth/credential_sheet.h"
#include "base/clock.h"
#include "base/text.h"
#include "cli/commands.h"
#include "import/csv_reader.h"
#include "storage/turf_store.h"

namespace narwhal {
namespace {

// The columns of a volunteer CSV, in the order `users import` documents; the file's own
// header may order them differently and may omit phone, email, field_office and turf (list
// numbers of kept turfs, separated by spaces, for canvassers).
constexpr std::string_view kColumns[] = {"name",   "phone",    "email",        "role",
                                         "county", "precinct", "field_office", "turf"};
constexpr size_t kMaxFieldBytes = 200;

struct VolunteerFields {
  std::string name, phone, email, role, county, precinct, office;
  std::string turfs;  // list numbers of kept turfs, separated by spaces (canvassers)
};

// Why a volunteer cannot be created: the column at fault and a reason for a person.
struct RowProblem {
  std::string column;
  std::string reason;
};

// The precincts of the voter file, to catch typos in assignments. Empty when no voter
// file is loaded yet; assignments are then taken as given.
struct KnownPrecincts {
  std::set<std::string> counties;
  std::set<PrecinctKey> precincts;
  TurfStore* turfs = nullptr;  // the store's kept turfs, when it keeps them
  mutable std::map<std::string, std::string> turf_counties;  // list number -> county, as read
};

std::string Trim(std::string_view s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

// "Poll Watcher", "poll-watcher" and "poll_watcher" all name Role::kPollWatcher.
std::optional<Role> ParseRole(std::string_view text) {
  std::string name;
  for (char c : Trim(text)) {
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

// Checks one volunteer and builds the user to create. The same rules serve `users add`
// and every row of `users import`.
std::optional<RowProblem> BuildVolunteer(const VolunteerFields& f, const KnownPrecincts& known,
                                         NewUser& out) {
  for (const std::string* field :
       {&f.name, &f.phone, &f.email, &f.role, &f.county, &f.precinct, &f.office, &f.turfs}) {
    if (field->size() > kMaxFieldBytes) {
      return RowProblem{"", fmt::format("a field is longer than {} bytes", kMaxFieldBytes)};
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

Result<KnownPrecincts> LoadKnownPrecincts(Store& store) {
  NARWHAL_ASSIGN_OR_RETURN(std::vector<PrecinctSummary> precincts, store.ListPrecincts(""));
  KnownPrecincts known;
  for (const PrecinctSummary& p : precincts) {
    known.counties.insert(p.county);
    known.precincts.insert(PrecinctKey{p.county, p.precinct});
  }
  known.turfs = store.Turfs();
  return known;
}

std::string CodeJson(const IssuedCode& issued) {
  boost::json::object o;
  o["user_id"] = issued.user.id;
  o["name"] = issued.user.name;
  o["role"] = RoleName(issued.user.role);
  o["code"] = issued.code;
  o["expires_at"] = FormatIso8601(issued.expires_at);
  return boost::json::serialize(o);
}

void Audit(Store& store, const Clock& clock, std::string action, std::string target,
           std::string detail = {}) {
  AuditCliAction(store, clock, "users", std::move(action), std::move(target), std::move(detail));
}

int ExitFor(const Status& status) {
  switch (status.code()) {
    case ErrorCode::kInvalidArgument: return kExitUsage;
    case ErrorCode::kUnavailable: return kExitUnavailable;
    default: return kExitFailure;
  }
}

// Everything a users command works with, opened once.
struct UsersContext {
  std::unique_ptr<Store> store;
  SystemClock clock;
  std::unique_ptr<AuthService> auth;
};

Result<std::unique_ptr<UsersContext>> OpenContext(const CommonArgs& common) {
  auto context = std::make_unique<UsersContext>();
  NARWHAL_ASSIGN_OR_RETURN(context->store, OpenStore(common));
  context->auth = std::make_unique<AuthService>(*context->store, context->clock);
  return context;
}

// Creates the user and her first code. On a failed IssueCode the user stays (the caller
// says how to reissue).
Result<IssuedCode> CreateWithCode(UsersContext& s, const NewUser& user) {
  NARWHAL_ASSIGN_OR_RETURN(User created, s.store->CreateUser(user));
  boost::json::object detail;
  detail["role"] = RoleName(created.role);
  detail["assignment"] = Assignment(created.scope);
  Audit(*s.store, s.clock, "user.create", std::to_string(created.id),
        boost::json::serialize(detail));
  auto issued = s.auth->IssueCode(created.id);
  if (!issued.ok()) {
    return issued.status().WithContext(
        fmt::format("user {} was created but has no code yet (run `narwhal users reissue {}`)",
                    created.id, created.id));
  }
  Audit(*s.store, s.clock, "login_code.issue", std::to_string(created.id));
  return issued;
}

std::string TsvClean(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  }
  return out;
}

}  // namespace

int RunUsersAdd(const UsersAddArgs& args) {
  auto context = OpenContext(args.common);
  if (!context.ok()) {
    fmt::print(stderr, "narwhal users add: {}\n", context.status().message());
    return kExitUnavailable;
  }
  UsersContext& s = **context;
  auto known = LoadKnownPrecincts(*s.store);
  if (!known.ok()) {
    fmt::print(stderr, "narwhal users add: {}\n", known.status().message());
    return ExitFor(known.status());
  }
  std::string turfs;
  for (const std::string& t : args.turfs) turfs += t + " ";
  VolunteerFields fields{Trim(args.name),   Trim(args.phone),    Trim(args.email),  Trim(args.role),
                         Trim(args.county), Trim(args.precinct), Trim(args.office), turfs};
  NewUser user;
  if (auto problem = BuildVolunteer(fields, *known, user)) {
    fmt::print(stderr, "narwhal users add: {}{}\n",
               problem->column.empty() ? "" : "--" + problem->column + ": ", problem->reason);
    return kExitUsage;
  }
  auto issued = CreateWithCode(s, user);
  if (!issued.ok()) {
    fmt::print(stderr, "narwhal users add: {}\n", issued.status().message());
    return ExitFor(issued.status());
  }
  std::string assignment = Assignment(issued->user.scope);
  fmt::print(stderr,
             "added user {}: {} ({}{})\nlogin code: {}  (works once, until {}; it is not "
             "stored and cannot be shown again)\n",
             issued->user.id, issued->user.name, RoleLabel(issued->user.role),
             assignment.empty() ? "" : ", " + assignment, issued->code,
             FormatHumanUtc(issued->expires_at));
  fmt::print("{}\n", CodeJson(*issued));
  return kExitOk;
}

int RunUsersImport(const UsersImportArgs& args) {
  namespace fs = std::filesystem;
  std::string url = args.url;
  if (url.empty()) {
    const char* env = std::getenv("NARWHAL_PUBLIC_URL");
    if (env != nullptr) url = env;
  }
  if (url.empty()) {
    fmt::print(stderr,
               "narwhal users import: --url (or $NARWHAL_PUBLIC_URL) must say which address "
               "volunteers open; it is printed on every credential sheet\n");
    return kExitUsage;
  }
  auto source = OpenFileSource(args.path);
  if (!source.ok()) {
    fmt::print(stderr, "narwhal users import: {}\n", source.status().message());
    return kExitBadInput;
  }
  CsvOptions csv_options;
  csv_options.delimiter = ',';
  csv_options.encoding = Encoding::kAuto;
  CsvReader reader(std::move(*source), csv_options);
  CsvRecord record;

  // The header decides where each column is, before anything is written.
  auto first = reader.Next(record);
  if (!first.ok() || !*first || !record.error.empty()) {
    fmt::print(stderr, "narwhal users import: {}: no header line\n", args.path);
    return kExitBadInput;
  }
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < record.fields.size(); ++i) {
    std::string name;
    for (char c : Trim(record.fields[i])) name += static_cast<char>(std::tolower(c));
    index[name] = i;
  }
  for (std::string_view needed : {"name", "role", "county", "precinct"}) {
    if (!index.contains(std::string(needed))) {
      fmt::print(stderr, "narwhal users import: {}: the header has no '{}' column (expected {})\n",
                 args.path, needed, fmt::join(kColumns, ","));
      return kExitBadInput;
    }
  }
  auto column = [&](std::string_view name) -> std::string {
    auto it = index.find(std::string(name));
    if (it == index.end() || it->second >= record.fields.size()) return {};
    return Trim(record.fields[it->second]);
  };

  std::error_code ec;
  fs::create_directories(args.out_dir, ec);
  if (ec) {
    fmt::print(stderr, "narwhal users import: cannot create '{}': {}\n", args.out_dir,
               ec.message());
    return kExitFailure;
  }
  auto context = OpenContext(args.common);
  if (!context.ok()) {
    fmt::print(stderr, "narwhal users import: {}\n", context.status().message());
    return kExitUnavailable;
  }
  UsersContext& s = **context;
  auto known = LoadKnownPrecincts(*s.store);
  if (!known.ok()) {
    fmt::print(stderr, "narwhal users import: {}\n", known.status().message());
    return ExitFor(known.status());
  }

  // Pass 1: validate every row, so that a file with bad rows is reported in full before
  // codes are drawn for the good ones.
  struct Good {
    int64_t line;
    NewUser user;
  };
  struct Bad {
    int64_t line;
    std::string column, reason, raw;
  };
  std::vector<Good> good;
  std::vector<Bad> bad;
  int64_t rows = 0;
  while (true) {
    auto more = reader.Next(record);
    if (!more.ok()) {
      fmt::print(stderr, "narwhal users import: {}\n", more.status().message());
      return kExitFailure;
    }
    if (!*more) break;
    ++rows;
    if (!record.error.empty()) {
      bad.push_back({record.line, "", record.error, std::string(record.raw)});
      continue;
    }
    VolunteerFields f{column("name"),   column("phone"),    column("email"),        column("role"),
                      column("county"), column("precinct"), column("field_office"), column("turf")};
    NewUser user;
    if (auto problem = BuildVolunteer(f, *known, user)) {
      bad.push_back({record.line, problem->column, problem->reason, std::string(record.raw)});
    } else {
      good.push_back({record.line, std::move(user)});
    }
  }
  for (const Bad& b : bad) {
    fmt::print(stderr, "{}:{}: {}{}\n", args.path, b.line, b.column.empty() ? "" : b.column + ": ",
               b.reason);
  }
  const std::string rejects_path = (fs::path(args.out_dir) / "rejects.tsv").string();
  fs::remove(rejects_path, ec);
  if (!bad.empty()) {
    std::ofstream rejects(rejects_path, std::ios::trunc);
    rejects << "line\tcolumn\treason\trecord\n";
    for (const Bad& b : bad) {
      rejects << b.line << '\t' << b.column << '\t' << TsvClean(b.reason) << '\t' << TsvClean(b.raw)
              << '\n';
    }
    if (!rejects) {
      fmt::print(stderr, "narwhal users import: cannot write '{}'\n", rejects_path);
      return kExitFailure;
    }
  }

  // Pass 2: create users and codes; the codes exist only in memory until written below.
  std::vector<IssuedCode> issued;
  issued.reserve(good.size());
  int failed = 0;
  for (const Good& g : good) {
    auto code = CreateWithCode(s, g.user);
    if (!code.ok()) {
      fmt::print(stderr, "{}:{}: {}\n", args.path, g.line, code.status().message());
      ++failed;
      if (code.status().code() == ErrorCode::kUnavailable) break;
      continue;
    }
    issued.push_back(std::move(*code));
  }

  // credentials.csv: the same codes as the sheets, for a mail merge or a text message.
  const std::string csv_path = (fs::path(args.out_dir) / "credentials.csv").string();
  {
    std::ofstream csv(csv_path + ".tmp", std::ios::trunc);
    csv << "user_id,name,role,county,precinct,office,code,expires\n";
    for (const IssuedCode& c : issued) {
      const Scope& scope = c.user.scope;
      std::string county = !scope.precincts.empty()  ? scope.precincts[0].county
                           : !scope.counties.empty() ? scope.counties[0]
                                                     : "";
      std::string precinct = !scope.precincts.empty() ? scope.precincts[0].precinct : "";
      csv << c.user.id << ',' << CsvField(c.user.name) << ',' << RoleName(c.user.role) << ','
          << CsvField(county) << ',' << CsvField(precinct) << ',' << CsvField(c.user.field_office)
          << ',' << c.code << ',' << FormatIso8601(c.expires_at) << '\n';
    }
    if (!csv.flush()) {
      fmt::print(stderr, "narwhal users import: cannot write '{}'\n", csv_path);
      return kExitFailure;
    }
  }
  fs::rename(csv_path + ".tmp", csv_path, ec);
  if (ec) {
    fmt::print(stderr, "narwhal users import: cannot write '{}': {}\n", csv_path, ec.message());
    return kExitFailure;
  }

  // One sheet per field office, volunteers in file order.
  std::map<std::string, CredentialSheet> sheets;
  for (const IssuedCode& c : issued) {
    CredentialSheet& sheet = sheets[c.user.field_office];
    if (sheet.lines.empty()) {
      sheet.office = c.user.field_office;
      sheet.login_url = url;
      sheet.expires = FormatHumanUtc(c.expires_at);
      sheet.printed = "printed " + FormatHumanUtc(s.clock.Now());
    }
    sheet.lines.push_back({c.user.name, RoleLabel(c.user.role), Assignment(c.user.scope), c.code});
  }
  boost::json::array sheet_paths;
  std::set<std::string> stems;
  for (const auto& [office, sheet] : sheets) {
    std::string stem = OfficeFileStem(office.empty() ? "no-office" : office);
    for (int n = 2; stems.contains(stem); ++n)
      stem = OfficeFileStem(office) + "-" + std::to_string(n);
    stems.insert(stem);
    std::string path = (fs::path(args.out_dir) / ("credentials-" + stem + ".pdf")).string();
    Status written = WriteCredentialSheet(sheet, path);
    if (!written.ok()) {
      fmt::print(stderr, "narwhal users import: {}: {}\n", path, written.message());
      return kExitFailure;
    }
    sheet_paths.emplace_back(path);
  }

  fmt::print(stderr,
             "{} of {} rows imported, {} rejected{}, {} failed\n"
             "codes: {} and {} credential sheet(s) in {}; they are not stored anywhere else\n",
             issued.size(), rows, bad.size(),
             bad.empty() ? "" : fmt::format(" (see {})", rejects_path), failed, csv_path,
             sheets.size(), args.out_dir);
  boost::json::object summary;
  summary["rows"] = rows;
  summary["imported"] = static_cast<int64_t>(issued.size());
  summary["rejected"] = static_cast<int64_t>(bad.size());
  summary["failed"] = failed;
  summary["credentials_csv"] = csv_path;
  summary["sheets"] = std::move(sheet_paths);
  summary["rejects_path"] = bad.empty() ? std::string() : rejects_path;
  fmt::print("{}\n", boost::json::serialize(summary));
  return failed > 0 ? kExitFailure : kExitOk;
}

int RunUsersList(const UsersListArgs& args) {
  auto store = OpenStore(args.common);
  if (!store.ok()) {
    fmt::print(stderr, "narwhal users list: {}\n", store.status().message());
    return kExitUnavailable;
  }
  UserFilter filter;
  filter.county = Trim(args.county);
  if (!args.role.empty()) {
    filter.role = ParseRole(args.role);
    if (!filter.role) {
      fmt::print(stderr, "narwhal users list: unknown role '{}'; one of {}\n", args.role,
                 RoleChoices());
      return kExitUsage;
    }
  }
  filter.limit = 1000;
  if (!args.json) {
    fmt::print("{:>6}  {:<28} {:<13} {:<32} {:<16} {}\n", "id", "name", "role", "assignment",
               "office", "first login");
  }
  int64_t count = 0;
  while (true) {
    auto page = (*store)->ListUsers(filter);
    if (!page.ok()) {
      fmt::print(stderr, "narwhal users list: {}\n", page.status().message());
      return ExitFor(page.status());
    }
    for (const User& u : page->users) {
      ++count;
      std::string status = u.disabled                 ? "disabled"
                           : u.first_login_at.empty() ? "not yet"
                                                      : u.first_login_at;
      if (args.json) {
        boost::json::object o;
        o["id"] = u.id;
        o["name"] = u.name;
        o["role"] = RoleName(u.role);
        o["assignment"] = Assignment(u.scope);
        o["field_office"] = u.field_office;
        o["phone"] = u.phone;
        o["email"] = u.email;
        o["first_login_at"] = u.first_login_at;
        o["last_seen_at"] = u.last_seen_at;
        o["disabled"] = u.disabled;
        fmt::print("{}\n", boost::json::serialize(o));
      } else {
        fmt::print("{:>6}  {:<28} {:<13} {:<32} {:<16} {}\n", u.id, u.name, RoleName(u.role),
                   Assignment(u.scope), u.field_office, status);
      }
    }
    if (page->next_cursor.empty()) break;
    filter.cursor = page->next_cursor;
  }
  fmt::print(stderr, "{} user{}\n", count, count == 1 ? "" : "s");
  return kExitOk;
}

int RunUsersReissue(const UserIdArgs& args) {
  auto context = OpenContext(args.common);
  if (!context.ok()) {
    fmt::print(stderr, "narwhal users reissue: {}\n", context.status().message());
    return kExitUnavailable;
  }
  UsersContext& s = **context;
  auto issued = s.auth->IssueCode(args.user_id);
  if (!issued.ok()) {
    fmt::print(stderr, "narwhal users reissue: {}\n", issued.status().message());
    return ExitFor(issued.status());
  }
  Audit(*s.store, s.clock, "login_code.reissue", std::to_string(args.user_id));
  fmt::print(stderr,
             "new login code for user {} ({}): {}  (works once, until {}); her earlier code no "
             "longer works\n",
             issued->user.id, issued->user.name, issued->code, FormatHumanUtc(issued->expires_at));
  fmt::print("{}\n", CodeJson(*issued));
  return kExitOk;
}

int RunUsersRevoke(const UserIdArgs& args) {
  auto context = OpenContext(args.common);
  if (!context.ok()) {
    fmt::print(stderr, "narwhal users revoke: {}\n", context.status().message());
    return kExitUnavailable;
  }
  UsersContext& s = **context;
  auto user = s.store->GetUser(args.user_id);
  if (!user.ok()) {
    fmt::print(stderr, "narwhal users revoke: {}\n", user.status().message());
    return ExitFor(user.status());
  }
  auto revoked = s.auth->RevokeUser(args.user_id);
  if (!revoked.ok()) {
    fmt::print(stderr, "narwhal users revoke: {}\n", revoked.status().message());
    return ExitFor(revoked.status());
  }
  Audit(*s.store, s.clock, "session.revoke_user", std::to_string(args.user_id),
        fmt::format("{{\"sessions\":{}}}", *revoked));
  fmt::print(stderr, "ended {} session{} of user {} ({})\n", *revoked, *revoked == 1 ? "" : "s",
             args.user_id, user->name);
  fmt::print("{{\"user_id\":{},\"sessions_revoked\":{}}}\n", args.user_id, *revoked);
  return kExitOk;
}

}  // namespace narwhal

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
#include "auth/volunteers.h"
#include "base/clock.h"
#include "base/text.h"
#include "cli/commands.h"
#include "import/csv_reader.h"
#include "storage/turf_store.h"

namespace narwhal {
namespace {

std::string Trim(std::string_view s) {
  return std::string(TrimAscii(s));
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

AuditFn CliAudit(UsersContext& s) {
  return [&s](std::string action, std::string target, std::string detail) {
    Audit(*s.store, s.clock, std::move(action), std::move(target), std::move(detail));
  };
}

// Creates the users and their first codes, in one batch each. On a failed IssueCodes the
// users stay (the error says how to reissue).
Result<std::vector<IssuedCode>> CreateWithCodes(UsersContext& s, std::span<const NewUser> users) {
  NARWHAL_ASSIGN_OR_RETURN(std::vector<User> created,
                           CreateVolunteers(*s.store, users, CliAudit(s)));
  auto issued = IssueVolunteerCodes(*s.auth, created, CliAudit(s));
  if (!issued.ok()) {
    return issued.status().WithContext(fmt::format(
        "{} user(s) from {} on were created but have no code yet (run `narwhal users reissue "
        "ID` for each)",
        created.size(), created.empty() ? 0 : created.front().id));
  }
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
  auto known = LoadKnownPlaces(*s.store);
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
  auto created = CreateWithCodes(s, std::span(&user, 1));
  if (!created.ok()) {
    fmt::print(stderr, "narwhal users add: {}\n", created.status().message());
    return ExitFor(created.status());
  }
  const IssuedCode* issued = &created->front();
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
  auto known = LoadKnownPlaces(*s.store);
  if (!known.ok()) {
    fmt::print(stderr, "narwhal users import: {}\n", known.status().message());
    return ExitFor(known.status());
  }

  // Every row is checked before anything is written, so that a file with bad rows is
  // reported in full before codes are drawn for the good ones.
  auto sheet = ReadVolunteerSheet(std::move(*source), *known);
  if (!sheet.ok()) {
    fmt::print(stderr, "narwhal users import: {}: {}\n", args.path, sheet.status().message());
    return sheet.status().code() == ErrorCode::kInvalidArgument ? kExitBadInput : kExitFailure;
  }
  if (Status known_ok = RejectKnownVolunteers(*s.store, *sheet); !known_ok.ok()) {
    fmt::print(stderr, "narwhal users import: {}\n", known_ok.message());
    return ExitFor(known_ok);
  }
  for (const VolunteerReject& b : sheet->bad) {
    fmt::print(stderr, "{}:{}: {}{}\n", args.path, b.line, b.column.empty() ? "" : b.column + ": ",
               b.reason);
  }
  const std::string rejects_path = (fs::path(args.out_dir) / "rejects.tsv").string();
  fs::remove(rejects_path, ec);
  if (!sheet->bad.empty()) {
    std::ofstream rejects(rejects_path, std::ios::trunc);
    rejects << "line\tcolumn\treason\trecord\n";
    for (const VolunteerReject& b : sheet->bad) {
      rejects << b.line << '\t' << b.column << '\t' << TsvClean(b.reason) << '\t'
              << TsvClean(b.record) << '\n';
    }
    if (!rejects) {
      fmt::print(stderr, "narwhal users import: cannot write '{}'\n", rejects_path);
      return kExitFailure;
    }
  }

  // Users and codes in batches: every core hashes, one commit per batch. The codes exist
  // only in memory until written below.
  constexpr size_t kBatch = 1000;
  std::vector<IssuedCode> issued;
  issued.reserve(sheet->good.size());
  int64_t failed = 0;
  for (size_t from = 0; from < sheet->good.size(); from += kBatch) {
    std::vector<NewUser> batch;
    const size_t to = std::min(sheet->good.size(), from + kBatch);
    for (size_t i = from; i < to; ++i) batch.push_back(sheet->good[i].user);
    auto codes = CreateWithCodes(s, batch);
    if (!codes.ok()) {
      fmt::print(stderr, "{}:{}-{}: {}\n", args.path, sheet->good[from].line,
                 sheet->good[to - 1].line, codes.status().message());
      failed += static_cast<int64_t>(to - from);
      if (codes.status().code() == ErrorCode::kUnavailable) break;
      continue;
    }
    for (IssuedCode& c : *codes) issued.push_back(std::move(c));
    if (sheet->good.size() > kBatch) {
      fmt::print(stderr, "{} of {} volunteers added\n", issued.size(), sheet->good.size());
    }
  }

  // credentials.csv: the same codes as the sheets, for a mail merge or a text message.
  const std::string csv_path = (fs::path(args.out_dir) / "credentials.csv").string();
  {
    std::ofstream csv(csv_path + ".tmp", std::ios::trunc);
    csv << CredentialsCsv(issued);
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
  std::vector<CredentialSheet> sheets = CredentialSheetsFor(issued, url, s.clock.Now());
  boost::json::array sheet_paths;
  std::set<std::string> stems;
  for (const CredentialSheet& office_sheet : sheets) {
    const std::string& office = office_sheet.office;
    std::string stem = OfficeFileStem(office.empty() ? "no-office" : office);
    for (int n = 2; stems.contains(stem); ++n)
      stem = OfficeFileStem(office) + "-" + std::to_string(n);
    stems.insert(stem);
    std::string path = (fs::path(args.out_dir) / ("credentials-" + stem + ".pdf")).string();
    Status written = WriteCredentialSheet(office_sheet, path);
    if (!written.ok()) {
      fmt::print(stderr, "narwhal users import: {}: {}\n", path, written.message());
      return kExitFailure;
    }
    sheet_paths.emplace_back(path);
  }

  const auto rejected = static_cast<int64_t>(sheet->bad.size());
  fmt::print(stderr,
             "{} of {} rows imported, {} rejected{}, {} failed\n"
             "codes: {} and {} credential sheet(s) in {}; they are not stored anywhere else\n",
             issued.size(), sheet->rows, rejected,
             rejected == 0 ? "" : fmt::format(" (see {})", rejects_path), failed, csv_path,
             sheets.size(), args.out_dir);
  boost::json::object summary;
  summary["rows"] = sheet->rows;
  summary["imported"] = static_cast<int64_t>(issued.size());
  summary["rejected"] = rejected;
  summary["failed"] = failed;
  summary["credentials_csv"] = csv_path;
  summary["sheets"] = std::move(sheet_paths);
  summary["rejects_path"] = rejected == 0 ? std::string() : rejects_path;
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

int RunUsersSetDisabled(const UserIdArgs& args, bool disabled) {
  const char* verb = disabled ? "disable" : "enable";
  auto context = OpenContext(args.common);
  if (!context.ok()) {
    fmt::print(stderr, "narwhal users {}: {}\n", verb, context.status().message());
    return kExitUnavailable;
  }
  UsersContext& s = **context;
  auto user = s.store->GetUser(args.user_id);
  if (!user.ok()) {
    fmt::print(stderr, "narwhal users {}: {}\n", verb, user.status().message());
    return ExitFor(user.status());
  }
  Status set = s.store->SetUserDisabled(args.user_id, disabled);
  int64_t revoked = 0;
  if (set.ok() && disabled) {
    Result<int64_t> ended = s.auth->RevokeUser(args.user_id);
    set = ended.status();
    if (ended.ok()) revoked = *ended;
  }
  if (!set.ok()) {
    fmt::print(stderr, "narwhal users {}: {}\n", verb, set.message());
    return ExitFor(set);
  }
  Audit(*s.store, s.clock, disabled ? "user.disable" : "user.enable", std::to_string(args.user_id),
        disabled ? fmt::format("{{\"sessions\":{}}}", revoked) : std::string());
  if (disabled) {
    fmt::print(stderr, "disabled user {} ({}); {} session{} ended, her codes no longer work\n",
               args.user_id, user->name, revoked, revoked == 1 ? "" : "s");
  } else {
    fmt::print(stderr,
               "enabled user {} ({}); give her a new code with `narwhal users reissue {}`\n",
               args.user_id, user->name, args.user_id);
  }
  fmt::print("{{\"user_id\":{},\"disabled\":{}}}\n", args.user_id, disabled);
  return kExitOk;
}

}  // namespace narwhal

#include "http/volunteer_api.h"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "auth/volunteers.h"
#include "base/text.h"
#include "http/access_api.h"
#include "http/access_policy.h"
#include "http/json_body.h"
#include "http/openapi_doc.h"
#include "http/params.h"

namespace narwhal {
namespace {

namespace json = boost::json;

// The rejects an answer lists; the rest are counted.
constexpr size_t kRejectsShown = 200;

constexpr JsonField kUserFields[] = {
    {.name = "name", .kind = JsonKind::kString, .required = true, .max_chars = 200},
    {.name = "role", .kind = JsonKind::kString, .required = true, .max_chars = 32},
    {.name = "phone", .kind = JsonKind::kString, .max_chars = 200},
    {.name = "email", .kind = JsonKind::kString, .max_chars = 200},
    {.name = "county", .kind = JsonKind::kString, .max_chars = 200},
    {.name = "precinct", .kind = JsonKind::kString, .max_chars = 200},
    {.name = "field_office", .kind = JsonKind::kString, .max_chars = 200},
    {.name = "turfs", .kind = JsonKind::kStringArray, .max_chars = 20, .max_items = 50},
};

// The same fields, none required, and `disabled`: what a change may carry.
constexpr auto kChangeFields = [] {
  std::array<JsonField, std::size(kUserFields) + 1> out{};
  for (size_t i = 0; i < std::size(kUserFields); ++i) {
    out[i] = kUserFields[i];
    out[i].required = false;
  }
  out.back() = {.name = "disabled", .kind = JsonKind::kBoolean};
  return out;
}();

constexpr JsonField kCredentialFields[] = {
    {.name = "user_ids",
     .kind = JsonKind::kIntegerArray,
     .required = true,
     .max_items = kMaxCredentialUsers},
    {.name = "format", .kind = JsonKind::kString, .max_chars = 8},
    {.name = "login_url", .kind = JsonKind::kString, .max_chars = 200},
};

constexpr std::string_view kUserFieldsSchema =
    R"("name": {"type": "string", "maxLength": 200}, "role": {"enum": ["admin", "organizer", "analyst", "poll_watcher", "canvasser", "phone_banker"]}, "phone": {"type": "string"}, "email": {"type": "string"}, "county": {"type": "string"}, "precinct": {"type": "string"}, "field_office": {"type": "string"}, "turfs": {"type": "array", "items": {"type": "string"}, "maxItems": 50})";
constexpr std::string_view kUserId =
    R"({"name": "user_id", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 1}})";
constexpr std::string_view kFileOk =
    R"("200": {"description": "The file, as an attachment", "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}, "text/csv": {"schema": {"type": "string"}}}})";
constexpr std::string_view kCsvOk =
    R"("200": {"description": "The CSV, as an attachment", "content": {"text/csv": {"schema": {"type": "string"}}}})";

std::string Doc(std::string_view summary, std::string_view description, std::string_view parameters,
                std::string_view body, std::string_view ok) {
  return OperationDoc("users", summary, description, parameters, body, ok);
}

std::string Text(const json::object& body, std::string_view name) {
  const json::value* v = body.if_contains(name);
  return v == nullptr ? std::string() : std::string(TrimAscii(v->as_string()));
}

std::string Turfs(const json::object& body) {
  std::string out;
  if (const json::value* v = body.if_contains("turfs")) {
    for (const json::value& t : v->as_array()) out += std::string(t.as_string()) + " ";
  }
  return out;
}

// A row problem as a 400 naming the field.
Status ProblemStatus(const RowProblem& p) {
  return p.column.empty() ? InvalidArgument(p.reason) : BadParam(p.column, p.reason);
}

// The user `fields` would make, as CheckMayManageUser judges her.
User Prospective(int64_t id, const NewUser& u) {
  User out;
  out.id = id;
  out.name = u.name;
  out.role = u.role;
  out.scope = u.scope;
  return out;
}

// An organizer of one county need not type it.
void DefaultCounty(const Principal& principal, VolunteerFields& f) {
  if (principal.role == Role::kOrganizer && f.county.empty() && f.turfs.empty() &&
      principal.scope.counties.size() == 1) {
    f.county = principal.scope.counties.front();
  }
}

// The fields a user was made from, as BuildVolunteer reads them back: her first precinct
// (or county) and her turfs. Scopes of several precincts are kept unless changed.
VolunteerFields FieldsOf(const User& u) {
  VolunteerFields f;
  f.name = u.name;
  f.phone = u.phone;
  f.email = u.email;
  f.role = std::string(RoleName(u.role));
  f.office = u.field_office;
  if (!u.scope.precincts.empty()) {
    f.county = u.scope.precincts.front().county;
    f.precinct = u.scope.precincts.front().precinct;
  } else if (u.scope.turfs.empty() && !u.scope.counties.empty()) {
    f.county = u.scope.counties.front();
  }
  for (const std::string& t : u.scope.turfs) f.turfs += t + " ";
  return f;
}

// Login codes and phone numbers: a download no cache keeps.
HttpResponse Attachment(std::string content_type, const std::string& file_name, std::string body) {
  HttpResponse r = AttachmentResponse(std::move(content_type), file_name, std::move(body));
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

AuditFn ChangeAudit(RequestContext& c) {
  return [&c](std::string action, std::string target, std::string detail) {
    c.AuditChange(std::move(action), std::move(target), std::move(detail));
  };
}

// The volunteers of `ids` the caller may print codes for; kPermissionDenied or
// kFailedPrecondition naming the first who cannot be printed, before any code is drawn.
Result<std::vector<User>> PrintableUsers(Store& store, const Principal& principal,
                                         const json::array& ids) {
  std::vector<User> users;
  std::set<int64_t> seen;
  for (const json::value& v : ids) {
    const int64_t id = v.as_int64();
    if (id < 1) return BadParam("user_ids", "holds a number that is not a user id");
    if (!seen.insert(id).second) continue;
    Result<User> user = store.GetUser(id);
    if (!user.ok()) {
      if (user.status().code() == ErrorCode::kNotFound) {
        return BadParam("user_ids", fmt::format("user {} does not exist", id));
      }
      return user.status();
    }
    NARWHAL_RETURN_IF_ERROR(CheckMayManageUser(principal, *user));
    if (user->disabled) {
      return FailedPrecondition(fmt::format(
          "user {} ({}) is disabled; enable her before printing her code", id, user->name));
    }
    users.push_back(*std::move(user));
  }
  if (users.empty()) return BadParam("user_ids", "names nobody");
  return users;
}

// The address a sheet tells volunteers to open: as the page says, else this server.
std::string LoginUrl(const json::object& body, const HttpRequest& r) {
  std::string url = Text(body, "login_url");
  if (url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0) return url;
  const std::string_view host = r.Header("host");
  return host.empty() ? std::string("this Narwhal's address") : "http://" + std::string(host);
}

}  // namespace

void AddVolunteerRoutes(std::vector<Route>& routes, Store& store, AuthService& auth,
                        const Clock& clock) {
  const auto kManagers = AuthRequirement::AnyRole({Role::kAdmin, Role::kOrganizer});

  routes.push_back(
      {"POST", "/api/v1/users", "add_user", kManagers,
       [&store, &auth](const HttpRequest& r, RequestContext& c) -> Result<HttpResponse> {
         NARWHAL_RETURN_IF_ERROR(QueryReader(c.query, {}).CheckNames());
         NARWHAL_ASSIGN_OR_RETURN(json::object body,
                                  ParseJsonRequest(r.Header("content-type"), r.body, kUserFields));
         VolunteerFields f{Text(body, "name"),         Text(body, "phone"),  Text(body, "email"),
                           Text(body, "role"),         Text(body, "county"), Text(body, "precinct"),
                           Text(body, "field_office"), Turfs(body)};
         DefaultCounty(c.principal, f);
         NARWHAL_ASSIGN_OR_RETURN(KnownPlaces known, LoadKnownPlaces(store));
         NewUser user;
         if (auto problem = BuildVolunteer(f, known, user)) return ProblemStatus(*problem);
         NARWHAL_RETURN_IF_ERROR(CheckMayManageUser(c.principal, Prospective(0, user)));
         VolunteerSheet one;
         one.good.push_back({0, user, {}});
         NARWHAL_RETURN_IF_ERROR(RejectKnownVolunteers(store, one));
         if (one.good.empty()) {
           return Status(ErrorCode::kAlreadyExists, one.bad.front().reason);
         }
         NARWHAL_ASSIGN_OR_RETURN(std::vector<User> created,
                                  CreateVolunteers(store, std::span(&user, 1), ChangeAudit(c)));
         NARWHAL_ASSIGN_OR_RETURN(std::vector<IssuedCode> issued,
                                  IssueVolunteerCodes(auth, created, ChangeAudit(c)));
         const IssuedCode& code = issued.front();
         return JsonResponse(
             json::serialize(json::object{{"user", UserJson(code.user)},
                                          {"code", code.code},
                                          {"expires_at", FormatIso8601(code.expires_at)}}),
             201);
       },
       Doc("Add a volunteer",
           "Checked as `narwhal users add` checks it (role, phone, email, a poll watcher's "
           "precinct, an organizer's county, turfs for canvassers, places of the voter file). "
           "An organizer adds volunteers in her counties only; with one county she may leave "
           "it out. The same name with the same phone or email is refused (409) as already "
           "a volunteer. The answer carries her first login code, shown this once.",
           "",
           "{\"type\": \"object\", \"required\": [\"name\", \"role\"], \"properties\": {" +
               std::string(kUserFieldsSchema) + "}}",
           kJsonObjectCreated)});

  routes.push_back(
      {"POST", "/api/v1/users/import", "import_users", kManagers,
       [&store](const HttpRequest& r, RequestContext& c) -> Result<HttpResponse> {
         NARWHAL_RETURN_IF_ERROR(QueryReader(c.query, {}).CheckNames());
         const std::string_view type = r.Header("content-type");
         if (type.rfind("text/csv", 0) != 0 && type.rfind("text/plain", 0) != 0 &&
             type.rfind("text/tab-separated-values", 0) != 0) {
           return Status(ErrorCode::kInvalidArgument, "the sign-up sheet must be sent as text/csv");
         }
         if (r.body.size() > kMaxVolunteerSheetBytes) {
           return InvalidArgument(
               "the sheet is larger than 1 MiB; import it with `narwhal "
               "users import`");
         }
         NARWHAL_ASSIGN_OR_RETURN(KnownPlaces known, LoadKnownPlaces(store));
         Result<VolunteerSheet> sheet = ReadVolunteerSheet(MemorySource(r.body), known);
         if (!sheet.ok()) return BadParam("sheet", sheet.status().message());
         // Rows outside the caller's scope are refused like any other bad row.
         std::vector<VolunteerRow> mine;
         for (VolunteerRow& row : sheet->good) {
           Status may = CheckMayManageUser(c.principal, Prospective(0, row.user));
           if (may.ok()) {
             mine.push_back(std::move(row));
           } else {
             const bool staff = row.user.role == Role::kOrganizer ||
                                row.user.role == Role::kAdmin || row.user.role == Role::kAnalyst;
             sheet->bad.push_back(
                 {row.line, staff ? "role" : "county",
                  staff ? "organizers add volunteers only (poll watchers, canvassers, phone "
                          "bankers)"
                        : "not one of your counties",
                  std::move(row.record)});
           }
         }
         sheet->good = std::move(mine);
         NARWHAL_RETURN_IF_ERROR(RejectKnownVolunteers(store, *sheet));
         std::vector<NewUser> users;
         users.reserve(sheet->good.size());
         for (const VolunteerRow& row : sheet->good) users.push_back(row.user);
         std::vector<User> created;
         if (!users.empty()) {
           NARWHAL_ASSIGN_OR_RETURN(created, CreateVolunteers(store, users, ChangeAudit(c)));
         }
         json::array rejects;
         for (size_t i = 0; i < sheet->bad.size() && i < kRejectsShown; ++i) {
           const VolunteerReject& b = sheet->bad[i];
           rejects.push_back(json::object{{"line", b.line},
                                          {"column", b.column},
                                          {"reason", b.reason},
                                          {"record", b.record.substr(0, 300)}});
         }
         json::array out;
         out.reserve(created.size());
         for (const User& u : created) out.push_back(UserJson(u));
         c.AuditChange("user.import", "",
                       json::serialize(json::object{{"rows", sheet->rows},
                                                    {"imported", created.size()},
                                                    {"rejected", sheet->bad.size()}}));
         return JsonResponse(json::serialize(json::object{{"rows", sheet->rows},
                                                          {"imported", created.size()},
                                                          {"rejected", sheet->bad.size()},
                                                          {"rejects", std::move(rejects)},
                                                          {"users", std::move(out)}}),
                             201);
       },
       Doc("Add the volunteers of a sign-up sheet",
           "The body is the sheet itself (text/csv or tab-separated, up to 1 MiB), with a "
           "header naming its columns: name, role, county, precinct required; phone, email, "
           "field_office, turf optional. Every row is checked as `narwhal users import` "
           "checks it; rows that cannot be added (a bad field, outside the caller's counties, "
           "already a volunteer, a repeat of an earlier row) are refused with line, column and "
           "reason (rejects: the first 200), the rest added in one transaction. The new "
           "volunteers have no login code yet: print their credential sheet next (POST "
           "/api/v1/users/credentials).",
           "", "", kJsonObjectCreated)});

  routes.push_back(
      {"PATCH", "/api/v1/users/{user_id}", "change_user", kManagers,
       [&store, &auth](const HttpRequest& r, RequestContext& c) -> Result<HttpResponse> {
         NARWHAL_RETURN_IF_ERROR(QueryReader(c.query, {}).CheckNames());
         NARWHAL_ASSIGN_OR_RETURN(
             json::object body, ParseJsonRequest(r.Header("content-type"), r.body, kChangeFields));
         NARWHAL_ASSIGN_OR_RETURN(int64_t user_id, ParseUserId(c.PathParam("user_id")));
         NARWHAL_ASSIGN_OR_RETURN(User before, store.GetUser(user_id));
         NARWHAL_RETURN_IF_ERROR(CheckMayManageUser(c.principal, before));
         User after = before;
         json::object changed;
         const bool reassigned =
             body.contains("county") || body.contains("precinct") || body.contains("turfs");
         const bool edited = reassigned || body.contains("name") || body.contains("role") ||
                             body.contains("phone") || body.contains("email") ||
                             body.contains("field_office");
         if (edited) {
           VolunteerFields f = FieldsOf(before);
           auto take = [&](std::string_view name, std::string& field) {
             if (body.contains(name)) {
               field = Text(body, name);
               changed[name] = field;
             }
           };
           take("name", f.name);
           take("phone", f.phone);
           take("email", f.email);
           take("role", f.role);
           take("field_office", f.office);
           if (reassigned) {
             // A new assignment replaces the old one whole: county and precinct go together.
             f.county = Text(body, "county");
             f.precinct = Text(body, "precinct");
             f.turfs = Turfs(body);
             changed["county"] = f.county;
             changed["precinct"] = f.precinct;
             changed["turfs"] = f.turfs;
             DefaultCounty(c.principal, f);
           }
           NARWHAL_ASSIGN_OR_RETURN(KnownPlaces known, LoadKnownPlaces(store));
           NewUser user;
           if (auto problem = BuildVolunteer(f, known, user)) return ProblemStatus(*problem);
           if (!reassigned && before.scope.precincts.size() > 1) user.scope = before.scope;
           NARWHAL_RETURN_IF_ERROR(CheckMayManageUser(c.principal, Prospective(user_id, user)));
           NARWHAL_ASSIGN_OR_RETURN(after, store.UpdateUser(user_id, user));
           c.AuditChange("user.update", std::to_string(user_id), json::serialize(changed));
         }
         if (const json::value* disabled = body.if_contains("disabled")) {
           const bool off = disabled->as_bool();
           if (off != after.disabled) {
             if (off && user_id == c.principal.user_id) {
               return FailedPrecondition("you cannot disable yourself");
             }
             NARWHAL_RETURN_IF_ERROR(store.SetUserDisabled(user_id, off));
             int64_t revoked = 0;
             if (off) {
               NARWHAL_ASSIGN_OR_RETURN(revoked, auth.RevokeUser(user_id));
             }
             c.AuditChange(off ? "user.disable" : "user.enable", std::to_string(user_id),
                           off ? json::serialize(json::object{{"sessions", revoked}}) : "");
             after.disabled = off;
           }
         }
         return JsonResponse(json::serialize(UserJson(after)));
       },
       Doc("Change a volunteer",
           "Any of name, phone, email, role, field_office, and her assignment (county and "
           "precinct, or turfs: given together, they replace the old assignment whole), "
           "checked as when she was added; disabled: true ends her sessions at once and her "
           "codes stop working, false lets her back (with a new code). An organizer changes "
           "only volunteers of her counties, and cannot move one outside them.",
           kUserId,
           "{\"type\": \"object\", \"properties\": {" + std::string(kUserFieldsSchema) +
               ", \"disabled\": {\"type\": \"boolean\"}}}",
           kJsonObjectOk)});

  routes.push_back(
      {"POST", "/api/v1/users/credentials", "print_login_codes", kManagers,
       [&store, &auth, &clock](const HttpRequest& r, RequestContext& c) -> Result<HttpResponse> {
         NARWHAL_RETURN_IF_ERROR(QueryReader(c.query, {}).CheckNames());
         NARWHAL_ASSIGN_OR_RETURN(
             json::object body,
             ParseJsonRequest(r.Header("content-type"), r.body, kCredentialFields, 128 << 10));
         std::string format = Text(body, "format");
         if (format.empty()) format = "pdf";
         if (format != "pdf" && format != "csv") return BadParam("format", "pdf or csv");
         NARWHAL_ASSIGN_OR_RETURN(
             std::vector<User> users,
             PrintableUsers(store, c.principal, body.at("user_ids").as_array()));
         NARWHAL_ASSIGN_OR_RETURN(std::vector<IssuedCode> issued,
                                  IssueVolunteerCodes(auth, users, ChangeAudit(c)));
         const std::string stamp = FormatUtc(clock.Now(), "%Y%m%d-%H%M");
         if (format == "csv") {
           return Attachment("text/csv; charset=utf-8", "login-codes-" + stamp + ".csv",
                             std::string(kUtf8Bom) + CredentialsCsv(issued));
         }
         const std::vector<CredentialSheet> sheets =
             CredentialSheetsFor(issued, LoginUrl(body, r), clock.Now());
         NARWHAL_ASSIGN_OR_RETURN(std::string pdf, RenderCredentialSheets(sheets));
         return Attachment("application/pdf", "login-codes-" + stamp + ".pdf", std::move(pdf));
       },
       Doc("Print login codes for volunteers",
           "Draws a fresh code for each volunteer of user_ids (up to 5,000) and returns them "
           "once: format pdf (default) is the credential sheet, one section per field office, "
           "telling volunteers to open login_url (default: this server); csv is for a mail "
           "merge. Any earlier code of theirs stops working. The codes are stored only as "
           "hashes and can never be shown again: print again to replace them. 403 for a "
           "volunteer outside the caller's counties, 409 for a disabled one, before any code "
           "is drawn.",
           "",
           R"({"type": "object", "required": ["user_ids"], "properties": {"user_ids": {"type": "array", "items": {"type": "integer", "minimum": 1}, "maxItems": 5000}, "format": {"enum": ["pdf", "csv"]}, "login_url": {"type": "string"}}})",
           kFileOk)});

  routes.push_back(
      {"GET", "/api/v1/users/export", "export_users", kManagers,
       [&store, &clock](const HttpRequest&, RequestContext& c) -> Result<HttpResponse> {
         QueryReader reader(c.query, {"county", "role", "field_office", "not_ready"});
         NARWHAL_RETURN_IF_ERROR(reader.CheckNames());
         NamedValues filter_query;
         for (const auto& [name, value] : c.query) {
           if (name != "not_ready") filter_query.emplace_back(name, value);
         }
         NARWHAL_ASSIGN_OR_RETURN(UserFilter filter, ParseUserFilter(filter_query, c.principal));
         NARWHAL_ASSIGN_OR_RETURN(std::string not_ready, reader.Get("not_ready", 5));
         if (!not_ready.empty() && not_ready != "true" && not_ready != "false") {
           return BadParam("not_ready", "true or false");
         }
         filter.limit = kMaxPageLimit;
         std::string csv(kUtf8Bom);
         AppendCsvRecord({"user_id", "name", "role", "assignment", "field_office", "phone", "email",
                          "first_login_at", "last_seen_at", "code_tested_at", "status"},
                         csv);
         int64_t rows = 0;
         for (;;) {
           NARWHAL_ASSIGN_OR_RETURN(UserPage page, store.ListUsers(filter));
           for (const User& u : page.users) {
             // Ready: she logged in, or tested her code (POST /api/v1/sessions/test).
             const bool ready = !u.first_login_at.empty() || !u.code_tested_at.empty();
             if (not_ready == "true" && (ready || u.disabled)) continue;
             ++rows;
             const char* status = u.disabled                  ? "disabled"
                                  : !u.first_login_at.empty() ? "logged in"
                                  : ready                     ? "tested her code"
                                                              : "not ready";
             AppendCsvRecord({std::to_string(u.id), u.name, std::string(RoleName(u.role)),
                              Assignment(u.scope), u.field_office, u.phone, u.email,
                              u.first_login_at, u.last_seen_at, u.code_tested_at, status},
                             csv);
           }
           if (page.next_cursor.empty()) break;
           filter.cursor = page.next_cursor;
         }
         c.AuditRead("user.export", filter.county,
                     json::serialize(json::object{{"rows", rows}, {"not_ready", not_ready}}));
         return Attachment("text/csv; charset=utf-8",
                           "volunteers-" + FormatUtc(clock.Now(), "%Y%m%d-%H%M") + ".csv",
                           std::move(csv));
       },
       Doc("Export volunteers with their phone and email",
           "For a reminder call or text from whatever tool the campaign uses: every volunteer "
           "the caller manages (county, role, field_office filter them; an organizer of "
           "several counties names one), or with not_ready=true only those who have neither "
           "logged in nor tested their code, and are not disabled. Columns: user_id, name, "
           "role, assignment, field_office, phone, email, first_login_at, last_seen_at, "
           "code_tested_at, status.",
           R"({"name": "county", "in": "query", "schema": {"type": "string"}}, {"name": "role", "in": "query", "schema": {"type": "string"}}, {"name": "field_office", "in": "query", "schema": {"type": "string"}}, {"name": "not_ready", "in": "query", "schema": {"type": "boolean"}})",
           "", kCsvOk)});
}

}  // namespace narwhal

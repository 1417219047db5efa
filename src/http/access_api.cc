#include "http/access_api.h"

#include <boost/json.hpp>
#include <chrono>
#include <cmath>

#include "auth/secrets.h"
#include "base/text.h"
#include "http/access_policy.h"
#include "http/params.h"
#include "http/voter_api.h"

namespace narwhal {
namespace {

namespace json = boost::json;

json::value TextOrNull(const std::string& s) {
  if (s.empty()) return nullptr;
  return json::value(s);
}

json::value NextCursor(const std::string& cursor) {
  return TextOrNull(cursor);
}

}  // namespace

json::object ScopeJson(const Scope& scope) {
  json::array counties(scope.counties.begin(), scope.counties.end());
  json::array precincts;
  for (const PrecinctKey& p : scope.precincts) {
    precincts.push_back(json::object{{"county", p.county}, {"precinct", p.precinct}});
  }
  json::array turfs(scope.turfs.begin(), scope.turfs.end());
  return {{"counties", std::move(counties)},
          {"precincts", std::move(precincts)},
          {"turfs", std::move(turfs)}};
}

json::object PrincipalJson(const Principal& principal) {
  return {{"id", principal.user_id},
          {"name", principal.name},
          {"role", RoleName(principal.role)},
          {"scope", ScopeJson(principal.scope)}};
}

json::object UserJson(const User& user) {
  return {{"id", user.id},
          {"name", user.name},
          {"phone", user.phone},
          {"email", user.email},
          {"role", RoleName(user.role)},
          {"scope", ScopeJson(user.scope)},
          {"field_office", user.field_office},
          {"created_at", TextOrNull(user.created_at)},
          {"first_login_at", TextOrNull(user.first_login_at)},
          {"last_seen_at", TextOrNull(user.last_seen_at)},
          {"code_tested_at", TextOrNull(user.code_tested_at)},
          {"disabled", user.disabled}};
}

json::object SessionJson(const LoginResult& login) {
  return {{"token", login.token},
          {"expires_at", FormatIso8601(login.session.expires_at)},
          {"user", PrincipalJson(login.principal)}};
}

int LockedSeconds(Store& store, const Clock& clock, std::string_view typed_code) {
  constexpr int kFallback = 60;
  Result<LoginCode> code = ParseLoginCode(typed_code);
  if (!code.ok()) return kFallback;
  Result<LoginCodeRecord> record = store.GetLoginCode(code->selector);
  if (!record.ok() || !record->locked_until) return kFallback;
  const std::chrono::duration<double> left = *record->locked_until - clock.Now();
  return std::max(1, static_cast<int>(std::ceil(left.count())));
}

std::string CodeSelector(std::string_view typed_code) {
  Result<LoginCode> code = ParseLoginCode(typed_code);
  return code.ok() ? code->selector : std::string();
}

Result<int64_t> ParseUserId(std::string_view text) {
  return ParsePositiveId("user_id", text);
}

Result<UserFilter> ParseUserFilter(const NamedValues& query, const Principal& principal) {
  QueryReader reader(query, {"county", "precinct", "role", "field_office", "limit", "cursor"});
  NARWHAL_RETURN_IF_ERROR(reader.CheckNames());
  UserFilter filter;
  NARWHAL_ASSIGN_OR_RETURN(std::string county, reader.GetCode("county", kMaxCodeChars));
  NARWHAL_ASSIGN_OR_RETURN(filter.precinct, reader.GetCode("precinct", kMaxCodeChars));
  NARWHAL_ASSIGN_OR_RETURN(std::string role, reader.Get("role", 32));
  NARWHAL_ASSIGN_OR_RETURN(filter.field_office, reader.GetCode("field_office", 100));
  NARWHAL_ASSIGN_OR_RETURN(int64_t limit,
                           reader.GetInt("limit", 1, kMaxPageLimit, kDefaultPageLimit));
  NARWHAL_ASSIGN_OR_RETURN(filter.cursor, reader.Get("cursor", kMaxCursorChars));
  filter.limit = static_cast<int>(limit);
  if (!role.empty()) {
    filter.role = RoleFromName(role);
    if (!filter.role) return BadParam("role", "is not a role");
  }
  if (!filter.precinct.empty() && county.empty()) {
    return BadParam("precinct", "needs county (precinct codes repeat across counties)");
  }
  NARWHAL_ASSIGN_OR_RETURN(std::vector<std::string> counties, CountiesFor(principal, county));
  if (counties.empty()) return PermissionDenied("you have no counties assigned");
  if (counties.size() > 1) {
    return BadParam("county", "is required: you organize several counties");
  }
  filter.county = counties.front();
  return filter;
}

json::value UserPageJson(const UserPage& page) {
  json::array users;
  users.reserve(page.users.size());
  for (const User& u : page.users) users.push_back(UserJson(u));
  return json::object{{"users", std::move(users)}, {"next_cursor", NextCursor(page.next_cursor)}};
}

Result<json::value> ReadinessJson(Store& store, const Principal& principal,
                                  const NamedValues& query) {
  QueryReader reader(query, {"county"});
  NARWHAL_RETURN_IF_ERROR(reader.CheckNames());
  NARWHAL_ASSIGN_OR_RETURN(std::string county, reader.GetCode("county", kMaxCodeChars));
  NARWHAL_ASSIGN_OR_RETURN(std::vector<std::string> counties, CountiesFor(principal, county));
  const bool names = SeesPersonalData(principal.role);
  json::array out;
  for (const std::string& c : counties) {
    NARWHAL_ASSIGN_OR_RETURN(std::vector<ReadinessRow> rows, store.GetReadiness(c));
    for (const ReadinessRow& row : rows) {
      json::object o{{"county", row.precinct.county},
                     {"precinct", row.precinct.precinct},
                     {"precinct_name", row.precinct_name},
                     {"assigned", row.assigned},
                     {"logged_in", row.logged_in},
                     {"not_logged_in_count", static_cast<int64_t>(row.not_logged_in.size())}};
      if (names) {
        json::array people;
        for (const User& u : row.not_logged_in) {
          people.push_back(json::object{{"id", u.id},
                                        {"name", u.name},
                                        {"phone", u.phone},
                                        {"field_office", u.field_office}});
        }
        o["not_logged_in"] = std::move(people);
      }
      out.push_back(std::move(o));
    }
  }
  return json::value(json::object{{"precincts", std::move(out)}, {"names", names}});
}

Result<AuditQuery> ParseAuditQuery(const NamedValues& query) {
  QueryReader reader(query, {"user_id", "action", "target", "since", "until", "limit", "cursor"});
  NARWHAL_RETURN_IF_ERROR(reader.CheckNames());
  AuditQuery q;
  NARWHAL_ASSIGN_OR_RETURN(q.user_id, reader.GetInt("user_id", -1, INT64_MAX, 0));
  NARWHAL_ASSIGN_OR_RETURN(q.action, reader.GetCode("action", 64));
  NARWHAL_ASSIGN_OR_RETURN(q.target, reader.GetCode("target", 200));
  NARWHAL_ASSIGN_OR_RETURN(q.since, reader.GetTime("since"));
  NARWHAL_ASSIGN_OR_RETURN(q.until, reader.GetTime("until"));
  NARWHAL_ASSIGN_OR_RETURN(int64_t limit,
                           reader.GetInt("limit", 1, kMaxPageLimit, kDefaultPageLimit));
  q.limit = static_cast<int>(limit);
  NARWHAL_ASSIGN_OR_RETURN(q.cursor, reader.Get("cursor", kMaxCursorChars));
  if (q.since && q.until && *q.since > *q.until) return BadParam("since", "is after until");
  return q;
}

json::value AuditPageJson(const AuditPage& page) {
  json::array events;
  events.reserve(page.events.size());
  for (const AuditEvent& e : page.events) {
    json::value detail = nullptr;
    if (!e.detail.empty()) {
      boost::system::error_code ec;
      detail = json::parse(e.detail, ec);
      if (ec) detail = json::value(e.detail);  // kept as text rather than lost
    }
    events.push_back(json::object{{"id", e.id},
                                  {"at", FormatIso8601(e.at)},
                                  {"user_id", e.user_id},
                                  {"action", e.action},
                                  {"target", e.target},
                                  {"detail", std::move(detail)},
                                  {"request_id", e.request_id},
                                  {"remote_addr", e.remote_addr}});
  }
  return json::object{{"events", std::move(events)}, {"next_cursor", NextCursor(page.next_cursor)}};
}

}  // namespace narwhal

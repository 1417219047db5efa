#include "http/api.h"

#include <boost/json.hpp>
#include <string_view>
#include <utility>

#include "base/log.h"
#include "base/text.h"
#include "http/access_api.h"
#include "http/access_policy.h"
#include "http/call_api.h"
#include "http/contact_api.h"
#include "http/election_api.h"
#include "http/json_body.h"
#include "http/paper_api.h"
#include "http/params.h"
#include "http/problem.h"
#include "http/suppression_api.h"
#include "http/turf_api.h"
#include "http/universe_api.h"
#include "http/volunteer_api.h"
#include "http/voter_api.h"
#include "http/web_assets.h"

namespace narwhal {
namespace {

namespace json = boost::json;

constexpr std::string_view kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

// --- OpenAPI fragments, one per route (Operation objects) ------------------------------

constexpr std::string_view kHealthzDoc = R"json({
  "summary": "Liveness: the process is up",
  "tags": ["operations"],
  "security": [],
  "responses": {"200": {"description": "Alive", "content": {"application/json": {
    "schema": {"type": "object", "properties": {"status": {"const": "ok"}}}}}}}
})json";

constexpr std::string_view kReadyzDoc = R"json({
  "summary": "Readiness: the store answers",
  "tags": ["operations"],
  "security": [],
  "responses": {
    "200": {"description": "Ready", "content": {"application/json": {
      "schema": {"type": "object", "properties": {"status": {"const": "ready"}}}}}},
    "503": {"$ref": "#/components/responses/Problem"}}
})json";

constexpr std::string_view kMetricsDoc = R"json({
  "summary": "Metrics in the Prometheus text exposition format 0.0.4",
  "tags": ["operations"],
  "security": [],
  "responses": {"200": {"description": "Metrics", "content": {"text/plain": {
    "schema": {"type": "string"}}}}}
})json";

constexpr std::string_view kOpenApiDoc = R"json({
  "summary": "This document",
  "tags": ["operations"],
  "security": [],
  "responses": {"200": {"description": "OpenAPI 3.1 document", "content": {
    "application/json": {"schema": {"type": "object"}}}}}
})json";

constexpr std::string_view kSearchVotersDoc = R"json({
  "summary": "Search voters by name, registration number, county and precinct",
  "description": "At least one of q, county and registration_number is required. q is folded (case, accents and punctuation ignored); one word matches a last-name prefix, several match 'last first' or 'first last' with the final word as a prefix. A q of digits only is a registration number. Results are ordered by last name, first name, voter id; follow next_cursor for the next page.",
  "tags": ["voters"],
  "parameters": [
    {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 100}},
    {"name": "county", "in": "query", "schema": {"type": "string", "maxLength": 32}},
    {"name": "precinct", "in": "query", "description": "Needs county.", "schema": {"type": "string", "maxLength": 32}},
    {"name": "registration_number", "in": "query", "schema": {"type": "string", "maxLength": 32}},
    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 50}},
    {"name": "cursor", "in": "query", "description": "next_cursor of the previous page.", "schema": {"type": "string", "maxLength": 512}}
  ],
  "responses": {
    "200": {"description": "One page of voters", "content": {"application/json": {
      "schema": {"$ref": "#/components/schemas/VoterPage"}}}},
    "400": {"$ref": "#/components/responses/Problem"}}
})json";

constexpr std::string_view kGetVoterDoc = R"json({
  "summary": "One voter with vote history, districts and state-specific fields",
  "tags": ["voters"],
  "parameters": [{"name": "voter_id", "in": "path", "required": true,
    "description": "State voter id (North Carolina: ncid).",
    "schema": {"type": "string", "maxLength": 64}}],
  "responses": {
    "200": {"description": "The voter", "content": {"application/json": {
      "schema": {"$ref": "#/components/schemas/VoterRecord"}}}},
    "404": {"$ref": "#/components/responses/Problem"}}
})json";

constexpr std::string_view kListPrecinctsDoc = R"json({
  "summary": "Precincts with their registered (not removed) voter counts",
  "tags": ["voters"],
  "parameters": [{"name": "county", "in": "query", "description": "Only this county; all when absent.",
    "schema": {"type": "string", "maxLength": 32}}],
  "responses": {
    "200": {"description": "Precincts ordered by county then precinct", "content": {
      "application/json": {"schema": {"$ref": "#/components/schemas/PrecinctList"}}}},
    "400": {"$ref": "#/components/responses/Problem"}}
})json";

constexpr std::string_view kCreateSessionDoc = R"json({
  "summary": "Log in: exchange a one-time login code for a bearer token",
  "description": "The code is single-use. Wrong codes count against it; after five it locks for 15 minutes (429 with Retry-After). Logins are also rate-limited per address.",
  "tags": ["sessions"],
  "requestBody": {"required": true, "content": {"application/json": {"schema": {
    "type": "object", "required": ["code"], "additionalProperties": false,
    "properties": {"code": {"type": "string", "maxLength": 64, "examples": ["K7QM-9XMR-T2PW"]}}}}}},
  "responses": {
    "201": {"description": "The session", "content": {"application/json": {
      "schema": {"$ref": "#/components/schemas/Session"}}}},
    "400": {"$ref": "#/components/responses/Problem"},
    "401": {"$ref": "#/components/responses/Problem"},
    "429": {"$ref": "#/components/responses/Problem"}}
})json";

constexpr std::string_view kTestCodeDoc = R"json({
  "summary": "Test a login code without spending it",
  "description": "Checks the code as a login does (the same errors; wrong codes count and lock it the same way) but opens no session and leaves the code working: a volunteer tries it days before election day and sees whose it is and where she is assigned. The test is recorded on her user; readiness counts her ready.",
  "tags": ["sessions"],
  "requestBody": {"required": true, "content": {"application/json": {"schema": {
    "type": "object", "required": ["code"], "additionalProperties": false,
    "properties": {"code": {"type": "string", "maxLength": 64}}}}}},
  "responses": {
    "200": {"description": "The code works: {user: {id, name, role, scope}, expires_at, tested_at}", "content": {"application/json": {"schema": {"type": "object"}}}},
    "400": {"$ref": "#/components/responses/Problem"},
    "401": {"$ref": "#/components/responses/Problem"},
    "429": {"$ref": "#/components/responses/Problem"}}
})json";

constexpr std::string_view kDeleteSessionDoc = R"json({
  "summary": "Log out: end the caller's session",
  "tags": ["sessions"],
  "responses": {"204": {"description": "Ended"}, "401": {"$ref": "#/components/responses/Problem"}}
})json";

constexpr std::string_view kMeDoc = R"json({
  "summary": "The caller: id, name, role and scope",
  "tags": ["sessions"],
  "responses": {"200": {"description": "The caller", "content": {"application/json": {
    "schema": {"$ref": "#/components/schemas/Principal"}}}},
    "401": {"$ref": "#/components/responses/Problem"}}
})json";

constexpr std::string_view kListUsersDoc = R"json({
  "summary": "Staff and volunteers, filtered; organizers see one of their counties",
  "tags": ["users"],
  "parameters": [
    {"name": "county", "in": "query", "description": "Required for organizers with several counties.", "schema": {"type": "string", "maxLength": 32}},
    {"name": "precinct", "in": "query", "description": "Needs county.", "schema": {"type": "string", "maxLength": 32}},
    {"name": "role", "in": "query", "schema": {"enum": ["admin", "organizer", "analyst", "poll_watcher", "canvasser", "phone_banker"]}},
    {"name": "field_office", "in": "query", "schema": {"type": "string", "maxLength": 100}},
    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}},
    {"name": "cursor", "in": "query", "schema": {"type": "string", "maxLength": 512}}],
  "responses": {"200": {"description": "A page of users", "content": {"application/json": {
    "schema": {"$ref": "#/components/schemas/UserPage"}}}},
    "400": {"$ref": "#/components/responses/Problem"},
    "403": {"$ref": "#/components/responses/Problem"}}
})json";

constexpr std::string_view kReissueCodeDoc = R"json({
  "summary": "Issue a new login code to a user; her earlier code stops working",
  "description": "The code is in this response only; it is never stored. Organizers may do this for volunteers of their counties.",
  "tags": ["users"],
  "parameters": [{"name": "user_id", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 1}}],
  "requestBody": {"required": false, "content": {"application/json": {"schema": {
    "type": "object", "additionalProperties": false}}}},
  "responses": {"201": {"description": "The new code", "content": {"application/json": {
    "schema": {"type": "object", "properties": {"user_id": {"type": "integer"},
      "code": {"type": "string"}, "expires_at": {"type": "string", "format": "date-time"}}}}}},
    "403": {"$ref": "#/components/responses/Problem"},
    "404": {"$ref": "#/components/responses/Problem"}}
})json";

constexpr std::string_view kRevokeUserSessionsDoc = R"json({
  "summary": "End every session of a user (a lost phone)",
  "tags": ["users"],
  "parameters": [{"name": "user_id", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 1}}],
  "responses": {"200": {"description": "How many sessions ended", "content": {"application/json": {
    "schema": {"type": "object", "properties": {"revoked": {"type": "integer"}}}}}},
    "403": {"$ref": "#/components/responses/Problem"},
    "404": {"$ref": "#/components/responses/Problem"}}
})json";

constexpr std::string_view kReadinessDoc = R"json({
  "summary": "Poll-watcher coverage per precinct: assigned, logged in, and who has not logged in",
  "description": "Analysts get the counts only (names is false and not_logged_in is absent). Organizers see their counties.",
  "tags": ["users"],
  "parameters": [{"name": "county", "in": "query", "schema": {"type": "string", "maxLength": 32}}],
  "responses": {"200": {"description": "Readiness", "content": {"application/json": {
    "schema": {"$ref": "#/components/schemas/Readiness"}}}},
    "403": {"$ref": "#/components/responses/Problem"}}
})json";

constexpr std::string_view kAuditDoc = R"json({
  "summary": "The audit log, newest first",
  "tags": ["audit"],
  "parameters": [
    {"name": "user_id", "in": "query", "schema": {"type": "integer"}},
    {"name": "action", "in": "query", "schema": {"type": "string", "maxLength": 64}},
    {"name": "target", "in": "query", "schema": {"type": "string", "maxLength": 200}},
    {"name": "since", "in": "query", "schema": {"type": "string", "format": "date-time"}},
    {"name": "until", "in": "query", "schema": {"type": "string", "format": "date-time"}},
    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}},
    {"name": "cursor", "in": "query", "schema": {"type": "string", "maxLength": 512}}],
  "responses": {"200": {"description": "A page of events", "content": {"application/json": {
    "schema": {"$ref": "#/components/schemas/AuditPage"}}}},
    "400": {"$ref": "#/components/responses/Problem"}}
})json";

constexpr std::string_view kWebDoc = R"json({
  "summary": "The web front end; unknown page paths return index.html",
  "tags": ["pages"],
  "security": [],
  "parameters": [{"name": "path", "in": "path", "required": true, "schema": {"type": "string"}}],
  "responses": {"200": {"description": "A page or asset", "content": {"text/html": {
    "schema": {"type": "string"}}}}, "404": {"$ref": "#/components/responses/Problem"}}
})json";

constexpr std::string_view kComponents = R"json({
  "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
  "responses": {"Problem": {"description": "An error (RFC 9457)", "content": {
    "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}},
  "schemas": {
    "Problem": {"type": "object", "required": ["type", "title", "status", "code"],
      "properties": {"type": {"type": "string"}, "title": {"type": "string"},
        "status": {"type": "integer"}, "detail": {"type": "string"},
        "code": {"type": "string"}, "instance": {"type": "string"},
        "request_id": {"type": "string"}}},
    "VoterSummary": {"type": "object", "properties": {
      "voter_id": {"type": "string"}, "last_name": {"type": "string"},
      "first_name": {"type": "string"}, "middle_name": {"type": "string"},
      "name_suffix": {"type": "string"}, "county": {"type": "string"},
      "precinct": {"type": "string"}, "registration_number": {"type": "string"},
      "street": {"type": "string"}, "city": {"type": "string"},
      "birth_year": {"type": ["integer", "null"]}, "party": {"type": "string"},
      "status": {"enum": ["active", "inactive", "temporary", "denied", "removed", "unknown"]}}},
    "VoterPage": {"type": "object", "properties": {
      "voters": {"type": "array", "items": {"$ref": "#/components/schemas/VoterSummary"}},
      "next_cursor": {"type": ["string", "null"]}}},
    "Address": {"type": "object", "properties": {"street": {"type": "string"},
      "city": {"type": "string"}, "state": {"type": "string"}, "zip": {"type": "string"}}},
    "VoteHistoryEntry": {"type": "object", "properties": {
      "election_date": {"type": "string", "format": "date"},
      "election_desc": {"type": "string"}, "voting_method": {"type": "string"},
      "party": {"type": "string"}, "county": {"type": "string"},
      "precinct": {"type": "string"}}},
    "VoterRecord": {"type": "object", "properties": {
      "voter_id": {"type": "string"}, "state": {"type": "string"},
      "county": {"type": "string"}, "county_name": {"type": "string"},
      "precinct": {"type": "string"}, "precinct_name": {"type": "string"},
      "registration_number": {"type": "string"}, "last_name": {"type": "string"},
      "first_name": {"type": "string"}, "middle_name": {"type": "string"},
      "name_suffix": {"type": "string"},
      "residence": {"$ref": "#/components/schemas/Address"},
      "mailing_address": {"type": "string"},
      "mailing": {"$ref": "#/components/schemas/Address"},
      "party": {"type": "string"}, "status": {"type": "string"},
      "status_reason": {"type": "string"}, "birth_year": {"type": ["integer", "null"]},
      "registration_date": {"type": ["string", "null"], "format": "date"},
      "phone": {"type": "string"}, "gender": {"type": "string"},
      "race": {"type": "string"}, "ethnicity": {"type": "string"},
      "districts": {"type": "object", "additionalProperties": {"type": "string"}},
      "extra": {"type": "object", "additionalProperties": {"type": "string"}},
      "history": {"type": "array", "items": {"$ref": "#/components/schemas/VoteHistoryEntry"}},
      "removed_at": {"type": ["string", "null"], "format": "date-time"},
      "updated_at": {"type": ["string", "null"], "format": "date-time"}}},
    "PrecinctList": {"type": "object", "properties": {"precincts": {"type": "array",
      "items": {"type": "object", "properties": {"county": {"type": "string"},
        "county_name": {"type": "string"}, "precinct": {"type": "string"},
        "precinct_name": {"type": "string"}, "voters": {"type": "integer"}}}}}},
    "Scope": {"type": "object", "properties": {
      "counties": {"type": "array", "items": {"type": "string"}},
      "precincts": {"type": "array", "items": {"type": "object", "properties": {
        "county": {"type": "string"}, "precinct": {"type": "string"}}}},
      "turfs": {"type": "array", "items": {"type": "string"}}}},
    "Principal": {"type": "object", "properties": {"id": {"type": "integer"},
      "name": {"type": "string"}, "role": {"type": "string"},
      "scope": {"$ref": "#/components/schemas/Scope"}}},
    "Session": {"type": "object", "properties": {"token": {"type": "string"},
      "expires_at": {"type": "string", "format": "date-time"},
      "user": {"$ref": "#/components/schemas/Principal"}}},
    "User": {"type": "object", "properties": {"id": {"type": "integer"},
      "name": {"type": "string"}, "phone": {"type": "string"}, "email": {"type": "string"},
      "role": {"type": "string"}, "scope": {"$ref": "#/components/schemas/Scope"},
      "field_office": {"type": "string"},
      "created_at": {"type": ["string", "null"]}, "first_login_at": {"type": ["string", "null"]},
      "last_seen_at": {"type": ["string", "null"]}, "disabled": {"type": "boolean"}}},
    "UserPage": {"type": "object", "properties": {
      "users": {"type": "array", "items": {"$ref": "#/components/schemas/User"}},
      "next_cursor": {"type": ["string", "null"]}}},
    "Readiness": {"type": "object", "properties": {"names": {"type": "boolean"},
      "precincts": {"type": "array", "items": {"type": "object", "properties": {
        "county": {"type": "string"}, "precinct": {"type": "string"},
        "precinct_name": {"type": "string"}, "assigned": {"type": "integer"},
        "logged_in": {"type": "integer"}, "not_logged_in_count": {"type": "integer"},
        "not_logged_in": {"type": "array", "items": {"type": "object"}}}}}}},
    "AuditPage": {"type": "object", "properties": {
      "events": {"type": "array", "items": {"type": "object", "properties": {
        "id": {"type": "integer"}, "at": {"type": "string", "format": "date-time"},
        "user_id": {"type": "integer"}, "action": {"type": "string"},
        "target": {"type": "string"}, "detail": {}, "request_id": {"type": "string"},
        "remote_addr": {"type": "string"}}}},
      "next_cursor": {"type": ["string", "null"]}}},
    "UniverseCount": {"type": "object", "properties": {
      "voters": {"type": "integer"},
      "by_party": {"type": "array", "items": {"type": "object", "properties": {
        "party": {"type": "string"}, "voters": {"type": "integer"}}}},
      "elections": {"type": "array", "description": "The elections the vote-history rule counted, newest first.",
        "items": {"type": "string", "format": "date"}}}},
    "Universe": {"type": "object", "properties": {
      "id": {"type": "integer"}, "name": {"type": "string"}, "description": {"type": "string"},
      "criteria": {"type": "object"}, "created_by": {"type": "integer"},
      "created_at": {"type": "string", "format": "date-time"},
      "updated_at": {"type": "string", "format": "date-time"},
      "count": {"$ref": "#/components/schemas/UniverseCount"},
      "lists": {"type": "array", "items": {"$ref": "#/components/schemas/VoterList"}}}},
    "VoterList": {"type": "object", "properties": {
      "id": {"type": "integer"}, "universe_id": {"type": "integer"},
      "universe_name": {"type": "string"}, "election": {"type": ["string", "null"]},
      "voters": {"type": "integer", "description": "Members when the list was made."},
      "created_by": {"type": "integer"}, "created_at": {"type": "string", "format": "date-time"}}}
  }
})json";

HttpResponse Json(const json::value& v) {
  return JsonResponse(json::serialize(v));
}

Status NoQuery(const RequestContext& c) {
  if (c.query.empty()) return Status::Ok();
  return QueryReader(c.query, {}).CheckNames();
}

// "{*path}" is a route-table notion; OpenAPI knows only "{path}".
std::string OpenApiPath(std::string_view pattern) {
  std::string out(pattern);
  for (size_t pos; (pos = out.find("{*")) != std::string::npos;) out.erase(pos + 1, 1);
  return out;
}

Result<json::object> ParseObject(std::string_view text, std::string_view what) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) {
    return Internal("OpenAPI fragment of " + std::string(what) + " is not a JSON object");
  }
  return std::move(v.as_object());
}

}  // namespace

void RefreshStoreGauges(Store& store, MetricsRegistry& metrics) {
  if (std::optional<ReadReplicaStatus> replica = store.ReadReplica()) {
    metrics
        .GetGauge("narwhal_read_replica_in_use",
                  "1 when the reads that decide no write go to the standby.")
        .Set(replica->in_use ? 1 : 0);
    metrics
        .GetGauge("narwhal_read_replica_lag_ms",
                  "How far the standby's answers may be behind the primary; -1 unknown.")
        .Set(replica->lag_ms);
    metrics
        .GetGauge("narwhal_read_replica_standby_reads",
                  "Routed reads the standby served since the start.")
        .Set(replica->standby_reads);
    metrics
        .GetGauge("narwhal_read_replica_primary_reads",
                  "Routed reads the primary served since the start (no fresh standby).")
        .Set(replica->primary_reads);
  }
  Result<StoreStats> stats = store.Stats();
  metrics.GetGauge("narwhal_store_up", "1 when the store answered the last scrape.")
      .Set(stats.ok() ? 1 : 0);
  if (!stats.ok()) {
    LogWarning("metrics: store stats failed: " + stats.status().ToString());
    return;
  }
  metrics.GetGauge("narwhal_store_voters", "Voters in the store, not removed.").Set(stats->voters);
  metrics.GetGauge("narwhal_store_removed_voters", "Voters marked removed.").Set(stats->removed);
  metrics.GetGauge("narwhal_store_history_rows", "Vote-history rows.").Set(stats->history_rows);
  metrics.GetGauge("narwhal_store_precincts", "Precincts with voters.").Set(stats->precincts);
}

Result<std::string> OpenApiDocument(const std::vector<Route>& routes) {
  json::object paths;
  for (const Route& route : routes) {
    if (route.openapi.empty()) return Internal("route " + route.name + " has no OpenAPI fragment");
    NARWHAL_ASSIGN_OR_RETURN(json::object op, ParseObject(route.openapi, route.name));
    op["operationId"] = route.name;
    // Who may call it comes from the route table, never from the hand-written fragment.
    if (route.auth.level == AuthRequirement::Level::kPublic) {
      op["security"] = json::array();
    } else {
      op.erase("security");
      json::array roles;
      for (Role r : route.auth.roles.roles()) roles.push_back(json::value(RoleName(r)));
      op["x-narwhal-roles"] = std::move(roles);
    }
    const std::string method = AsciiLower(route.method);
    json::value& path_item = paths[OpenApiPath(route.pattern)];
    if (!path_item.is_object()) path_item = json::object();
    path_item.as_object()[method] = std::move(op);
  }
  NARWHAL_ASSIGN_OR_RETURN(json::object components, ParseObject(kComponents, "components"));
  json::object doc;
  doc["openapi"] = "3.1.0";
  doc["info"] = json::object{{"title", "Narwhal API"},
                             {"version", "1"},
                             {"description",
                              "The voter file, volunteers and election day of a campaign's field "
                              "operation. Errors are application/problem+json."}};
  doc["paths"] = std::move(paths);
  doc["components"] = std::move(components);
  doc["security"] = json::array{json::object{{"bearer", json::array{}}}};
  return json::serialize(doc);
}

std::vector<Route> ApiRoutes(const ApiServices& services) {
  Store& store = services.store;
  MetricsRegistry& metrics = services.metrics;
  AuthService& auth = services.auth;
  const Clock& clock = services.clock;
  // Who may reach personal data of voters at all; scope narrows it further.
  const auto kVoterReaders = AuthRequirement::AnyRole(
      {Role::kAdmin, Role::kOrganizer, Role::kPollWatcher, Role::kCanvasser, Role::kPhoneBanker});
  const auto kManagers = AuthRequirement::AnyRole({Role::kAdmin, Role::kOrganizer});

  std::vector<Route> routes;
  routes.push_back({"GET", "/healthz", "healthz", AuthRequirement::Public(),
                    [](const HttpRequest&, RequestContext&) -> Result<HttpResponse> {
                      return JsonResponse(R"({"status":"ok"})");
                    },
                    std::string(kHealthzDoc)});
  routes.push_back({"GET", "/readyz", "readyz", AuthRequirement::Public(),
                    [&store](const HttpRequest&, RequestContext&) -> Result<HttpResponse> {
                      Status ping = store.Ping();
                      if (!ping.ok()) {
                        LogWarning("readyz: store not ready: " + ping.ToString());
                        return Unavailable("the store is not ready");
                      }
                      return JsonResponse(R"({"status":"ready"})");
                    },
                    std::string(kReadyzDoc)});
  routes.push_back(
      {"GET", "/metrics", "metrics", AuthRequirement::Public(),
       [&store, &metrics](const HttpRequest&, RequestContext&) -> Result<HttpResponse> {
         RefreshStoreGauges(store, metrics);
         HttpResponse r;
         r.content_type = std::string(kPrometheusContentType);
         r.body = metrics.RenderPrometheus();
         return r;
       },
       std::string(kMetricsDoc)});
  const size_t openapi_index = routes.size();
  routes.push_back({"GET", "/api/v1/openapi.json", "openapi", AuthRequirement::Public(), nullptr,
                    std::string(kOpenApiDoc)});

  // --- sessions ---
  routes.push_back(
      {"POST", "/api/v1/sessions", "create_session", AuthRequirement::Public(),
       [&store, &auth, &clock](const HttpRequest& r, RequestContext& c) -> Result<HttpResponse> {
         NARWHAL_RETURN_IF_ERROR(NoQuery(c));
         NARWHAL_ASSIGN_OR_RETURN(json::object body,
                                  ParseJsonRequest(r.Header("content-type"), r.body, kLoginFields));
         const std::string code(body.at("code").as_string());
         Result<LoginResult> login = auth.Login(code, c.remote_addr);
         if (!login.ok()) {
           if (login.status().code() == ErrorCode::kInvalidArgument) return login.status();
           c.AuditChange(
               "session.login_failed", CodeSelector(code),
               json::serialize(json::object{{"reason", ErrorCodeName(login.status().code())}}));
           if (login.status().code() == ErrorCode::kResourceExhausted) {
             return ProblemResponse(login.status(), c.path, c.request_id,
                                    LockedSeconds(store, clock, code));
           }
           return login.status();
         }
         c.AuditChange("session.create", std::to_string(login->principal.user_id),
                       json::serialize(json::object{{"session_id", login->session.id}}),
                       login->principal.user_id);
         return JsonResponse(json::serialize(SessionJson(*login)), 201);
       },
       std::string(kCreateSessionDoc), Throttle::kLogin});
  routes.push_back(
      {"POST", "/api/v1/sessions/test", "test_login_code", AuthRequirement::Public(),
       [&store, &auth, &clock](const HttpRequest& r, RequestContext& c) -> Result<HttpResponse> {
         NARWHAL_RETURN_IF_ERROR(NoQuery(c));
         NARWHAL_ASSIGN_OR_RETURN(json::object body,
                                  ParseJsonRequest(r.Header("content-type"), r.body, kLoginFields));
         const std::string code(body.at("code").as_string());
         Result<CodeTest> test = auth.TestCode(code);
         if (!test.ok()) {
           if (test.status().code() == ErrorCode::kInvalidArgument) return test.status();
           c.AuditChange(
               "login_code.test_failed", CodeSelector(code),
               json::serialize(json::object{{"reason", ErrorCodeName(test.status().code())}}));
           if (test.status().code() == ErrorCode::kResourceExhausted) {
             return ProblemResponse(test.status(), c.path, c.request_id,
                                    LockedSeconds(store, clock, code));
           }
           return test.status();
         }
         c.AuditChange("login_code.test", std::to_string(test->user.id), "", test->user.id);
         Principal who;
         who.user_id = test->user.id;
         who.name = test->user.name;
         who.role = test->user.role;
         who.scope = test->user.scope;
         return Json(json::object{{"user", PrincipalJson(who)},
                                  {"expires_at", FormatIso8601(test->expires_at)},
                                  {"tested_at", test->user.code_tested_at}});
       },
       std::string(kTestCodeDoc), Throttle::kLogin});
  routes.push_back(
      {"DELETE", "/api/v1/sessions/current", "delete_session", AuthRequirement::Authenticated(),
       [&auth](const HttpRequest&, RequestContext& c) -> Result<HttpResponse> {
         NARWHAL_RETURN_IF_ERROR(NoQuery(c));
         NARWHAL_RETURN_IF_ERROR(auth.Revoke(c.principal));
         c.AuditChange("session.revoke", std::to_string(c.principal.user_id),
                       json::serialize(json::object{{"session_id", c.principal.session_id}}));
         HttpResponse r;
         r.status = 204;
         return r;
       },
       std::string(kDeleteSessionDoc)});
  routes.push_back({"GET", "/api/v1/me", "me", AuthRequirement::Authenticated(),
                    [](const HttpRequest&, RequestContext& c) -> Result<HttpResponse> {
                      NARWHAL_RETURN_IF_ERROR(NoQuery(c));
                      return Json(PrincipalJson(c.principal));
                    },
                    std::string(kMeDoc)});

  // --- voters ---
  routes.push_back({"GET", "/api/v1/voters", "search_voters", kVoterReaders,
                    [&store](const HttpRequest&, RequestContext& c) -> Result<HttpResponse> {
                      NARWHAL_ASSIGN_OR_RETURN(SearchParams params, ParseSearchParams(c.query));
                      Result<VoterPage> page = SearchVotersFor(store, params, c.principal);
                      if (!page.ok()) {
                        if (page.status().code() == ErrorCode::kPermissionDenied) {
                          c.AuditRead("voter.search_denied", "",
                                      SearchAuditDetail(params, VoterPage{}));
                        }
                        return page.status();
                      }
                      c.AuditRead("voter.search", "", SearchAuditDetail(params, *page));
                      return Json(VoterPageJson(*page));
                    },
                    std::string(kSearchVotersDoc)});
  routes.push_back({"GET", "/api/v1/voters/{voter_id}", "get_voter", kVoterReaders,
                    [&store](const HttpRequest&, RequestContext& c) -> Result<HttpResponse> {
                      NARWHAL_RETURN_IF_ERROR(NoQuery(c));
                      const std::string voter_id(c.PathParam("voter_id"));
                      Result<VoterRecord> record = GetVoterFor(store, voter_id, c.principal);
                      if (!record.ok()) {
                        if (record.status().code() == ErrorCode::kPermissionDenied) {
                          c.AuditRead("voter.read_denied", voter_id);
                        }
                        return record.status();
                      }
                      c.AuditRead("voter.read", voter_id);
                      return Json(VoterRecordJson(*record));
                    },
                    std::string(kGetVoterDoc)});
  routes.push_back({"GET", "/api/v1/precincts", "list_precincts", AuthRequirement::Authenticated(),
                    [&store](const HttpRequest&, RequestContext& c) -> Result<HttpResponse> {
                      NARWHAL_ASSIGN_OR_RETURN(json::value body, ListPrecinctsJson(store, c.query));
                      return Json(body);
                    },
                    std::string(kListPrecinctsDoc)});
  AddPaperRoutes(routes, store, clock);
  AddElectionRoutes(routes, store, clock, services.election);
  AddUniverseRoutes(routes, store, clock);
  AddContactRoutes(routes, store, clock);
  AddTurfRoutes(routes, store, clock);
  AddCallRoutes(routes, store, clock);
  AddSuppressionRoutes(routes, store, clock);
  AddVolunteerRoutes(routes, store, auth, clock);

  // --- users, readiness, audit ---
  routes.push_back(
      {"GET", "/api/v1/users", "list_users", kManagers,
       [&store](const HttpRequest&, RequestContext& c) -> Result<HttpResponse> {
         NARWHAL_ASSIGN_OR_RETURN(UserFilter filter, ParseUserFilter(c.query, c.principal));
         NARWHAL_ASSIGN_OR_RETURN(UserPage page, store.ListUsers(filter));
         json::array ids;
         for (const User& u : page.users) ids.push_back(u.id);
         c.AuditRead("user.list", filter.county,
                     json::serialize(json::object{{"count", static_cast<int64_t>(ids.size())},
                                                  {"user_ids", std::move(ids)}}));
         return Json(UserPageJson(page));
       },
       std::string(kListUsersDoc)});
  routes.push_back(
      {"POST", "/api/v1/users/{user_id}/login-code", "reissue_login_code", kManagers,
       [&store, &auth](const HttpRequest& r, RequestContext& c) -> Result<HttpResponse> {
         NARWHAL_RETURN_IF_ERROR(NoQuery(c));
         NARWHAL_RETURN_IF_ERROR(ParseJsonRequest(r.Header("content-type"), r.body, {}).status());
         NARWHAL_ASSIGN_OR_RETURN(int64_t user_id, ParseUserId(c.PathParam("user_id")));
         NARWHAL_ASSIGN_OR_RETURN(User user, store.GetUser(user_id));
         NARWHAL_RETURN_IF_ERROR(CheckMayManageUser(c.principal, user));
         NARWHAL_ASSIGN_OR_RETURN(IssuedCode issued, auth.IssueCode(user_id));
         c.AuditChange("login_code.reissue", std::to_string(user_id));
         return JsonResponse(
             json::serialize(json::object{{"user_id", user_id},
                                          {"code", issued.code},
                                          {"expires_at", FormatIso8601(issued.expires_at)}}),
             201);
       },
       std::string(kReissueCodeDoc)});
  routes.push_back({"DELETE", "/api/v1/users/{user_id}/sessions", "revoke_user_sessions", kManagers,
                    [&store, &auth](const HttpRequest&, RequestContext& c) -> Result<HttpResponse> {
                      NARWHAL_RETURN_IF_ERROR(NoQuery(c));
                      NARWHAL_ASSIGN_OR_RETURN(int64_t user_id,
                                               ParseUserId(c.PathParam("user_id")));
                      NARWHAL_ASSIGN_OR_RETURN(User user, store.GetUser(user_id));
                      NARWHAL_RETURN_IF_ERROR(CheckMayManageUser(c.principal, user));
                      NARWHAL_ASSIGN_OR_RETURN(int64_t revoked, auth.RevokeUser(user_id));
                      c.AuditChange("session.revoke_user", std::to_string(user_id),
                                    json::serialize(json::object{{"sessions", revoked}}));
                      return Json(json::object{{"revoked", revoked}});
                    },
                    std::string(kRevokeUserSessionsDoc)});
  routes.push_back(
      {"GET", "/api/v1/readiness", "readiness",
       AuthRequirement::AnyRole({Role::kAdmin, Role::kOrganizer, Role::kAnalyst}),
       [&store](const HttpRequest&, RequestContext& c) -> Result<HttpResponse> {
         NARWHAL_ASSIGN_OR_RETURN(json::value body, ReadinessJson(store, c.principal, c.query));
         if (SeesPersonalData(c.principal.role)) {
           // The query holds nothing but a validated county.
           c.AuditRead("readiness.read", c.query.empty() ? std::string() : c.query.front().second);
         }
         return Json(body);
       },
       std::string(kReadinessDoc)});
  routes.push_back({"GET", "/api/v1/audit", "list_audit", AuthRequirement::AnyRole({Role::kAdmin}),
                    [&store](const HttpRequest&, RequestContext& c) -> Result<HttpResponse> {
                      NARWHAL_ASSIGN_OR_RETURN(AuditQuery query, ParseAuditQuery(c.query));
                      NARWHAL_ASSIGN_OR_RETURN(AuditPage page, store.ListAudit(query));
                      c.AuditRead("audit.read", "",
                                  json::serialize(json::object{
                                      {"count", static_cast<int64_t>(page.events.size())}}));
                      return Json(AuditPageJson(page));
                    },
                    std::string(kAuditDoc)});

  routes.push_back({"GET", "/{*path}", "web", AuthRequirement::Public(),
                    [](const HttpRequest&, RequestContext& c) -> Result<HttpResponse> {
                      return ServeWebPath(c.path);
                    },
                    std::string(kWebDoc)});

  // The document is built from the finished table, so it lists every route, itself too.
  Result<std::string> doc = OpenApiDocument(routes);
  if (doc.ok()) {
    routes[openapi_index].handler = [body = std::move(doc).value()](
                                        const HttpRequest&,
                                        RequestContext&) -> Result<HttpResponse> {
      return JsonResponse(body);
    };
  } else {
    LogError("OpenAPI document: " + doc.status().ToString());
    routes[openapi_index].handler = [status = doc.status()](
                                        const HttpRequest&,
                                        RequestContext&) -> Result<HttpResponse> { return status; };
  }
  return routes;
}

}  // namespace narwhal

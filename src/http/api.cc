#include "http/api.h"

#include <boost/json.hpp>
#include <string_view>
#include <utility>

#include "base/log.h"
#include "base/text.h"
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
        "precinct_name": {"type": "string"}, "voters": {"type": "integer"}}}}}}
  }
})json";

HttpResponse Json(const json::value& v) {
  return JsonResponse(json::serialize(v));
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

std::vector<Route> ApiRoutes(Store& store, MetricsRegistry& metrics) {
  std::vector<Route> routes;
  routes.push_back({"GET", "/healthz", "healthz", AuthRequirement::Public(),
                    [](const HttpRequest&, const RequestContext&) -> Result<HttpResponse> {
                      return JsonResponse(R"({"status":"ok"})");
                    },
                    std::string(kHealthzDoc)});
  routes.push_back({"GET", "/readyz", "readyz", AuthRequirement::Public(),
                    [&store](const HttpRequest&, const RequestContext&) -> Result<HttpResponse> {
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
       [&store, &metrics](const HttpRequest&, const RequestContext&) -> Result<HttpResponse> {
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
  routes.push_back({"GET", "/api/v1/voters", "search_voters", AuthRequirement::Authenticated(),
                    [&store](const HttpRequest&, const RequestContext& c) -> Result<HttpResponse> {
                      NARWHAL_ASSIGN_OR_RETURN(SearchParams params, ParseSearchParams(c.query));
                      NARWHAL_ASSIGN_OR_RETURN(json::value body, SearchVotersJson(store, params));
                      return Json(body);
                    },
                    std::string(kSearchVotersDoc)});
  routes.push_back(
      {"GET", "/api/v1/voters/{voter_id}", "get_voter", AuthRequirement::Authenticated(),
       [&store](const HttpRequest&, const RequestContext& c) -> Result<HttpResponse> {
         if (!c.query.empty()) {
           return InvalidArgument(c.query.front().first + ": unknown parameter");
         }
         NARWHAL_ASSIGN_OR_RETURN(json::value body, GetVoterJson(store, c.PathParam("voter_id")));
         return Json(body);
       },
       std::string(kGetVoterDoc)});
  routes.push_back({"GET", "/api/v1/precincts", "list_precincts", AuthRequirement::Authenticated(),
                    [&store](const HttpRequest&, const RequestContext& c) -> Result<HttpResponse> {
                      NARWHAL_ASSIGN_OR_RETURN(json::value body, ListPrecinctsJson(store, c.query));
                      return Json(body);
                    },
                    std::string(kListPrecinctsDoc)});
  routes.push_back({"GET", "/{*path}", "web", AuthRequirement::Public(),
                    [](const HttpRequest&, const RequestContext& c) -> Result<HttpResponse> {
                      return ServeWebPath(c.path);
                    },
                    std::string(kWebDoc)});

  // The document is built from the finished table, so it lists every route, itself too.
  Result<std::string> doc = OpenApiDocument(routes);
  if (doc.ok()) {
    routes[openapi_index].handler = [body = std::move(doc).value()](
                                        const HttpRequest&,
                                        const RequestContext&) -> Result<HttpResponse> {
      return JsonResponse(body);
    };
  } else {
    LogError("OpenAPI document: " + doc.status().ToString());
    routes[openapi_index].handler =
        [status = doc.status()](const HttpRequest&, const RequestContext&) -> Result<HttpResponse> {
      return status;
    };
  }
  return routes;
}

}  // namespace narwhal

#include "http/universe_api.h"

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <string>
#include <utility>

#include "domain/field_book.h"
#include "domain/universe_json.h"
#include "http/json_body.h"
#include "http/params.h"
#include "http/voter_api.h"
#include "storage/contact_store.h"

namespace narwhal {
namespace {

namespace json = boost::json;

constexpr std::string_view kCriteriaSchema =
    R"({"type": "object", "description": "Every member optional; unknown members are errors. See docs/field.md (Universes).", "properties": {
      "counties": {"type": "array", "items": {"type": "string"}},
      "precincts": {"type": "array", "items": {"type": "object", "properties": {"county": {"type": "string"}, "precinct": {"type": "string"}}}},
      "districts": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}, "value": {"type": "string"}}}},
      "parties": {"type": "array", "items": {"type": "string"}},
      "statuses": {"type": "array", "items": {"enum": ["active", "inactive", "temporary", "denied"]}},
      "genders": {"type": "array", "items": {"type": "string"}},
      "age": {"type": "object", "properties": {"min": {"type": "integer"}, "max": {"type": "integer"}, "as_of_year": {"type": "integer"}}},
      "registered": {"type": "object", "properties": {"after": {"type": "string", "format": "date"}, "before": {"type": "string", "format": "date"}}},
      "vote_history": {"type": "object", "properties": {"kind": {"enum": ["general", "primary", "municipal", "other", "any"]}, "last": {"type": "integer"}, "elections": {"type": "array", "items": {"type": "string", "format": "date"}}, "min": {"type": "integer"}, "max": {"type": "integer"}}},
      "support": {"type": "object", "properties": {"min": {"type": "integer"}, "max": {"type": "integer"}}},
      "turnout": {"type": "object", "properties": {"min": {"type": "integer"}, "max": {"type": "integer"}}},
      "election_day": {"type": "object", "properties": {"election": {"type": "string", "format": "date"}, "voted": {"type": "boolean"}}},
      "has_phone": {"type": "boolean"}}})";

std::string Doc(std::string_view text) {
  std::string out(text);
  const std::string marker = "\"$CRITERIA\"";
  for (size_t at = out.find(marker); at != std::string::npos; at = out.find(marker)) {
    out.replace(at, marker.size(), kCriteriaSchema);
  }
  return out;
}

constexpr std::string_view kElectionsDoc = R"json({
  "summary": "The elections of the vote history, newest first, with their kind and turnout",
  "tags": ["universes"],
  "responses": {"200": {"description": "Elections", "content": {"application/json": {"schema": {
    "type": "object", "properties": {"elections": {"type": "array", "items": {"type": "object",
    "properties": {"date": {"type": "string", "format": "date"}, "description": {"type": "string"},
    "kind": {"enum": ["general", "primary", "municipal", "other"]}, "voters": {"type": "integer"}}}}}}}}}}
})json";

constexpr std::string_view kCountDoc = R"json({
  "summary": "Count the voters criteria select, by party, as a universe is built",
  "description": "Removed voters never count. An organizer's count is limited to her counties. Admins, organizers and analysts.",
  "tags": ["universes"],
  "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object",
    "required": ["criteria"], "additionalProperties": false, "properties": {"criteria": "$CRITERIA"}}}}},
  "responses": {
    "200": {"description": "The count", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/UniverseCount"}}}},
    "400": {"$ref": "#/components/responses/Problem"},
    "403": {"$ref": "#/components/responses/Problem"}}
})json";

constexpr std::string_view kListUniversesDoc = R"json({
  "summary": "The saved universes, by name",
  "tags": ["universes"],
  "responses": {"200": {"description": "Universes", "content": {"application/json": {"schema": {
    "type": "object", "properties": {"universes": {"type": "array", "items": {"$ref": "#/components/schemas/Universe"}}}}}}}}
})json";

constexpr std::string_view kSaveUniverseDoc = R"json({
  "summary": "Save a universe: create it, or replace the criteria of the one with that name",
  "description": "Answers the universe with its count now. An organizer's criteria are limited to her counties. Admins and organizers.",
  "tags": ["universes"],
  "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object",
    "required": ["name", "criteria"], "additionalProperties": false, "properties": {
      "name": {"type": "string", "maxLength": 100}, "description": {"type": "string", "maxLength": 2000},
      "criteria": "$CRITERIA"}}}}},
  "responses": {
    "201": {"description": "The universe", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Universe"}}}},
    "400": {"$ref": "#/components/responses/Problem"},
    "403": {"$ref": "#/components/responses/Problem"}}
})json";

constexpr std::string_view kGetUniverseDoc = R"json({
  "summary": "One universe with its count now and its lists, newest first",
  "tags": ["universes"],
  "parameters": [{"name": "universe_id", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 1}}],
  "responses": {
    "200": {"description": "The universe", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Universe"}}}},
    "403": {"$ref": "#/components/responses/Problem"},
    "404": {"$ref": "#/components/responses/Problem"}}
})json";

constexpr std::string_view kMakeListDoc = R"json({
  "summary": "Make a voter list: the universe's voters now, a snapshot in a fixed order",
  "description": "Reading the list later drops whoever since voted (struck in the list's election), moved or was removed. The same Idempotency-Key (header, or idempotency_key in the body) answers the same list. Admins, and organizers for universes within their counties.",
  "tags": ["universes"],
  "parameters": [
    {"name": "universe_id", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 1}},
    {"name": "Idempotency-Key", "in": "header", "schema": {"type": "string", "maxLength": 100}}],
  "requestBody": {"content": {"application/json": {"schema": {"type": "object", "additionalProperties": false,
    "properties": {"election": {"type": "string", "format": "date", "description": "Drop voters struck in this election; default the universe's election_day.election."},
      "idempotency_key": {"type": "string", "maxLength": 100}}}}}},
  "responses": {
    "201": {"description": "The list", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/VoterList"}}}},
    "400": {"$ref": "#/components/responses/Problem"},
    "403": {"$ref": "#/components/responses/Problem"},
    "404": {"$ref": "#/components/responses/Problem"}}
})json";

constexpr std::string_view kListVotersDoc = R"json({
  "summary": "One page of a list's voters who are still targets",
  "description": "Members who since voted, moved or were removed are left out and counted under dropped. Follow next_cursor. Admins, and organizers for lists of universes within their counties.",
  "tags": ["universes"],
  "parameters": [
    {"name": "list_id", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 1}},
    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}},
    {"name": "cursor", "in": "query", "schema": {"type": "string", "maxLength": 512}}],
  "responses": {
    "200": {"description": "The page", "content": {"application/json": {"schema": {"type": "object", "properties": {
      "list": {"$ref": "#/components/schemas/VoterList"},
      "voters": {"type": "array", "items": {"type": "object"}},
      "dropped": {"type": "object", "properties": {"voted": {"type": "integer"}, "moved": {"type": "integer"}, "removed": {"type": "integer"}, "suppressed": {"type": "integer", "description": "Reached by a suppressing contact result: refused, deceased, do not contact, or moved or wrong address at her door."}, "outside_scope": {"type": "integer", "description": "Members outside the caller's counties (a universe narrowed after the list was made)."}}},
      "next_cursor": {"type": ["string", "null"]}}}}}},
    "400": {"$ref": "#/components/responses/Problem"},
    "403": {"$ref": "#/components/responses/Problem"},
    "404": {"$ref": "#/components/responses/Problem"}}
})json";

constexpr JsonField kCountFields[] = {
    {.name = "criteria", .kind = JsonKind::kObject, .required = true}};
constexpr JsonField kSaveFields[] = {
    {.name = "name", .kind = JsonKind::kString, .required = true, .max_chars = 100},
    {.name = "description", .kind = JsonKind::kString, .max_chars = 2000},
    {.name = "criteria", .kind = JsonKind::kObject, .required = true}};
constexpr JsonField kMakeListFields[] = {
    {.name = "election", .kind = JsonKind::kString, .max_chars = 10},
    {.name = "idempotency_key", .kind = JsonKind::kString, .max_chars = 100}};

bool IsHers(const std::vector<std::string>& counties, const std::string& county) {
  return std::find(counties.begin(), counties.end(), county) != counties.end();
}

// The store's universes, or 503 for a store without them.
Result<UniverseStore*> UniversesOf(Store& store) {
  UniverseStore* u = store.Universes();
  if (u == nullptr) return Unavailable("this store keeps no universes");
  return u;
}

HttpResponse JsonBody(const json::object& o, int status = 200) {
  return JsonResponse(json::serialize(o), status);
}

Status NoQuery(const RequestContext& c) {
  return QueryReader(c.query, {}).CheckNames();
}

int CurrentYear(const Clock& clock) {
  const auto days = std::chrono::floor<std::chrono::days>(clock.Now());
  return static_cast<int>(std::chrono::year_month_day(days).year());
}

// Removes from `page` the voters an organizer may not see; returns how many.
int64_t OutsideScopeDropped(const Principal& principal, ListVotersPage& page) {
  if (principal.role == Role::kAdmin) return 0;
  const size_t before = page.voters.size();
  std::erase_if(page.voters, [&](const VoterSummary& v) {
    return !MaySeePrecinct(principal, {v.county, v.precinct});
  });
  return static_cast<int64_t>(before - page.voters.size());
}

}  // namespace

Result<UniverseCriteria> CriteriaInScope(const Principal& principal, UniverseCriteria criteria) {
  if (principal.role != Role::kOrganizer) return criteria;
  // An organizer's area is her counties (a precinct in her scope does not make its county
  // hers), as for the volunteers she manages.
  const std::vector<std::string>& hers = principal.scope.counties;
  for (const std::string& county : criteria.counties) {
    if (!IsHers(hers, county))
      return PermissionDenied("county " + county + " is outside your counties");
  }
  for (const PrecinctKey& p : criteria.precincts) {
    if (!IsHers(hers, p.county)) {
      return PermissionDenied("precinct " + p.county + "/" + p.precinct +
                              " is outside your counties");
    }
  }
  if (criteria.counties.empty() && criteria.precincts.empty()) criteria.counties = hers;
  if (criteria.counties.empty() && criteria.precincts.empty()) {
    return PermissionDenied("you are assigned no counties");
  }
  return criteria;
}

Status CheckUniverseInScope(const Principal& principal, const Universe& universe) {
  if (principal.role == Role::kAdmin) return Status::Ok();
  if (principal.role != Role::kOrganizer) {
    return PermissionDenied("voter lists are for admins and organizers");
  }
  const UniverseCriteria& c = universe.criteria;
  if (c.counties.empty() && c.precincts.empty()) {
    return PermissionDenied("universe '" + universe.name + "' reaches beyond your counties");
  }
  Result<UniverseCriteria> scoped = CriteriaInScope(principal, c);
  if (!scoped.ok()) {
    return PermissionDenied("universe '" + universe.name + "' reaches beyond your counties");
  }
  return Status::Ok();
}

// The criteria of a body, checked against the field book (codes, questions, tags).
Result<UniverseCriteria> CriteriaFromBody(Store& store, std::string_view criteria_json,
                                          const Clock& clock) {
  NARWHAL_ASSIGN_OR_RETURN(UniverseCriteria criteria,
                           ParseUniverseCriteria(criteria_json, CurrentYear(clock)));
  if (ContactStore* log = store.Contacts(); log != nullptr) {
    NARWHAL_ASSIGN_OR_RETURN(SavedFieldBook book, log->CurrentFieldBook());
    NARWHAL_RETURN_IF_ERROR(CheckCriteriaAgainstBook(criteria, book.book));
  }
  return criteria;
}

json::object UniverseCountJson(const UniverseCount& count) {
  json::array parties;
  for (const auto& [party, voters] : count.by_party) {
    parties.push_back(json::object{{"party", party}, {"voters", voters}});
  }
  json::array elections;
  for (const std::string& e : count.elections) elections.emplace_back(e);
  return {{"voters", count.voters},
          {"by_party", std::move(parties)},
          {"elections", std::move(elections)}};
}

json::object UniverseJson(const Universe& u) {
  return {{"id", u.id},
          {"name", u.name},
          {"description", u.description},
          {"criteria", json::parse(UniverseCriteriaJson(u.criteria))},
          {"created_by", u.created_by},
          {"created_at", u.created_at},
          {"updated_at", u.updated_at}};
}

json::object VoterListJson(const VoterList& l) {
  return {{"id", l.id},
          {"universe_id", l.universe_id},
          {"universe_name", l.universe_name},
          {"election", l.election.empty() ? json::value() : json::value(l.election)},
          {"voters", l.voters},
          {"created_by", l.created_by},
          {"created_at", l.created_at}};
}

json::object ListVotersPageJson(const ListVotersPage& page) {
  json::array voters;
  for (const VoterSummary& v : page.voters) voters.push_back(VoterSummaryJson(v));
  return {
      {"list", VoterListJson(page.list)},
      {"voters", std::move(voters)},
      {"dropped",
       {{"voted", page.dropped_voted},
        {"moved", page.dropped_moved},
        {"removed", page.dropped_removed},
        {"suppressed", page.dropped_suppressed}}},
      {"next_cursor", page.next_cursor.empty() ? json::value() : json::value(page.next_cursor)}};
}

void AddUniverseRoutes(std::vector<Route>& routes, Store& store, const Clock& clock) {
  const auto kPlanners = AuthRequirement::AnyRole({Role::kAdmin, Role::kOrganizer, Role::kAnalyst});
  const auto kManagers = AuthRequirement::AnyRole({Role::kAdmin, Role::kOrganizer});

  routes.push_back({"GET", "/api/v1/elections", "list_elections", kPlanners,
                    [&store](const HttpRequest&, RequestContext& c) -> Result<HttpResponse> {
                      NARWHAL_RETURN_IF_ERROR(NoQuery(c));
                      NARWHAL_ASSIGN_OR_RETURN(UniverseStore * universes, UniversesOf(store));
                      NARWHAL_ASSIGN_OR_RETURN(std::vector<ElectionInfo> elections,
                                               universes->ListElections());
                      json::array out;
                      for (const ElectionInfo& e : elections) {
                        out.push_back(json::object{{"date", e.date},
                                                   {"description", e.description},
                                                   {"kind", ElectionKindName(e.kind)},
                                                   {"voters", e.voters}});
                      }
                      return JsonBody({{"elections", std::move(out)}});
                    },
                    std::string(kElectionsDoc)});
  routes.push_back(
      {"POST", "/api/v1/universes/count", "count_universe", kPlanners,
       [&store, &clock](const HttpRequest& r, RequestContext& c) -> Result<HttpResponse> {
         NARWHAL_RETURN_IF_ERROR(NoQuery(c));
         NARWHAL_ASSIGN_OR_RETURN(UniverseStore * universes, UniversesOf(store));
         NARWHAL_ASSIGN_OR_RETURN(json::object body,
                                  ParseJsonRequest(r.Header("content-type"), r.body, kCountFields));
         NARWHAL_ASSIGN_OR_RETURN(
             UniverseCriteria criteria,
             CriteriaFromBody(store, json::serialize(body.at("criteria")), clock));
         NARWHAL_ASSIGN_OR_RETURN(criteria, CriteriaInScope(c.principal, std::move(criteria)));
         NARWHAL_ASSIGN_OR_RETURN(UniverseCount count, universes->CountUniverse(criteria));
         return JsonBody(UniverseCountJson(count));
       },
       Doc(kCountDoc)});
  routes.push_back({"GET", "/api/v1/universes", "list_universes", kPlanners,
                    [&store](const HttpRequest&, RequestContext& c) -> Result<HttpResponse> {
                      NARWHAL_RETURN_IF_ERROR(NoQuery(c));
                      NARWHAL_ASSIGN_OR_RETURN(UniverseStore * universes, UniversesOf(store));
                      NARWHAL_ASSIGN_OR_RETURN(std::vector<Universe> all,
                                               universes->ListUniverses());
                      json::array out;
                      for (const Universe& u : all) out.push_back(UniverseJson(u));
                      return JsonBody({{"universes", std::move(out)}});
                    },
                    std::string(kListUniversesDoc)});
  routes.push_back(
      {"POST", "/api/v1/universes", "save_universe", kManagers,
       [&store, &clock](const HttpRequest& r, RequestContext& c) -> Result<HttpResponse> {
         NARWHAL_RETURN_IF_ERROR(NoQuery(c));
         NARWHAL_ASSIGN_OR_RETURN(UniverseStore * universes, UniversesOf(store));
         NARWHAL_ASSIGN_OR_RETURN(json::object body,
                                  ParseJsonRequest(r.Header("content-type"), r.body, kSaveFields));
         NewUniverse u;
         u.name = std::string(body.at("name").as_string());
         if (const json::value* d = body.if_contains("description")) {
           u.description = std::string(d->as_string());
         }
         NARWHAL_ASSIGN_OR_RETURN(
             u.criteria, CriteriaFromBody(store, json::serialize(body.at("criteria")), clock));
         NARWHAL_ASSIGN_OR_RETURN(u.criteria, CriteriaInScope(c.principal, std::move(u.criteria)));
         // Replacing a universe is changing it: an organizer may only replace one inside her
         // counties (its lists would otherwise open to her).
         if (Result<Universe> existing = universes->FindUniverse(u.name); existing.ok()) {
           NARWHAL_RETURN_IF_ERROR(CheckUniverseInScope(c.principal, *existing));
         } else if (existing.status().code() != ErrorCode::kNotFound) {
           return existing.status();
         }
         u.user_id = c.principal.user_id;
         u.at = clock.Now();
         NARWHAL_ASSIGN_OR_RETURN(Universe saved, universes->SaveUniverse(u));
         NARWHAL_ASSIGN_OR_RETURN(UniverseCount count, universes->CountUniverse(saved.criteria));
         c.AuditChange("universe.save", std::to_string(saved.id),
                       json::serialize(json::object{
                           {"name", saved.name},
                           {"criteria", json::parse(UniverseCriteriaJson(saved.criteria))}}));
         json::object out = UniverseJson(saved);
         out["count"] = UniverseCountJson(count);
         return JsonBody(out, 201);
       },
       Doc(kSaveUniverseDoc)});
  routes.push_back(
      {"GET", "/api/v1/universes/{universe_id}", "get_universe", kPlanners,
       [&store](const HttpRequest&, RequestContext& c) -> Result<HttpResponse> {
         NARWHAL_RETURN_IF_ERROR(NoQuery(c));
         NARWHAL_ASSIGN_OR_RETURN(UniverseStore * universes, UniversesOf(store));
         NARWHAL_ASSIGN_OR_RETURN(int64_t id,
                                  ParsePositiveId("universe_id", c.PathParam("universe_id")));
         NARWHAL_ASSIGN_OR_RETURN(Universe u, universes->GetUniverse(id));
         NARWHAL_ASSIGN_OR_RETURN(UniverseCriteria scoped,
                                  CriteriaInScope(c.principal, u.criteria));
         NARWHAL_ASSIGN_OR_RETURN(UniverseCount count, universes->CountUniverse(scoped));
         NARWHAL_ASSIGN_OR_RETURN(std::vector<VoterList> lists, universes->ListsOf(id));
         json::object out = UniverseJson(u);
         out["count"] = UniverseCountJson(count);
         json::array made;
         for (const VoterList& l : lists) made.push_back(VoterListJson(l));
         out["lists"] = std::move(made);
         return JsonBody(out);
       },
       std::string(kGetUniverseDoc)});
  routes.push_back(
      {"POST", "/api/v1/universes/{universe_id}/lists", "make_list", kManagers,
       [&store, &clock](const HttpRequest& r, RequestContext& c) -> Result<HttpResponse> {
         NARWHAL_RETURN_IF_ERROR(NoQuery(c));
         NARWHAL_ASSIGN_OR_RETURN(UniverseStore * universes, UniversesOf(store));
         NARWHAL_ASSIGN_OR_RETURN(int64_t id,
                                  ParsePositiveId("universe_id", c.PathParam("universe_id")));
         NARWHAL_ASSIGN_OR_RETURN(json::object body, ParseJsonRequest(r.Header("content-type"),
                                                                      r.body, kMakeListFields));
         NARWHAL_ASSIGN_OR_RETURN(Universe u, universes->GetUniverse(id));
         NARWHAL_RETURN_IF_ERROR(CheckUniverseInScope(c.principal, u));
         NewVoterList list;
         list.universe_id = id;
         if (const json::value* e = body.if_contains("election")) {
           list.election = std::string(e->as_string());
         }
         list.idempotency_key = std::string(r.Header("idempotency-key"));
         if (const json::value* k = body.if_contains("idempotency_key")) {
           list.idempotency_key = std::string(k->as_string());
         }
         if (list.idempotency_key.size() > 100) {
           return BadParam("Idempotency-Key", "longer than 100 characters");
         }
         list.user_id = c.principal.user_id;
         list.at = clock.Now();
         NARWHAL_ASSIGN_OR_RETURN(VoterList made, universes->MakeList(list));
         c.AuditChange("list.create", std::to_string(made.id),
                       json::serialize(json::object{{"universe_id", id}, {"voters", made.voters}}));
         return JsonBody(VoterListJson(made), 201);
       },
       std::string(kMakeListDoc)});
  routes.push_back(
      {"GET", "/api/v1/lists/{list_id}/voters", "list_voters", kManagers,
       [&store](const HttpRequest&, RequestContext& c) -> Result<HttpResponse> {
         NARWHAL_ASSIGN_OR_RETURN(UniverseStore * universes, UniversesOf(store));
         QueryReader reader(c.query, {"limit", "cursor"});
         NARWHAL_RETURN_IF_ERROR(reader.CheckNames());
         ListVotersQuery query;
         NARWHAL_ASSIGN_OR_RETURN(query.list_id,
                                  ParsePositiveId("list_id", c.PathParam("list_id")));
         NARWHAL_ASSIGN_OR_RETURN(int64_t limit, reader.GetInt("limit", 1, 1000, 100));
         query.limit = static_cast<int>(limit);
         NARWHAL_ASSIGN_OR_RETURN(query.cursor, reader.Get("cursor", kMaxCursorChars));
         NARWHAL_ASSIGN_OR_RETURN(VoterList list, universes->GetList(query.list_id));
         NARWHAL_ASSIGN_OR_RETURN(Universe u, universes->GetUniverse(list.universe_id));
         const std::string target = std::to_string(query.list_id);
         if (Status in_scope = CheckUniverseInScope(c.principal, u); !in_scope.ok()) {
           c.AuditRead("list.read_denied", target);
           return in_scope;
         }
         NARWHAL_ASSIGN_OR_RETURN(ListVotersPage page, universes->ListVoters(query));
         // A list is a snapshot of its universe's criteria when it was made; an organizer sees
         // only its voters inside her counties, whatever the criteria say now.
         const int64_t outside = OutsideScopeDropped(c.principal, page);
         json::array ids;
         for (const VoterSummary& v : page.voters) ids.emplace_back(v.voter_id);
         c.AuditRead("list.read", target,
                     json::serialize(json::object{
                         {"count", static_cast<int64_t>(page.voters.size())}, {"voter_ids", ids}}));
         json::object out = ListVotersPageJson(page);
         out["dropped"].as_object()["outside_scope"] = outside;
         return JsonBody(out);
       },
       std::string(kListVotersDoc)});
}

}  // namespace narwhal

#include "http/turf_api.h"

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <iterator>
#include <string>
#include <utility>

#include "http/access_policy.h"
#include "http/params.h"

namespace narwhal {
namespace {

namespace json = boost::json;

constexpr std::string_view kListTurfsDoc = R"json({
  "summary": "Kept turfs with their list numbers and progress, newest cut first",
  "description": "Admins: every turf (or a county's, a precinct's); organizers: those of their counties; canvassers: those assigned to them. Progress: the doors and voters with a result recorded on the turf.",
  "tags": ["turfs"],
  "parameters": [
    {"name": "county", "in": "query", "schema": {"type": "string", "maxLength": 16}},
    {"name": "precinct", "in": "query", "schema": {"type": "string", "maxLength": 32}}],
  "responses": {
    "200": {"description": "Turfs", "content": {"application/json": {"schema": {"type": "object",
      "properties": {"turfs": {"type": "array", "items": {"type": "object"}}}}}}},
    "403": {"$ref": "#/components/responses/Problem"}}
})json";

constexpr std::string_view kGetTurfDoc = R"json({
  "summary": "A turf by its list number: its doors in walk order, their voters and the latest result on each",
  "description": "What a canvasser's phone downloads. The list number is read as people type it (lower case, a dash, O for 0); a mistyped one is a 400, not a 404. Audited as turf.read.",
  "tags": ["turfs"],
  "parameters": [
    {"name": "list_number", "in": "path", "required": true, "schema": {"type": "string", "maxLength": 16}}],
  "responses": {
    "200": {"description": "The turf", "content": {"application/json": {"schema": {"type": "object"}}}},
    "400": {"$ref": "#/components/responses/Problem"},
    "403": {"$ref": "#/components/responses/Problem"},
    "404": {"$ref": "#/components/responses/Problem"}}
})json";

constexpr std::string_view kTurfActivityDoc = R"json({
  "summary": "Who canvassed a turf and how it went: per canvasser, results, doors, voters reached, contact rate, minutes between doors",
  "description": "The organizer's live view of a turf. Times between doors are by the canvasser's phone when it sent its clock (results sent in a batch after airplane mode keep their spacing). Admins, and organizers of the turf's county.",
  "tags": ["turfs"],
  "parameters": [
    {"name": "list_number", "in": "path", "required": true, "schema": {"type": "string", "maxLength": 16}}],
  "responses": {
    "200": {"description": "The turf and its canvassers", "content": {"application/json": {"schema": {"type": "object"}}}},
    "400": {"$ref": "#/components/responses/Problem"},
    "403": {"$ref": "#/components/responses/Problem"},
    "404": {"$ref": "#/components/responses/Problem"}}
})json";

std::string FullName(const Resident& r) {
  std::string out = r.first_name;
  for (const std::string* part : {&r.middle_name, &r.last_name, &r.name_suffix}) {
    if (part->empty()) continue;
    if (!out.empty()) out += " ";
    out += *part;
  }
  return out;
}

bool Has(const std::vector<std::string>& values, std::string_view value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

int YearOf(TimePoint t) {
  return static_cast<int>(
      std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(t)).year());
}

}  // namespace

json::object TurfSummaryJson(const TurfSummary& t) {
  return {{"list_number", t.list_number},
          {"cut_id", t.cut_id},
          {"number", t.number},
          {"of", t.of},
          {"county", t.county},
          {"precinct", t.precinct},
          {"universe_id", t.universe_id == 0 ? json::value() : json::value(t.universe_id)},
          {"doors", t.doors},
          {"voters", t.voters},
          {"route_metres", std::round(t.route_metres)},
          {"minutes", std::round(t.minutes * 10) / 10},
          {"drive", t.drive},
          {"created_at", t.created_at},
          {"doors_contacted", t.doors_contacted},
          {"voters_contacted", t.voters_contacted}};
}

Status CheckTurfAccess(const Principal& principal, const TurfSummary& turf) {
  switch (principal.role) {
    case Role::kAdmin: return Status::Ok();
    case Role::kOrganizer:
      if (Has(principal.scope.counties, turf.county)) return Status::Ok();
      return PermissionDenied("turf " + turf.list_number + " is in county " + turf.county +
                              ", outside your counties");
    case Role::kCanvasser:
      if (Has(principal.scope.turfs, turf.list_number)) return Status::Ok();
      return PermissionDenied("turf " + turf.list_number + " is not assigned to you");
    default: return PermissionDenied("your role reads no turfs");
  }
}

Result<TurfSheet> GetTurfFor(Store& store, std::string_view list_number,
                             const Principal& principal) {
  TurfStore* turfs = store.Turfs();
  if (turfs == nullptr) return Unavailable("this store keeps no turfs");
  NARWHAL_ASSIGN_OR_RETURN(std::string number, ParseListNumber(list_number));
  // A canvasser is told "not yours" for any turf outside her list, so numbers are not
  // probed through the difference between 403 and 404.
  if (principal.role == Role::kCanvasser && !Has(principal.scope.turfs, number)) {
    return PermissionDenied("turf " + number + " is not assigned to you");
  }
  NARWHAL_ASSIGN_OR_RETURN(TurfSheet sheet, turfs->GetTurf(number));
  NARWHAL_RETURN_IF_ERROR(CheckTurfAccess(principal, sheet.turf));
  return sheet;
}

json::object TurfSheetJson(const TurfSheet& sheet, int year) {
  json::object o = TurfSummaryJson(sheet.turf);
  json::array stops;
  for (size_t k = 0; k < sheet.stops.size(); ++k) {
    const TurfStop& s = sheet.stops[k];
    json::object stop{{"stop", k + 1}, {"address", s.address}, {"voters", json::array()}};
    if (s.lat && s.lon) {
      stop["lat"] = *s.lat;
      stop["lon"] = *s.lon;
    }
    stops.push_back(std::move(stop));
  }
  for (const TurfVoter& v : sheet.voters) {
    json::object voter{{"voter_id", v.resident.voter_id},
                       {"name", FullName(v.resident)},
                       {"gender", v.resident.gender},
                       {"party", v.resident.party},
                       {"removed", v.removed}};
    voter["age"] = v.resident.birth_year > 0 && year > 0 ? json::value(year - v.resident.birth_year)
                                                         : json::value();
    if (v.last_result.empty()) {
      voter["last"] = nullptr;
    } else {
      voter["last"] = json::object{
          {"result", v.last_result},
          {"support", v.last_support == 0 ? json::value() : json::value(v.last_support)},
          {"at", v.last_at},
          {"user_id", v.last_user_id},
          {"contact_id", v.last_contact_id}};
    }
    stops[static_cast<size_t>(v.stop - 1)].as_object()["voters"].as_array().push_back(
        std::move(voter));
  }
  o["stops"] = std::move(stops);
  return o;
}

Result<json::object> TurfActivityJson(Store& store, std::string_view list_number,
                                      const Principal& principal) {
  NARWHAL_ASSIGN_OR_RETURN(TurfSheet sheet, GetTurfFor(store, list_number, principal));
  NARWHAL_ASSIGN_OR_RETURN(std::vector<DoorContact> contacts,
                           store.Turfs()->TurfContacts(sheet.turf.list_number));
  json::array canvassers;
  for (const CanvasserActivity& a : SummarizeCanvassers(contacts)) {
    std::string name;
    if (a.user_id != 0) {
      Result<User> user = store.GetUser(a.user_id);
      if (user.ok()) name = user->name;
    }
    canvassers.push_back(
        json::object{{"user_id", a.user_id},
                     {"name", a.user_id == 0 ? "command line" : name},
                     {"contacts", a.contacts},
                     {"doors", a.doors},
                     {"voters", a.voters},
                     {"voters_reached", a.voters_reached},
                     {"contact_rate", std::round(a.contact_rate * 1000) / 1000},
                     {"minutes_between_doors", std::round(a.minutes_between_doors * 10) / 10},
                     {"first_at", a.first_at},
                     {"last_at", a.last_at}});
  }
  // The doors for the map, without names: where, in walk order, and whether reached.
  std::vector<bool> reached(sheet.stops.size(), false);
  for (const TurfVoter& v : sheet.voters) {
    if (!v.last_result.empty()) reached[static_cast<size_t>(v.stop - 1)] = true;
  }
  json::array stops;
  for (size_t k = 0; k < sheet.stops.size(); ++k) {
    const TurfStop& s = sheet.stops[k];
    json::object stop{{"stop", k + 1}, {"address", s.address}, {"reached", reached[k]}};
    if (s.lat && s.lon) {
      stop["lat"] = *s.lat;
      stop["lon"] = *s.lon;
    }
    stops.push_back(std::move(stop));
  }
  json::object out = TurfSummaryJson(sheet.turf);
  out["canvassers"] = std::move(canvassers);
  out["stops"] = std::move(stops);
  return out;
}

void AddTurfRoutes(std::vector<Route>& routes, Store& store, const Clock& clock) {
  const auto kReaders =
      AuthRequirement::AnyRole({Role::kAdmin, Role::kOrganizer, Role::kCanvasser});
  routes.push_back(
      {"GET", "/api/v1/turfs", "list_turfs", kReaders,
       [&store](const HttpRequest&, RequestContext& c) -> Result<HttpResponse> {
         QueryReader reader(c.query, {"county", "precinct"});
         NARWHAL_RETURN_IF_ERROR(reader.CheckNames());
         NARWHAL_ASSIGN_OR_RETURN(std::string county, reader.GetCode("county", 16));
         NARWHAL_ASSIGN_OR_RETURN(std::string precinct, reader.GetCode("precinct", 32));
         TurfStore* turfs = store.Turfs();
         if (turfs == nullptr) return Unavailable("this store keeps no turfs");
         std::vector<TurfSummary> found;
         if (c.principal.role == Role::kCanvasser) {
           for (const std::string& number : c.principal.scope.turfs) {
             Result<TurfSheet> sheet = turfs->GetTurf(number);
             if (sheet.status().code() == ErrorCode::kNotFound) continue;
             NARWHAL_RETURN_IF_ERROR(sheet.status());
             found.push_back(std::move(sheet->turf));
           }
         } else {
           NARWHAL_ASSIGN_OR_RETURN(std::vector<std::string> counties,
                                    CountiesFor(c.principal, county));
           for (const std::string& each : counties) {
             NARWHAL_ASSIGN_OR_RETURN(std::vector<TurfSummary> some,
                                      turfs->ListTurfs({each, precinct, 5000}));
             std::move(some.begin(), some.end(), std::back_inserter(found));
           }
         }
         // Newest cut first, then by number, across counties too.
         std::stable_sort(found.begin(), found.end(),
                          [](const TurfSummary& a, const TurfSummary& b) {
                            return a.cut_id != b.cut_id ? a.cut_id > b.cut_id : a.number < b.number;
                          });
         json::array out;
         for (const TurfSummary& t : found) out.push_back(TurfSummaryJson(t));
         return JsonResponse(json::serialize(json::object{{"turfs", std::move(out)}}));
       },
       std::string(kListTurfsDoc)});
  routes.push_back({"GET", "/api/v1/turfs/{list_number}/activity", "turf_activity",
                    AuthRequirement::AnyRole({Role::kAdmin, Role::kOrganizer}),
                    [&store](const HttpRequest&, RequestContext& c) -> Result<HttpResponse> {
                      NARWHAL_RETURN_IF_ERROR(QueryReader(c.query, {}).CheckNames());
                      const std::string typed(c.PathParam("list_number"));
                      Result<json::object> out = TurfActivityJson(store, typed, c.principal);
                      if (!out.ok()) {
                        if (out.status().code() == ErrorCode::kPermissionDenied) {
                          c.AuditRead("turf.activity_denied", typed.substr(0, 16));
                        }
                        return out.status();
                      }
                      c.AuditRead("turf.activity", std::string(out->at("list_number").as_string()));
                      return JsonResponse(json::serialize(*out));
                    },
                    std::string(kTurfActivityDoc)});
  routes.push_back(
      {"GET", "/api/v1/turfs/{list_number}", "get_turf", kReaders,
       [&store, &clock](const HttpRequest&, RequestContext& c) -> Result<HttpResponse> {
         NARWHAL_RETURN_IF_ERROR(QueryReader(c.query, {}).CheckNames());
         const std::string typed(c.PathParam("list_number"));
         Result<TurfSheet> sheet = GetTurfFor(store, typed, c.principal);
         if (!sheet.ok()) {
           if (sheet.status().code() == ErrorCode::kPermissionDenied) {
             c.AuditRead("turf.read_denied", typed.substr(0, 16));
           }
           return sheet.status();
         }
         c.AuditRead(
             "turf.read", sheet->turf.list_number,
             json::serialize(json::object{{"voters", static_cast<int64_t>(sheet->voters.size())}}));
         return JsonResponse(json::serialize(TurfSheetJson(*sheet, YearOf(clock.Now()))));
       },
       std::string(kGetTurfDoc)});
}

}  // namespace narwhal

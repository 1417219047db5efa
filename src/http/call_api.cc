#include "http/call_api.h"

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <string>
#include <utility>

#include "domain/call.h"
#include "domain/calling_hours.h"
#include "domain/do_not_contact.h"
#include "domain/field_book.h"
#include "http/json_body.h"
#include "http/openapi_doc.h"
#include "http/params.h"
#include "storage/suppression_store.h"

namespace narwhal {
namespace {

namespace json = boost::json;

constexpr int64_t kMsPerSecond = 1000;
// How far ahead a caller may book a call back.
constexpr int64_t kMaxCallBackMs = 30LL * 24 * 3600 * 1000;

constexpr JsonField kCreateFields[] = {
    {.name = "name", .kind = JsonKind::kString, .required = true, .max_chars = 100},
    {.name = "list_id", .kind = JsonKind::kInteger, .required = true},
    {.name = "script", .kind = JsonKind::kString, .max_chars = 40},
    {.name = "call_from", .kind = JsonKind::kString, .max_chars = 5},
    {.name = "call_until", .kind = JsonKind::kString, .max_chars = 5},
};
constexpr JsonField kCallersFields[] = {
    {.name = "user_ids", .kind = JsonKind::kIntegerArray, .required = true, .max_items = 1000},
};
constexpr JsonField kLeaseFields[] = {
    {.name = "lease_seconds", .kind = JsonKind::kInteger},
};
constexpr JsonField kClaimFields[] = {
    {.name = "lease_seconds", .kind = JsonKind::kInteger},
    {.name = "household", .kind = JsonKind::kBoolean},
};

constexpr std::string_view kListId =
    R"({"name": "list_id", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 1}})";
constexpr std::string_view kPosition =
    R"({"name": "position", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 1}})";

std::string Doc(std::string_view summary, std::string_view description, std::string_view parameters,
                std::string_view body, std::string_view ok) {
  return OperationDoc("phone banks", summary, description, parameters, body, ok);
}

constexpr std::string_view kObjectOk = kJsonObjectOk;
constexpr std::string_view kCreatedOk = kJsonObjectCreated;
constexpr std::string_view kClaimBody =
    R"({"type": "object", "additionalProperties": false, "properties": {"lease_seconds": {"type": "integer", "minimum": 1, "maximum": 3600, "default": 600}, "household": {"type": "boolean", "default": false}}})";
constexpr std::string_view kLeaseBody =
    R"({"type": "object", "additionalProperties": false, "properties": {"lease_seconds": {"type": "integer", "minimum": 1, "maximum": 3600, "default": 600}}})";

int64_t MillisOf(TimePoint t) {
  return UnixMillis(t);
}

std::string IsoOfMillis(int64_t ms) {
  return FormatIso8601(FromUnixMillis(ms));
}

int YearOfMillis(int64_t ms) {
  const auto days = std::chrono::floor<std::chrono::days>(TimePoint(std::chrono::milliseconds(ms)));
  return static_cast<int>(std::chrono::year_month_day(days).year());
}

Result<CallStore*> CallsOf(Store& store) {
  CallStore* calls = store.Calls();
  if (calls == nullptr) return Unavailable("this store keeps no call lists");
  return calls;
}

// The lease a body asks for, in ms: lease_seconds, default kDefaultLease.
Result<int64_t> LeaseOf(const json::object& body) {
  int64_t seconds = kDefaultLease.count();
  if (const json::value* v = body.if_contains("lease_seconds")) {
    seconds = v->as_int64();
    if (seconds < 1 || seconds > kMaxLease.count()) {
      return BadParam("lease_seconds", "must be 1 to " + std::to_string(kMaxLease.count()));
    }
  }
  return seconds * kMsPerSecond;
}

Result<CallingWindow> WindowOf(const json::object& body) {
  CallingWindow w;
  if (const json::value* v = body.if_contains("call_from")) {
    Result<int> m = ParseClockMinute(v->as_string());
    if (!m.ok()) return BadParam("call_from", m.status().message());
    w.from_minute = *m;
  }
  if (const json::value* v = body.if_contains("call_until")) {
    Result<int> m = ParseClockMinute(v->as_string());
    if (!m.ok()) return BadParam("call_until", m.status().message());
    w.until_minute = *m;
  }
  NARWHAL_RETURN_IF_ERROR(ValidateWindow(w));
  return w;
}

bool IsManager(const Principal& p) {
  return p.role == Role::kAdmin || p.role == Role::kOrganizer;
}

// The call list a request names ({list_id}), once the request is found fit to work on it:
// no query parameters, a store that keeps call lists, the id well-formed, and the caller
// allowed on the list (CheckCallListAccess).
struct ListRequest {
  CallStore* calls = nullptr;
  int64_t list_id = 0;
};
Result<ListRequest> OpenListRequest(Store& store, const RequestContext& c) {
  NARWHAL_RETURN_IF_ERROR(QueryReader(c.query, {}).CheckNames());
  NARWHAL_ASSIGN_OR_RETURN(CallStore * calls, CallsOf(store));
  NARWHAL_ASSIGN_OR_RETURN(int64_t id, ParsePositiveId("list_id", c.PathParam("list_id")));
  NARWHAL_RETURN_IF_ERROR(CheckCallListAccess(*calls, c.principal, id));
  return ListRequest{calls, id};
}

Result<int64_t> PositionOf(const RequestContext& c) {
  return ParsePositiveId("position", c.PathParam("position"));
}

// The window a list's pace is read over.
constexpr int64_t kActivityMinutes = 10;

json::object CallActivityJson(const CallActivity& a, const FieldBook& book, int64_t left) {
  json::array results;
  int64_t reached = 0;
  for (const auto& [code, people] : a.last_results) {
    const std::optional<ResultMeaning> meaning = MeaningOf(book, code);
    const ResultCategory category = meaning ? meaning->category : ResultCategory::kRetry;
    if (category == ResultCategory::kSuccess) reached += people;
    results.push_back(json::object{{"code", code},
                                   {"name", meaning ? meaning->name : code},
                                   {"category", ResultCategoryName(category)},
                                   {"people", people}});
  }
  const double per_minute = static_cast<double>(a.finished_since) / kActivityMinutes;
  return {
      {"callers_holding", a.callers_holding},
      {"minutes", kActivityMinutes},
      {"calls_finished", a.finished_since},
      {"per_minute", per_minute},
      {"called", a.called},
      {"reached", reached},
      {"contact_rate",
       a.called > 0 ? json::value(static_cast<double>(reached) / static_cast<double>(a.called))
                    : json::value()},
      {"runs_out_in_minutes",
       per_minute > 0 ? json::value(static_cast<int64_t>(static_cast<double>(left) / per_minute))
                      : json::value()},
      {"results", std::move(results)}};
}

Result<json::object> CallListDetailJson(Store& store, CallStore& calls, int64_t list_id,
                                        const Principal& principal, int64_t now_ms) {
  NARWHAL_ASSIGN_OR_RETURN(CallList list, calls.GetCallList(list_id, now_ms));
  json::object out = CallListJson(list);
  NARWHAL_ASSIGN_OR_RETURN(std::vector<CallZoneCount> zones, calls.CallListZones(list_id));
  out["zones"] = CallZonesJson(zones, list.window, now_ms);
  if (!IsManager(principal)) return out;
  NARWHAL_ASSIGN_OR_RETURN(
      json::object activity,
      ReadCallActivityJson(store, calls, list_id, now_ms, out.at("left").as_int64()));
  out["activity"] = std::move(activity);
  NARWHAL_ASSIGN_OR_RETURN(std::vector<int64_t> callers, calls.CallersOf(list_id));
  json::array named;
  for (int64_t id : callers) {
    Result<User> user = store.GetUser(id);
    named.push_back(json::object{{"user_id", id}, {"name", user.ok() ? user->name : ""}});
  }
  out["callers"] = std::move(named);
  return out;
}

}  // namespace

Result<json::object> ReadCallActivityJson(Store& store, CallStore& calls, int64_t list_id,
                                          int64_t now_ms, int64_t left) {
  NARWHAL_ASSIGN_OR_RETURN(
      CallActivity activity,
      calls.CallListActivity(list_id, now_ms, now_ms - kActivityMinutes * 60 * kMsPerSecond));
  FieldBook book;  // the core codes, when the store keeps no book
  if (ContactStore* log = store.Contacts(); log != nullptr) {
    NARWHAL_ASSIGN_OR_RETURN(SavedFieldBook saved, log->CurrentFieldBook());
    book = std::move(saved.book);
  }
  return CallActivityJson(activity, book, left);
}

json::array CallZonesJson(const std::vector<CallZoneCount>& zones, const CallingWindow& window,
                          int64_t now_ms) {
  const uint64_t open = OpenZones(window, now_ms);
  json::array out;
  for (const CallZoneCount& z : zones) {
    Result<CallZone> zone = CallZoneById(z.zone);
    if (!zone.ok()) continue;
    const std::string_view tz = zone->tz.front();
    out.push_back(json::object{{"zone", zone->name},
                               {"label", zone->label},
                               {"left", z.left},
                               {"open_now", ((open >> z.zone) & 1) != 0},
                               {"local_time", FormatClockMinute(LocalMinute(tz, now_ms))}});
  }
  return out;
}

json::object CallListJson(const CallList& l) {
  return {{"id", l.id},
          {"name", l.name},
          {"voter_list_id", l.voter_list_id},
          {"script", l.script},
          {"call_from", FormatClockMinute(l.window.from_minute)},
          {"call_until", FormatClockMinute(l.window.until_minute)},
          {"people", l.people},
          {"done", l.done},
          {"held", l.held},
          {"waiting", l.waiting},
          {"dropped", l.dropped},
          {"left", l.people - l.done - l.dropped},
          {"created_by", l.created_by},
          {"created_at", IsoOfMillis(l.created_at_ms)}};
}

Status CheckCallListAccess(CallStore& calls, const Principal& principal, int64_t list_id) {
  if (IsManager(principal)) return Status::Ok();
  if (principal.role == Role::kPhoneBanker) {
    NARWHAL_ASSIGN_OR_RETURN(std::vector<int64_t> mine, calls.CallListsOf(principal.user_id));
    if (std::find(mine.begin(), mine.end(), list_id) != mine.end()) return Status::Ok();
  }
  return PermissionDenied("call list " + std::to_string(list_id) + " is not assigned to you");
}

json::object CallClaimJson(const CallClaim& claim, const VoterRecord& record, int64_t now_ms) {
  const Voter& v = record.voter;
  std::string name = v.first_name;
  for (const std::string* part : {&v.middle_name, &v.last_name, &v.name_suffix}) {
    if (!part->empty()) name += " " + *part;
  }
  const int year = YearOfMillis(now_ms);
  json::object zone{{"label", ""}, {"local_time", ""}};
  if (Result<CallZone> z = CallZoneById(claim.zone); z.ok()) {
    zone = {{"zone", z->name},
            {"label", z->label},
            {"local_time", FormatClockMinute(LocalMinute(z->tz.front(), now_ms))}};
  }
  return {
      {"list_id", claim.list_id},
      {"position", claim.position},
      {"phone", claim.phone},
      {"phones", json::array{json::value(claim.phone)}},
      {"phone_index", 1},
      {"attempts", claim.attempts},
      {"lease_until", IsoOfMillis(claim.lease_until_ms)},
      {"lease_seconds", (claim.lease_until_ms - now_ms) / kMsPerSecond},
      {"zone", std::move(zone)},
      {"voter", json::object{{"voter_id", v.voter_id},
                             {"name", name},
                             {"first_name", v.first_name},
                             {"last_name", v.last_name},
                             {"age", v.birth_year > 0 ? json::value(year - v.birth_year) : nullptr},
                             {"gender", v.gender},
                             {"party", v.party},
                             {"city", v.residence.city},
                             {"zip", v.residence.zip}}}};
}

Result<CallResult> ParseCallResult(std::string_view content_type, std::string_view body) {
  std::vector<JsonField> fields(ContactFields().begin(), ContactFields().end());
  fields.push_back({.name = "call_back_at", .kind = JsonKind::kString, .max_chars = 40});
  NARWHAL_ASSIGN_OR_RETURN(json::object o, ParseJsonRequest(content_type, body, fields));
  CallResult out;
  if (const json::value* at = o.if_contains("call_back_at")) {
    const std::optional<TimePoint> t = ParseIso8601(at->as_string());
    if (!t) return BadParam("call_back_at", "must be an ISO 8601 time");
    out.call_back_ms = MillisOf(*t);
    o.erase("call_back_at");
  }
  for (std::string_view forbidden : {"channel", "list_id", "turf"}) {
    if (o.contains(forbidden)) {
      return BadParam(forbidden, "is set by the call list, not the request");
    }
  }
  if (!o.contains("result") || o.at("result").as_string().empty()) {
    return BadParam("result", "a call's result code is required");
  }
  out.contact = ContactItemFromJson(o);
  NARWHAL_RETURN_IF_ERROR(out.contact.status);
  out.contact.report.channel = ContactChannel::kPhone;
  return out;
}

namespace {

// The do-not-contact entry that closes calls to the person `target` names (her phone on
// the list, herself, her door), or nullopt.
Result<std::optional<SuppressionEntry>> HeldBackFromCalls(Store& store, const CallTarget& target) {
  SuppressionStore* dnc = store.Suppressions();
  if (dnc == nullptr) return std::optional<SuppressionEntry>();
  NARWHAL_ASSIGN_OR_RETURN(VoterRecord voter, store.GetVoter(target.voter_id));
  const std::vector<std::string> keys = SuppressionKeysOf(
      target.voter_id, target.phone, voter.voter.residence.street, voter.voter.residence.zip);
  return dnc->FindSuppression(keys, ChannelBit(ContactChannel::kPhone));
}

}  // namespace

Result<json::object> FinishCallFor(Store& store, int64_t list_id, int64_t position,
                                   const CallResult& result, const Principal& principal,
                                   TimePoint at) {
  NARWHAL_ASSIGN_OR_RETURN(CallStore * calls, CallsOf(store));
  const int64_t now_ms = MillisOf(at);
  NARWHAL_ASSIGN_OR_RETURN(CallTarget target, calls->GetCallTarget(list_id, position));
  if (target.voter_id != result.contact.report.voter_id) {
    return BadParam("voter_id", "the person at place " + std::to_string(position) +
                                    " of this call list is not '" +
                                    result.contact.report.voter_id.substr(0, 64) + "'");
  }
  ContactItem item = result.contact;
  item.report.list_id = target.voter_list_id;
  const std::vector<ContactItem> items = {item};
  const std::vector<Status> in_scope = {Status::Ok()};
  ContactStore* log = store.Contacts();
  if (log == nullptr) return Unavailable("this store keeps no contacts");
  NARWHAL_ASSIGN_OR_RETURN(SavedFieldBook book, log->CurrentFieldBook());
  NARWHAL_ASSIGN_OR_RETURN(std::vector<ContactResult> recorded,
                           RecordCheckedContacts(store, items, in_scope, book, principal, at));
  NARWHAL_RETURN_IF_ERROR(recorded.front().status);
  json::object out{{"contact_id", recorded.front().contact_id},
                   {"outcome", recorded.front().replayed ? "replayed" : "recorded"}};
  // A retried request whose call was released the first time answers how it stands. One
  // whose first attempt recorded the call but never released her (the server died between
  // the two commits) releases her now: she is still this caller's, not done.
  if (recorded.front().replayed && (target.done || target.holder != principal.user_id)) {
    out["finished"] = target.done;
    out["next_call_at"] = target.done || target.holder != 0
                              ? json::value()
                              : json::value(IsoOfMillis(target.not_before_ms));
    return out;
  }
  const std::optional<ResultMeaning> meaning = MeaningOf(book.book, item.report.result);
  if (!meaning) return Internal("a recorded result has no meaning");
  std::optional<int64_t> next =
      NextCallAt(item.report.result, *meaning, target.attempts + 1, now_ms);
  if (next && result.call_back_ms) {
    // A call back at the time she asked for, within reason.
    next = std::clamp(*result.call_back_ms, now_ms, now_ms + kMaxCallBackMs);
  }
  // Checked again as the call ends: whoever was put on the do-not-contact list while she
  // was on the line is not called again, whatever the result.
  if (next) {
    NARWHAL_ASSIGN_OR_RETURN(std::optional<SuppressionEntry> held_back,
                             HeldBackFromCalls(store, target));
    if (held_back) {
      next.reset();
      out["do_not_contact"] = json::object{{"batch_id", held_back->batch_id}};
    }
  }
  NARWHAL_RETURN_IF_ERROR(
      calls->FinishCall(list_id, position, principal.user_id, next, item.report.result, now_ms));
  out["finished"] = !next.has_value();
  out["next_call_at"] = next ? json::value(IsoOfMillis(*next)) : json::value();
  return out;
}

void AddCallRoutes(std::vector<Route>& routes, Store& store, const Clock& clock) {
  const auto kManagers = AuthRequirement::AnyRole({Role::kAdmin, Role::kOrganizer});
  const auto kCallers =
      AuthRequirement::AnyRole({Role::kAdmin, Role::kOrganizer, Role::kPhoneBanker});

  routes.push_back(
      {"GET", "/api/v1/call-lists", "list_call_lists", kCallers,
       [&store, &clock](const HttpRequest&, RequestContext& c) -> Result<HttpResponse> {
         NARWHAL_RETURN_IF_ERROR(QueryReader(c.query, {}).CheckNames());
         NARWHAL_ASSIGN_OR_RETURN(CallStore * calls, CallsOf(store));
         const int64_t now_ms = MillisOf(clock.Now());
         std::vector<CallList> lists;
         if (IsManager(c.principal)) {
           NARWHAL_ASSIGN_OR_RETURN(lists, calls->ListCallLists(now_ms));
         } else {
           NARWHAL_ASSIGN_OR_RETURN(std::vector<int64_t> mine,
                                    calls->CallListsOf(c.principal.user_id));
           for (int64_t id : mine) {
             Result<CallList> l = calls->GetCallList(id, now_ms);
             if (l.status().code() == ErrorCode::kNotFound) continue;
             NARWHAL_RETURN_IF_ERROR(l.status());
             lists.push_back(*std::move(l));
           }
         }
         json::array out;
         for (const CallList& l : lists) out.push_back(CallListJson(l));
         return JsonResponse(json::serialize(json::object{{"call_lists", std::move(out)}}));
       },
       Doc("Call lists: all of them for admins and organizers, a phone banker's own",
           "Each with its calling hours and progress: people, done, held now, waiting for a "
           "retry, left.",
           "", "", kObjectOk)});

  routes.push_back(
      {"POST", "/api/v1/call-lists", "create_call_list", kManagers,
       [&store, &clock](const HttpRequest& r, RequestContext& c) -> Result<HttpResponse> {
         NARWHAL_RETURN_IF_ERROR(QueryReader(c.query, {}).CheckNames());
         NARWHAL_ASSIGN_OR_RETURN(CallStore * calls, CallsOf(store));
         NARWHAL_ASSIGN_OR_RETURN(
             json::object body, ParseJsonRequest(r.Header("content-type"), r.body, kCreateFields));
         NewCallList list;
         list.name = std::string(body.at("name").as_string());
         list.voter_list_id = body.at("list_id").as_int64();
         if (const json::value* s = body.if_contains("script")) {
           list.script = std::string(s->as_string());
         }
         if (!list.script.empty()) {
           ContactStore* log = store.Contacts();
           if (log == nullptr) return Unavailable("this store keeps no field book");
           NARWHAL_ASSIGN_OR_RETURN(SavedFieldBook book, log->CurrentFieldBook());
           const bool known = std::any_of(book.book.scripts.begin(), book.book.scripts.end(),
                                          [&](const Script& s) { return s.key == list.script; });
           if (!known)
             return BadParam("script", "the field book has no script '" + list.script + "'");
         }
         NARWHAL_ASSIGN_OR_RETURN(list.window, WindowOf(body));
         list.user_id = c.principal.user_id;
         list.at_ms = MillisOf(clock.Now());
         NARWHAL_ASSIGN_OR_RETURN(CallList made, calls->CreateCallList(list));
         c.AuditChange("call_list.create", std::to_string(made.id),
                       json::serialize(json::object{{"voter_list_id", made.voter_list_id},
                                                    {"people", made.people}}));
         return JsonResponse(json::serialize(CallListJson(made)), 201);
       },
       Doc("Make a call list from a voter list",
           "Its members with a phone, in the list's order; each person's time zone is fixed "
           "from her county and ZIP. Calling hours call_from/call_until (HH:MM local, default "
           "09:00-21:00, never before 08:00 or from 21:00). script: a field-book script key.",
           "",
           R"({"type": "object", "additionalProperties": false, "required": ["name", "list_id"], "properties": {"name": {"type": "string", "maxLength": 100}, "list_id": {"type": "integer"}, "script": {"type": "string"}, "call_from": {"type": "string", "pattern": "^[0-9]{1,2}:[0-9]{2}$"}, "call_until": {"type": "string", "pattern": "^[0-9]{1,2}:[0-9]{2}$"}}})",
           kCreatedOk)});

  routes.push_back(
      {"GET", "/api/v1/call-lists/{list_id}", "get_call_list", kCallers,
       [&store, &clock](const HttpRequest&, RequestContext& c) -> Result<HttpResponse> {
         NARWHAL_ASSIGN_OR_RETURN(ListRequest list, OpenListRequest(store, c));
         CallStore* calls = list.calls;
         const int64_t id = list.list_id;
         NARWHAL_ASSIGN_OR_RETURN(
             json::object out,
             CallListDetailJson(store, *calls, id, c.principal, MillisOf(clock.Now())));
         return JsonResponse(json::serialize(out));
       },
       Doc("A call list's progress",
           "As in the list, with zones (people left per time zone, whether it is inside the "
           "calling hours now, and its local time) and, for organizers, the callers assigned.",
           kListId, "", kObjectOk)});

  routes.push_back(
      {"PUT", "/api/v1/call-lists/{list_id}/callers", "set_call_list_callers", kManagers,
       [&store](const HttpRequest& r, RequestContext& c) -> Result<HttpResponse> {
         NARWHAL_ASSIGN_OR_RETURN(ListRequest list, OpenListRequest(store, c));
         CallStore* calls = list.calls;
         const int64_t id = list.list_id;
         NARWHAL_ASSIGN_OR_RETURN(
             json::object body, ParseJsonRequest(r.Header("content-type"), r.body, kCallersFields));
         std::vector<int64_t> users;
         for (const json::value& v : body.at("user_ids").as_array()) {
           const int64_t user_id = v.as_int64();
           Result<User> user = store.GetUser(user_id);
           if (!user.ok() || user->role != Role::kPhoneBanker) {
             return BadParam("user_ids",
                             "user " + std::to_string(user_id) + " is not a phone banker");
           }
           users.push_back(user_id);
         }
         NARWHAL_RETURN_IF_ERROR(calls->SetCallers(id, users));
         json::array ids(users.begin(), users.end());
         c.AuditChange("call_list.callers", std::to_string(id),
                       json::serialize(json::object{{"user_ids", ids}}));
         return JsonResponse(json::serialize(json::object{{"list_id", id}, {"user_ids", ids}}));
       },
       Doc("Assign the phone bankers of a call list",
           "Replaces the list's callers with user_ids, each a phone banker.", kListId,
           R"({"type": "object", "additionalProperties": false, "required": ["user_ids"], "properties": {"user_ids": {"type": "array", "items": {"type": "integer"}, "maxItems": 1000}}})",
           kObjectOk)});

  routes.push_back(
      {"POST", "/api/v1/call-lists/{list_id}/claim", "claim_call", kCallers,
       [&store, &clock](const HttpRequest& r, RequestContext& c) -> Result<HttpResponse> {
         NARWHAL_ASSIGN_OR_RETURN(ListRequest list, OpenListRequest(store, c));
         CallStore* calls = list.calls;
         const int64_t id = list.list_id;
         NARWHAL_ASSIGN_OR_RETURN(json::object body,
                                  ParseJsonRequest(r.Header("content-type"), r.body, kClaimFields));
         NARWHAL_ASSIGN_OR_RETURN(int64_t lease_ms, LeaseOf(body));
         const json::value* with_household = body.if_contains("household");
         const int64_t now_ms = MillisOf(clock.Now());
         NARWHAL_ASSIGN_OR_RETURN(std::optional<CallClaim> claim,
                                  calls->ClaimNext(id, c.principal.user_id, now_ms, lease_ms));
         if (!claim) {
           return JsonResponse(json::serialize(
               json::object{{"claim", nullptr},
                            {"reason",
                             "nobody on this list can be called now: finished, held by other "
                             "callers, waiting for a retry, or outside calling hours"}}));
         }
         NARWHAL_ASSIGN_OR_RETURN(VoterRecord voter, store.GetVoter(claim->voter_id));
         c.AuditRead("call.claim", claim->voter_id,
                     json::serialize(json::object{{"list_id", id}, {"position", claim->position}}));
         json::object out = CallClaimJson(*claim, voter, now_ms);
         if (with_household == nullptr || !with_household->as_bool()) {
           return JsonResponse(json::serialize(json::object{{"claim", std::move(out)}}));
         }
         // The others of the list at her door, held by this caller too: one call. The person
         // is hers whatever becomes of them: a household that cannot be read is left out.
         Result<std::vector<CallClaim>> household =
             calls->ClaimHousehold(id, claim->position, c.principal.user_id, now_ms, lease_ms);
         if (!household.ok()) {
           out["household"] = json::array();
           out["household_error"] = household.status().message();
           return JsonResponse(json::serialize(json::object{{"claim", std::move(out)}}));
         }
         json::array members;
         for (const CallClaim& member : *household) {
           NARWHAL_ASSIGN_OR_RETURN(VoterRecord record, store.GetVoter(member.voter_id));
           c.AuditRead("call.claim", member.voter_id,
                       json::serialize(json::object{{"list_id", id},
                                                    {"position", member.position},
                                                    {"household_of", claim->position}}));
           members.push_back(CallClaimJson(member, record, now_ms));
         }
         out["household"] = std::move(members);
         return JsonResponse(json::serialize(json::object{{"claim", std::move(out)}}));
       },
       Doc("Claim the next person to call",
           "The person this caller already holds on the list (her lease renewed), or the next "
           "one nobody holds whose local time is inside the calling hours, leased to her for "
           "lease_seconds (default 600) unless her page renews it. With household: true, "
           "claim.household lists the others of the list at her door, leased to her too, each "
           "with its own position to renew and record (her next claim gives back any she did "
           "not record). {claim: null, reason} when nobody can be called now.",
           kListId, kClaimBody, kObjectOk)});

  routes.push_back(
      {"POST", "/api/v1/call-lists/{list_id}/calls/{position}/renew", "renew_call", kCallers,
       [&store, &clock](const HttpRequest& r, RequestContext& c) -> Result<HttpResponse> {
         NARWHAL_ASSIGN_OR_RETURN(ListRequest list, OpenListRequest(store, c));
         NARWHAL_ASSIGN_OR_RETURN(int64_t position, PositionOf(c));
         CallStore* calls = list.calls;
         const int64_t id = list.list_id;
         NARWHAL_ASSIGN_OR_RETURN(json::object body,
                                  ParseJsonRequest(r.Header("content-type"), r.body, kLeaseFields));
         NARWHAL_ASSIGN_OR_RETURN(int64_t lease_ms, LeaseOf(body));
         const int64_t now_ms = MillisOf(clock.Now());
         NARWHAL_ASSIGN_OR_RETURN(
             CallClaim claim,
             calls->RenewClaim(id, position, c.principal.user_id, now_ms, lease_ms));
         return JsonResponse(json::serialize(
             json::object{{"lease_until", IsoOfMillis(claim.lease_until_ms)},
                          {"lease_seconds", (claim.lease_until_ms - now_ms) / kMsPerSecond}}));
       },
       Doc("Keep holding the person being called",
           "Extends the caller's lease. 409 when she no longer holds the person (the lease "
           "lapsed and another caller has her, or the call was finished).",
           std::string(kListId) + ", " + std::string(kPosition), kLeaseBody, kObjectOk)});

  routes.push_back(
      {"POST", "/api/v1/call-lists/{list_id}/calls/{position}/result", "record_call", kCallers,
       [&store, &clock](const HttpRequest& r, RequestContext& c) -> Result<HttpResponse> {
         NARWHAL_ASSIGN_OR_RETURN(ListRequest list, OpenListRequest(store, c));
         NARWHAL_ASSIGN_OR_RETURN(int64_t position, PositionOf(c));
         const int64_t id = list.list_id;
         NARWHAL_ASSIGN_OR_RETURN(CallResult result,
                                  ParseCallResult(r.Header("content-type"), r.body));
         Result<json::object> out =
             FinishCallFor(store, id, position, result, c.principal, clock.Now());
         const std::string& voter_id = result.contact.report.voter_id;
         if (!out.ok()) {
           c.AuditRecorded(
               "call.refused", voter_id,
               json::serialize(json::object{{"list_id", id},
                                            {"position", position},
                                            {"error", ErrorCodeName(out.status().code())}}));
           return out.status();
         }
         c.AuditRecorded("call.finish", voter_id,
                         json::serialize(json::object{{"list_id", id},
                                                      {"position", position},
                                                      {"result", result.contact.report.result},
                                                      {"contact_id", out->at("contact_id")}}));
         return JsonResponse(json::serialize(*out));
       },
       Doc("Record a call's result and release the person",
           "Body: {voter_id (the person claimed), idempotency_key, result (a core or "
           "field-book code), support, answers, tags, note, client_at, call_back_at (ISO 8601, "
           "for a retry result: when she asked to be called back)}. The call is recorded in "
           "her contact history (channel phone), then she is done with or back in the queue "
           "by the retry rules: no answer or busy after 4 hours, a message after 24, at most 3 "
           "calls. 409, with the call kept in her history, when she is no longer this "
           "caller's. Answers {contact_id, outcome, finished, next_call_at}.",
           std::string(kListId) + ", " + std::string(kPosition),
           R"({"type": "object", "required": ["voter_id", "idempotency_key", "result"]})",
           kObjectOk)});
}

}  // namespace narwhal

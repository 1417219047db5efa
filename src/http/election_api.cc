#include "http/election_api.h"

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <cmath>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>

#include "base/clock.h"
#include "base/text.h"
#include "http/access_policy.h"
#include "http/json_body.h"
#include "http/paper_api.h"
#include "http/params.h"
#include "http/problem.h"
#include "http/turnout_cache.h"
#include "http/voter_api.h"
#include "paper/gotv_list.h"
#include "paper/paper_list.h"
#include "print/table_pdf.h"

namespace narwhal {
Result<std::vector<Status>> VoterScopeChecks(Store& store, std::span<const std::string> voter_ids,
                                             const Principal& principal) {
  std::vector<Status> out(voter_ids.size());
  if (SeesAllVoters(principal) || voter_ids.empty()) return out;
  NARWHAL_ASSIGN_OR_RETURN(std::vector<std::optional<PrecinctKey>> precincts,
                           store.VoterPrecincts(voter_ids));
  for (size_t i = 0; i < voter_ids.size(); ++i) {
    if (i >= precincts.size() || !precincts[i] || !MaySeePrecinct(principal, *precincts[i])) {
      out[i] = PermissionDenied("voter " + voter_ids[i] + " is not in your assignment");
    }
  }
  return out;
}

namespace {

namespace json = boost::json;

// A batch of 500 strikes with the longest keys fits with room to spare.
constexpr size_t kMaxStrikeBodyBytes = 128 << 10;
constexpr int kMaxChangesPerPoll = 1000;

constexpr JsonField kStrikeFields[] = {
    {.name = "voter_id", .kind = JsonKind::kString, .required = true, .max_chars = 64},
    {.name = "idempotency_key", .kind = JsonKind::kString, .required = true, .max_chars = 100},
    // "poll_watcher" (the default) or "paper_entry"; state files come only through the CLI.
    {.name = "source", .kind = JsonKind::kString, .required = false, .max_chars = 32},
};
constexpr JsonField kUndoFields[] = {
    {.name = "voter_id", .kind = JsonKind::kString, .required = true, .max_chars = 64},
    {.name = "reason", .kind = JsonKind::kString, .required = true, .max_chars = 500},
};

constexpr std::string_view kRecordStrikesDoc = R"json({
  "summary": "Report voters as having voted (strikes), one or a batch of up to 500",
  "description": "Body {\"voter_id\",\"idempotency_key\"} or {\"strikes\":[...]}; an item may add \"source\": \"paper_entry\" when keyed in from a handwritten list (default \"poll_watcher\"). Answered only after the strikes are committed. Each item gets its own answer: outcome struck, already_struck or replayed (the same key again), or an error (403 outside the caller's precincts or counties, 400 for a malformed item). 429 with Retry-After when too many strike requests are in flight. Admins, organizers (their counties), poll watchers (their precincts).",
  "tags": ["election day"],
  "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object"}}}},
  "responses": {
    "200": {"description": "One answer per item, in request order", "content": {"application/json": {"schema": {"type": "object"}}}},
    "400": {"$ref": "#/components/responses/Problem"},
    "429": {"$ref": "#/components/responses/Problem"},
    "503": {"$ref": "#/components/responses/Problem"}}
})json";

constexpr std::string_view kUndoStrikeDoc = R"json({
  "summary": "Take a strike back (the wrong voter was tapped); a reason is required",
  "description": "Body {\"voter_id\",\"reason\"}. Audited. Admins, organizers (their counties), poll watchers (their precincts).",
  "tags": ["election day"],
  "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object"}}}},
  "responses": {
    "200": {"description": "Undone", "content": {"application/json": {"schema": {"type": "object"}}}},
    "400": {"$ref": "#/components/responses/Problem"},
    "403": {"$ref": "#/components/responses/Problem"},
    "404": {"$ref": "#/components/responses/Problem"}}
})json";

constexpr std::string_view kTurnoutDoc = R"json({
  "summary": "Live turnout of the election: overall, per county, per precinct, and quiet precincts",
  "description": "Read from aggregates kept as strikes arrive. Strikes through this server show at once; strikes through another app node or a state file within a second. Quiet precincts have no strike in the last 60 minutes. With county and precinct, that one precinct (404 when the county has no such precinct). While the database does not answer, the last numbers this server read are served with \"stale\": {\"age_ms\", \"as_of\", \"reason\"} instead of an error. Admins, analysts, organizers (their counties).",
  "tags": ["election day"],
  "parameters": [{"name": "county", "in": "query", "schema": {"type": "string", "maxLength": 32}},
                 {"name": "precinct", "in": "query", "description": "needs county", "schema": {"type": "string", "maxLength": 32}}],
  "responses": {
    "200": {"description": "Turnout", "content": {"application/json": {"schema": {"type": "object"}}}},
    "403": {"$ref": "#/components/responses/Problem"}}
})json";

constexpr std::string_view kTurnoutEventsDoc = R"json({
  "summary": "Live turnout as Server-Sent Events (text/event-stream)",
  "description": "Opens a stream of `event: turnout` messages whose data is the body GET /api/v1/turnout would answer (same county parameter, same scope), sent at once and again within about a second of every change; a comment line every 15 seconds keeps proxies from closing it. The stream ends after 10 minutes (or when the server stops); clients reconnect, which also re-checks their session. 429 past the server's stream limit. Admins, analysts, organizers (their counties).",
  "tags": ["election day"],
  "parameters": [{"name": "county", "in": "query", "schema": {"type": "string", "maxLength": 32}}],
  "responses": {
    "200": {"description": "The stream", "content": {"text/event-stream": {"schema": {"type": "string"}}}},
    "403": {"$ref": "#/components/responses/Problem"},
    "429": {"$ref": "#/components/responses/Problem"}}
})json";

constexpr std::string_view kTurnoutChangesDoc = R"json({
  "summary": "Strikes after a cursor, by long polling",
  "description": "Returns the strike log after `after` at once when there is something, else waits up to `wait` seconds (at most 25) for new strikes. Resume with next_after. Voter ids for admins and organizers only.",
  "tags": ["election day"],
  "parameters": [
    {"name": "after", "in": "query", "schema": {"type": "integer", "minimum": 0}},
    {"name": "wait", "in": "query", "schema": {"type": "integer", "minimum": 0, "maximum": 25}},
    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000}}],
  "responses": {
    "200": {"description": "Events", "content": {"application/json": {"schema": {"type": "object"}}}},
    "403": {"$ref": "#/components/responses/Problem"}}
})json";

constexpr std::string_view kGotvDoc = R"json({
  "summary": "A precinct's supporters who have not voted yet, in walk order",
  "description": "Regenerated from the strikes on every request. Admins, organizers of the county, poll watchers of the precinct.",
  "tags": ["election day"],
  "parameters": [
    {"name": "county", "in": "path", "required": true, "schema": {"type": "string", "maxLength": 32}},
    {"name": "precinct", "in": "path", "required": true, "schema": {"type": "string", "maxLength": 32}}],
  "responses": {
    "200": {"description": "The list", "content": {"application/json": {"schema": {"type": "object"}}}},
    "403": {"$ref": "#/components/responses/Problem"}}
})json";

constexpr std::string_view kGotvCsvDoc = R"json({
  "summary": "A precinct's GOTV list as CSV",
  "description": "Columns county, precinct, last_name, first_name, street, city, phone, support, turnout, voter_id. Admins, organizers of the county, poll watchers of the precinct.",
  "tags": ["election day"],
  "parameters": [
    {"name": "county", "in": "path", "required": true, "schema": {"type": "string", "maxLength": 32}},
    {"name": "precinct", "in": "path", "required": true, "schema": {"type": "string", "maxLength": 32}}],
  "responses": {
    "200": {"description": "The CSV, as an attachment", "content": {"text/csv": {"schema": {"type": "string"}}}},
    "403": {"$ref": "#/components/responses/Problem"}}
})json";

constexpr std::string_view kGotvPdfDoc = R"json({
  "summary": "A precinct's GOTV list as a printable PDF, to walk door to door",
  "description": "Supporters not yet voted as of the time printed on it, in walk order: a box to tick when contacted, address, name, phone, support score. Admins, organizers of the county, poll watchers of the precinct.",
  "tags": ["election day"],
  "parameters": [
    {"name": "county", "in": "path", "required": true, "schema": {"type": "string", "maxLength": 32}},
    {"name": "precinct", "in": "path", "required": true, "description": "Percent-encode a '/' in the code (1%2F7).", "schema": {"type": "string", "maxLength": 32}}],
  "responses": {
    "200": {"description": "The PDF, as an attachment", "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
    "403": {"$ref": "#/components/responses/Problem"}}
})json";

// How stale turnout may be when its writes did not pass through this server.
constexpr std::chrono::milliseconds kTurnoutMaxAge{1000};

// What the routes share: the in-flight strike count, a signal for long polls, and the
// turnout read last.

struct ElectionState {
  ElectionState(Store& store, const Clock& clock)
      : clock(clock), turnout(store, clock, kTurnoutMaxAge) {}

  // The generation now: the count of strike and undo requests this server committed.
  uint64_t Generation() {
    std::lock_guard<std::mutex> lock(mu);
    return generation;
  }

  std::atomic<int> waiting_polls{0};
  std::atomic<int> event_streams{0};
  std::mutex mu;
  std::condition_variable strikes_cv;  // notified after strikes were recorded
  uint64_t generation = 0;             // guarded by mu
  const Clock& clock;
  TurnoutCache turnout;
};

// Holds one unit of `counter` when it stays within `limit`; releases it on destruction.
class Slot {
 public:
  Slot(std::atomic<int>& counter, int limit) : counter_(counter) {
    held_ = counter_.fetch_add(1) < limit;
    if (!held_) counter_.fetch_sub(1);
  }
  ~Slot() {
    if (held_) counter_.fetch_sub(1);
  }
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;
  bool held() const { return held_; }

 private:
  std::atomic<int>& counter_;
  bool held_ = false;
};

HttpResponse JsonOk(const json::value& v) {
  return JsonResponse(json::serialize(v));
}

Result<StrikeRequest> ToRequest(const json::object& o) {
  StrikeRequest r;
  r.voter_id = std::string(o.at("voter_id").as_string());
  r.idempotency_key = std::string(o.at("idempotency_key").as_string());
  r.source = StrikeSource::kPollWatcher;
  if (const json::value* source = o.if_contains("source")) {
    const json::string& name = source->as_string();
    if (name == StrikeSourceName(StrikeSource::kPaperEntry)) {
      r.source = StrikeSource::kPaperEntry;
    } else if (name != StrikeSourceName(StrikeSource::kPollWatcher)) {
      return InvalidArgument("source: must be \"poll_watcher\" or \"paper_entry\"");
    }
  }
  return r;
}

Status ScopeCheck(Store& store, const std::string& voter_id, const Principal& principal) {
  NARWHAL_ASSIGN_OR_RETURN(
      std::vector<Status> checked,
      VoterScopeChecks(store, std::span<const std::string>(&voter_id, 1), principal));
  return checked.front();
}

json::object TurnoutFields(const Turnout& t) {
  return {{"registered", t.registered},
          {"voted", t.voted},
          {"supporters", t.supporters},
          {"supporters_voted", t.supporters_voted},
          {"supporters_to_go", t.supporters_to_go()},
          // Whole voters: an estimate, and Boost.JSON would print 0.0 as "0E0".
          {"expected", static_cast<int64_t>(std::llround(t.expected))},
          {"last_report_at",
           t.last_report_at.empty() ? json::value(nullptr) : json::value(t.last_report_at)}};
}

Result<PrecinctKey> GotvPrecinct(const RequestContext& c) {
  NARWHAL_RETURN_IF_ERROR(QueryReader(c.query, {}).CheckNames());
  return ParsePrecinctPath(c.PathParam("county"), c.PathParam("precinct"));
}

// The GOTV list of the request's precinct for the routes of every format; the read is
// audited as "gotv.read" with the format and count, a refusal as "gotv.read_denied".
Result<std::vector<GotvEntry>> ReadGotv(Store& store, const std::string& election,
                                        const PrecinctKey& key, std::string_view format,
                                        RequestContext& c) {
  const std::string target = key.county + "/" + key.precinct;
  Result<std::vector<GotvEntry>> list = GotvListFor(store, election, key, c.principal);
  if (!list.ok()) {
    if (list.status().code() == ErrorCode::kPermissionDenied) {
      c.AuditRead("gotv.read_denied", target);
    }
    return list.status();
  }
  c.AuditRead("gotv.read", target,
              json::serialize(json::object{{"format", format},
                                           {"voters", static_cast<int64_t>(list->size())}}));
  return list;
}

}  // namespace

Result<std::vector<StrikeRequest>> ParseStrikeBody(std::string_view content_type,
                                                   std::string_view body) {
  NARWHAL_ASSIGN_OR_RETURN(JsonItems parsed,
                           ParseItemsRequest(content_type, body, "strikes", kStrikeFields,
                                             kMaxStrikesPerRequest, kMaxStrikeBodyBytes));
  std::vector<StrikeRequest> requests;
  requests.reserve(parsed.items.size());
  for (size_t i = 0; i < parsed.items.size(); ++i) {
    Result<StrikeRequest> request = ToRequest(parsed.items[i]);
    if (!request.ok()) {
      if (!parsed.listed) return request.status();
      return InvalidArgument("strikes[" + std::to_string(i) + "]." + request.status().message());
    }
    requests.push_back(std::move(*request));
  }
  return requests;
}

Result<std::vector<StrikeItemResult>> RecordStrikesFor(Store& store, const std::string& election,
                                                       std::span<const StrikeRequest> requests,
                                                       const Principal& principal, TimePoint at) {
  std::vector<StrikeItemResult> items(requests.size());
  std::vector<size_t> valid;  // index in `items` of each well-formed request
  std::vector<std::string> valid_ids;
  for (size_t i = 0; i < requests.size(); ++i) {
    items[i].request = requests[i];
    items[i].status = ValidateStrikeRequest(requests[i]);
    if (!items[i].status.ok()) continue;
    valid.push_back(i);
    valid_ids.push_back(requests[i].voter_id);
  }
  // The store failing here fails the request: nothing is acknowledged.
  NARWHAL_ASSIGN_OR_RETURN(std::vector<Status> in_scope,
                           VoterScopeChecks(store, valid_ids, principal));
  std::vector<NewStrike> strikes;
  std::vector<size_t> recorded;  // index in `items` of each of `strikes`
  for (size_t k = 0; k < valid.size(); ++k) {
    const size_t i = valid[k];
    if (!in_scope[k].ok()) {
      items[i].status = std::move(in_scope[k]);
      continue;
    }
    strikes.push_back({.election = election,
                       .voter_id = requests[i].voter_id,
                       .idempotency_key = requests[i].idempotency_key,
                       .source = requests[i].source,
                       .user_id = principal.user_id,
                       .at = at});
    recorded.push_back(i);
  }
  if (strikes.empty()) return items;
  NARWHAL_ASSIGN_OR_RETURN(std::vector<StrikeResult> results, store.RecordStrikes(strikes));
  if (results.size() != strikes.size()) {
    return Internal("RecordStrikes answered " + std::to_string(results.size()) + " of " +
                    std::to_string(strikes.size()) + " strikes");
  }
  for (size_t k = 0; k < results.size(); ++k) {
    StrikeItemResult& item = items[recorded[k]];
    item.status = results[k].status;
    item.result = std::move(results[k]);
  }
  return items;
}

json::object ItemErrorJson(const Status& status) {
  const ProblemKind& kind = ProblemKindFor(status.code());
  return {{"code", ErrorCodeName(status.code())},
          {"status", kind.http_status},
          {"title", kind.title},
          {"detail", status.message()}};
}

json::object StrikeItemJson(const StrikeItemResult& item) {
  json::object o{{"voter_id", item.request.voter_id},
                 {"idempotency_key", item.request.idempotency_key}};
  if (!item.status.ok()) {
    o["error"] = ItemErrorJson(item.status);
    return o;
  }
  o["outcome"] = StrikeOutcomeName(item.result.outcome);
  o["strike_id"] = item.result.strike_id;
  o["struck_at"] = FormatIso8601(item.result.struck_at);
  return o;
}

Status UndoStrikeFor(Store& store, const std::string& election, const std::string& voter_id,
                     const std::string& reason, const Principal& principal, TimePoint at) {
  if (TrimAscii(reason).empty()) return InvalidArgument("reason: is required");
  NARWHAL_RETURN_IF_ERROR(ScopeCheck(store, voter_id, principal));
  return store.UndoStrike(election, voter_id, reason, principal.user_id, at);
}

// Turnout of `county` ("" for all the caller may see), or of one precinct of it when
// `precinct` is not empty (kNotFound when the county has no such precinct).
Result<json::value> TurnoutJson(ElectionState& state, const std::string& election,
                                const std::string& county, const std::string& precinct,
                                const Principal& principal, TimePoint now, uint64_t generation,
                                std::chrono::steady_clock::time_point* oldest_read = nullptr,
                                bool* any_stale = nullptr) {
  NARWHAL_ASSIGN_OR_RETURN(std::vector<std::string> counties, CountiesFor(principal, county));
  std::vector<std::shared_ptr<const TurnoutCache::Rows>> parts;
  bool stale = false;
  std::chrono::steady_clock::time_point oldest{};
  for (const std::string& c : counties) {
    std::chrono::steady_clock::time_point read_at;
    bool part_stale = false;
    NARWHAL_ASSIGN_OR_RETURN(std::shared_ptr<const TurnoutCache::Rows> part,
                             state.turnout.Get(election, c, generation, &read_at, &part_stale));
    if (parts.empty() || read_at < oldest) oldest = read_at;
    stale = stale || part_stale;
    parts.push_back(std::move(part));
  }
  if (oldest_read != nullptr) *oldest_read = oldest;
  if (any_stale != nullptr) *any_stale = stale;
  Turnout overall;
  std::map<std::string, Turnout> by_county;
  json::array precincts;
  json::array quiet;
  const TimePoint quiet_before = now - kQuietAfter;
  for (const std::shared_ptr<const TurnoutCache::Rows>& part : parts) {
    for (const PrecinctTurnout& row : *part) {
      if (!precinct.empty() && row.precinct.precinct != precinct) continue;
      overall += row.turnout;
      by_county[row.precinct.county] += row.turnout;
      json::object p{{"county", row.precinct.county},
                     {"precinct", row.precinct.precinct},
                     {"precinct_name", row.precinct_name}};
      for (auto& field : TurnoutFields(row.turnout)) p.insert(field);
      std::optional<TimePoint> last = ParseIso8601(row.turnout.last_report_at);
      if (!last || *last < quiet_before) quiet.push_back(p);
      precincts.push_back(std::move(p));
    }
  }
  if (!precinct.empty() && precincts.empty()) {
    return NotFound("county " + county + " has no precinct " + precinct);
  }
  json::array county_rows;
  for (const auto& [name, turnout] : by_county) {
    json::object c{{"county", name}};
    for (auto& field : TurnoutFields(turnout)) c.insert(field);
    county_rows.push_back(std::move(c));
  }
  json::object body{{"election", election},
                    {"overall", TurnoutFields(overall)},
                    {"counties", std::move(county_rows)},
                    {"precincts", std::move(precincts)},
                    {"quiet_precincts", std::move(quiet)}};
  if (stale) {
    // The database did not answer: these are the last numbers read, this old.
    auto age =
        std::chrono::duration_cast<std::chrono::milliseconds>(state.clock.Monotonic() - oldest);
    body["stale"] = json::object{{"age_ms", age.count()},
                                 {"as_of", FormatIso8601(now - age)},
                                 {"reason", "the database is not answering; last known numbers"}};
  }
  return json::value(std::move(body));
}

// Server-Sent Events of turnout: the caller's turnout at once and after every change.
// Each Next runs on the handler pool about once a second and reads the turnout cache, so
// an open stream costs no thread while nothing changes.
class TurnoutEventStream final : public BodyStream {
 public:
  TurnoutEventStream(std::shared_ptr<ElectionState> state, const Clock& clock, std::string election,
                     std::string county, Principal principal)
      : state_(std::move(state)),
        clock_(clock),
        election_(std::move(election)),
        county_(std::move(county)),
        principal_(std::move(principal)),
        opened_(clock_.Monotonic()),
        last_sent_(opened_) {}
  ~TurnoutEventStream() override { state_->event_streams.fetch_sub(1); }

  // The first message, for the response body.
  Result<std::string> First() {
    NARWHAL_ASSIGN_OR_RETURN(std::string event, Event());
    return "retry: 3000\n\n" + event;
  }

  std::optional<std::string> Next() override {
    const auto now = clock_.Monotonic();
    if (now - opened_ >= kMaxStreamAge) return std::nullopt;
    Result<std::string> event = Event();
    if (!event.ok()) return std::nullopt;  // the client reconnects and sees the problem
    if (!event->empty()) {
      last_sent_ = now;
      return *std::move(event);
    }
    if (now - last_sent_ >= kKeepAliveEvery) {
      last_sent_ = now;
      return std::string(": keep-alive\n\n");
    }
    return std::string();
  }

 private:
  static constexpr std::chrono::minutes kMaxStreamAge{10};
  static constexpr std::chrono::seconds kKeepAliveEvery{15};

  // "event: turnout" with the turnout now, or "" when it is what was sent last.
  Result<std::string> Event() {
    NARWHAL_ASSIGN_OR_RETURN(json::value body,
                             TurnoutJson(*state_, election_, county_, "", principal_, clock_.Now(),
                                         state_->Generation()));
    std::string text = json::serialize(body);
    if (text == last_body_) return std::string();
    last_body_ = text;
    return "event: turnout\ndata: " + text + "\n\n";
  }

  const std::shared_ptr<ElectionState> state_;
  const Clock& clock_;
  const std::string election_;
  const std::string county_;
  const Principal principal_;
  const std::chrono::steady_clock::time_point opened_;
  std::chrono::steady_clock::time_point last_sent_;
  std::string last_body_;
};

Result<json::value> TurnoutChangesJson(Store& store, const std::string& election, int64_t after_id,
                                       int limit, const Principal& principal) {
  NARWHAL_ASSIGN_OR_RETURN(std::vector<std::string> counties, CountiesFor(principal, ""));
  const bool all = counties.size() == 1 && counties[0].empty();
  const bool show_voters = principal.role == Role::kAdmin || principal.role == Role::kOrganizer;
  NARWHAL_ASSIGN_OR_RETURN(std::vector<StrikeEvent> events,
                           store.StrikesSince(election, after_id, limit));
  json::array out;
  int64_t next_after = after_id;
  for (const StrikeEvent& e : events) {
    next_after = std::max(next_after, e.id);
    if (!all && std::find(counties.begin(), counties.end(), e.precinct.county) == counties.end()) {
      continue;
    }
    json::object o{{"id", e.id},
                   {"county", e.precinct.county},
                   {"precinct", e.precinct.precinct},
                   {"undone", e.undone},
                   {"at", FormatIso8601(e.at)}};
    if (show_voters) o["voter_id"] = e.voter_id;
    out.push_back(std::move(o));
  }
  return json::value(
      json::object{{"election", election}, {"events", std::move(out)}, {"next_after", next_after}});
}

Result<std::vector<GotvEntry>> GotvListFor(Store& store, const std::string& election,
                                           const PrecinctKey& precinct,
                                           const Principal& principal) {
  if (!MaySeePrecinct(principal, precinct)) {
    return PermissionDenied("precinct " + precinct.county + "/" + precinct.precinct +
                            " is outside your assignment");
  }
  return store.GotvList(election, precinct);
}

json::value GotvJson(const std::string& election, const PrecinctKey& precinct,
                     const std::vector<GotvEntry>& entries) {
  json::array voters;
  for (const GotvEntry& e : entries) {
    json::object v = VoterSummaryJson(e.voter);
    v["phone"] = e.phone;
    v["support"] = e.support < 0 ? json::value(nullptr) : json::value(e.support);
    v["turnout"] = e.turnout < 0 ? json::value(nullptr) : json::value(e.turnout);
    voters.push_back(std::move(v));
  }
  return json::object{{"election", election},
                      {"county", precinct.county},
                      {"precinct", precinct.precinct},
                      {"count", static_cast<int64_t>(entries.size())},
                      {"voters", std::move(voters)}};
}

// The audit events of one strike request. The recorded strikes of a request are one
// event, "strike.record", whose detail lists every item (voter, key, outcome, strike id);
// its target is the voter when there is one, else "batch of N". One row per request, not
// per strike: a phone's backlog of 50 is one audit write, and who reported a given voter
// is in the strike log (every report is its own row there, with user, time and source).
// A refused item (scope, bad data) is its own "strike.denied" / "strike.rejected" event.
void AuditStrikes(const std::string& election, const std::vector<StrikeItemResult>& items,
                  RequestContext& c) {
  json::array recorded;
  std::string target;
  for (const StrikeItemResult& item : items) {
    if (item.status.ok()) {
      recorded.push_back(json::object{{"voter_id", item.request.voter_id},
                                      {"idempotency_key", item.request.idempotency_key},
                                      {"outcome", StrikeOutcomeName(item.result.outcome)},
                                      {"strike_id", item.result.strike_id}});
      target = item.request.voter_id;
      continue;
    }
    c.AuditRecorded(
        item.status.code() == ErrorCode::kPermissionDenied ? "strike.denied" : "strike.rejected",
        item.request.voter_id,
        json::serialize(json::object{{"election", election},
                                     {"idempotency_key", item.request.idempotency_key},
                                     {"error", ErrorCodeName(item.status.code())}}));
  }
  if (recorded.empty()) return;
  if (recorded.size() > 1) target = "batch of " + std::to_string(recorded.size());
  c.AuditRecorded(
      "strike.record", target,
      json::serialize(json::object{{"election", election}, {"strikes", std::move(recorded)}}));
}

void AddElectionRoutes(std::vector<Route>& routes, Store& store, const Clock& clock,
                       const ElectionOptions& options) {
  auto state = std::make_shared<ElectionState>(store, clock);
  // Without a configured election the API serves today's (UTC) one.
  const std::string election =
      options.election.empty() ? FormatIso8601(clock.Now()).substr(0, 10) : options.election;
  const int max_inflight = options.max_inflight_strikes;
  const int max_waiting = options.max_waiting_polls;
  const std::atomic<bool>* stopping = options.stopping;
  const auto kStrikers =
      AuthRequirement::AnyRole({Role::kAdmin, Role::kOrganizer, Role::kPollWatcher});
  const auto kTurnoutReaders =
      AuthRequirement::AnyRole({Role::kAdmin, Role::kOrganizer, Role::kAnalyst});

  routes.push_back(
      {"POST", "/api/v1/strikes", "record_strikes", kStrikers,
       [&store, &clock, state, election](const HttpRequest& r,
                                         RequestContext& c) -> Result<HttpResponse> {
         NARWHAL_RETURN_IF_ERROR(QueryReader(c.query, {}).CheckNames());
         NARWHAL_ASSIGN_OR_RETURN(std::vector<StrikeRequest> requests,
                                  ParseStrikeBody(r.Header("content-type"), r.body));
         NARWHAL_ASSIGN_OR_RETURN(
             std::vector<StrikeItemResult> items,
             RecordStrikesFor(store, election, requests, c.principal, clock.Now()));
         {
           std::lock_guard<std::mutex> lock(state->mu);
           ++state->generation;
         }
         state->strikes_cv.notify_all();
         AuditStrikes(election, items, c);
         json::array answers;
         for (const StrikeItemResult& item : items) answers.push_back(StrikeItemJson(item));
         return JsonOk(json::object{{"election", election}, {"results", std::move(answers)}});
       },
       std::string(kRecordStrikesDoc)});
  // Counted from when the request is read, so a burst is refused at once rather than
  // queued behind the handler threads.
  routes.back().admission = std::make_shared<Admission>(max_inflight, "strike requests");

  routes.push_back(
      {"POST", "/api/v1/strikes/undo", "undo_strike", kStrikers,
       [&store, &clock, state, election](const HttpRequest& r,
                                         RequestContext& c) -> Result<HttpResponse> {
         NARWHAL_RETURN_IF_ERROR(QueryReader(c.query, {}).CheckNames());
         NARWHAL_ASSIGN_OR_RETURN(json::object body,
                                  ParseJsonRequest(r.Header("content-type"), r.body, kUndoFields));
         const std::string voter_id(body.at("voter_id").as_string());
         const std::string reason(body.at("reason").as_string());
         Status undone = UndoStrikeFor(store, election, voter_id, reason, c.principal, clock.Now());
         if (!undone.ok()) {
           if (undone.code() == ErrorCode::kPermissionDenied) {
             c.AuditChange("strike.undo_denied", voter_id,
                           json::serialize(json::object{{"election", election}}));
           }
           return undone;
         }
         c.AuditChange("strike.undo", voter_id,
                       json::serialize(json::object{{"election", election}, {"reason", reason}}));
         {
           std::lock_guard<std::mutex> lock(state->mu);
           ++state->generation;
         }
         state->strikes_cv.notify_all();
         return JsonOk(
             json::object{{"election", election}, {"voter_id", voter_id}, {"undone", true}});
       },
       std::string(kUndoStrikeDoc)});

  routes.push_back(
      {"GET", "/api/v1/turnout", "get_turnout", kTurnoutReaders,
       [&clock, state, election](const HttpRequest&, RequestContext& c) -> Result<HttpResponse> {
         QueryReader query(c.query, {"county", "precinct"});
         NARWHAL_RETURN_IF_ERROR(query.CheckNames());
         NARWHAL_ASSIGN_OR_RETURN(std::string county, query.GetCode("county", kMaxCodeChars));
         NARWHAL_ASSIGN_OR_RETURN(std::string precinct, query.GetCode("precinct", kMaxCodeChars));
         if (!precinct.empty() && county.empty()) {
           return InvalidArgument("precinct: needs county (precinct codes repeat across counties)");
         }
         // The answer depends on the rows and on what the caller may see: her counties.
         NARWHAL_ASSIGN_OR_RETURN(std::vector<std::string> counties,
                                  CountiesFor(c.principal, county));
         std::string key = county + '\x1f' + precinct;
         for (const std::string& visible : counties) key += '\x1f' + visible;
         const uint64_t generation = state->Generation();
         if (std::optional<std::string> kept = state->turnout.Answer(key, generation)) {
           return JsonResponse(std::move(*kept));
         }
         std::chrono::steady_clock::time_point read_at;
         bool stale = false;
         NARWHAL_ASSIGN_OR_RETURN(json::value body,
                                  TurnoutJson(*state, election, county, precinct, c.principal,
                                              clock.Now(), generation, &read_at, &stale));
         std::string text = json::serialize(body);
         // A stale answer is not kept: the next read tries the store again.
         if (!stale) state->turnout.KeepAnswer(key, generation, read_at, text);
         return JsonResponse(std::move(text));
       },
       std::string(kTurnoutDoc)});
  // Served from the turnout cache (a store read at most once a second per county).
  routes.back().execution = Execution::kInline;

  routes.push_back(
      {"GET", "/api/v1/turnout/events", "turnout_events", kTurnoutReaders,
       [&clock, state, election, max_streams = options.max_event_streams](
           const HttpRequest&, RequestContext& c) -> Result<HttpResponse> {
         QueryReader query(c.query, {"county"});
         NARWHAL_RETURN_IF_ERROR(query.CheckNames());
         NARWHAL_ASSIGN_OR_RETURN(std::string county, query.GetCode("county", kMaxCodeChars));
         if (state->event_streams.fetch_add(1) >= max_streams) {
           state->event_streams.fetch_sub(1);
           return ResourceExhausted("too many live turnout streams open; poll /api/v1/turnout");
         }
         // Counted from here; the stream gives the count back when it is destroyed.
         auto stream =
             std::make_shared<TurnoutEventStream>(state, clock, election, county, c.principal);
         NARWHAL_ASSIGN_OR_RETURN(std::string first, stream->First());
         HttpResponse r;
         r.content_type = "text/event-stream; charset=utf-8";
         r.headers.emplace_back("Cache-Control", "no-store");
         r.headers.emplace_back("X-Accel-Buffering", "no");  // nginx: pass events on at once
         r.body = std::move(first);
         r.stream = std::move(stream);
         return r;
       },
       std::string(kTurnoutEventsDoc)});

  routes.push_back(
      {"GET", "/api/v1/turnout/changes", "turnout_changes", kTurnoutReaders,
       [&store, &clock, state, election, max_waiting, stopping](
           const HttpRequest&, RequestContext& c) -> Result<HttpResponse> {
         QueryReader query(c.query, {"after", "wait", "limit"});
         NARWHAL_RETURN_IF_ERROR(query.CheckNames());
         NARWHAL_ASSIGN_OR_RETURN(int64_t after, query.GetInt("after", 0, INT64_MAX, 0));
         NARWHAL_ASSIGN_OR_RETURN(int64_t wait, query.GetInt("wait", 0, kMaxChangesWaitSeconds, 0));
         NARWHAL_ASSIGN_OR_RETURN(int64_t limit,
                                  query.GetInt("limit", 1, kMaxChangesPerPoll, kMaxChangesPerPoll));
         const auto deadline = clock.Monotonic() + std::chrono::seconds(wait);
         std::optional<Slot> waiting;
         while (true) {
           uint64_t seen;
           {
             std::lock_guard<std::mutex> lock(state->mu);
             seen = state->generation;
           }
           NARWHAL_ASSIGN_OR_RETURN(
               json::value body,
               TurnoutChangesJson(store, election, after, static_cast<int>(limit), c.principal));
           const auto now = clock.Monotonic();
           if (!body.as_object().at("events").as_array().empty() || now >= deadline ||
               (stopping != nullptr && stopping->load())) {
             return JsonOk(body);
           }
           if (!waiting) {
             waiting.emplace(state->waiting_polls, max_waiting);
             if (!waiting->held()) return JsonOk(body);  // no room to wait: answer now
           }
           // Woken by strikes of this server; strikes of other processes (state-file
           // imports) are seen at the next one-second check.
           std::unique_lock<std::mutex> lock(state->mu);
           state->strikes_cv.wait_for(lock,
                                      std::min<std::chrono::steady_clock::duration>(
                                          deadline - now, std::chrono::seconds(1)),
                                      [&] { return state->generation != seen; });
         }
       },
       std::string(kTurnoutChangesDoc)});

  const auto kGotvReaders =
      AuthRequirement::AnyRole({Role::kAdmin, Role::kOrganizer, Role::kPollWatcher});
  routes.push_back(
      {"GET", "/api/v1/precincts/{county}/{precinct}/gotv", "gotv_list", kGotvReaders,
       [&store, election](const HttpRequest&, RequestContext& c) -> Result<HttpResponse> {
         NARWHAL_ASSIGN_OR_RETURN(PrecinctKey key, GotvPrecinct(c));
         NARWHAL_ASSIGN_OR_RETURN(std::vector<GotvEntry> list,
                                  ReadGotv(store, election, key, "json", c));
         return JsonOk(GotvJson(election, key, list));
       },
       std::string(kGotvDoc)});
  routes.push_back(
      {"GET", "/api/v1/precincts/{county}/{precinct}/gotv.csv", "gotv_csv", kGotvReaders,
       [&store, election](const HttpRequest&, RequestContext& c) -> Result<HttpResponse> {
         NARWHAL_ASSIGN_OR_RETURN(PrecinctKey key, GotvPrecinct(c));
         NARWHAL_ASSIGN_OR_RETURN(std::vector<GotvEntry> list,
                                  ReadGotv(store, election, key, "csv", c));
         return AttachmentResponse("text/csv; charset=utf-8",
                                   PaperFileName(key, PaperListKind::kGotvList, "csv"),
                                   GotvListCsv(list));
       },
       std::string(kGotvCsvDoc)});
  routes.push_back(
      {"GET", "/api/v1/precincts/{county}/{precinct}/gotv.pdf", "gotv_pdf", kGotvReaders,
       [&store, &clock, election](const HttpRequest&, RequestContext& c) -> Result<HttpResponse> {
         NARWHAL_ASSIGN_OR_RETURN(PrecinctKey key, GotvPrecinct(c));
         // Stamped before the list is read, so every strike before the stamp is reflected
         // and "not yet voted as of" holds for each supporter on it.
         const std::string printed_at = FormatHumanUtc(clock.Now());
         NARWHAL_ASSIGN_OR_RETURN(std::vector<GotvEntry> list,
                                  ReadGotv(store, election, key, "pdf", c));
         GotvList gotv{key, "", "", election, std::move(list)};
         NARWHAL_ASSIGN_OR_RETURN(std::string pdf, RenderTablePdf(GotvListPdf(gotv, printed_at)));
         return AttachmentResponse("application/pdf",
                                   PaperFileName(key, PaperListKind::kGotvList, "pdf"),
                                   std::move(pdf));
       },
       std::string(kGotvPdfDoc)});
}

}  // namespace narwhal

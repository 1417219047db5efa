#include "http/contact_api.h"

#include <algorithm>
#include <boost/json.hpp>
#include <map>
#include <string>
#include <utility>

#include "base/clock.h"
#include "domain/field_book.h"
#include "http/election_api.h"
#include "http/json_body.h"
#include "http/params.h"
#include "http/voter_api.h"
#include "storage/turf_store.h"

namespace narwhal {
namespace {

namespace json = boost::json;

constexpr size_t kMaxContactBodyBytes = 512 << 10;

constexpr JsonField kContactFields[] = {
    {.name = "voter_id", .kind = JsonKind::kString, .required = true, .max_chars = 64},
    {.name = "idempotency_key", .kind = JsonKind::kString, .required = true, .max_chars = 100},
    {.name = "result", .kind = JsonKind::kString, .max_chars = 16},
    {.name = "channel", .kind = JsonKind::kString, .max_chars = 16},
    {.name = "support", .kind = JsonKind::kInteger},
    {.name = "answers", .kind = JsonKind::kObject},
    {.name = "tags", .kind = JsonKind::kStringArray, .max_chars = 40, .max_items = 20},
    {.name = "note", .kind = JsonKind::kString, .max_chars = 2000},
    {.name = "client_at", .kind = JsonKind::kString, .max_chars = 40},
    {.name = "list_id", .kind = JsonKind::kInteger},
    {.name = "turf", .kind = JsonKind::kString, .max_chars = 16},
};

constexpr std::string_view kRecordContactsDoc = R"json({
  "summary": "Record contacts: knocks, calls and texts with their results and answers",
  "description": "Body: one contact {voter_id, idempotency_key, result (a core or field-book code; absent when the item only adds answers, support, tags or a note to a visit), channel (door, phone, text, mail, email; default door), support (1-5), answers (field-book question key -> choice key, array of choice keys, or text), tags (field-book tag keys), note, client_at (the device's time), list_id, turf (its list number)}, or {\"contacts\": [...]} with up to 500. Answered after the contacts are committed, one answer per item: recorded, replayed (the same key again: nothing new), or an error (403 outside the caller's counties or turfs, 404 unknown voter, 400 malformed or not in the field book). Admins, organizers (their counties) and canvassers (the voters of their turfs).",
  "tags": ["contacts"],
  "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object"}}}},
  "responses": {
    "200": {"description": "One answer per contact", "content": {"application/json": {"schema": {
      "type": "object", "properties": {"results": {"type": "array", "items": {"type": "object",
      "properties": {"voter_id": {"type": "string"}, "idempotency_key": {"type": "string"},
        "outcome": {"enum": ["recorded", "replayed"]}, "contact_id": {"type": "integer"},
        "error": {"type": "object"}}}}}}}}},
    "400": {"$ref": "#/components/responses/Problem"}}
})json";

constexpr std::string_view kVoterContactsDoc = R"json({
  "summary": "A voter's contact timeline, newest first",
  "description": "Every contact with her: channel, result, support, answers, note, who and when (the server's time and the device's). Admins and organizers of her county.",
  "tags": ["contacts"],
  "parameters": [
    {"name": "voter_id", "in": "path", "required": true, "schema": {"type": "string", "maxLength": 64}},
    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}}],
  "responses": {
    "200": {"description": "The timeline", "content": {"application/json": {"schema": {"type": "object",
      "properties": {"contacts": {"type": "array", "items": {"type": "object"}}}}}}},
    "403": {"$ref": "#/components/responses/Problem"},
    "404": {"$ref": "#/components/responses/Problem"}}
})json";

constexpr std::string_view kResultCodesDoc = R"json({
  "summary": "The result codes, with their category (success, retry, suppress) and scope (person, household, address)",
  "tags": ["contacts"],
  "responses": {"200": {"description": "Result codes", "content": {"application/json": {"schema": {
    "type": "object", "properties": {"result_codes": {"type": "array", "items": {"type": "object"}}}}}}}}
})json";

constexpr std::string_view kFieldBookDoc = R"json({
  "summary": "The campaign's field book: its own result codes, survey questions, tags and scripts",
  "description": "Answers {version, saved_by, saved_at, book}; version 0 is the empty book nobody saved. Every signed-in user reads it: the canvassing and calling pages show its scripts. The book's form is in docs/field.md.",
  "tags": ["contacts"],
  "responses": {"200": {"description": "The field book", "content": {"application/json": {"schema": {
    "type": "object", "properties": {"version": {"type": "integer"}, "book": {"type": "object"}}}}}}}
})json";

constexpr std::string_view kSaveFieldBookDoc = R"json({
  "summary": "Save a new version of the field book",
  "description": "Body: {base_version, book}: the version the change was made on, and the whole book. Refused (409) when someone saved since base_version, so no change is lost; 400 naming the member for a book that is not whole (a step asking an unknown question, a branch to no step, a loop, a campaign code that is a core one). Answers the new version. Admins only; audited as field_book.save.",
  "tags": ["contacts"],
  "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object"}}}},
  "responses": {
    "200": {"description": "Saved", "content": {"application/json": {"schema": {"type": "object",
      "properties": {"version": {"type": "integer"}}}}}},
    "400": {"$ref": "#/components/responses/Problem"},
    "409": {"$ref": "#/components/responses/Problem"}}
})json";

struct NewBookBody {
  int64_t base_version = 0;
  FieldBook book;
};

// {"base_version": N, "book": {...}}, strictly.
Result<NewBookBody> ParseNewBookBody(std::string_view body) {
  if (body.size() > (1u << 20) + 1024) return InvalidArgument("body: larger than 1 MiB");
  std::error_code ec;
  json::value root = json::parse(body, ec);
  if (ec || !root.is_object()) return InvalidArgument("body: expected a JSON object");
  NewBookBody out;
  for (const auto& member : root.as_object()) {
    if (member.key() == "base_version") {
      if (!member.value().is_int64() || member.value().as_int64() < 0) {
        return InvalidArgument("base_version: expected the version the change was made on");
      }
      out.base_version = member.value().as_int64();
    } else if (member.key() != "book") {
      return InvalidArgument(std::string(member.key()) + ": is not a known member");
    }
  }
  const json::value* book = root.as_object().if_contains("book");
  if (book == nullptr || !book->is_object()) return InvalidArgument("book: is required");
  if (!root.as_object().contains("base_version")) {
    return InvalidArgument("base_version: is required (0 for the first book)");
  }
  NARWHAL_ASSIGN_OR_RETURN(out.book, ParseFieldBook(json::serialize(*book)));
  return out;
}

std::string FieldBookResponse(const SavedFieldBook& saved) {
  return json::serialize(json::object{
      {"version", saved.version},
      {"saved_by", saved.saved_by},
      {"saved_at", saved.saved_at.empty() ? json::value() : json::value(saved.saved_at)},
      {"book", json::parse(FieldBookJson(saved.book))}});
}

// The contact an item describes; its status says what is wrong with its values.
}  // namespace

std::span<const JsonField> ContactFields() {
  return kContactFields;
}

ContactItem ContactItemFromJson(const json::object& o) {
  ContactItem item;
  ContactReport& r = item.report;
  r.voter_id = std::string(o.at("voter_id").as_string());
  r.idempotency_key = std::string(o.at("idempotency_key").as_string());
  if (const json::value* result = o.if_contains("result")) {
    r.result = std::string(result->as_string());
  }
  auto fail = [&](std::string message) {
    item.status = InvalidArgument(std::move(message));
    return item;
  };
  if (const json::value* channel = o.if_contains("channel")) {
    std::optional<ContactChannel> c = ContactChannelFromName(channel->as_string());
    if (!c) return fail("channel: must be door, phone, text, mail or email");
    r.channel = *c;
  }
  if (const json::value* support = o.if_contains("support")) {
    if (!support->is_int64() || support->as_int64() < 0 || support->as_int64() > 5) {
      return fail("support: must be 1 to 5, or 0");
    }
    r.support = static_cast<int>(support->as_int64());
  }
  if (const json::value* answers = o.if_contains("answers")) {
    for (const auto& member : answers->as_object()) {
      // A multiple-choice answer is an array of choice keys, kept joined.
      std::string answer;
      bool strings = member.value().is_string();
      if (strings) {
        answer = std::string(member.value().as_string());
      } else if (member.value().is_array()) {
        strings = true;
        for (const json::value& choice : member.value().as_array()) {
          strings = strings && choice.is_string();
          if (!strings) break;
          if (!answer.empty()) answer += kChoiceSeparator;
          answer += std::string(choice.as_string());
        }
      }
      if (!strings) {
        return fail("answers: '" + std::string(member.key()).substr(0, 100) +
                    "' must be a string or an array of strings");
      }
      r.answers.emplace_back(std::string(member.key()), std::move(answer));
    }
  }
  if (const json::value* tags = o.if_contains("tags")) {
    for (const json::value& tag : tags->as_array()) r.tags.emplace_back(tag.as_string());
  }
  if (const json::value* note = o.if_contains("note")) r.note = std::string(note->as_string());
  if (const json::value* at = o.if_contains("client_at"))
    r.client_at = std::string(at->as_string());
  if (const json::value* list = o.if_contains("list_id")) {
    if (!list->is_int64() || list->as_int64() < 0) return fail("list_id: must be a list's id");
    r.list_id = list->as_int64();
  }
  if (const json::value* turf = o.if_contains("turf")) {
    Result<std::string> number = ParseListNumber(turf->as_string());
    if (!number.ok()) return fail("turf: " + number.status().message());
    r.turf = *std::move(number);
  }
  item.status = ValidateContactReport(r);
  return item;
}

namespace {

// The audit entries of a batch, as strikes': the recorded ones together, each refusal alone.
void AuditContacts(std::span<const ContactItem> items, std::span<const ContactResult> results,
                   RequestContext& c) {
  json::array recorded;
  std::string target;
  for (size_t i = 0; i < items.size(); ++i) {
    const ContactReport& r = items[i].report;
    if (results[i].status.ok()) {
      if (results[i].replayed) continue;
      recorded.push_back(json::object{{"voter_id", r.voter_id},
                                      {"idempotency_key", r.idempotency_key},
                                      {"result", r.result},
                                      {"contact_id", results[i].contact_id}});
      target = r.voter_id;
      continue;
    }
    c.AuditRecorded(
        results[i].status.code() == ErrorCode::kPermissionDenied ? "contact.denied"
                                                                 : "contact.rejected",
        r.voter_id,
        json::serialize(json::object{{"idempotency_key", r.idempotency_key},
                                     {"error", ErrorCodeName(results[i].status.code())}}));
  }
  if (recorded.empty()) return;
  if (recorded.size() > 1) target = "batch of " + std::to_string(recorded.size());
  c.AuditRecorded("contact.record", target,
                  json::serialize(json::object{{"contacts", std::move(recorded)}}));
}

// A canvasser's items: each voter must be on one of her turfs, and a turf an item names
// must be hers. An unknown voter is refused like one off her turfs, so ids are not probed.
Result<std::vector<Status>> TurfScopeChecks(Store& store, std::span<const ContactItem> items,
                                            std::span<const size_t> valid,
                                            const Principal& principal) {
  TurfStore* turfs = store.Turfs();
  if (turfs == nullptr) return Unavailable("this store keeps no turfs");
  std::vector<std::string> ids;
  for (size_t i : valid) ids.push_back(items[i].report.voter_id);
  NARWHAL_ASSIGN_OR_RETURN(std::vector<bool> on, turfs->OnTurfs(principal.scope.turfs, ids));
  std::vector<Status> out;
  for (size_t k = 0; k < valid.size(); ++k) {
    const std::string& turf = items[valid[k]].report.turf;
    if (!turf.empty() && std::find(principal.scope.turfs.begin(), principal.scope.turfs.end(),
                                   turf) == principal.scope.turfs.end()) {
      out.push_back(PermissionDenied("turf " + turf + " is not assigned to you"));
    } else if (!on[k]) {
      out.push_back(PermissionDenied("voter '" + ids[k] + "' is not on your turfs"));
    } else {
      out.push_back(Status::Ok());
    }
  }
  return out;
}

// Items that name a turf must be about one of its voters, whoever records them, so a
// turf's results are its voters' only: kInvalidArgument otherwise (kFailedPrecondition when
// the store keeps no turfs). `checks` holds each of `valid`'s status so far; only those
// still OK are looked at, with one lookup per turf named.
Status CheckTurfMembership(Store& store, std::span<const ContactItem> items,
                           std::span<const size_t> valid, std::vector<Status>& checks) {
  std::map<std::string, std::vector<size_t>> by_turf;  // turf -> positions in `valid`
  for (size_t k = 0; k < valid.size(); ++k) {
    const std::string& turf = items[valid[k]].report.turf;
    if (checks[k].ok() && !turf.empty()) by_turf[turf].push_back(k);
  }
  if (by_turf.empty()) return Status::Ok();
  TurfStore* turfs = store.Turfs();
  if (turfs == nullptr) return FailedPrecondition("this store keeps no turfs");
  for (const auto& [turf, positions] : by_turf) {
    std::vector<std::string> ids;
    for (size_t k : positions) ids.push_back(items[valid[k]].report.voter_id);
    const std::vector<std::string> list = {turf};
    NARWHAL_ASSIGN_OR_RETURN(std::vector<bool> on, turfs->OnTurfs(list, ids));
    for (size_t j = 0; j < positions.size(); ++j) {
      if (!on[j]) {
        checks[positions[j]] =
            InvalidArgument("turf: voter '" + ids[j] + "' is not on turf " + turf);
      }
    }
  }
  return Status::Ok();
}

// Records the well-formed items `valid` (indexes into `items`) whose scope check passed
// (in_scope, one per valid item), against the field book in force; `results` holds each
// item's answer so far; `book` is the field book in force.
Result<std::vector<ContactResult>> RecordInScope(Store& store, std::span<const ContactItem> items,
                                                 std::vector<ContactResult> results,
                                                 std::span<const size_t> valid,
                                                 std::span<Status> in_scope,
                                                 const SavedFieldBook& book,
                                                 const Principal& principal, TimePoint at) {
  ContactStore* log = store.Contacts();
  std::vector<NewContact> contacts;
  std::vector<size_t> recorded;  // index in `results` of each of `contacts`
  for (size_t k = 0; k < valid.size(); ++k) {
    if (!in_scope[k].ok()) {
      results[valid[k]].status = std::move(in_scope[k]);
      continue;
    }
    NewContact contact{items[valid[k]].report, principal.user_id, at, std::nullopt};
    Result<BookCheck> checked = CheckAgainstBook(contact.report, book.book);
    if (!checked.ok()) {
      results[valid[k]].status = checked.status();
      continue;
    }
    contact.checked = std::move(*checked);
    contacts.push_back(std::move(contact));
    recorded.push_back(valid[k]);
  }
  if (contacts.empty()) return results;
  NARWHAL_ASSIGN_OR_RETURN(std::vector<ContactResult> stored, log->RecordContacts(contacts));
  if (stored.size() != contacts.size()) {
    return Internal("RecordContacts answered " + std::to_string(stored.size()) + " of " +
                    std::to_string(contacts.size()) + " contacts");
  }
  for (size_t k = 0; k < stored.size(); ++k) results[recorded[k]] = std::move(stored[k]);
  return results;
}

}  // namespace

Result<std::vector<ContactItem>> ParseContactBody(std::string_view content_type,
                                                  std::string_view body) {
  NARWHAL_ASSIGN_OR_RETURN(JsonItems parsed,
                           ParseItemsRequest(content_type, body, "contacts", kContactFields,
                                             kMaxContactsPerRequest, kMaxContactBodyBytes));
  std::vector<ContactItem> items;
  items.reserve(parsed.items.size());
  for (const json::object& o : parsed.items) items.push_back(ContactItemFromJson(o));
  return items;
}

Result<std::vector<ContactResult>> RecordContactsFor(Store& store,
                                                     std::span<const ContactItem> items,
                                                     const Principal& principal, TimePoint at) {
  ContactStore* log = store.Contacts();
  if (log == nullptr) return Unavailable("this store keeps no contacts");
  std::vector<ContactResult> results(items.size());
  std::vector<size_t> valid;  // index in `items` of each well-formed item
  std::vector<std::string> ids;
  for (size_t i = 0; i < items.size(); ++i) {
    results[i].status = items[i].status;
    if (!items[i].status.ok()) continue;
    valid.push_back(i);
    ids.push_back(items[i].report.voter_id);
  }
  // The store failing here fails the request: nothing is acknowledged.
  NARWHAL_ASSIGN_OR_RETURN(std::vector<Status> in_scope,
                           principal.role == Role::kCanvasser
                               ? TurfScopeChecks(store, items, valid, principal)
                               : VoterScopeChecks(store, ids, principal));
  NARWHAL_RETURN_IF_ERROR(CheckTurfMembership(store, items, valid, in_scope));
  NARWHAL_ASSIGN_OR_RETURN(SavedFieldBook book, log->CurrentFieldBook());
  return RecordInScope(store, items, std::move(results), valid, in_scope, book, principal, at);
}

Result<std::vector<ContactResult>> RecordCheckedContacts(Store& store,
                                                         std::span<const ContactItem> items,
                                                         std::span<const Status> in_scope,
                                                         const SavedFieldBook& book,
                                                         const Principal& principal, TimePoint at) {
  if (store.Contacts() == nullptr) return Unavailable("this store keeps no contacts");
  std::vector<ContactResult> results(items.size());
  std::vector<size_t> valid;
  std::vector<Status> checks;
  for (size_t i = 0; i < items.size(); ++i) {
    results[i].status = items[i].status;
    if (!items[i].status.ok()) continue;
    valid.push_back(i);
    checks.push_back(i < in_scope.size() ? in_scope[i] : Internal("no scope check"));
  }
  NARWHAL_RETURN_IF_ERROR(CheckTurfMembership(store, items, valid, checks));
  return RecordInScope(store, items, std::move(results), valid, checks, book, principal, at);
}

json::object ContactJson(const ContactRecord& c, const FieldBook& book) {
  json::object answers;
  for (const auto& [question, answer] : c.report.answers) answers[question] = answer;
  json::array tags;
  for (const std::string& tag : c.report.tags) tags.emplace_back(tag);
  const std::optional<ResultMeaning> meaning = MeaningOf(book, c.report.result);
  return {
      {"id", c.id},
      {"voter_id", c.report.voter_id},
      {"channel", ContactChannelName(c.report.channel)},
      {"result", c.report.result},
      {"result_name", meaning ? meaning->name : ""},
      {"category", meaning ? ResultCategoryName(meaning->category) : ""},
      {"support", c.report.support == 0 ? json::value() : json::value(c.report.support)},
      {"answers", std::move(answers)},
      {"tags", std::move(tags)},
      {"note", c.report.note},
      {"user_id", c.user_id},
      {"at", c.at},
      {"client_at", c.report.client_at.empty() ? json::value() : json::value(c.report.client_at)},
      {"list_id", c.report.list_id == 0 ? json::value() : json::value(c.report.list_id)},
      {"turf", c.report.turf.empty() ? json::value() : json::value(c.report.turf)},
      {"idempotency_key", c.report.idempotency_key}};
}

void AddContactRoutes(std::vector<Route>& routes, Store& store, const Clock& clock) {
  const auto kRecorders = AuthRequirement::AnyRole({Role::kAdmin, Role::kOrganizer});
  const auto kFieldRecorders =
      AuthRequirement::AnyRole({Role::kAdmin, Role::kOrganizer, Role::kCanvasser});
  routes.push_back(
      {"POST", "/api/v1/contacts", "record_contacts", kFieldRecorders,
       [&store, &clock](const HttpRequest& r, RequestContext& c) -> Result<HttpResponse> {
         NARWHAL_RETURN_IF_ERROR(QueryReader(c.query, {}).CheckNames());
         NARWHAL_ASSIGN_OR_RETURN(std::vector<ContactItem> items,
                                  ParseContactBody(r.Header("content-type"), r.body));
         NARWHAL_ASSIGN_OR_RETURN(std::vector<ContactResult> results,
                                  RecordContactsFor(store, items, c.principal, clock.Now()));
         AuditContacts(items, results, c);
         json::array out;
         for (size_t i = 0; i < results.size(); ++i) {
           json::object o{{"voter_id", items[i].report.voter_id},
                          {"idempotency_key", items[i].report.idempotency_key}};
           if (!results[i].status.ok()) {
             o["error"] = ItemErrorJson(results[i].status);
           } else {
             o["outcome"] = results[i].replayed ? "replayed" : "recorded";
             o["contact_id"] = results[i].contact_id;
           }
           out.push_back(std::move(o));
         }
         return JsonResponse(json::serialize(json::object{{"results", std::move(out)}}));
       },
       std::string(kRecordContactsDoc)});
  routes.push_back(
      {"GET", "/api/v1/voters/{voter_id}/contacts", "voter_contacts", kRecorders,
       [&store](const HttpRequest&, RequestContext& c) -> Result<HttpResponse> {
         QueryReader reader(c.query, {"limit"});
         NARWHAL_RETURN_IF_ERROR(reader.CheckNames());
         NARWHAL_ASSIGN_OR_RETURN(int64_t limit, reader.GetInt("limit", 1, 1000, 100));
         const std::string voter_id(c.PathParam("voter_id"));
         ContactStore* log = store.Contacts();
         if (log == nullptr) return Unavailable("this store keeps no contacts");
         if (Result<VoterRecord> voter = GetVoterFor(store, voter_id, c.principal); !voter.ok()) {
           if (voter.status().code() == ErrorCode::kPermissionDenied) {
             c.AuditRead("contact.read_denied", voter_id);
           }
           return voter.status();
         }
         NARWHAL_ASSIGN_OR_RETURN(std::vector<ContactRecord> contacts,
                                  log->ContactsOf(voter_id, static_cast<int>(limit)));
         c.AuditRead(
             "contact.read", voter_id,
             json::serialize(json::object{{"contacts", static_cast<int64_t>(contacts.size())}}));
         NARWHAL_ASSIGN_OR_RETURN(SavedFieldBook book, log->CurrentFieldBook());
         json::array out;
         for (const ContactRecord& contact : contacts)
           out.push_back(ContactJson(contact, book.book));
         return JsonResponse(json::serialize(json::object{{"contacts", std::move(out)}}));
       },
       std::string(kVoterContactsDoc)});
  routes.push_back(
      {"GET", "/api/v1/result-codes", "result_codes", AuthRequirement::Authenticated(),
       [&store](const HttpRequest&, RequestContext& c) -> Result<HttpResponse> {
         NARWHAL_RETURN_IF_ERROR(QueryReader(c.query, {}).CheckNames());
         ContactStore* log = store.Contacts();
         if (log == nullptr) return Unavailable("this store keeps no contacts");
         NARWHAL_ASSIGN_OR_RETURN(SavedFieldBook book, log->CurrentFieldBook());
         json::array out;
         auto add = [&](std::string_view code, std::string_view name, ResultCategory category,
                        ResultScope scope, bool core) {
           out.push_back(json::object{{"code", code},
                                      {"name", name},
                                      {"category", ResultCategoryName(category)},
                                      {"scope", ResultScopeName(scope)},
                                      {"core", core}});
         };
         for (const ResultCode& code : CoreResultCodes()) {
           add(code.code, code.name, code.category, code.scope, true);
         }
         for (const CampaignResultCode& code : book.book.result_codes) {
           add(code.code, code.name, code.category, code.scope, false);
         }
         return JsonResponse(json::serialize(json::object{{"result_codes", std::move(out)}}));
       },
       std::string(kResultCodesDoc)});
  routes.push_back({"GET", "/api/v1/field-book", "field_book", AuthRequirement::Authenticated(),
                    [&store](const HttpRequest&, RequestContext& c) -> Result<HttpResponse> {
                      NARWHAL_RETURN_IF_ERROR(QueryReader(c.query, {}).CheckNames());
                      ContactStore* log = store.Contacts();
                      if (log == nullptr) return Unavailable("this store keeps no contacts");
                      NARWHAL_ASSIGN_OR_RETURN(SavedFieldBook saved, log->CurrentFieldBook());
                      return JsonResponse(FieldBookResponse(saved));
                    },
                    std::string(kFieldBookDoc)});
  routes.push_back(
      {"PUT", "/api/v1/field-book", "save_field_book", AuthRequirement::AnyRole({Role::kAdmin}),
       [&store, &clock](const HttpRequest& r, RequestContext& c) -> Result<HttpResponse> {
         NARWHAL_RETURN_IF_ERROR(QueryReader(c.query, {}).CheckNames());
         ContactStore* log = store.Contacts();
         if (log == nullptr) return Unavailable("this store keeps no contacts");
         NARWHAL_ASSIGN_OR_RETURN(NewBookBody body, ParseNewBookBody(r.body));
         NARWHAL_ASSIGN_OR_RETURN(
             int64_t version,
             log->SaveFieldBook(body.book, body.base_version, c.principal.user_id, clock.Now()));
         c.AuditRecorded(
             "field_book.save", "version " + std::to_string(version),
             json::serialize(json::object{{"version", version},
                                          {"questions", body.book.questions.size()},
                                          {"scripts", body.book.scripts.size()},
                                          {"result_codes", body.book.result_codes.size()},
                                          {"tags", body.book.tags.size()}}));
         return JsonResponse(json::serialize(json::object{{"version", version}}));
       },
       std::string(kSaveFieldBookDoc)});
}

}  // namespace narwhal

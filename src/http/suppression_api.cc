#include "http/suppression_api.h"

#include <boost/json.hpp>
#include <string>
#include <utility>

#include "base/text.h"
#include "http/json_body.h"
#include "http/openapi_doc.h"
#include "http/params.h"

namespace narwhal {
namespace {

namespace json = boost::json;

// The rejects an answer lists; the rest are counted.
constexpr size_t kRejectsShown = 100;

constexpr JsonField kAddFields[] = {
    {.name = "scope", .kind = JsonKind::kString, .required = true, .max_chars = 10},
    {.name = "channels", .kind = JsonKind::kString, .required = true, .max_chars = 40},
    {.name = "source", .kind = JsonKind::kString, .required = true, .max_chars = 200},
    {.name = "reason", .kind = JsonKind::kString, .max_chars = 500},
    {.name = "entries",
     .kind = JsonKind::kStringArray,
     .required = true,
     .max_chars = 200,
     .max_items = kMaxSuppressionEntries},
};

constexpr std::string_view kBatchId =
    R"({"name": "batch_id", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 1}})";
constexpr std::string_view kChannelsParam =
    R"({"name": "channels", "in": "query", "schema": {"type": "string", "default": "all"}, "description": "phone, text, door, mail, email, comma-separated, or all"})";

std::string Doc(std::string_view summary, std::string_view description, std::string_view parameters,
                std::string_view body, std::string_view ok) {
  return OperationDoc("do not contact", summary, description, parameters, body, ok);
}

constexpr std::string_view kObjectOk = kJsonObjectOk;
constexpr std::string_view kCreatedOk =
    R"("201": {"description": "Added", "content": {"application/json": {"schema": {"type": "object"}}}})";
constexpr std::string_view kCsvOk =
    R"("200": {"description": "The CSV, as an attachment", "content": {"text/csv": {"schema": {"type": "string"}}}})";

Result<SuppressionStore*> SuppressionsOf(Store& store) {
  SuppressionStore* dnc = store.Suppressions();
  if (dnc == nullptr) return Unavailable("this store keeps no do-not-contact list");
  return dnc;
}

Result<ChannelMask> ChannelsParam(const std::string& text) {
  Result<ChannelMask> c = ParseChannels(text.empty() ? "all" : text);
  if (!c.ok()) return BadParam("channels", c.status().message());
  return *c;
}

}  // namespace

SuppressionEntries ReadSuppressionEntries(SuppressionScope scope,
                                          const std::vector<std::string>& entries) {
  SuppressionEntries out;
  out.keys.reserve(entries.size());
  int64_t line = 0;
  for (const std::string& entry : entries) {
    ++line;
    Result<std::string> key = SuppressionKeyOfEntry(scope, entry);
    if (key.ok()) {
      out.keys.push_back(std::move(*key));
    } else {
      out.rejects.push_back({line, entry.substr(0, 200), key.status().message()});
    }
  }
  return out;
}

json::object SuppressionBatchJson(const SuppressionBatch& b) {
  auto time = [](int64_t ms) {
    return ms == 0 ? json::value() : json::value(FormatIso8601(FromUnixMillis(ms)));
  };
  return {{"id", b.id},
          {"source", b.source},
          {"reason", b.reason},
          {"scope", SuppressionScopeName(b.scope)},
          {"channels", ChannelNames(b.channels)},
          {"entries", b.entries},
          {"added_by", b.added_by},
          {"added_at", time(b.added_at_ms)},
          {"undone_by", b.undone_by == 0 ? json::value() : json::value(b.undone_by)},
          {"undone_at", time(b.undone_at_ms)}};
}

Result<std::string> SuppressionCsv(SuppressionStore& store, ChannelMask channels) {
  std::string out = "scope,value,channels,batch_id\r\n";
  NARWHAL_RETURN_IF_ERROR(store.ExportSuppressions(channels, [&](const SuppressionEntry& e) {
    const std::optional<SuppressionValue> v = ValueOfSuppressionKey(e.key);
    if (!v) return Status::Ok();  // not a key this version writes
    AppendCsvRecord({std::string(SuppressionScopeName(v->scope)), v->value,
                     ChannelNames(e.channels), std::to_string(e.batch_id)},
                    out);
    return Status::Ok();
  }));
  return out;
}

void AddSuppressionRoutes(std::vector<Route>& routes, Store& store, const Clock& clock) {
  const auto kManagers = AuthRequirement::AnyRole({Role::kAdmin, Role::kOrganizer});

  routes.push_back(
      {"GET", "/api/v1/do-not-contact", "list_do_not_contact", kManagers,
       [&store](const HttpRequest&, RequestContext& c) -> Result<HttpResponse> {
         NARWHAL_RETURN_IF_ERROR(QueryReader(c.query, {}).CheckNames());
         NARWHAL_ASSIGN_OR_RETURN(SuppressionStore * dnc, SuppressionsOf(store));
         NARWHAL_ASSIGN_OR_RETURN(std::vector<SuppressionBatch> batches,
                                  dnc->ListSuppressionBatches());
         json::array out;
         int64_t in_force = 0;
         for (const SuppressionBatch& b : batches) {
           if (b.undone_at_ms == 0) in_force += b.entries;
           out.push_back(SuppressionBatchJson(b));
         }
         return JsonResponse(json::serialize(
             json::object{{"batches", std::move(out)}, {"entries_in_force", in_force}}));
       },
       Doc("The do-not-contact list's batches, newest first",
           "Each batch as it was added (source, scope, channels, entries, who and when) and, "
           "once undone, who undid it and when. entries_in_force sums the batches in force "
           "(a key in two batches counts twice).",
           "", "", kObjectOk)});

  routes.push_back(
      {"POST", "/api/v1/do-not-contact", "add_do_not_contact", kManagers,
       [&store, &clock](const HttpRequest& r, RequestContext& c) -> Result<HttpResponse> {
         NARWHAL_RETURN_IF_ERROR(QueryReader(c.query, {}).CheckNames());
         NARWHAL_ASSIGN_OR_RETURN(SuppressionStore * dnc, SuppressionsOf(store));
         NARWHAL_ASSIGN_OR_RETURN(json::object body,
                                  ParseJsonRequest(r.Header("content-type"), r.body, kAddFields,
                                                   kMaxSuppressionBodyBytes));
         NewSuppressions batch;
         const std::optional<SuppressionScope> scope =
             SuppressionScopeFromName(body.at("scope").as_string());
         if (!scope) return BadParam("scope", "phone, person or address");
         batch.scope = *scope;
         NARWHAL_ASSIGN_OR_RETURN(batch.channels,
                                  ChannelsParam(std::string(body.at("channels").as_string())));
         batch.source = std::string(body.at("source").as_string());
         if (const json::value* reason = body.if_contains("reason")) {
           batch.reason = std::string(reason->as_string());
         }
         std::vector<std::string> entries;
         for (const json::value& v : body.at("entries").as_array()) {
           entries.emplace_back(v.as_string());
         }
         SuppressionEntries read = ReadSuppressionEntries(batch.scope, entries);
         if (read.keys.empty()) {
           return BadParam("entries", read.rejects.empty() ? "no entries"
                                                           : "no entry could be read; the first: " +
                                                                 read.rejects.front().reason);
         }
         batch.keys = std::move(read.keys);
         batch.user_id = c.principal.user_id;
         batch.at_ms = UnixMillis(clock.Now());
         NARWHAL_ASSIGN_OR_RETURN(SuppressionBatch added, dnc->AddSuppressions(batch));
         c.AuditChange("do_not_contact.add", std::to_string(added.id),
                       json::serialize(json::object{{"source", added.source},
                                                    {"scope", SuppressionScopeName(added.scope)},
                                                    {"channels", ChannelNames(added.channels)},
                                                    {"entries", added.entries},
                                                    {"rejected", read.rejects.size()}}));
         json::array rejects;
         for (size_t i = 0; i < read.rejects.size() && i < kRejectsShown; ++i) {
           const SuppressionReject& x = read.rejects[i];
           rejects.push_back(
               json::object{{"item", x.line}, {"entry", x.entry}, {"reason", x.reason}});
         }
         return JsonResponse(json::serialize(json::object{{"batch", SuppressionBatchJson(added)},
                                                          {"rejected", read.rejects.size()},
                                                          {"rejects", std::move(rejects)}}),
                             201);
       },
       Doc("Add a batch to the do-not-contact list",
           "entries: phone numbers (any US format), voter ids, or addresses written \"street "
           "line, ZIP\", as scope says; channels: phone, text, door, mail, email, "
           "comma-separated, or all. Entries that cannot be read are refused one by one "
           "(rejects: the first 100, with item number and reason) and the rest added, in one "
           "transaction. Up to 100,000 entries and 1 MiB; larger files with `narwhal dnc "
           "add`.",
           "",
           R"({"type": "object", "additionalProperties": false, "required": ["scope", "channels", "source", "entries"], "properties": {"scope": {"enum": ["phone", "person", "address"]}, "channels": {"type": "string"}, "source": {"type": "string", "maxLength": 200}, "reason": {"type": "string", "maxLength": 500}, "entries": {"type": "array", "items": {"type": "string", "maxLength": 200}, "maxItems": 100000}}})",
           kCreatedOk)});

  routes.push_back(
      {"POST", "/api/v1/do-not-contact/{batch_id}/undo", "undo_do_not_contact", kManagers,
       [&store, &clock](const HttpRequest&, RequestContext& c) -> Result<HttpResponse> {
         NARWHAL_RETURN_IF_ERROR(QueryReader(c.query, {}).CheckNames());
         NARWHAL_ASSIGN_OR_RETURN(SuppressionStore * dnc, SuppressionsOf(store));
         NARWHAL_ASSIGN_OR_RETURN(int64_t id, ParsePositiveId("batch_id", c.PathParam("batch_id")));
         NARWHAL_ASSIGN_OR_RETURN(SuppressionBatch batch, dnc->GetSuppressionBatch(id));
         if (c.principal.role != Role::kAdmin && batch.added_by != c.principal.user_id) {
           return PermissionDenied("an organizer undoes only the batches she added");
         }
         NARWHAL_ASSIGN_OR_RETURN(
             SuppressionBatch undone,
             dnc->UndoSuppressions(id, c.principal.user_id, UnixMillis(clock.Now())));
         c.AuditChange(
             "do_not_contact.undo", std::to_string(id),
             json::serialize(json::object{{"source", undone.source}, {"entries", undone.entries}}));
         return JsonResponse(json::serialize(SuppressionBatchJson(undone)));
       },
       Doc("Undo a batch of the do-not-contact list",
           "Its entries stop closing contacts; the batch stays listed with who undid it and "
           "when. Anyone a call list dropped is put back in its queue and checked again when "
           "her turn comes. 409 when it was already undone.",
           kBatchId, "", kObjectOk)});

  routes.push_back(
      {"GET", "/api/v1/do-not-contact/export", "export_do_not_contact", kManagers,
       [&store](const HttpRequest&, RequestContext& c) -> Result<HttpResponse> {
         QueryReader q(c.query, {"channels"});
         NARWHAL_RETURN_IF_ERROR(q.CheckNames());
         NARWHAL_ASSIGN_OR_RETURN(std::string text, q.Get("channels", 40));
         NARWHAL_ASSIGN_OR_RETURN(ChannelMask channels, ChannelsParam(text));
         NARWHAL_ASSIGN_OR_RETURN(SuppressionStore * dnc, SuppressionsOf(store));
         NARWHAL_ASSIGN_OR_RETURN(std::string csv, SuppressionCsv(*dnc, channels));
         c.AuditRead("do_not_contact.export", ChannelNames(channels));
         return AttachmentResponse("text/csv; charset=utf-8", "do-not-contact.csv", std::move(csv));
       },
       Doc("Export the do-not-contact list in force",
           "CSV: scope, value (as an upload takes it back), channels, batch_id; one row per "
           "entry in force for one of the channels asked (default all), by value.",
           kChannelsParam, "", kCsvOk)});
}

}  // namespace narwhal

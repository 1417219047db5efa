#include "storage/contact_sql.h"

#include <utility>

#include "storage/named_values_json.h"

namespace narwhal::contact_sql {

Result<InsertText> TextOf(const NewContact& contact) {
  const ContactReport& report = contact.report;
  InsertText t;
  t.channel = std::string(ContactChannelName(report.channel));
  std::optional<ResultMeaning> meaning;
  if (contact.checked) {
    meaning = contact.checked->meaning;
  } else if (!report.result.empty()) {
    const ResultCode* code = FindResultCode(report.result);
    if (code == nullptr) {
      return InvalidArgument("result: unknown result code '" + report.result + "'");
    }
    meaning = ResultMeaning{std::string(code->name), code->category, code->scope};
  }
  if (meaning) {
    t.category = std::string(ResultCategoryName(meaning->category));
    t.scope = std::string(ResultScopeName(meaning->scope));
  }
  EncodeNamedValues(report.answers, t.answers);
  for (const std::string& tag : report.tags) {
    if (!t.tags.empty()) t.tags += ',';
    t.tags += tag;
  }
  return t;
}

NamedValues ChoiceRows(const NewContact& contact) {
  NamedValues rows;
  if (contact.checked) rows = contact.checked->choices;
  for (const std::string& tag : contact.report.tags) rows.emplace_back(kTagQuestion, tag);
  return rows;
}

Result<SavedFieldBook> BookRow(int64_t version, std::string_view body, int64_t saved_by,
                               std::string saved_at) {
  SavedFieldBook saved;
  saved.version = version;
  saved.saved_by = saved_by;
  saved.saved_at = std::move(saved_at);
  Result<FieldBook> book = ParseFieldBook(body);
  if (!book.ok()) {
    return DataLoss("field book version " + std::to_string(version) +
                    " does not parse: " + book.status().message());
  }
  saved.book = std::move(*book);
  return saved;
}

Status CheckBookBase(int64_t current, int64_t base) {
  if (current == base) return Status::Ok();
  return FailedPrecondition("the field book is at version " + std::to_string(current) + ", not " +
                            std::to_string(base) +
                            ": someone saved it since; read it again and redo the change");
}

Result<ContactRecord> Row(int64_t id, std::string voter_id, std::string_view channel,
                          std::string result, int64_t support, std::string_view answers,
                          std::string note, std::string key, std::string client_at, int64_t list_id,
                          int64_t user_id, std::string at, std::string turf,
                          std::string_view tags) {
  ContactRecord c;
  c.id = id;
  c.report.voter_id = std::move(voter_id);
  c.report.channel = ContactChannelFromName(channel).value_or(ContactChannel::kDoor);
  c.report.result = std::move(result);
  c.report.support = static_cast<int>(support);
  NARWHAL_ASSIGN_OR_RETURN(c.report.answers, DecodeNamedValues(answers));
  c.report.note = std::move(note);
  c.report.idempotency_key = std::move(key);
  c.report.client_at = std::move(client_at);
  c.report.list_id = list_id;
  c.user_id = user_id;
  c.at = std::move(at);
  c.report.turf = std::move(turf);
  while (!tags.empty()) {
    const size_t comma = tags.find(',');
    c.report.tags.emplace_back(tags.substr(0, comma));
    tags = comma == std::string_view::npos ? std::string_view() : tags.substr(comma + 1);
  }
  return c;
}

ContactResult Replay(int64_t id, const std::string& voter_id, const ContactReport& report) {
  ContactResult r;
  if (voter_id != report.voter_id) {
    r.status = InvalidArgument("idempotency_key: already used for a contact with another voter");
    return r;
  }
  r.contact_id = id;
  r.replayed = true;
  return r;
}

}  // namespace narwhal::contact_sql

#include "storage/contact_sql.h"

#include <utility>

#include "storage/named_values_json.h"

namespace narwhal::contact_sql {

InsertText TextOf(const ContactReport& report) {
  const ResultCode* code = FindResultCode(report.result);
  InsertText t;
  t.channel = std::string(ContactChannelName(report.channel));
  t.category = code == nullptr ? "" : std::string(ResultCategoryName(code->category));
  t.scope = code == nullptr ? "" : std::string(ResultScopeName(code->scope));
  EncodeNamedValues(report.answers, t.answers);
  return t;
}

Result<ContactRecord> Row(int64_t id, std::string voter_id, std::string_view channel,
                          std::string result, int64_t support, std::string_view answers,
                          std::string note, std::string key, std::string client_at, int64_t list_id,
                          int64_t user_id, std::string at, std::string turf) {
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

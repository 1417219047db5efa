// PostgresStore's contact log (storage/contact_store.h): a batch of contacts is one
// transaction; a key two app nodes race for is stored once (ON CONFLICT DO NOTHING) and the
// loser answers the winner's contact as replayed.
#include <algorithm>
#include <numeric>
#include <string>
#include <utility>

#include "base/clock.h"
#include "storage/contact_sql.h"
#include "storage/postgres/postgres_store_impl.h"

namespace narwhal::postgres {

ContactStore* PostgresStore::Contacts() {
  return this;
}

Result<std::vector<ContactResult>> PostgresStore::RecordContacts(
    std::span<const NewContact> contacts) {
  std::vector<ContactResult> results(contacts.size());
  // Keys are taken in key order, so two batches sharing keys never wait for each other in
  // a cycle (a deadlock would fail both).
  std::vector<size_t> order(contacts.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return contacts[a].report.idempotency_key < contacts[b].report.idempotency_key;
  });
  NARWHAL_RETURN_IF_ERROR(Transact(Access::kWrite, [&](Connection& db) -> Status {
    for (size_t i : order) {
      const ContactReport& r = contacts[i].report;
      ContactResult& out = results[i];
      out = ContactResult{};
      out.status = ValidateContactReport(r);
      if (!out.status.ok()) continue;
      Result<contact_sql::InsertText> checked = contact_sql::TextOf(contacts[i]);
      if (!checked.ok()) {
        out.status = checked.status();
        continue;
      }
      const contact_sql::InsertText& text = *checked;
      NARWHAL_ASSIGN_OR_RETURN(Rows known,
                               db.Exec(contact_sql::kVoterKnown, Params().Add(r.voter_id)));
      if (!known.empty()) {
        NARWHAL_ASSIGN_OR_RETURN(
            Rows inserted, db.Exec(contact_sql::kInsert, Params()
                                                             .Add(r.idempotency_key)
                                                             .Add(r.voter_id)
                                                             .Add(text.channel)
                                                             .Add(r.result)
                                                             .Add(text.category)
                                                             .Add(text.scope)
                                                             .Add(int64_t{r.support})
                                                             .Add(text.answers)
                                                             .Add(r.note)
                                                             .Add(r.client_at)
                                                             .Add(r.list_id)
                                                             .Add(contacts[i].user_id)
                                                             .Add(FormatIso8601(contacts[i].at))
                                                             .Add(r.turf)
                                                             .Add(text.tags)));
        if (!inserted.empty()) {
          out.contact_id = inserted.Int64(0, 0);
          for (const auto& [question, answer] : contact_sql::ChoiceRows(contacts[i])) {
            NARWHAL_RETURN_IF_ERROR(
                db.Exec(contact_sql::kInsertChoice,
                        Params().Add(question).Add(r.voter_id).Add(out.contact_id).Add(answer))
                    .status());
          }
          continue;
        }
      }
      // The key was seen before (or the voter is unknown): the first contact answers.
      NARWHAL_ASSIGN_OR_RETURN(Rows seen,
                               db.Exec(contact_sql::kFindKey, Params().Add(r.idempotency_key)));
      if (!seen.empty()) {
        out = contact_sql::Replay(seen.Int64(0, 0), seen.String(0, 1), r);
      } else {
        out.status = NotFound("voter '" + r.voter_id + "' does not exist");
      }
    }
    return Status::Ok();
  }));
  return results;
}

Result<std::vector<ContactRecord>> PostgresStore::ContactsOf(const std::string& voter_id,
                                                             int limit) {
  if (limit < 1 || limit > 1000) return InvalidArgument("limit must be 1..1000");
  NARWHAL_ASSIGN_OR_RETURN(
      Rows r, ReadStatement(contact_sql::kTimeline, Params().Add(voter_id).Add(int64_t{limit})));
  std::vector<ContactRecord> out;
  for (int i = 0; i < r.size(); ++i) {
    NARWHAL_ASSIGN_OR_RETURN(
        ContactRecord c,
        contact_sql::Row(r.Int64(i, 0), r.String(i, 1), r.Text(i, 2), r.String(i, 3), r.Int64(i, 4),
                         r.Text(i, 5), r.String(i, 6), r.String(i, 7), r.String(i, 8),
                         r.Int64(i, 9), r.Int64(i, 10), r.String(i, 11), r.String(i, 12),
                         r.Text(i, 13)));
    out.push_back(std::move(c));
  }
  return out;
}

Result<SavedFieldBook> PostgresStore::CurrentFieldBook() {
  NARWHAL_ASSIGN_OR_RETURN(Rows r, ReadStatement(contact_sql::kCurrentBook, Params()));
  if (r.empty()) return SavedFieldBook{};
  return contact_sql::BookRow(r.Int64(0, 0), r.Text(0, 1), r.Int64(0, 2), r.String(0, 3));
}

Result<int64_t> PostgresStore::SaveFieldBook(const FieldBook& book, int64_t base_version,
                                             int64_t user_id, TimePoint at) {
  NARWHAL_RETURN_IF_ERROR(ValidateFieldBook(book));
  const std::string body = FieldBookJson(book);
  int64_t version = base_version + 1;
  // Two app nodes saving on the same base race for one version number: the primary key
  // lets one in, and the other is told the book changed.
  NARWHAL_RETURN_IF_ERROR(Transact(Access::kWrite, [&](Connection& db) -> Status {
    NARWHAL_ASSIGN_OR_RETURN(Rows current, db.Exec(contact_sql::kCurrentBook, Params()));
    version = base_version + 1;
    if (!current.empty() && current.Text(0, 1) == body) {  // saved again as it is
      version = current.Int64(0, 0);
      return Status::Ok();
    }
    NARWHAL_RETURN_IF_ERROR(
        contact_sql::CheckBookBase(current.empty() ? 0 : current.Int64(0, 0), base_version));
    NARWHAL_ASSIGN_OR_RETURN(
        Rows inserted,
        db.Exec(contact_sql::kInsertBook,
                Params().Add(version).Add(body).Add(user_id).Add(FormatIso8601(at))));
    if (inserted.empty()) return contact_sql::CheckBookBase(version, base_version);
    return Status::Ok();
  }));
  return version;
}

}  // namespace narwhal::postgres

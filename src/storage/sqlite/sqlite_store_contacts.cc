// SqliteStore's contact log (storage/contact_store.h): a batch of contacts is one job of
// the writer, committed with whatever else is queued, like a batch of strikes.
#include <string>
#include <utility>

#include "base/clock.h"
#include "storage/contact_sql.h"
#include "storage/sqlite/sqlite_store_impl.h"

namespace narwhal::sqlite {

ContactStore* SqliteStore::Contacts() {
  return this;
}

Result<std::vector<ContactResult>> SqliteStore::RecordContacts(
    std::span<const NewContact> contacts) {
  std::vector<ContactResult> results(contacts.size());
  std::vector<contact_sql::InsertText> texts(contacts.size());
  for (size_t i = 0; i < contacts.size(); ++i) {
    results[i].status = ValidateContactReport(contacts[i].report);
    if (!results[i].status.ok()) continue;
    Result<contact_sql::InsertText> text = contact_sql::TextOf(contacts[i]);
    if (text.ok()) {
      texts[i] = std::move(*text);
    } else {
      results[i].status = text.status();
    }
  }
  std::vector<bool> valid(contacts.size());
  for (size_t i = 0; i < contacts.size(); ++i) valid[i] = results[i].status.ok();
  Status st = writer_->Submit([&](Connection& db) -> Status {
    NARWHAL_ASSIGN_OR_RETURN(ScopedStatement find, db.Prepare(contact_sql::kFindKey));
    NARWHAL_ASSIGN_OR_RETURN(ScopedStatement known, db.Prepare(contact_sql::kVoterKnown));
    NARWHAL_ASSIGN_OR_RETURN(ScopedStatement insert, db.Prepare(contact_sql::kInsert));
    NARWHAL_ASSIGN_OR_RETURN(ScopedStatement choice, db.Prepare(contact_sql::kInsertChoice));
    for (size_t i = 0; i < contacts.size(); ++i) {
      // Items that failed validation keep their answer; the others are (re)decided here, so
      // a job the writer runs twice answers the same.
      if (!valid[i]) continue;
      const ContactReport& r = contacts[i].report;
      ContactResult& out = results[i];
      out = ContactResult{};
      find->BindText(1, r.idempotency_key);
      NARWHAL_ASSIGN_OR_RETURN(bool seen, find->Step());
      if (seen) {
        out = contact_sql::Replay(find->ColumnInt64(0), find->ColumnString(1), r);
        find->Reset();
        continue;
      }
      find->Reset();
      known->BindText(1, r.voter_id);
      NARWHAL_ASSIGN_OR_RETURN(bool exists, known->Step());
      known->Reset();
      if (!exists) {
        out.status = NotFound("voter '" + r.voter_id + "' does not exist");
        continue;
      }
      const contact_sql::InsertText& text = texts[i];
      const std::string at = FormatIso8601(contacts[i].at);
      insert->BindText(1, r.idempotency_key);
      insert->BindText(2, r.voter_id);
      insert->BindText(3, text.channel);
      insert->BindText(4, r.result);
      insert->BindText(5, text.category);
      insert->BindText(6, text.scope);
      insert->BindInt64(7, r.support);
      insert->BindText(8, text.answers);
      insert->BindText(9, r.note);
      insert->BindText(10, r.client_at);
      insert->BindInt64(11, r.list_id);
      insert->BindInt64(12, contacts[i].user_id);
      insert->BindText(13, at);
      insert->BindText(14, r.turf);
      insert->BindText(15, text.tags);
      NARWHAL_ASSIGN_OR_RETURN(bool inserted, insert->Step());
      out.contact_id = inserted ? insert->ColumnInt64(0) : 0;
      insert->Reset();
      if (!inserted) return Internal("a contact's key conflicted inside the writer");
      for (const auto& [question, answer] : contact_sql::ChoiceRows(contacts[i])) {
        choice->BindText(1, question);
        choice->BindText(2, r.voter_id);
        choice->BindInt64(3, out.contact_id);
        choice->BindText(4, answer);
        NARWHAL_RETURN_IF_ERROR(choice->Step().status());
        choice->Reset();
      }
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return results;
}

Result<std::vector<ContactRecord>> SqliteStore::ContactsOf(const std::string& voter_id, int limit) {
  if (limit < 1 || limit > 1000) return InvalidArgument("limit must be 1..1000");
  ReaderPool::Lease db = readers_->Acquire();
  NARWHAL_ASSIGN_OR_RETURN(ScopedStatement q, db->Prepare(contact_sql::kTimeline));
  q->BindText(1, voter_id);
  q->BindInt64(2, limit);
  std::vector<ContactRecord> out;
  for (;;) {
    NARWHAL_ASSIGN_OR_RETURN(bool more, q->Step());
    if (!more) return out;
    NARWHAL_ASSIGN_OR_RETURN(
        ContactRecord c,
        contact_sql::Row(q->ColumnInt64(0), q->ColumnString(1), q->ColumnText(2),
                         q->ColumnString(3), q->ColumnInt64(4), q->ColumnText(5),
                         q->ColumnString(6), q->ColumnString(7), q->ColumnString(8),
                         q->ColumnInt64(9), q->ColumnInt64(10), q->ColumnString(11),
                         q->ColumnString(12), q->ColumnText(13)));
    out.push_back(std::move(c));
  }
}

Result<SavedFieldBook> SqliteStore::CurrentFieldBook() {
  ReaderPool::Lease db = readers_->Acquire();
  NARWHAL_ASSIGN_OR_RETURN(ScopedStatement q, db->Prepare(contact_sql::kCurrentBook));
  NARWHAL_ASSIGN_OR_RETURN(bool found, q->Step());
  if (!found) return SavedFieldBook{};
  return contact_sql::BookRow(q->ColumnInt64(0), q->ColumnText(1), q->ColumnInt64(2),
                              q->ColumnString(3));
}

Result<int64_t> SqliteStore::SaveFieldBook(const FieldBook& book, int64_t base_version,
                                           int64_t user_id, TimePoint at) {
  NARWHAL_RETURN_IF_ERROR(ValidateFieldBook(book));
  const std::string body = FieldBookJson(book);
  const std::string when = FormatIso8601(at);
  int64_t version = base_version + 1;
  Status st = writer_->Submit([&](Connection& db) -> Status {
    NARWHAL_ASSIGN_OR_RETURN(ScopedStatement current, db.Prepare(contact_sql::kCurrentBook));
    NARWHAL_ASSIGN_OR_RETURN(bool found, current->Step());
    if (found && current->ColumnText(1) == body) {  // saved again as it is: nothing changes
      version = current->ColumnInt64(0);
      return Status::Ok();
    }
    NARWHAL_RETURN_IF_ERROR(
        contact_sql::CheckBookBase(found ? current->ColumnInt64(0) : 0, base_version));
    NARWHAL_ASSIGN_OR_RETURN(ScopedStatement insert, db.Prepare(contact_sql::kInsertBook));
    insert->BindInt64(1, version);
    insert->BindText(2, body);
    insert->BindInt64(3, user_id);
    insert->BindText(4, when);
    NARWHAL_ASSIGN_OR_RETURN(bool inserted, insert->Step());
    if (!inserted) return contact_sql::CheckBookBase(version, base_version);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return version;
}

}  // namespace narwhal::sqlite

// SqliteStore's call lists (storage/call_store.h). Every claim, renewal and finish is one
// job of the one writer: the look for the next person and her lease are one step nobody
// can come between, so no person is ever held twice.
#include <string>
#include <utility>

#include "storage/call_sql.h"
#include "storage/sqlite/sqlite_store_impl.h"

namespace narwhal::sqlite {
namespace {

CallList ListRow(const Statement& q) {
  CallList l;
  l.id = q.ColumnInt64(0);
  l.name = q.ColumnString(1);
  l.voter_list_id = q.ColumnInt64(2);
  l.script = q.ColumnString(3);
  l.people = q.ColumnInt64(4);
  l.done = q.ColumnInt64(5);
  l.held = q.ColumnInt64(6);
  l.waiting = q.ColumnInt64(7);
  l.created_by = q.ColumnInt64(8);
  l.created_at_ms = q.ColumnInt64(9);
  return l;
}

// The person a kTake or kRenew row names.
void ReadClaim(const Statement& q, CallClaim& c) {
  c.voter_id = q.ColumnString(0);
  c.phone = q.ColumnString(1);
  c.attempts = static_cast<int>(q.ColumnInt64(2));
}

// Runs the statement `sql` bound by `bind`; `found` says whether it answered a row, and
// `read` reads the row when it did.
Status StepOnce(Connection& db, std::string_view sql, const std::function<void(Statement&)>& bind,
                bool& found, const std::function<void(const Statement&)>& read = {}) {
  NARWHAL_ASSIGN_OR_RETURN(ScopedStatement q, db.Prepare(sql));
  bind(*q);
  NARWHAL_ASSIGN_OR_RETURN(found, q->Step());
  if (found && read) read(*q);
  return Status::Ok();
}

}  // namespace

CallStore* SqliteStore::Calls() {
  return this;
}

Result<CallList> SqliteStore::CreateCallList(const NewCallList& list) {
  NARWHAL_RETURN_IF_ERROR(call_sql::ValidateName(list.name));
  int64_t id = 0;
  Status st = writer_->Submit([&](Connection& db) -> Status {
    bool found = false;
    NARWHAL_RETURN_IF_ERROR(StepOnce(
        db, call_sql::kNameTaken, [&](Statement& q) { q.BindText(1, list.name); }, found));
    if (found) return Status(ErrorCode::kAlreadyExists, "a call list is named '" + list.name + "'");
    NARWHAL_RETURN_IF_ERROR(StepOnce(
        db, call_sql::kVoterListReady, [&](Statement& q) { q.BindInt64(1, list.voter_list_id); },
        found));
    if (!found) return NotFound("no voter list " + std::to_string(list.voter_list_id));
    NARWHAL_RETURN_IF_ERROR(StepOnce(
        db, call_sql::kInsertList,
        [&](Statement& q) {
          q.BindText(1, list.name);
          q.BindInt64(2, list.voter_list_id);
          q.BindText(3, list.script);
          q.BindInt64(4, list.user_id);
          q.BindInt64(5, list.at_ms);
        },
        found, [&](const Statement& q) { id = q.ColumnInt64(0); }));
    NARWHAL_ASSIGN_OR_RETURN(ScopedStatement targets, db.Prepare(call_sql::kInsertTargets));
    targets->BindInt64(1, id);
    targets->BindInt64(2, list.voter_list_id);
    NARWHAL_RETURN_IF_ERROR(targets->Step().status());
    const int64_t people = db.Changes();
    if (people == 0) {
      return FailedPrecondition("nobody on voter list " + std::to_string(list.voter_list_id) +
                                " has a phone number");
    }
    return StepOnce(
        db, call_sql::kSetPeople,
        [&](Statement& q) {
          q.BindInt64(1, people);
          q.BindInt64(2, id);
        },
        found);
  });
  if (!st.ok()) return st;
  return GetCallList(id, list.at_ms);
}

Result<CallList> SqliteStore::GetCallList(int64_t list_id, int64_t now_ms) {
  ReaderPool::Lease db = readers_->Acquire();
  NARWHAL_ASSIGN_OR_RETURN(ScopedStatement q,
                           db->Prepare(std::string(call_sql::kListColumns) + "WHERE l.id = $2"));
  q->BindInt64(1, now_ms);
  q->BindInt64(2, list_id);
  NARWHAL_ASSIGN_OR_RETURN(bool found, q->Step());
  if (!found) return NotFound("no call list " + std::to_string(list_id));
  return ListRow(*q);
}

Result<std::vector<CallList>> SqliteStore::ListCallLists(int64_t now_ms) {
  ReaderPool::Lease db = readers_->Acquire();
  NARWHAL_ASSIGN_OR_RETURN(ScopedStatement q,
                           db->Prepare(std::string(call_sql::kListColumns) + "ORDER BY l.id DESC"));
  q->BindInt64(1, now_ms);
  std::vector<CallList> out;
  for (;;) {
    NARWHAL_ASSIGN_OR_RETURN(bool more, q->Step());
    if (!more) return out;
    out.push_back(ListRow(*q));
  }
}

Result<std::optional<CallClaim>> SqliteStore::ClaimNext(int64_t list_id, int64_t caller,
                                                        int64_t now_ms, int64_t lease_ms) {
  NARWHAL_RETURN_IF_ERROR(call_sql::ValidateLease(lease_ms));
  std::optional<CallClaim> claim;
  Status st = writer_->Submit([&](Connection& db) -> Status {
    claim.reset();
    bool found = false;
    NARWHAL_RETURN_IF_ERROR(StepOnce(
        db, call_sql::kListKnown, [&](Statement& q) { q.BindInt64(1, list_id); }, found));
    if (!found) return NotFound("no call list " + std::to_string(list_id));
    int64_t position = 0;
    auto read_position = [&](const Statement& q) { position = q.ColumnInt64(0); };
    NARWHAL_RETURN_IF_ERROR(StepOnce(
        db, call_sql::kHeldBy,
        [&](Statement& q) {
          q.BindInt64(1, caller);
          q.BindInt64(2, list_id);
          q.BindInt64(3, now_ms);
        },
        found, read_position));
    for (std::string_view next : {call_sql::kLapsed, call_sql::kFree}) {
      if (found) break;
      NARWHAL_RETURN_IF_ERROR(StepOnce(
          db, next,
          [&](Statement& q) {
            q.BindInt64(1, list_id);
            q.BindInt64(2, now_ms);
          },
          found, read_position));
    }
    if (!found) return Status::Ok();
    CallClaim c = call_sql::NewClaim(list_id, position, now_ms, lease_ms);
    NARWHAL_RETURN_IF_ERROR(StepOnce(
        db, call_sql::kTake,
        [&](Statement& q) {
          q.BindInt64(1, caller);
          q.BindInt64(2, c.lease_until_ms);
          q.BindInt64(3, list_id);
          q.BindInt64(4, position);
          q.BindInt64(5, now_ms);
        },
        found, [&](const Statement& q) { ReadClaim(q, c); }));
    if (!found) return Internal("a call list's person could not be taken inside the writer");
    claim = std::move(c);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return claim;
}

Result<CallClaim> SqliteStore::RenewClaim(int64_t list_id, int64_t position, int64_t caller,
                                          int64_t now_ms, int64_t lease_ms) {
  NARWHAL_RETURN_IF_ERROR(call_sql::ValidateLease(lease_ms));
  CallClaim c = call_sql::NewClaim(list_id, position, now_ms, lease_ms);
  bool found = false;
  Status st = writer_->Submit([&](Connection& db) -> Status {
    return StepOnce(
        db, call_sql::kRenew,
        [&](Statement& q) {
          q.BindInt64(1, c.lease_until_ms);
          q.BindInt64(2, list_id);
          q.BindInt64(3, position);
          q.BindInt64(4, caller);
        },
        found, [&](const Statement& q) { ReadClaim(q, c); });
  });
  if (!st.ok()) return st;
  if (!found) return call_sql::FinishRefused(true, false, 0, caller);
  return c;
}

Status SqliteStore::FinishCall(int64_t list_id, int64_t position, int64_t caller,
                               std::optional<int64_t> next_call_ms) {
  return writer_->Submit([&](Connection& db) -> Status {
    bool found = false;
    NARWHAL_RETURN_IF_ERROR(StepOnce(
        db, next_call_ms ? call_sql::kRequeue : call_sql::kDone,
        [&](Statement& q) {
          // kRequeue takes the time first, kDone has none.
          const int first = next_call_ms ? 2 : 1;
          if (next_call_ms) q.BindInt64(1, *next_call_ms);
          q.BindInt64(first, list_id);
          q.BindInt64(first + 1, position);
          q.BindInt64(first + 2, caller);
        },
        found));
    if (found) return Status::Ok();
    bool done = false;
    int64_t holder = 0;
    NARWHAL_RETURN_IF_ERROR(StepOnce(
        db, call_sql::kTarget,
        [&](Statement& q) {
          q.BindInt64(1, list_id);
          q.BindInt64(2, position);
        },
        found,
        [&](const Statement& q) {
          done = q.ColumnInt64(0) != 0;
          holder = q.ColumnInt64(1);
        }));
    return call_sql::FinishRefused(found, done, holder, caller);
  });
}

}  // namespace narwhal::sqlite

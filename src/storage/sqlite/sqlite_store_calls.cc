// SqliteStore's call lists (storage/call_store.h). Every claim, renewal and finish is one
// job of the one writer: the look for the next person and her lease are one step nobody
// can come between, so no person is ever held twice.
#include <string>
#include <tuple>
#include <utility>

#include "storage/call_sql.h"
#include "storage/sqlite/sqlite_store_impl.h"
#include "storage/suppression_sql.h"

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
  l.window.from_minute = static_cast<int>(q.ColumnInt64(10));
  l.window.until_minute = static_cast<int>(q.ColumnInt64(11));
  l.dropped = q.ColumnInt64(12);
  return l;
}

// The person a kTake or kRenew row names.
void ReadClaim(const Statement& q, CallClaim& c) {
  c.voter_id = q.ColumnString(0);
  c.phone = q.ColumnString(1);
  c.attempts = static_cast<int>(q.ColumnInt64(2));
  c.zone = static_cast<int>(q.ColumnInt64(3));
}

const std::string kHeldSql = call_sql::QueueSql(call_sql::kHeldBy);
const std::string kLapsedSql = call_sql::QueueSql(call_sql::kLapsed);
const std::string kDueSql = call_sql::QueueSql(call_sql::kDue);
const std::string kFreshSql = call_sql::QueueSql(call_sql::kFresh);

// True when the do-not-contact list holds back from a call the person of claim `c` who
// lives at `street`, `zip`.
Result<bool> HeldBack(Connection& db, const CallClaim& c, const std::string& street,
                      const std::string& zip) {
  const std::vector<std::string> keys = SuppressionKeysOf(c.voter_id, c.phone, street, zip);
  NARWHAL_ASSIGN_OR_RETURN(ScopedStatement find, db.Prepare(suppression_sql::FindSql(keys.size())));
  int n = 0;
  for (const std::string& key : keys) find->BindText(++n, key);
  find->BindInt64(n + 1, call_sql::kCallChannels);
  return find->Step();
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

// Leases the person at `position` of list `list_id` to `caller` (kTake) and checks her
// against the do-not-contact list, dropping her if it holds her back.
using call_sql::Take;
Result<Take> TakeChecked(Connection& db, int64_t list_id, int64_t position, int64_t caller,
                         int64_t now_ms, int64_t lease_ms) {
  Take t;
  t.claim = call_sql::NewClaim(list_id, position, now_ms, lease_ms);
  NARWHAL_RETURN_IF_ERROR(StepOnce(
      db, call_sql::kTake,
      [&](Statement& q) {
        q.BindInt64(1, caller);
        q.BindInt64(2, t.claim.lease_until_ms);
        q.BindInt64(3, list_id);
        q.BindInt64(4, position);
        q.BindInt64(5, now_ms);
      },
      t.taken, [&](const Statement& q) { ReadClaim(q, t.claim); }));
  if (!t.taken) return t;
  std::string street, zip;
  bool found = false;
  NARWHAL_RETURN_IF_ERROR(StepOnce(
      db, call_sql::kVoterAddress, [&](Statement& q) { q.BindText(1, t.claim.voter_id); }, found,
      [&](const Statement& q) {
        street = q.ColumnString(0);
        zip = q.ColumnString(1);
      }));
  NARWHAL_ASSIGN_OR_RETURN(t.dropped, HeldBack(db, t.claim, street, zip));
  if (!t.dropped) return t;
  NARWHAL_RETURN_IF_ERROR(StepOnce(
      db, call_sql::kDrop,
      [&](Statement& q) {
        q.BindInt64(1, list_id);
        q.BindInt64(2, position);
      },
      found));
  return t;
}

// The calling hours of list `list_id`; kNotFound for an unknown list.
Result<CallingWindow> WindowOf(Connection& db, int64_t list_id) {
  bool found = false;
  CallingWindow window;
  NARWHAL_RETURN_IF_ERROR(StepOnce(
      db, call_sql::kListKnown, [&](Statement& q) { q.BindInt64(1, list_id); }, found,
      [&](const Statement& q) {
        window.from_minute = static_cast<int>(q.ColumnInt64(0));
        window.until_minute = static_cast<int>(q.ColumnInt64(1));
      }));
  if (!found) return NotFound("no call list " + std::to_string(list_id));
  return window;
}

// Gives each person of list `id` her calling zone (call_sql::PlanZones).
Status SetZones(Connection& db, int64_t id) {
  std::vector<call_sql::TargetPlace> places;
  {
    NARWHAL_ASSIGN_OR_RETURN(ScopedStatement q, db.Prepare(call_sql::kTargetPlaces));
    q->BindInt64(1, id);
    for (;;) {
      NARWHAL_ASSIGN_OR_RETURN(bool row, q->Step());
      if (!row) break;
      places.push_back(
          {q->ColumnString(0), q->ColumnString(1), q->ColumnString(2), q->ColumnString(3)});
    }
  }
  NARWHAL_ASSIGN_OR_RETURN(ScopedStatement set, db.Prepare(call_sql::kSetZone));
  for (const call_sql::ZoneUpdate& u : call_sql::PlanZones(places)) {
    set->BindInt64(1, u.zone);
    set->BindInt64(2, id);
    set->BindText(3, u.place.state);
    set->BindText(4, u.place.county);
    set->BindText(5, u.place.county_name);
    set->BindText(6, u.place.zip);
    NARWHAL_RETURN_IF_ERROR(set->Run());
    set->Reset();
  }
  return Status::Ok();
}

// The int64 first column of each row of `sql`, its $1 bound to `arg`.
Result<std::vector<int64_t>> Ids(Connection& db, std::string_view sql, int64_t arg) {
  NARWHAL_ASSIGN_OR_RETURN(ScopedStatement q, db.Prepare(sql));
  q->BindInt64(1, arg);
  std::vector<int64_t> out;
  for (;;) {
    NARWHAL_ASSIGN_OR_RETURN(bool row, q->Step());
    if (!row) return out;
    out.push_back(q->ColumnInt64(0));
  }
}

}  // namespace

CallStore* SqliteStore::Calls() {
  return this;
}

Result<CallList> SqliteStore::CreateCallList(const NewCallList& list) {
  NARWHAL_RETURN_IF_ERROR(call_sql::ValidateName(list.name));
  NARWHAL_RETURN_IF_ERROR(ValidateWindow(list.window));
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
          q.BindInt64(6, list.window.from_minute);
          q.BindInt64(7, list.window.until_minute);
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
    NARWHAL_RETURN_IF_ERROR(SetZones(db, id));
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
    NARWHAL_ASSIGN_OR_RETURN(CallingWindow window, WindowOf(db, list_id));
    // Fewer than 63 zones: the mask binds as a positive integer.
    const auto open = static_cast<int64_t>(OpenZones(window, now_ms));
    // Each pass hands out the next person, or drops one the do-not-contact list holds
    // back and looks again: a person is dropped once, so the passes end.
    for (;;) {
      int64_t position = 0;
      auto read_position = [&](const Statement& q) { position = q.ColumnInt64(0); };
      NARWHAL_RETURN_IF_ERROR(StepOnce(
          db, kHeldSql,
          [&](Statement& q) {
            q.BindInt64(1, caller);
            q.BindInt64(2, list_id);
            q.BindInt64(3, now_ms);
            q.BindInt64(4, open);
          },
          found, read_position));
      for (const std::string* next : {&kLapsedSql, &kDueSql, &kFreshSql}) {
        if (found) break;
        NARWHAL_RETURN_IF_ERROR(StepOnce(
            db, *next,
            [&](Statement& q) {
              q.BindInt64(1, list_id);
              q.BindInt64(2, now_ms);
              q.BindInt64(3, open);
            },
            found, read_position));
      }
      if (!found) return Status::Ok();
      NARWHAL_ASSIGN_OR_RETURN(Take t,
                               TakeChecked(db, list_id, position, caller, now_ms, lease_ms));
      if (!t.taken) return Internal("a call list's person could not be taken inside the writer");
      if (t.dropped) continue;
      claim = std::move(t.claim);
      return Status::Ok();
    }
  });
  if (!st.ok()) return st;
  return claim;
}

Result<std::vector<CallClaim>> SqliteStore::ClaimHousehold(int64_t list_id, int64_t position,
                                                           int64_t caller, int64_t now_ms,
                                                           int64_t lease_ms) {
  NARWHAL_RETURN_IF_ERROR(call_sql::ValidateLease(lease_ms));
  std::vector<CallClaim> out;
  Status st = writer_->Submit([&](Connection& db) -> Status {
    out.clear();
    NARWHAL_ASSIGN_OR_RETURN(CallingWindow window, WindowOf(db, list_id));
    bool found = false, done = false;
    int64_t holder = 0;
    std::string voter_id;
    NARWHAL_RETURN_IF_ERROR(StepOnce(
        db, call_sql::kHolderOf,
        [&](Statement& q) {
          q.BindInt64(1, list_id);
          q.BindInt64(2, position);
        },
        found,
        [&](const Statement& q) {
          voter_id = q.ColumnString(0);
          done = q.ColumnInt64(1) != 0;
          holder = q.ColumnInt64(2);
        }));
    if (!found || done || holder != caller) return call_sql::FinishRefused(found, false, 0, caller);
    std::vector<int64_t> positions;
    {
      NARWHAL_ASSIGN_OR_RETURN(ScopedStatement q, db.Prepare(call_sql::kHousehold));
      q->BindInt64(1, list_id);
      q->BindText(2, voter_id);
      q->BindInt64(3, position);
      q->BindInt64(4, now_ms);
      q->BindInt64(5, caller);
      q->BindInt64(6, static_cast<int64_t>(OpenZones(window, now_ms)));
      for (;;) {
        NARWHAL_ASSIGN_OR_RETURN(bool row, q->Step());
        if (!row) break;
        positions.push_back(q->ColumnInt64(0));
      }
    }
    for (int64_t p : positions) {
      NARWHAL_ASSIGN_OR_RETURN(Take t, TakeChecked(db, list_id, p, caller, now_ms, lease_ms));
      if (t.taken && !t.dropped) out.push_back(std::move(t.claim));
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
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
                               std::optional<int64_t> next_call_ms, std::string_view result,
                               int64_t at_ms) {
  return writer_->Submit([&](Connection& db) -> Status {
    bool found = false;
    NARWHAL_RETURN_IF_ERROR(StepOnce(
        db, next_call_ms ? call_sql::kRequeue : call_sql::kDone,
        [&](Statement& q) {
          // kRequeue takes the time first, kDone has none.
          const int first = next_call_ms ? 2 : 1;
          if (next_call_ms) q.BindInt64(1, *next_call_ms);
          q.BindText(first, result);
          q.BindInt64(first + 1, at_ms);
          q.BindInt64(first + 2, list_id);
          q.BindInt64(first + 3, position);
          q.BindInt64(first + 4, caller);
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

Result<CallTarget> SqliteStore::GetCallTarget(int64_t list_id, int64_t position) {
  ReaderPool::Lease db = readers_->Acquire();
  NARWHAL_ASSIGN_OR_RETURN(ScopedStatement q, db->Prepare(call_sql::kGetTarget));
  q->BindInt64(1, list_id);
  q->BindInt64(2, position);
  NARWHAL_ASSIGN_OR_RETURN(bool found, q->Step());
  if (!found) return NotFound("nobody at that place on the call list");
  CallTarget t;
  t.voter_id = q->ColumnString(0);
  t.phone = q->ColumnString(1);
  t.zone = static_cast<int>(q->ColumnInt64(2));
  t.attempts = static_cast<int>(q->ColumnInt64(3));
  t.done = q->ColumnInt64(4) != 0;
  t.holder = q->ColumnInt64(5);
  t.lease_until_ms = q->ColumnInt64(6);
  t.not_before_ms = q->ColumnInt64(7);
  t.voter_list_id = q->ColumnInt64(8);
  return t;
}

Result<std::vector<CallZoneCount>> SqliteStore::CallListZones(int64_t list_id) {
  ReaderPool::Lease db = readers_->Acquire();
  bool found = false;
  NARWHAL_RETURN_IF_ERROR(StepOnce(
      *db, call_sql::kListKnown, [&](Statement& q) { q.BindInt64(1, list_id); }, found));
  if (!found) return NotFound("no call list " + std::to_string(list_id));
  NARWHAL_ASSIGN_OR_RETURN(ScopedStatement q, db->Prepare(call_sql::kZones));
  q->BindInt64(1, list_id);
  std::vector<CallZoneCount> out;
  for (;;) {
    NARWHAL_ASSIGN_OR_RETURN(bool row, q->Step());
    if (!row) return out;
    out.push_back({static_cast<int>(q->ColumnInt64(0)), q->ColumnInt64(1)});
  }
}

Result<CallActivity> SqliteStore::CallListActivity(int64_t list_id, int64_t now_ms,
                                                   int64_t since_ms) {
  ReaderPool::Lease db = readers_->Acquire();
  bool found = false;
  NARWHAL_RETURN_IF_ERROR(StepOnce(
      *db, call_sql::kListKnown, [&](Statement& q) { q.BindInt64(1, list_id); }, found));
  if (!found) return NotFound("no call list " + std::to_string(list_id));
  CallActivity out;
  for (auto [sql, time, into] :
       {std::tuple{call_sql::kHolding, now_ms, &out.callers_holding},
        std::tuple{call_sql::kFinishedSince, since_ms, &out.finished_since}}) {
    NARWHAL_RETURN_IF_ERROR(StepOnce(
        *db, sql,
        [&](Statement& q) {
          q.BindInt64(1, list_id);
          q.BindInt64(2, time);
        },
        found, [into = into](const Statement& q) { *into = q.ColumnInt64(0); }));
  }
  NARWHAL_ASSIGN_OR_RETURN(ScopedStatement q, db->Prepare(call_sql::kLastResults));
  q->BindInt64(1, list_id);
  for (;;) {
    NARWHAL_ASSIGN_OR_RETURN(bool row, q->Step());
    if (!row) return out;
    out.last_results.emplace_back(q->ColumnString(0), q->ColumnInt64(1));
    out.called += q->ColumnInt64(1);
  }
}

Status SqliteStore::SetCallers(int64_t list_id, const std::vector<int64_t>& user_ids) {
  return writer_->Submit([&](Connection& db) -> Status {
    bool found = false;
    NARWHAL_RETURN_IF_ERROR(StepOnce(
        db, call_sql::kListKnown, [&](Statement& q) { q.BindInt64(1, list_id); }, found));
    if (!found) return NotFound("no call list " + std::to_string(list_id));
    NARWHAL_RETURN_IF_ERROR(StepOnce(
        db, call_sql::kDeleteCallers, [&](Statement& q) { q.BindInt64(1, list_id); }, found));
    NARWHAL_ASSIGN_OR_RETURN(ScopedStatement insert, db.Prepare(call_sql::kInsertCaller));
    for (int64_t user : user_ids) {
      insert->BindInt64(1, list_id);
      insert->BindInt64(2, user);
      NARWHAL_RETURN_IF_ERROR(insert->Run());
      insert->Reset();
    }
    return Status::Ok();
  });
}

Result<std::vector<int64_t>> SqliteStore::CallersOf(int64_t list_id) {
  ReaderPool::Lease db = readers_->Acquire();
  return Ids(*db, call_sql::kCallersOf, list_id);
}

Result<std::vector<int64_t>> SqliteStore::CallListsOf(int64_t user_id) {
  ReaderPool::Lease db = readers_->Acquire();
  return Ids(*db, call_sql::kListsOf, user_id);
}

}  // namespace narwhal::sqlite

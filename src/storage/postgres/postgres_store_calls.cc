// PostgresStore's call lists (storage/call_store.h). A claim is one transaction on the
// primary: the next person's row is taken with FOR UPDATE SKIP LOCKED, so two app nodes
// claiming at once take two different people without waiting for each other, and the lease
// is written with its conditions checked again. A failover loses no acknowledged claim
// (synchronous commit), and a claim whose answer was lost lapses with its lease.
#include <string>
#include <utility>

#include "storage/call_sql.h"
#include "storage/postgres/postgres_store_impl.h"
#include "storage/suppression_sql.h"

namespace narwhal::postgres {
namespace {

constexpr std::string_view kSkipLocked = " FOR UPDATE SKIP LOCKED";
const std::string kTakeWithAddress =
    std::string(call_sql::kTake) + std::string(call_sql::kTakeAddress);

CallList ListRow(const Rows& r, int i) {
  CallList l;
  l.id = r.Int64(i, 0);
  l.name = r.String(i, 1);
  l.voter_list_id = r.Int64(i, 2);
  l.script = r.String(i, 3);
  l.people = r.Int64(i, 4);
  l.done = r.Int64(i, 5);
  l.held = r.Int64(i, 6);
  l.waiting = r.Int64(i, 7);
  l.created_by = r.Int64(i, 8);
  l.created_at_ms = r.Int64(i, 9);
  l.window.from_minute = static_cast<int>(r.Int64(i, 10));
  l.window.until_minute = static_cast<int>(r.Int64(i, 11));
  l.dropped = r.Int64(i, 12);
  return l;
}

void ReadClaim(const Rows& r, CallClaim& c) {
  c.voter_id = r.String(0, 0);
  c.phone = r.String(0, 1);
  c.attempts = static_cast<int>(r.Int64(0, 2));
  c.zone = static_cast<int>(r.Int64(0, 3));
}

// Leases the person at `position` of list `list_id` to `caller` (kTake, with her address)
// and checks her against the do-not-contact list, dropping her if it holds her back.
using call_sql::Take;
Result<Take> TakeChecked(Connection& db, int64_t list_id, int64_t position, int64_t caller,
                         int64_t now_ms, int64_t lease_ms) {
  Take t;
  t.claim = call_sql::NewClaim(list_id, position, now_ms, lease_ms);
  NARWHAL_ASSIGN_OR_RETURN(
      Rows taken,
      db.Exec(
          kTakeWithAddress,
          Params().Add(caller).Add(t.claim.lease_until_ms).Add(list_id).Add(position).Add(now_ms)));
  t.taken = !taken.empty();
  if (!t.taken) return t;
  ReadClaim(taken, t.claim);
  const std::vector<std::string> keys =
      SuppressionKeysOf(t.claim.voter_id, t.claim.phone, taken.String(0, 4), taken.String(0, 5));
  Params find;
  for (const std::string& key : keys) find.Add(key);
  find.Add(int64_t{call_sql::kCallChannels});
  NARWHAL_ASSIGN_OR_RETURN(Rows held_back, db.Exec(suppression_sql::FindSql(keys.size()), find));
  t.dropped = !held_back.empty();
  if (t.dropped) {
    NARWHAL_RETURN_IF_ERROR(db.Exec(call_sql::kDrop, Params().Add(list_id).Add(position)).status());
  }
  return t;
}

// Gives each person of list `id` her calling zone (call_sql::PlanZones).
Status SetZones(Connection& db, int64_t id) {
  NARWHAL_ASSIGN_OR_RETURN(Rows r, db.Exec(call_sql::kTargetPlaces, Params().Add(id)));
  std::vector<call_sql::TargetPlace> places;
  for (int i = 0; i < r.size(); ++i) {
    places.push_back({r.String(i, 0), r.String(i, 1), r.String(i, 2), r.String(i, 3)});
  }
  for (const call_sql::ZoneUpdate& u : call_sql::PlanZones(places)) {
    NARWHAL_RETURN_IF_ERROR(db.Exec(call_sql::kSetZone, Params()
                                                            .Add(int64_t{u.zone})
                                                            .Add(id)
                                                            .Add(u.place.state)
                                                            .Add(u.place.county)
                                                            .Add(u.place.county_name)
                                                            .Add(u.place.zip))
                                .status());
  }
  return Status::Ok();
}

std::vector<int64_t> Ids(const Rows& r) {
  std::vector<int64_t> out;
  for (int i = 0; i < r.size(); ++i) out.push_back(r.Int64(i, 0));
  return out;
}

}  // namespace

CallStore* PostgresStore::Calls() {
  return this;
}

Result<CallList> PostgresStore::CreateCallList(const NewCallList& list) {
  NARWHAL_RETURN_IF_ERROR(call_sql::ValidateName(list.name));
  NARWHAL_RETURN_IF_ERROR(ValidateWindow(list.window));
  int64_t id = 0;
  NARWHAL_RETURN_IF_ERROR(Transact(Access::kWrite, [&](Connection& db) -> Status {
    NARWHAL_ASSIGN_OR_RETURN(Rows taken, db.Exec(call_sql::kNameTaken, Params().Add(list.name)));
    if (!taken.empty())
      return Status(ErrorCode::kAlreadyExists, "a call list is named '" + list.name + "'");
    NARWHAL_ASSIGN_OR_RETURN(Rows ready,
                             db.Exec(call_sql::kVoterListReady, Params().Add(list.voter_list_id)));
    if (ready.empty()) return NotFound("no voter list " + std::to_string(list.voter_list_id));
    NARWHAL_ASSIGN_OR_RETURN(
        Rows inserted, db.Exec(call_sql::kInsertList, Params()
                                                          .Add(list.name)
                                                          .Add(list.voter_list_id)
                                                          .Add(list.script)
                                                          .Add(list.user_id)
                                                          .Add(list.at_ms)
                                                          .Add(int64_t{list.window.from_minute})
                                                          .Add(int64_t{list.window.until_minute})));
    id = inserted.Int64(0, 0);
    NARWHAL_ASSIGN_OR_RETURN(Rows targets,
                             db.Exec("WITH added AS (" + std::string(call_sql::kInsertTargets) +
                                         " RETURNING 1) SELECT count(*) FROM added",
                                     Params().Add(id).Add(list.voter_list_id)));
    const int64_t people = targets.Int64(0, 0);
    if (people == 0) {
      return FailedPrecondition("nobody on voter list " + std::to_string(list.voter_list_id) +
                                " has a phone number");
    }
    NARWHAL_RETURN_IF_ERROR(SetZones(db, id));
    return db.Exec(call_sql::kSetPeople, Params().Add(people).Add(id)).status();
  }));
  return GetCallList(id, list.at_ms);
}

Result<CallList> PostgresStore::GetCallList(int64_t list_id, int64_t now_ms) {
  NARWHAL_ASSIGN_OR_RETURN(Rows r,
                           ReadStatement(std::string(call_sql::kListColumns) + "WHERE l.id = $2",
                                         Params().Add(now_ms).Add(list_id)));
  if (r.empty()) return NotFound("no call list " + std::to_string(list_id));
  return ListRow(r, 0);
}

Result<std::vector<CallList>> PostgresStore::ListCallLists(int64_t now_ms) {
  NARWHAL_ASSIGN_OR_RETURN(Rows r,
                           ReadStatement(std::string(call_sql::kListColumns) + "ORDER BY l.id DESC",
                                         Params().Add(now_ms)));
  std::vector<CallList> out;
  for (int i = 0; i < r.size(); ++i) out.push_back(ListRow(r, i));
  return out;
}

Result<std::optional<CallClaim>> PostgresStore::ClaimNext(int64_t list_id, int64_t caller,
                                                          int64_t now_ms, int64_t lease_ms) {
  NARWHAL_RETURN_IF_ERROR(call_sql::ValidateLease(lease_ms));
  std::optional<CallClaim> claim;
  NARWHAL_RETURN_IF_ERROR(Transact(Access::kWrite, [&](Connection& db) -> Status {
    claim.reset();
    NARWHAL_ASSIGN_OR_RETURN(Rows known, db.Exec(call_sql::kListKnown, Params().Add(list_id)));
    if (known.empty()) return NotFound("no call list " + std::to_string(list_id));
    const CallingWindow window{static_cast<int>(known.Int64(0, 0)),
                               static_cast<int>(known.Int64(0, 1))};
    // Fewer than 63 zones: the mask binds as a positive integer.
    const auto open = static_cast<int64_t>(OpenZones(window, now_ms));
    // Her own first, then a lapsed lease, then the next free: each candidate locked as it
    // is found (her own waited for, the others skipped when another claim has them), and
    // taken only if still takeable — a lease of hers that another caller saw lapse (with a
    // later clock) moved on, and then the next query looks further.
    static const std::string queries[] = {call_sql::QueueSql(call_sql::kHeldBy, " FOR UPDATE"),
                                          call_sql::QueueSql(call_sql::kLapsed, kSkipLocked),
                                          call_sql::QueueSql(call_sql::kDue, kSkipLocked),
                                          call_sql::QueueSql(call_sql::kFresh, kSkipLocked)};
    // Each pass hands out the next person, or drops one the do-not-contact list holds
    // back and looks again: a person is dropped once, so the passes end.
    for (bool dropped = true; dropped;) {
      dropped = false;
      for (size_t q = 0; q < std::size(queries) && !dropped; ++q) {
        const Params params = q == 0 ? Params().Add(caller).Add(list_id).Add(now_ms).Add(open)
                                     : Params().Add(list_id).Add(now_ms).Add(open);
        NARWHAL_ASSIGN_OR_RETURN(Rows next, db.Exec(queries[q], params));
        if (next.empty()) continue;
        NARWHAL_ASSIGN_OR_RETURN(
            Take t, TakeChecked(db, list_id, next.Int64(0, 0), caller, now_ms, lease_ms));
        if (!t.taken) continue;
        dropped = t.dropped;
        if (!dropped) {
          claim = std::move(t.claim);
          return Status::Ok();
        }
      }
    }
    return Status::Ok();
  }));
  return claim;
}

Result<std::vector<CallClaim>> PostgresStore::ClaimHousehold(int64_t list_id, int64_t position,
                                                             int64_t caller, int64_t now_ms,
                                                             int64_t lease_ms) {
  NARWHAL_RETURN_IF_ERROR(call_sql::ValidateLease(lease_ms));
  std::vector<CallClaim> out;
  NARWHAL_RETURN_IF_ERROR(Transact(Access::kWrite, [&](Connection& db) -> Status {
    out.clear();
    NARWHAL_ASSIGN_OR_RETURN(Rows known, db.Exec(call_sql::kListKnown, Params().Add(list_id)));
    if (known.empty()) return NotFound("no call list " + std::to_string(list_id));
    const CallingWindow window{static_cast<int>(known.Int64(0, 0)),
                               static_cast<int>(known.Int64(0, 1))};
    NARWHAL_ASSIGN_OR_RETURN(Rows held, db.Exec(std::string(call_sql::kHolderOf) + " FOR UPDATE",
                                                Params().Add(list_id).Add(position)));
    if (held.empty() || held.Int64(0, 1) != 0 || held.Int64(0, 2) != caller) {
      return call_sql::FinishRefused(!held.empty(), false, 0, caller);
    }
    static const std::string household =
        std::string(call_sql::kHousehold) + " FOR UPDATE OF t SKIP LOCKED";
    NARWHAL_ASSIGN_OR_RETURN(
        Rows members,
        db.Exec(household, Params()
                               .Add(list_id)
                               .Add(held.String(0, 0))
                               .Add(position)
                               .Add(now_ms)
                               .Add(caller)
                               .Add(static_cast<int64_t>(OpenZones(window, now_ms)))));
    for (int i = 0; i < members.size(); ++i) {
      NARWHAL_ASSIGN_OR_RETURN(
          Take t, TakeChecked(db, list_id, members.Int64(i, 0), caller, now_ms, lease_ms));
      if (t.taken && !t.dropped) out.push_back(std::move(t.claim));
    }
    return Status::Ok();
  }));
  return out;
}

Result<CallClaim> PostgresStore::RenewClaim(int64_t list_id, int64_t position, int64_t caller,
                                            int64_t now_ms, int64_t lease_ms) {
  NARWHAL_RETURN_IF_ERROR(call_sql::ValidateLease(lease_ms));
  CallClaim c = call_sql::NewClaim(list_id, position, now_ms, lease_ms);
  NARWHAL_ASSIGN_OR_RETURN(
      Rows r,
      WriteStatement(call_sql::kRenew,
                     Params().Add(c.lease_until_ms).Add(list_id).Add(position).Add(caller)));
  if (r.empty()) return call_sql::FinishRefused(true, false, 0, caller);
  ReadClaim(r, c);
  return c;
}

Status PostgresStore::FinishCall(int64_t list_id, int64_t position, int64_t caller,
                                 std::optional<int64_t> next_call_ms, std::string_view result,
                                 int64_t at_ms) {
  return Transact(Access::kWrite, [&](Connection& db) -> Status {
    Params params;  // kRequeue takes the time first, kDone has none
    if (next_call_ms) params.Add(*next_call_ms);
    params.Add(result).Add(at_ms).Add(list_id).Add(position).Add(caller);
    NARWHAL_ASSIGN_OR_RETURN(Rows changed,
                             db.Exec(next_call_ms ? call_sql::kRequeue : call_sql::kDone, params));
    if (!changed.empty()) return Status::Ok();
    NARWHAL_ASSIGN_OR_RETURN(Rows target,
                             db.Exec(call_sql::kTarget, Params().Add(list_id).Add(position)));
    return call_sql::FinishRefused(!target.empty(), !target.empty() && target.Int64(0, 0) != 0,
                                   target.empty() ? 0 : target.Int64(0, 1), caller);
  });
}

Result<CallTarget> PostgresStore::GetCallTarget(int64_t list_id, int64_t position) {
  NARWHAL_ASSIGN_OR_RETURN(
      Rows r, ReadStatement(call_sql::kGetTarget, Params().Add(list_id).Add(position)));
  if (r.empty()) return NotFound("nobody at that place on the call list");
  CallTarget t;
  t.voter_id = r.String(0, 0);
  t.phone = r.String(0, 1);
  t.zone = static_cast<int>(r.Int64(0, 2));
  t.attempts = static_cast<int>(r.Int64(0, 3));
  t.done = r.Int64(0, 4) != 0;
  t.holder = r.Int64(0, 5);
  t.lease_until_ms = r.Int64(0, 6);
  t.not_before_ms = r.Int64(0, 7);
  t.voter_list_id = r.Int64(0, 8);
  return t;
}

Result<std::vector<CallZoneCount>> PostgresStore::CallListZones(int64_t list_id) {
  NARWHAL_ASSIGN_OR_RETURN(Rows known, ReadStatement(call_sql::kListKnown, Params().Add(list_id)));
  if (known.empty()) return NotFound("no call list " + std::to_string(list_id));
  NARWHAL_ASSIGN_OR_RETURN(Rows r, ReadStatement(call_sql::kZones, Params().Add(list_id)));
  std::vector<CallZoneCount> out;
  for (int i = 0; i < r.size(); ++i) {
    out.push_back({static_cast<int>(r.Int64(i, 0)), r.Int64(i, 1)});
  }
  return out;
}

Result<CallActivity> PostgresStore::CallListActivity(int64_t list_id, int64_t now_ms,
                                                     int64_t since_ms) {
  NARWHAL_ASSIGN_OR_RETURN(Rows known, ReadStatement(call_sql::kListKnown, Params().Add(list_id)));
  if (known.empty()) return NotFound("no call list " + std::to_string(list_id));
  CallActivity out;
  NARWHAL_ASSIGN_OR_RETURN(Rows holding,
                           ReadStatement(call_sql::kHolding, Params().Add(list_id).Add(now_ms)));
  out.callers_holding = holding.Int64(0, 0);
  NARWHAL_ASSIGN_OR_RETURN(
      Rows since, ReadStatement(call_sql::kFinishedSince, Params().Add(list_id).Add(since_ms)));
  out.finished_since = since.Int64(0, 0);
  NARWHAL_ASSIGN_OR_RETURN(Rows r, ReadStatement(call_sql::kLastResults, Params().Add(list_id)));
  for (int i = 0; i < r.size(); ++i) {
    out.last_results.emplace_back(r.String(i, 0), r.Int64(i, 1));
    out.called += r.Int64(i, 1);
  }
  return out;
}

Status PostgresStore::SetCallers(int64_t list_id, const std::vector<int64_t>& user_ids) {
  return Transact(Access::kWrite, [&](Connection& db) -> Status {
    NARWHAL_ASSIGN_OR_RETURN(Rows known, db.Exec(call_sql::kListKnown, Params().Add(list_id)));
    if (known.empty()) return NotFound("no call list " + std::to_string(list_id));
    NARWHAL_RETURN_IF_ERROR(db.Exec(call_sql::kDeleteCallers, Params().Add(list_id)).status());
    for (int64_t user : user_ids) {
      NARWHAL_RETURN_IF_ERROR(
          db.Exec(call_sql::kInsertCaller, Params().Add(list_id).Add(user)).status());
    }
    return Status::Ok();
  });
}

Result<std::vector<int64_t>> PostgresStore::CallersOf(int64_t list_id) {
  NARWHAL_ASSIGN_OR_RETURN(Rows r, ReadStatement(call_sql::kCallersOf, Params().Add(list_id)));
  return Ids(r);
}

Result<std::vector<int64_t>> PostgresStore::CallListsOf(int64_t user_id) {
  NARWHAL_ASSIGN_OR_RETURN(Rows r, ReadStatement(call_sql::kListsOf, Params().Add(user_id)));
  return Ids(r);
}

}  // namespace narwhal::postgres

// The call lists' statements, one text for both backends (parameters numbered in the order
// they appear, so SQLite's reading of $N as names gives the same numbers), and the checks
// both share. Internal to the storage module.
#ifndef NARWHAL_STORAGE_CALL_SQL_H_
#define NARWHAL_STORAGE_CALL_SQL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "domain/do_not_contact.h"
#include "storage/call_store.h"

namespace narwhal::call_sql {

// $1 name, $2 voter list, $3 script, $4 created_by, $5 created_at_ms, $6 call_from,
// $7 call_until; answers the id.
inline constexpr std::string_view kInsertList =
    "INSERT INTO call_lists(name, voter_list_id, script, people, created_by, created_at_ms, "
    "call_from, call_until) VALUES ($1, CAST($2 AS BIGINT), $3, 0, CAST($4 AS BIGINT), "
    "CAST($5 AS BIGINT), CAST($6 AS INTEGER), CAST($7 AS INTEGER)) RETURNING id";

// 1 when a call list is named $1.
inline constexpr std::string_view kNameTaken = "SELECT 1 FROM call_lists WHERE name = $1";

// 1 when voter list $1 exists and is complete.
inline constexpr std::string_view kVoterListReady =
    "SELECT 1 FROM voter_lists WHERE id = $1 AND complete <> false";

// The people of call list $1: voter list $2's members still on the file with a phone, at
// their place in the list.
inline constexpr std::string_view kInsertTargets =
    "INSERT INTO call_targets(list_id, position, voter_id, phone, done, holder, "
    "lease_until_ms, not_before_ms, attempts) "
    "SELECT CAST($1 AS BIGINT), m.position, m.voter_id, v.phone, 0, 0, 0, 0, 0 "
    "FROM list_members m JOIN voters v ON v.voter_id = m.voter_id "
    "WHERE m.list_id = $2 AND v.phone <> '' AND v.removed_at IS NULL";

// $1 people on call list $2. (Parameters appear in the text in their order: SQLite numbers
// "$N" by first appearance.)
inline constexpr std::string_view kSetPeople =
    "UPDATE call_lists SET people = CAST($1 AS BIGINT) WHERE id = $2";

// The columns of a CallList (ListRow reads them) as of $1 (ms); the statement goes on with
// WHERE (on l, call_lists) and ORDER BY.
inline constexpr std::string_view kListColumns =
    "SELECT l.id, l.name, l.voter_list_id, l.script, l.people, "
    "(SELECT count(*) FROM call_targets t WHERE t.list_id = l.id AND t.done = 1), "
    "(SELECT count(*) FROM call_targets t WHERE t.list_id = l.id AND t.done = 0 AND "
    "t.holder <> 0 AND t.lease_until_ms > $1), "
    "(SELECT count(*) FROM call_targets t WHERE t.list_id = l.id AND t.done = 0 AND "
    "t.holder = 0 AND t.not_before_ms > $1), "
    "l.created_by, l.created_at_ms, l.call_from, l.call_until, "
    "(SELECT count(*) FROM call_targets t WHERE t.list_id = l.id AND t.done = 2) "
    "FROM call_lists l ";

// Call list $1's calling hours: call_from, call_until.
inline constexpr std::string_view kListKnown =
    "SELECT call_from, call_until FROM call_lists WHERE id = $1";

// A claim's look at one of the queues: the statement is "SELECT position FROM call_targets
// WHERE " + where, on SQLite with "INDEXED BY " + index after the table (its planner, without
// statistics, would walk the whole list in key order past everyone already called), on
// PostgreSQL with a row lock after it (QueueSql).
struct QueueQuery {
  std::string_view index;
  std::string_view where;
};

// The person caller $1 holds on list $2 under a lease running at $3, in a zone of mask $4
// (bit z for zone z).
inline constexpr QueueQuery kHeldBy{
    "call_targets_holder",
    "holder = $1 AND list_id = $2 AND done = 0 AND holder <> 0 AND lease_until_ms > $3 AND "
    "((CAST($4 AS BIGINT) >> zone) & 1) = 1 ORDER BY position LIMIT 1"};

// The person of list $1 whose lease lapsed longest before $2, in a zone of mask $3.
inline constexpr QueueQuery kLapsed{
    "call_targets_lapsing",
    "list_id = $1 AND done = 0 AND holder <> 0 AND lease_until_ms <= $2 AND "
    "((CAST($3 AS BIGINT) >> zone) & 1) = 1 ORDER BY lease_until_ms, position LIMIT 1"};

// The person of list $1 nobody holds whose retry has been due longest at $2, in a zone of
// mask $3.
inline constexpr QueueQuery kDue{
    "call_targets_due",
    "list_id = $1 AND done = 0 AND holder = 0 AND not_before_ms > 0 AND not_before_ms <= $2 "
    "AND ((CAST($3 AS BIGINT) >> zone) & 1) = 1 ORDER BY not_before_ms, position LIMIT 1"};

// The first person of list $1 never called ($2 unused but bound, as kDue's), in a zone of
// mask $3.
inline constexpr QueueQuery kFresh{
    "call_targets_fresh",
    "list_id = $1 AND done = 0 AND holder = 0 AND not_before_ms = 0 AND "
    "CAST($2 AS BIGINT) >= 0 AND ((CAST($3 AS BIGINT) >> zone) & 1) = 1 "
    "ORDER BY position LIMIT 1"};

// The text of `q` for SQLite (lock empty: the index named) or for PostgreSQL (lock: the row
// lock to take, " FOR UPDATE" or " FOR UPDATE SKIP LOCKED").
std::string QueueSql(const QueueQuery& q, std::string_view lock = {});

// Leases to caller $1 until $2 the person at $4 of list $3, if at $5 she is free (nobody
// holds her and she is due), lapsed, or already the caller's: voter_id, phone, attempts,
// zone.
inline constexpr std::string_view kTake =
    "UPDATE call_targets SET holder = CAST($1 AS BIGINT), lease_until_ms = CAST($2 AS BIGINT) "
    "WHERE list_id = $3 AND position = $4 AND done = 0 AND "
    "((holder = 0 AND not_before_ms <= $5) OR (holder <> 0 AND lease_until_ms <= $5) OR "
    "holder = $1) RETURNING voter_id, phone, attempts, zone";
// Appended to kTake, it answers also her street and ZIP (the do-not-contact list's address
// scope): PostgreSQL's claim does, in the same round trip. (SQLite 3.40 scans the whole
// voters table for a subquery in RETURNING; it reads them with kVoterAddress, in-process.)
inline constexpr std::string_view kTakeAddress =
    ", coalesce((SELECT v.res_street FROM voters v WHERE v.voter_id = call_targets.voter_id LIMIT "
    "1), "
    "''), coalesce((SELECT v.res_zip FROM voters v WHERE v.voter_id = call_targets.voter_id LIMIT "
    "1), "
    "'')";
// The people of list $1 at the door of voter $2, other than the one at position $3, whom
// caller $5 may take at $4 (free and due, lapsed, or hers), in a zone of mask $6: their
// positions, in list order (at most kMaxHousehold). Read from the door (residences_door)
// to each resident's place (call_targets_voter): SQLite keeps a CROSS JOIN's order, and the
// unary + keeps it off the primary key, which would walk the whole list for each resident.
// PostgreSQL appends a row lock on t.
inline constexpr std::string_view kHousehold =
    "SELECT t.position FROM residences r CROSS JOIN call_targets t "
    "WHERE t.voter_id = r.voter_id AND +t.list_id = $1 AND "
    "r.door_key = (SELECT h.door_key FROM residences h WHERE h.voter_id = $2) AND "
    "r.door_key <> '' AND t.position <> $3 AND t.done = 0 AND "
    "((t.holder = 0 AND t.not_before_ms <= $4) OR (t.holder <> 0 AND t.lease_until_ms <= $4) "
    "OR t.holder = $5) AND ((CAST($6 AS BIGINT) >> t.zone) & 1) = 1 "
    "ORDER BY t.position LIMIT 12";

// The person at $2 of list $1: voter_id, done, holder, lease_until_ms.
inline constexpr std::string_view kHolderOf =
    "SELECT voter_id, done, holder, lease_until_ms FROM call_targets "
    "WHERE list_id = $1 AND position = $2";

// Voter $1's street and ZIP.
inline constexpr std::string_view kVoterAddress =
    "SELECT res_street, res_zip FROM voters WHERE voter_id = $1";

// Drops from list $1 the person at $2, whom the do-not-contact list holds back: done with,
// as done = 2.
inline constexpr std::string_view kDrop =
    "UPDATE call_targets SET done = 2, lease_until_ms = 0 WHERE list_id = $1 AND position = $2";

// Renews until $1 the person at $3 of list $2 held by $4: voter_id, phone, attempts.
inline constexpr std::string_view kRenew =
    "UPDATE call_targets SET lease_until_ms = CAST($1 AS BIGINT) "
    "WHERE list_id = $2 AND position = $3 AND holder = $4 AND done = 0 "
    "RETURNING voter_id, phone, attempts, zone";

// Finished with (done = 1), her last call's result $1 at $2: the person at $4 of list $3
// held by $5.
inline constexpr std::string_view kDone =
    "UPDATE call_targets SET done = 1, lease_until_ms = 0, attempts = attempts + 1, "
    "last_result = $1, last_call_ms = CAST($2 AS BIGINT) "
    "WHERE list_id = $3 AND position = $4 AND holder = $5 AND done = 0 RETURNING position";

// Back in the queue from $1, her last call's result $2 at $3: the person at $5 of list $4
// held by $6.
inline constexpr std::string_view kRequeue =
    "UPDATE call_targets SET holder = 0, lease_until_ms = 0, attempts = attempts + 1, "
    "not_before_ms = CAST($1 AS BIGINT), last_result = $2, last_call_ms = CAST($3 AS BIGINT) "
    "WHERE list_id = $4 AND position = $5 AND holder = $6 AND done = 0 RETURNING position";

// The callers of list $1 holding someone at $2 (a walk of call_targets_lapsing).
inline constexpr std::string_view kHolding =
    "SELECT count(DISTINCT holder) FROM call_targets WHERE list_id = $1 AND done = 0 AND "
    "holder <> 0 AND lease_until_ms > $2";
// The people of list $1 whose last call was finished at $2 or later.
inline constexpr std::string_view kFinishedSince =
    "SELECT count(*) FROM call_targets WHERE list_id = $1 AND last_call_ms > 0 AND "
    "last_call_ms >= $2";
// The people of list $1 by their last call's result, most first.
inline constexpr std::string_view kLastResults =
    "SELECT last_result, count(*) FROM call_targets WHERE list_id = $1 AND last_call_ms > 0 "
    "GROUP BY last_result ORDER BY count(*) DESC, last_result";

// The person at $2 of list $1: done, holder.
inline constexpr std::string_view kTarget =
    "SELECT done, holder FROM call_targets WHERE list_id = $1 AND position = $2";

// The person at $2 of list $1 as CallTarget (ReadTarget's columns).
inline constexpr std::string_view kGetTarget =
    "SELECT t.voter_id, t.phone, t.zone, t.attempts, t.done, t.holder, t.lease_until_ms, "
    "t.not_before_ms, l.voter_list_id FROM call_targets t JOIN call_lists l ON l.id = t.list_id "
    "WHERE t.list_id = $1 AND t.position = $2";

// The people of list $1 not finished with, by zone.
inline constexpr std::string_view kZones =
    "SELECT zone, count(*) FROM call_targets WHERE list_id = $1 AND done = 0 "
    "GROUP BY zone ORDER BY zone";

// Where the people of list $1 live, as far as calling hours ask: state, county, county
// name, five-digit ZIP; each place once.
inline constexpr std::string_view kTargetPlaces =
    "SELECT DISTINCT v.state, v.county, v.county_name, substr(v.res_zip, 1, 5) "
    "FROM call_targets t JOIN voters v ON v.voter_id = t.voter_id WHERE t.list_id = $1";

// Zone $1 for the people of list $2 in state $3, county $4 named $5, and ZIP $6 unless
// that is empty.
inline constexpr std::string_view kSetZone =
    "UPDATE call_targets SET zone = CAST($1 AS INTEGER) WHERE list_id = $2 AND voter_id IN "
    "(SELECT voter_id FROM voters WHERE state = $3 AND county = $4 AND county_name = $5 AND "
    "($6 = '' OR substr(res_zip, 1, 5) = $6))";

// The callers of list $1, replaced: delete, then insert each ($1 list, $2 user).
inline constexpr std::string_view kDeleteCallers =
    "DELETE FROM call_list_callers WHERE list_id = $1";
inline constexpr std::string_view kInsertCaller =
    "INSERT INTO call_list_callers(list_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING";
inline constexpr std::string_view kCallersOf =
    "SELECT user_id FROM call_list_callers WHERE list_id = $1 ORDER BY user_id";
inline constexpr std::string_view kListsOf =
    "SELECT list_id FROM call_list_callers WHERE user_id = $1 ORDER BY list_id DESC";

// Where some of a list's people live, and the zone they are given there.
struct TargetPlace {
  std::string state, county, county_name, zip;
};
struct ZoneUpdate {
  int zone = 0;
  TargetPlace place;  // place.zip empty: the whole county
};

// The kSetZone updates, to run in order, that give every place its zone: one per county,
// then in a county where the ZIP decides (ZipDecidesZone) one per ZIP that says better;
// none for zone 0, the column's default.
std::vector<ZoneUpdate> PlanZones(const std::vector<TargetPlace>& places);

// The do-not-contact channel a claim is checked for.
inline constexpr ChannelMask kCallChannels = ChannelBit(ContactChannel::kPhone);

// One try at leasing a person to a caller (each backend's TakeChecked): kTake found her
// takeable, then the do-not-contact list held her back or not (held back, she is dropped).
struct Take {
  bool taken = false;
  bool dropped = false;
  CallClaim claim;
};

// A claim on the person at `position` of `list_id`, leased from `now_ms` for `lease_ms`;
// who she is is read from the statement that took her.
CallClaim NewClaim(int64_t list_id, int64_t position, int64_t now_ms, int64_t lease_ms);

// kInvalidArgument for a name that is empty or over 100 bytes, or a lease outside
// 1 s..kMaxLease.
Status ValidateName(std::string_view name);
Status ValidateLease(int64_t lease_ms);

// What FinishCall answers when its update changed nothing: OK when the caller had already
// finished with her (done, held by the caller), kNotFound without such a person, else
// kFailedPrecondition. `found` says whether kTarget found her.
Status FinishRefused(bool found, bool done, int64_t holder, int64_t caller);

}  // namespace narwhal::call_sql

#endif  // NARWHAL_STORAGE_CALL_SQL_H_

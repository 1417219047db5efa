// SqliteStore: election day (the "election day" part of Store). Schema version 6
// (schema.cc).
//
// Every report is a row of strikes; struck says who is struck now; turnout keeps the
// per-precinct aggregates. They change together inside one WriteQueue job, so a reader
// never sees a strike without its count. RecordStrikes handles a whole batch as one job
// (and the queue commits concurrent batches together): per item a handful of cached
// primary-key statements, never a scan of voters.
//
// The turnout rows of an election are created on its first strike, for every precinct of
// the voter file at once (one INSERT ... SELECT). Until then GetTurnout computes the same
// rows on the fly. Expected turnout is the sum of the turnout scores of the precinct's
// voters / 100; voters without a turnout score add nothing.
#include <algorithm>
#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "domain/address.h"
#include "storage/sqlite/sqlite_store_impl.h"

namespace narwhal::sqlite {
namespace {

constexpr int kMaxEventsLimit = 1000;

// The turnout rows an election starts with, one per precinct of the voter file: nobody
// voted yet, supporters and expected from scores. ?1 election, ?2 supporter threshold.
// Also read directly by GetTurnout before the election's rows exist (?3 county in the
// per-county variant).
#define NARWHAL_INITIAL_TURNOUT_SELECT                                                   \
  "SELECT ?1, p.county, p.precinct, p.voters, 0, coalesce(s.supporters, 0), 0, "         \
  "coalesce(s.expected, 0.0), NULL FROM precincts p LEFT JOIN ("                         \
  "SELECT v.county AS county, v.precinct AS precinct, "                                  \
  "sum(sc.support >= ?2) AS supporters, "                                                \
  "sum(CASE WHEN sc.turnout >= 0 THEN sc.turnout ELSE 0 END) / 100.0 AS expected "       \
  "FROM scores sc JOIN voters v ON v.voter_id = sc.voter_id WHERE v.removed_at IS NULL " \
  "GROUP BY v.county, v.precinct) s ON s.county = p.county AND s.precinct = p.precinct"

constexpr std::string_view kCreateTurnout =
    "INSERT OR IGNORE INTO turnout(election, county, precinct, registered, voted, supporters, "
    "supporters_voted, expected, last_report_at) " NARWHAL_INITIAL_TURNOUT_SELECT;

constexpr std::string_view kInitialTurnoutAll =
    NARWHAL_INITIAL_TURNOUT_SELECT " ORDER BY p.county, p.precinct";
constexpr std::string_view kInitialTurnoutCounty =
    NARWHAL_INITIAL_TURNOUT_SELECT " WHERE p.county = ?3 ORDER BY p.county, p.precinct";

#undef NARWHAL_INITIAL_TURNOUT_SELECT

// Creates the election's turnout rows unless they exist.
Status EnsureTurnoutRows(Connection& db, const std::string& election) {
  {
    NARWHAL_ASSIGN_OR_RETURN(ScopedStatement any,
                             db.Prepare("SELECT 1 FROM turnout WHERE election = ?1 LIMIT 1"));
    any->BindText(1, election);
    NARWHAL_ASSIGN_OR_RETURN(bool found, any->Step());
    if (found) return Status::Ok();
  }
  NARWHAL_ASSIGN_OR_RETURN(ScopedStatement create, db.Prepare(kCreateTurnout));
  create->BindText(1, election);
  create->BindInt64(2, kSupporterThreshold);
  return create->Run();
}

// Adds `delta` to voted (and supporters_voted when `supporter`) of one precinct; a strike
// moves last_report_at forward. The row is created when the precinct is new since the
// last import.
Status BumpTurnout(Connection& db, const std::string& election, const std::string& county,
                   const std::string& precinct, int delta, bool supporter,
                   std::optional<int64_t> report_at) {
  NARWHAL_ASSIGN_OR_RETURN(
      ScopedStatement bump,
      db.Prepare("INSERT INTO turnout(election, county, precinct, registered, voted, "
                 "supporters, supporters_voted, expected, last_report_at) "
                 "VALUES(?1, ?2, ?3, 0, ?4, 0, ?5, 0, ?6) "
                 "ON CONFLICT(election, county, precinct) DO UPDATE SET "
                 "voted = voted + excluded.voted, "
                 "supporters_voted = supporters_voted + excluded.supporters_voted, "
                 "last_report_at = CASE WHEN excluded.last_report_at IS NULL THEN last_report_at "
                 "WHEN last_report_at IS NULL THEN excluded.last_report_at "
                 "ELSE max(last_report_at, excluded.last_report_at) END"));
  bump->BindText(1, election);
  bump->BindText(2, county);
  bump->BindText(3, precinct);
  bump->BindInt64(4, delta);
  bump->BindInt64(5, supporter ? delta : 0);
  if (report_at) {
    bump->BindInt64(6, *report_at);
  } else {
    bump->BindNull(6);
  }
  return bump->Run();
}

// True when the voter's support score makes her a supporter.
Result<bool> IsSupporter(Connection& db, const std::string& voter_id) {
  NARWHAL_ASSIGN_OR_RETURN(ScopedStatement q,
                           db.Prepare("SELECT support >= ?2 FROM scores WHERE voter_id = ?1"));
  q->BindText(1, voter_id);
  q->BindInt64(2, kSupporterThreshold);
  NARWHAL_ASSIGN_OR_RETURN(bool found, q->Step());
  return found && q->ColumnInt64(0) != 0;
}

Status ValidateStrike(const NewStrike& s) {
  if (s.election.empty()) return InvalidArgument("a strike needs its election");
  if (s.voter_id.empty()) return InvalidArgument("a strike needs a voter id");
  if (s.idempotency_key.empty()) return InvalidArgument("a strike needs an idempotency key");
  return Status::Ok();
}

// One item of RecordStrikes, on the writer thread. `ensured`: the elections of this job
// whose turnout rows are known to exist.
Result<StrikeResult> RecordOne(Connection& db, const NewStrike& s, std::set<std::string>& ensured) {
  StrikeResult r;
  {
    // A key seen before: the original answer, nothing changes (Store's contract, even
    // when a confused client sends the key with another voter).
    NARWHAL_ASSIGN_OR_RETURN(
        ScopedStatement seen,
        db.Prepare("SELECT c.id, c.at FROM strikes s "
                   "JOIN strikes c ON c.id = coalesce(s.counted_strike_id, s.id) "
                   "WHERE s.idempotency_key = ?1"));
    seen->BindText(1, s.idempotency_key);
    NARWHAL_ASSIGN_OR_RETURN(bool found, seen->Step());
    if (found) {
      r.outcome = StrikeOutcome::kReplayed;
      r.strike_id = seen->ColumnInt64(0);
      r.struck_at = FromMillis(seen->ColumnInt64(1));
      return r;
    }
  }
  std::string county;
  std::string precinct;
  {
    NARWHAL_ASSIGN_OR_RETURN(ScopedStatement voter,
                             db.Prepare("SELECT county, precinct FROM voters WHERE voter_id = ?1"));
    voter->BindText(1, s.voter_id);
    NARWHAL_ASSIGN_OR_RETURN(bool found, voter->Step());
    if (!found) {
      r.status = NotFound("voter '" + s.voter_id + "' does not exist");
      return r;
    }
    county = voter->ColumnString(0);
    precinct = voter->ColumnString(1);
  }
  if (!ensured.contains(s.election)) {
    NARWHAL_RETURN_IF_ERROR(EnsureTurnoutRows(db, s.election));
    ensured.insert(s.election);
  }
  std::optional<int64_t> counted;
  {
    NARWHAL_ASSIGN_OR_RETURN(
        ScopedStatement struck,
        db.Prepare("SELECT strike_id, at FROM struck WHERE election = ?1 AND voter_id = ?2"));
    struck->BindText(1, s.election);
    struck->BindText(2, s.voter_id);
    NARWHAL_ASSIGN_OR_RETURN(bool found, struck->Step());
    if (found) {
      counted = struck->ColumnInt64(0);
      r.struck_at = FromMillis(struck->ColumnInt64(1));
    }
  }
  const int64_t at = ToMillis(s.at);
  {
    NARWHAL_ASSIGN_OR_RETURN(
        ScopedStatement insert,
        db.Prepare("INSERT INTO strikes(election, voter_id, county, precinct, source, user_id, "
                   "at, idempotency_key, outcome, counted_strike_id) "
                   "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"));
    insert->BindText(1, s.election);
    insert->BindText(2, s.voter_id);
    insert->BindText(3, county);
    insert->BindText(4, precinct);
    insert->BindText(5, StrikeSourceName(s.source));
    insert->BindInt64(6, s.user_id);
    insert->BindInt64(7, at);
    insert->BindText(8, s.idempotency_key);
    insert->BindText(9, counted ? "already_struck" : "struck");
    if (counted) {
      insert->BindInt64(10, *counted);
    } else {
      insert->BindNull(10);
    }
    NARWHAL_RETURN_IF_ERROR(insert->Run());
  }
  if (counted) {
    r.outcome = StrikeOutcome::kAlreadyStruck;
    r.strike_id = *counted;
    return r;
  }
  r.outcome = StrikeOutcome::kStruck;
  r.strike_id = db.LastInsertRowid();
  r.struck_at = FromMillis(at);
  {
    NARWHAL_ASSIGN_OR_RETURN(
        ScopedStatement mark,
        db.Prepare("INSERT INTO struck(election, voter_id, strike_id, at) VALUES(?1, ?2, ?3, ?4)"));
    mark->BindText(1, s.election);
    mark->BindText(2, s.voter_id);
    mark->BindInt64(3, r.strike_id);
    mark->BindInt64(4, at);
    NARWHAL_RETURN_IF_ERROR(mark->Run());
  }
  NARWHAL_ASSIGN_OR_RETURN(bool supporter, IsSupporter(db, s.voter_id));
  NARWHAL_RETURN_IF_ERROR(BumpTurnout(db, s.election, county, precinct, 1, supporter, at));
  return r;
}

Turnout ReadTurnout(const Statement& q, int c) {
  Turnout t;
  t.registered = q.ColumnInt64(c);
  t.voted = q.ColumnInt64(c + 1);
  t.supporters = q.ColumnInt64(c + 2);
  t.supporters_voted = q.ColumnInt64(c + 3);
  t.expected = q.ColumnDouble(c + 4);
  if (!q.ColumnIsNull(c + 5)) t.last_report_at = FormatIso8601(FromMillis(q.ColumnInt64(c + 5)));
  return t;
}

}  // namespace

Result<std::vector<StrikeResult>> SqliteStore::RecordStrikes(std::span<const NewStrike> strikes) {
  std::vector<StrikeResult> results(strikes.size());
  std::vector<bool> valid(strikes.size());
  for (size_t i = 0; i < strikes.size(); ++i) {
    results[i].status = ValidateStrike(strikes[i]);
    valid[i] = results[i].status.ok();
  }
  if (std::none_of(valid.begin(), valid.end(), [](bool v) { return v; })) return results;
  Status s = writer_->Submit([&](Connection& db) -> Status {
    std::set<std::string> ensured;
    for (size_t i = 0; i < strikes.size(); ++i) {
      if (!valid[i]) continue;
      NARWHAL_ASSIGN_OR_RETURN(results[i], RecordOne(db, strikes[i], ensured));
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return results;
}

Status SqliteStore::UndoStrike(const std::string& election, const std::string& voter_id,
                               const std::string& reason, int64_t user_id, TimePoint at) {
  if (reason.empty()) return InvalidArgument("undoing a strike needs a reason");
  const int64_t at_ms = ToMillis(at);
  return writer_->Submit([&](Connection& db) -> Status {
    int64_t strike_id = 0;
    std::string county;
    std::string precinct;
    {
      NARWHAL_ASSIGN_OR_RETURN(ScopedStatement q,
                               db.Prepare("SELECT k.strike_id, s.county, s.precinct FROM struck k "
                                          "JOIN strikes s ON s.id = k.strike_id "
                                          "WHERE k.election = ?1 AND k.voter_id = ?2"));
      q->BindText(1, election);
      q->BindText(2, voter_id);
      NARWHAL_ASSIGN_OR_RETURN(bool found, q->Step());
      if (!found) {
        return NotFound("voter '" + voter_id + "' is not struck in election " + election);
      }
      strike_id = q->ColumnInt64(0);
      county = q->ColumnString(1);
      precinct = q->ColumnString(2);
    }
    {
      NARWHAL_ASSIGN_OR_RETURN(
          ScopedStatement mark,
          db.Prepare("UPDATE strikes SET undone_at = ?2, undo_reason = ?3, undo_user_id = ?4 "
                     "WHERE id = ?1"));
      mark->BindInt64(1, strike_id);
      mark->BindInt64(2, at_ms);
      mark->BindText(3, reason);
      mark->BindInt64(4, user_id);
      NARWHAL_RETURN_IF_ERROR(mark->Run());
    }
    {
      // The undo is an event of the log too, so a feed that already passed the strike
      // learns that it was taken back.
      NARWHAL_ASSIGN_OR_RETURN(
          ScopedStatement event,
          db.Prepare("INSERT INTO strikes(election, voter_id, county, precinct, source, "
                     "user_id, at, outcome, counted_strike_id, undo_reason) "
                     "SELECT election, voter_id, county, precinct, source, ?2, ?3, 'undo', id, "
                     "?4 FROM strikes WHERE id = ?1"));
      event->BindInt64(1, strike_id);
      event->BindInt64(2, user_id);
      event->BindInt64(3, at_ms);
      event->BindText(4, reason);
      NARWHAL_RETURN_IF_ERROR(event->Run());
    }
    {
      NARWHAL_ASSIGN_OR_RETURN(
          ScopedStatement unmark,
          db.Prepare("DELETE FROM struck WHERE election = ?1 AND voter_id = ?2"));
      unmark->BindText(1, election);
      unmark->BindText(2, voter_id);
      NARWHAL_RETURN_IF_ERROR(unmark->Run());
    }
    NARWHAL_ASSIGN_OR_RETURN(bool supporter, IsSupporter(db, voter_id));
    return BumpTurnout(db, election, county, precinct, -1, supporter, std::nullopt);
  });
}

Result<int64_t> SqliteStore::UpsertScores(std::span<const VoterScore> scores) {
  for (const VoterScore& s : scores) {
    if (s.voter_id.empty()) return InvalidArgument("a score needs a voter id");
    if (s.support < -1 || s.support > 100 || s.turnout < -1 || s.turnout > 100) {
      return InvalidArgument("scores of voter '" + s.voter_id + "' must be -1 or 0..100");
    }
  }
  int64_t stored = 0;
  Status st = writer_->Submit([&](Connection& db) -> Status {
    stored = 0;
    std::set<std::pair<std::string, std::string>> precincts;
    {
      NARWHAL_ASSIGN_OR_RETURN(
          ScopedStatement voter,
          db.Prepare("SELECT county, precinct FROM voters WHERE voter_id = ?1"));
      NARWHAL_ASSIGN_OR_RETURN(
          ScopedStatement put,
          db.Prepare("INSERT OR REPLACE INTO scores(voter_id, support, turnout) "
                     "VALUES(?1, ?2, ?3)"));
      for (const VoterScore& s : scores) {
        voter->BindText(1, s.voter_id);
        Result<bool> found = voter->Step();
        if (found.ok() && *found) {
          precincts.emplace(voter->ColumnString(0), voter->ColumnString(1));
        }
        voter->Reset();
        if (!found.ok()) return found.status();
        if (!*found) continue;
        put->BindText(1, s.voter_id);
        put->BindInt64(2, s.support);
        put->BindInt64(3, s.turnout);
        Status run = put->Run();
        put->Reset();
        NARWHAL_RETURN_IF_ERROR(run);
        ++stored;
      }
    }
    // Supporter counts of the affected precincts, for every election that has turnout
    // rows: a walk of those precincts' voters, never of the whole file.
    NARWHAL_ASSIGN_OR_RETURN(
        ScopedStatement refresh,
        db.Prepare("UPDATE turnout SET "
                   "supporters = (SELECT count(*) FROM voters v JOIN scores sc "
                   "ON sc.voter_id = v.voter_id WHERE v.county = ?1 AND v.precinct = ?2 "
                   "AND v.removed_at IS NULL AND sc.support >= ?3), "
                   "supporters_voted = (SELECT count(*) FROM voters v JOIN scores sc "
                   "ON sc.voter_id = v.voter_id JOIN struck k ON k.election = turnout.election "
                   "AND k.voter_id = v.voter_id WHERE v.county = ?1 AND v.precinct = ?2 "
                   "AND sc.support >= ?3), "
                   "expected = (SELECT coalesce(sum(sc.turnout), 0) / 100.0 FROM voters v "
                   "JOIN scores sc ON sc.voter_id = v.voter_id WHERE v.county = ?1 "
                   "AND v.precinct = ?2 AND v.removed_at IS NULL AND sc.turnout >= 0) "
                   "WHERE county = ?1 AND precinct = ?2"));
    for (const auto& [county, precinct] : precincts) {
      refresh->BindText(1, county);
      refresh->BindText(2, precinct);
      refresh->BindInt64(3, kSupporterThreshold);
      Status run = refresh->Run();
      refresh->Reset();
      NARWHAL_RETURN_IF_ERROR(run);
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return stored;
}

Result<std::vector<PrecinctTurnout>> SqliteStore::GetTurnout(const std::string& election,
                                                             const std::string& county) {
  if (election.empty()) return InvalidArgument("turnout needs an election");
  ReaderPool::Lease db = readers_->Acquire();
  ReadTransaction txn(*db);
  NARWHAL_RETURN_IF_ERROR(txn.Begin());
  bool started = false;
  {
    NARWHAL_ASSIGN_OR_RETURN(ScopedStatement any,
                             db->Prepare("SELECT 1 FROM turnout WHERE election = ?1 LIMIT 1"));
    any->BindText(1, election);
    NARWHAL_ASSIGN_OR_RETURN(started, any->Step());
  }
  std::vector<PrecinctTurnout> rows;
  if (!started) {
    // No strike yet: the rows the first strike will create.
    NARWHAL_ASSIGN_OR_RETURN(
        ScopedStatement q,
        db->Prepare(county.empty() ? kInitialTurnoutAll : kInitialTurnoutCounty));
    q->BindText(1, election);
    q->BindInt64(2, kSupporterThreshold);
    if (!county.empty()) q->BindText(3, county);
    for (;;) {
      NARWHAL_ASSIGN_OR_RETURN(bool row, q->Step());
      if (!row) break;
      PrecinctTurnout t;
      t.precinct = PrecinctKey{q->ColumnString(1), q->ColumnString(2)};
      t.turnout = ReadTurnout(*q, 3);
      rows.push_back(std::move(t));
    }
  } else {
    NARWHAL_ASSIGN_OR_RETURN(
        ScopedStatement q,
        db->Prepare(std::string("SELECT t.county, t.precinct, t.registered, t.voted, "
                                "t.supporters, t.supporters_voted, t.expected, "
                                "t.last_report_at FROM turnout t WHERE t.election = ?1") +
                    (county.empty() ? "" : " AND t.county = ?2") +
                    " ORDER BY t.county, t.precinct"));
    q->BindText(1, election);
    if (!county.empty()) q->BindText(2, county);
    for (;;) {
      NARWHAL_ASSIGN_OR_RETURN(bool row, q->Step());
      if (!row) break;
      PrecinctTurnout t;
      t.precinct = PrecinctKey{q->ColumnString(0), q->ColumnString(1)};
      t.turnout = ReadTurnout(*q, 2);
      rows.push_back(std::move(t));
    }
  }
  NARWHAL_ASSIGN_OR_RETURN(
      ScopedStatement name,
      db->Prepare("SELECT precinct_name FROM precincts WHERE county = ?1 AND precinct = ?2"));
  for (PrecinctTurnout& t : rows) {
    name->BindText(1, t.precinct.county);
    name->BindText(2, t.precinct.precinct);
    Result<bool> found = name->Step();
    if (found.ok() && *found) t.precinct_name = name->ColumnString(0);
    name->Reset();
    if (!found.ok()) return found.status();
  }
  return rows;
}

Result<std::vector<StrikeEvent>> SqliteStore::StrikesSince(const std::string& election,
                                                           int64_t after_id, int limit) {
  if (limit < 1 || limit > kMaxEventsLimit) {
    return InvalidArgument("limit must be between 1 and " + std::to_string(kMaxEventsLimit));
  }
  ReaderPool::Lease db = readers_->Acquire();
  NARWHAL_ASSIGN_OR_RETURN(
      ScopedStatement q,
      db->Prepare("SELECT id, voter_id, county, precinct, outcome = 'undo', at FROM strikes "
                  "WHERE election = ?1 AND id > ?2 AND outcome IN ('struck', 'undo') "
                  "ORDER BY id LIMIT ?3"));
  q->BindText(1, election);
  q->BindInt64(2, after_id);
  q->BindInt64(3, limit);
  std::vector<StrikeEvent> events;
  for (;;) {
    NARWHAL_ASSIGN_OR_RETURN(bool row, q->Step());
    if (!row) break;
    StrikeEvent e;
    e.id = q->ColumnInt64(0);
    e.election = election;
    e.voter_id = q->ColumnString(1);
    e.precinct = PrecinctKey{q->ColumnString(2), q->ColumnString(3)};
    e.undone = q->ColumnInt64(4) != 0;
    e.at = FromMillis(q->ColumnInt64(5));
    events.push_back(std::move(e));
  }
  return events;
}

Result<std::vector<GotvEntry>> SqliteStore::GotvList(const std::string& election,
                                                     const PrecinctKey& precinct) {
  if (election.empty() || precinct.county.empty() || precinct.precinct.empty()) {
    return InvalidArgument("a GOTV list needs an election, a county and a precinct");
  }
  ReaderPool::Lease db = readers_->Acquire();
  NARWHAL_ASSIGN_OR_RETURN(
      ScopedStatement q,
      db->Prepare("SELECT v.voter_id, v.last_name, v.first_name, v.middle_name, v.name_suffix, "
                  "v.county, v.precinct, v.registration_number, v.res_street, v.res_city, "
                  "v.birth_year, v.party, v.status, v.phone, sc.support, sc.turnout "
                  "FROM voters v JOIN scores sc ON sc.voter_id = v.voter_id "
                  "WHERE v.county = ?1 AND v.precinct = ?2 AND v.removed_at IS NULL "
                  "AND sc.support >= ?3 AND NOT EXISTS (SELECT 1 FROM struck k "
                  "WHERE k.election = ?4 AND k.voter_id = v.voter_id)"));
  q->BindText(1, precinct.county);
  q->BindText(2, precinct.precinct);
  q->BindInt64(3, kSupporterThreshold);
  q->BindText(4, election);
  std::vector<std::pair<std::string, GotvEntry>> keyed;
  for (;;) {
    NARWHAL_ASSIGN_OR_RETURN(bool row, q->Step());
    if (!row) break;
    GotvEntry e;
    e.voter = ReadVoterSummary(*q);
    e.phone = q->ColumnString(13);
    e.support = static_cast<int>(q->ColumnInt64(14));
    e.turnout = static_cast<int>(q->ColumnInt64(15));
    std::string key = WalkOrderKey(ParseStreetAddress(e.voter.street));
    keyed.emplace_back(std::move(key), std::move(e));
  }
  // Walk order; a household (same key) by name, then id, so the order is stable.
  std::sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    const VoterSummary& x = a.second.voter;
    const VoterSummary& y = b.second.voter;
    return std::tie(x.last_name, x.first_name, x.voter_id) <
           std::tie(y.last_name, y.first_name, y.voter_id);
  });
  std::vector<GotvEntry> list;
  list.reserve(keyed.size());
  for (auto& [key, entry] : keyed) list.push_back(std::move(entry));
  return list;
}

}  // namespace narwhal::sqlite

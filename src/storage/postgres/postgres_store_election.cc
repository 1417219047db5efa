// PostgresStore: election day (strikes, scores, turnout aggregates, GOTV lists).
//
// A strike batch is one statement, narwhal_record_strikes (pg_schema.cc, migration 3), run
// in autocommit: one round trip and one transaction, acknowledged when the answer (which
// comes after the commit) arrives. Batches of concurrent requests share that statement
// when more than `strike_calls` of them arrive at once (StrikeCombiner): the cost on the
// server is mostly per call, not per strike. Concurrency: several app nodes strike at once. Exactly
// one report per (election, voter) counts because `struck` has that primary key and
// reports insert into it with ON CONFLICT DO NOTHING; a retried report finds its key in
// `strikes` (UNIQUE, also ON CONFLICT DO NOTHING, then read back). Row locks are always
// taken in one order -- the items of a batch sorted by (election, voter, key), then
// turnout rows sorted by (election, county, precinct) -- so that concurrent batches wait
// for each other but never deadlock. The feed (strike_events) takes no lock: positions
// come from transaction ids and readers stop at the oldest running transaction.
#include <algorithm>
#include <map>
#include <span>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "domain/address.h"
#include "storage/postgres/pg_time.h"
#include "storage/postgres/postgres_store_impl.h"

namespace narwhal::postgres {
namespace {

constexpr int kMaxStrikeEvents = 1000;

Status CheckElection(const std::string& election) {
  if (election.empty()) return InvalidArgument("election is required");
  return Status::Ok();
}

Status CheckScore(int value, std::string_view field, const std::string& voter_id) {
  if (value < -1 || value > 100) {
    return InvalidArgument(std::string(field) + " of voter " + voter_id +
                           " must be between 0 and 100, or -1 for unknown");
  }
  return Status::Ok();
}

// Creates the turnout rows of `election` for every precinct, once (narwhal_ensure_turnout).
Status EnsureTurnoutRows(Connection& db, const std::string& election, TimePoint now) {
  return db
      .Exec("SELECT narwhal_ensure_turnout($1, $2, $3)",
            Params().Add(election).Add(kSupporterThreshold).Add(ToNanos(now)))
      .status();
}

// Appends to the feed, in one statement; positions in the order of `events`. At most one
// append per transaction (positions are the transaction's id and the event's place).
Status AppendStrikeEvents(Connection& db, std::span<const StrikeEvent> events) {
  if (events.empty()) return Status::Ok();
  std::vector<std::string> elections, voters, counties, precincts, undone;
  std::vector<int64_t> at;
  for (const StrikeEvent& e : events) {
    elections.push_back(e.election);
    voters.push_back(e.voter_id);
    counties.push_back(e.precinct.county);
    precincts.push_back(e.precinct.precinct);
    undone.push_back(e.undone ? "true" : "false");
    at.push_back(ToNanos(e.at));
  }
  return db
      .Exec(
          "INSERT INTO strike_events(pos, election, voter_id, county, precinct, undone, at_ns) "
          "SELECT narwhal_feed_position(n), a, b, c, d, u, t FROM unnest($1::text[], $2::text[], "
          "$3::text[], $4::text[], $5::boolean[], $6::bigint[]) WITH ORDINALITY "
          "AS e(a, b, c, d, u, t, n)",
          Params()
              .Add(TextArray(elections))
              .Add(TextArray(voters))
              .Add(TextArray(counties))
              .Add(TextArray(precincts))
              .Add(TextArray(undone))
              .Add(BigintArray(at)))
      .status();
}

// What taking back the strike of `voter_id` does to her precinct's turnout row
// (narwhal_apply_turnout: the row locked first, then the supporters counted).
Status TakeBackTurnout(Connection& db, const std::string& election, const PrecinctKey& precinct,
                       const std::string& voter_id) {
  return db
      .Exec("SELECT narwhal_apply_turnout($1, $2, $3, $4::text[], -1, 0, $5)",
            Params()
                .Add(election)
                .Add(precinct.county)
                .Add(precinct.precinct)
                .Add(TextArray(std::span<const std::string>(&voter_id, 1)))
                .Add(kSupporterThreshold))
      .status();
}

}  // namespace

Result<std::vector<StrikeResult>> PostgresStore::RecordStrikes(std::span<const NewStrike> strikes) {
  if (strikes.size() > kMaxCombinedStrikes) return RecordStrikesNow(strikes);  // a call alone
  return strike_combiner_->Record(strikes);
}

Result<std::vector<StrikeResult>> PostgresStore::RecordStrikesNow(
    std::span<const NewStrike> strikes) {
  std::vector<StrikeResult> results(strikes.size());
  // Lock order: by (election, voter, key), the caller's order among equals (the first of
  // two items with one key is the one that counts); answers go back in the caller's order.
  std::vector<size_t> order;
  order.reserve(strikes.size());
  for (size_t i = 0; i < strikes.size(); ++i) {
    const NewStrike& s = strikes[i];
    if (s.election.empty() || s.voter_id.empty() || s.idempotency_key.empty()) {
      results[i].status = InvalidArgument("a strike needs an election, a voter id and a key");
      continue;
    }
    order.push_back(i);
  }
  if (order.empty()) return results;
  if (order.size() > kMaxStrikesPerCall) {
    return InvalidArgument("at most " + std::to_string(kMaxStrikesPerCall) +
                           " strikes are recorded in one call");
  }
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return std::tie(strikes[a].election, strikes[a].voter_id, strikes[a].idempotency_key) <
           std::tie(strikes[b].election, strikes[b].voter_id, strikes[b].idempotency_key);
  });
  std::vector<int64_t> items, users, at;
  std::vector<std::string> elections, voters, keys, sources;
  for (size_t i : order) {
    const NewStrike& s = strikes[i];
    items.push_back(static_cast<int64_t>(i));
    elections.push_back(s.election);
    voters.push_back(s.voter_id);
    keys.push_back(s.idempotency_key);
    sources.emplace_back(StrikeSourceName(s.source));
    users.push_back(s.user_id);
    at.push_back(ToNanos(s.at));
  }
  NARWHAL_ASSIGN_OR_RETURN(
      Rows r, WriteStatement("SELECT o_item, o_result, o_strike, o_struck_ns FROM "
                             "narwhal_record_strikes($1::integer[], $2::text[], $3::text[], "
                             "$4::text[], $5::text[], $6::bigint[], $7::bigint[], $8, $9)",
                             Params()
                                 .Add(BigintArray(items))
                                 .Add(TextArray(elections))
                                 .Add(TextArray(voters))
                                 .Add(TextArray(keys))
                                 .Add(TextArray(sources))
                                 .Add(BigintArray(users))
                                 .Add(BigintArray(at))
                                 .Add(kSupporterThreshold)
                                 .Add(ToNanos(clock_->Now()))));
  if (r.size() != static_cast<int>(order.size())) {
    return Internal("narwhal_record_strikes answered " + std::to_string(r.size()) + " of " +
                    std::to_string(order.size()) + " strikes");
  }
  for (int row = 0; row < r.size(); ++row) {
    const int64_t item = r.Int64(row, 0);
    if (item < 0 || item >= static_cast<int64_t>(strikes.size())) {
      return Internal("narwhal_record_strikes answered for an item it was not given");
    }
    const NewStrike& s = strikes[static_cast<size_t>(item)];
    StrikeResult& out = results[static_cast<size_t>(item)];
    switch (r.Int64(row, 1)) {
      case 0: out.outcome = StrikeOutcome::kStruck; break;
      case 1: out.outcome = StrikeOutcome::kAlreadyStruck; break;
      case 2: out.outcome = StrikeOutcome::kReplayed; break;
      case 3:
        out.status = InvalidArgument("idempotency key '" + s.idempotency_key +
                                     "' was used for another strike");
        continue;
      case 4: out.status = NotFound("voter " + s.voter_id + " is not in the voter file"); continue;
      default: return Internal("narwhal_record_strikes gave an unknown answer");
    }
    out.strike_id = r.Int64(row, 2);
    out.struck_at = FromNanos(r.Int64(row, 3));
  }
  return results;
}

Status PostgresStore::UndoStrike(const std::string& election, const std::string& voter_id,
                                 const std::string& reason, int64_t user_id, TimePoint at) {
  NARWHAL_RETURN_IF_ERROR(CheckElection(election));
  if (voter_id.empty()) return InvalidArgument("voter id is required");
  if (reason.empty()) return InvalidArgument("a reason is required to take a strike back");
  return Transact(Access::kWrite, [&](Connection& db) -> Status {
    NARWHAL_ASSIGN_OR_RETURN(
        Rows r, db.Exec("DELETE FROM struck k WHERE k.election = $1 AND k.voter_id = $2 "
                        "RETURNING k.strike_id, k.county, k.precinct",
                        Params().Add(election).Add(voter_id)));
    if (r.empty()) {
      return NotFound("voter " + voter_id + " is not struck in the election of " + election);
    }
    const PrecinctKey precinct{r.String(0, 1), r.String(0, 2)};
    NARWHAL_RETURN_IF_ERROR(
        db.Exec("INSERT INTO strike_undos(strike_id, election, voter_id, reason, user_id, at_ns) "
                "VALUES($1, $2, $3, $4, $5, $6)",
                Params()
                    .Add(r.Int64(0, 0))
                    .Add(election)
                    .Add(voter_id)
                    .Add(reason)
                    .Add(user_id)
                    .Add(ToNanos(at)))
            .status());
    NARWHAL_RETURN_IF_ERROR(TakeBackTurnout(db, election, precinct, voter_id));
    const StrikeEvent undo{0, election, voter_id, precinct, true, at};
    return AppendStrikeEvents(db, std::span<const StrikeEvent>(&undo, 1));
  });
}

Result<int64_t> PostgresStore::UpsertScores(std::span<const VoterScore> scores) {
  // The last score of a voter given twice wins.
  std::map<std::string, const VoterScore*> latest;
  for (const VoterScore& s : scores) {
    if (s.voter_id.empty()) return InvalidArgument("a score needs a voter id");
    NARWHAL_RETURN_IF_ERROR(CheckScore(s.support, "support", s.voter_id));
    NARWHAL_RETURN_IF_ERROR(CheckScore(s.turnout, "turnout", s.voter_id));
    latest[s.voter_id] = &s;
  }
  if (latest.empty()) return int64_t{0};
  std::vector<std::string> ids;
  std::vector<int64_t> support;
  std::vector<int64_t> turnout;
  for (const auto& [id, s] : latest) {
    ids.push_back(id);
    support.push_back(s->support);
    turnout.push_back(s->turnout);
  }
  const std::string id_array = TextArray(ids);
  int64_t stored = 0;
  NARWHAL_RETURN_IF_ERROR(Transact(Access::kWrite, [&](Connection& db) -> Status {
    // Waits for elections whose turnout rows are being created, and keeps new ones from
    // being created from scores this call is changing (see EnsureTurnoutRows).
    NARWHAL_RETURN_IF_ERROR(db.Run("LOCK TABLE turnout_elections IN SHARE MODE"));
    NARWHAL_ASSIGN_OR_RETURN(
        Rows up,
        db.Exec("INSERT INTO voter_scores(voter_id, support, turnout) "
                "SELECT u.voter_id, u.support, u.turnout "
                "FROM unnest($1::text[], $2::int[], $3::int[]) "
                "  AS u(voter_id, support, turnout) "
                "WHERE EXISTS (SELECT 1 FROM voters v WHERE v.voter_id = u.voter_id) "
                "ON CONFLICT (voter_id) DO UPDATE SET support = excluded.support, "
                "turnout = excluded.turnout",
                Params().Add(id_array).Add(BigintArray(support)).Add(BigintArray(turnout))));
    stored = up.Affected();
    // The turnout rows of the affected precincts, locked in key order (as strikes lock
    // them), then recomputed from the scores of their voters and their strikes.
    const std::string affected =
        "SELECT county, precinct FROM voters WHERE voter_id = ANY($1::text[]) "
        "UNION SELECT county, precinct FROM struck WHERE voter_id = ANY($1::text[])";
    NARWHAL_RETURN_IF_ERROR(db.Exec("SELECT 1 FROM turnout t WHERE (t.county, t.precinct) IN (" +
                                        affected +
                                        ") ORDER BY t.election, t.county, t.precinct FOR UPDATE",
                                    Params().Add(id_array))
                                .status());
    return db
        .Exec("WITH a AS (" + affected +
                  "), sc AS ("
                  "  SELECT a.county, a.precinct, "
                  "    count(*) FILTER (WHERE s.support >= $2) AS supporters, "
                  "    coalesce(sum(s.turnout) FILTER (WHERE s.turnout >= 0), 0) / 100.0 "
                  "      AS expected "
                  "  FROM a JOIN voters v ON v.county = a.county AND v.precinct = a.precinct "
                  "    AND v.removed_at IS NULL "
                  "  JOIN voter_scores s ON s.voter_id = v.voter_id "
                  "  GROUP BY a.county, a.precinct) "
                  "UPDATE turnout t SET supporters = coalesce(sc.supporters, 0), "
                  "  expected = coalesce(sc.expected, 0), "
                  "  supporters_voted = (SELECT count(*) FROM struck k "
                  "    JOIN voter_scores s ON s.voter_id = k.voter_id "
                  "    WHERE k.election = t.election AND k.county = t.county "
                  "    AND k.precinct = t.precinct AND s.support >= $2) "
                  "FROM a LEFT JOIN sc ON sc.county = a.county AND sc.precinct = a.precinct "
                  "WHERE t.county = a.county AND t.precinct = a.precinct",
              Params().Add(id_array).Add(kSupporterThreshold))
        .status();
  }));
  return stored;
}

Result<std::vector<PrecinctTurnout>> PostgresStore::GetTurnout(const std::string& election,
                                                               const std::string& county) {
  NARWHAL_RETURN_IF_ERROR(CheckElection(election));
  std::vector<PrecinctTurnout> out;
  bool missing = false;
  const auto read = [&](Connection& db) -> Status {
    out.clear();
    NARWHAL_ASSIGN_OR_RETURN(
        Rows marker,
        db.Exec("SELECT 1 FROM turnout_elections WHERE election = $1", Params().Add(election)));
    missing = marker.empty();
    if (missing) return Status::Ok();
    NARWHAL_ASSIGN_OR_RETURN(
        Rows r,
        db.Exec("SELECT coalesce(p.county, t.county), coalesce(p.precinct, t.precinct), "
                "coalesce(p.precinct_name, ''), coalesce(p.voters, 0), coalesce(t.voted, 0), "
                "coalesce(t.supporters, 0), coalesce(t.supporters_voted, 0), "
                "coalesce(t.expected, 0), t.last_report_ns "
                "FROM precincts p FULL JOIN (SELECT * FROM turnout WHERE election = $1) t "
                "  ON t.county = p.county AND t.precinct = p.precinct "
                "WHERE $2::text = '' OR coalesce(p.county, t.county) = $2 "
                "ORDER BY 1, 2",
                Params().Add(election).Add(county)));
    out.reserve(static_cast<size_t>(r.size()));
    for (int i = 0; i < r.size(); ++i) {
      PrecinctTurnout row;
      row.precinct = PrecinctKey{r.String(i, 0), r.String(i, 1)};
      row.precinct_name = r.String(i, 2);
      row.turnout.registered = r.Int64(i, 3);
      row.turnout.voted = r.Int64(i, 4);
      row.turnout.supporters = r.Int64(i, 5);
      row.turnout.supporters_voted = r.Int64(i, 6);
      row.turnout.expected = std::stod(r.String(i, 7));
      if (!r.IsNull(i, 8)) row.turnout.last_report_at = FormatIso8601(FromNanos(r.Int64(i, 8)));
      out.push_back(std::move(row));
    }
    return Status::Ok();
  };
  NARWHAL_RETURN_IF_ERROR(Transact(Access::kStandbyRead, read));
  if (!missing) return out;
  // First look at this election: create its rows (once), then read them.
  const TimePoint now = clock_->Now();
  NARWHAL_RETURN_IF_ERROR(Transact(Access::kWrite, [&](Connection& db) -> Status {
    return EnsureTurnoutRows(db, election, now);
  }));
  // From the primary: the rows just made may not have reached the standby yet.
  NARWHAL_RETURN_IF_ERROR(Transact(Access::kRead, read));
  return out;
}

Result<std::vector<StrikeEvent>> PostgresStore::StrikesSince(const std::string& election,
                                                             int64_t after_id, int limit) {
  NARWHAL_RETURN_IF_ERROR(CheckElection(election));
  if (limit < 1 || limit > kMaxStrikeEvents) {
    return InvalidArgument("limit must be between 1 and " + std::to_string(kMaxStrikeEvents));
  }
  std::vector<StrikeEvent> out;
  NARWHAL_RETURN_IF_ERROR(Transact(Access::kRead, [&](Connection& db) -> Status {
    out.clear();
    // Only positions below the horizon: every event there is final (committed or never
    // will be), so a reader resuming after the last position it saw skips nothing.
    NARWHAL_ASSIGN_OR_RETURN(Rows r,
                             db.Exec("SELECT pos, voter_id, county, precinct, undone, at_ns "
                                     "FROM strike_events WHERE election = $1 AND pos > $2 "
                                     "AND pos < narwhal_feed_horizon() ORDER BY pos LIMIT $3",
                                     Params().Add(election).Add(after_id).Add(int64_t{limit})));
    out.reserve(static_cast<size_t>(r.size()));
    for (int i = 0; i < r.size(); ++i) {
      out.push_back(StrikeEvent{r.Int64(i, 0), election, r.String(i, 1),
                                PrecinctKey{r.String(i, 2), r.String(i, 3)}, r.Bool(i, 4),
                                FromNanos(r.Int64(i, 5))});
    }
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<GotvEntry>> PostgresStore::GotvList(const std::string& election,
                                                       const PrecinctKey& precinct) {
  NARWHAL_RETURN_IF_ERROR(CheckElection(election));
  if (precinct.county.empty() || precinct.precinct.empty()) {
    return InvalidArgument("a precinct needs its county and precinct codes");
  }
  struct Walked {
    std::string key;
    GotvEntry entry;
  };
  std::vector<Walked> rows;
  NARWHAL_RETURN_IF_ERROR(Transact(Access::kStandbyRead, [&](Connection& db) -> Status {
    rows.clear();
    NARWHAL_ASSIGN_OR_RETURN(
        Rows r,
        db.Exec("SELECT v.voter_id, v.last_name, v.first_name, v.middle_name, v.name_suffix, "
                "v.county, v.precinct, v.registration_number, v.res_street, v.res_city, "
                "v.birth_year, v.party, v.status, v.phone, s.support, s.turnout "
                "FROM voters v JOIN voter_scores s ON s.voter_id = v.voter_id "
                "WHERE v.county = $1 AND v.precinct = $2 AND v.removed_at IS NULL "
                "AND s.support >= $3 AND NOT EXISTS (SELECT 1 FROM struck k "
                "  WHERE k.election = $4 AND k.voter_id = v.voter_id)",
                Params()
                    .Add(precinct.county)
                    .Add(precinct.precinct)
                    .Add(kSupporterThreshold)
                    .Add(election)));
    rows.reserve(static_cast<size_t>(r.size()));
    for (int i = 0; i < r.size(); ++i) {
      GotvEntry e;
      e.voter = VoterSummaryAt(r, i);
      const VoterSummary& v = e.voter;
      e.phone = r.String(i, 13);
      e.support = static_cast<int>(r.Int64(i, 14));
      e.turnout = static_cast<int>(r.Int64(i, 15));
      std::string key = WalkOrderKey(ParseStreetAddress(v.street));
      rows.push_back(Walked{std::move(key), std::move(e)});
    }
    return Status::Ok();
  }));
  std::sort(rows.begin(), rows.end(), [](const Walked& a, const Walked& b) {
    if (a.key != b.key) return a.key < b.key;
    return a.entry.voter.voter_id < b.entry.voter.voter_id;
  });
  std::vector<GotvEntry> out;
  out.reserve(rows.size());
  for (Walked& w : rows) out.push_back(std::move(w.entry));
  return out;
}

}  // namespace narwhal::postgres

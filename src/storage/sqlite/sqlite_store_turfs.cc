// SqliteStore's saved turfs (storage/turf_store.h): a cut is one job of the writer, so its
// turfs take consecutive ids (and list numbers) and appear together or not at all.
#include <functional>
#include <string>
#include <utility>

#include "base/clock.h"
#include "storage/sqlite/sqlite_store_impl.h"
#include "storage/turf_sql.h"

namespace narwhal::sqlite {
namespace {

TurfSummary SummaryRow(const Statement& q) {
  TurfSummary t;
  t.id = q.ColumnInt64(0);
  t.list_number = q.ColumnString(1);
  t.cut_id = q.ColumnInt64(2);
  t.number = static_cast<int>(q.ColumnInt64(3));
  t.of = static_cast<int>(q.ColumnInt64(4));
  t.county = q.ColumnString(5);
  t.precinct = q.ColumnString(6);
  t.universe_id = q.ColumnInt64(7);
  t.doors = q.ColumnInt64(8);
  t.voters = q.ColumnInt64(9);
  t.route_metres = q.ColumnDouble(10);
  t.minutes = q.ColumnDouble(11);
  t.drive = q.ColumnInt64(12) != 0;
  t.created_at = q.ColumnString(13);
  t.voters_contacted = q.ColumnInt64(14);
  t.doors_contacted = q.ColumnInt64(15);
  return t;
}

Result<std::vector<TurfSummary>> Summaries(Connection& db, const std::string& where,
                                           const std::function<void(Statement&)>& bind) {
  NARWHAL_ASSIGN_OR_RETURN(ScopedStatement q,
                           db.Prepare(std::string(turf_sql::kSummaryColumns) + where));
  bind(*q);
  std::vector<TurfSummary> out;
  for (;;) {
    NARWHAL_ASSIGN_OR_RETURN(bool more, q->Step());
    if (!more) return out;
    out.push_back(SummaryRow(*q));
  }
}

}  // namespace

TurfStore* SqliteStore::Turfs() {
  return this;
}

Result<std::vector<TurfSummary>> SqliteStore::SaveTurfCut(const NewTurfCut& cut) {
  NARWHAL_RETURN_IF_ERROR(turf_sql::ValidateCut(cut));
  int64_t cut_id = 0;
  const std::string at = FormatIso8601(cut.at);  // bound texts must outlive their step
  Status st = writer_->Submit([&](Connection& db) -> Status {
    NARWHAL_ASSIGN_OR_RETURN(ScopedStatement insert_cut, db.Prepare(turf_sql::kInsertCut));
    insert_cut->BindText(1, cut.county);
    insert_cut->BindText(2, cut.precinct);
    insert_cut->BindInt64(3, cut.universe_id);
    insert_cut->BindText(4, cut.options);
    insert_cut->BindInt64(5, static_cast<int64_t>(cut.turfs.size()));
    insert_cut->BindInt64(6, cut.created_by);
    insert_cut->BindText(7, at);
    NARWHAL_ASSIGN_OR_RETURN(bool made, insert_cut->Step());
    if (!made) return Internal("a turf cut was inserted with no id");
    cut_id = insert_cut->ColumnInt64(0);
    insert_cut->Reset();
    // The writer is the only one: the next ids are ours.
    NARWHAL_ASSIGN_OR_RETURN(int64_t last, db.QueryInt64("SELECT coalesce(max(id), 0) FROM turfs"));
    NARWHAL_ASSIGN_OR_RETURN(ScopedStatement turf, db.Prepare(turf_sql::kInsertTurf));
    NARWHAL_ASSIGN_OR_RETURN(
        ScopedStatement stop,
        db.Prepare("INSERT INTO turf_stops(turf_id, stop, door_key, address, lat, lon) "
                   "VALUES ($1, $2, $3, $4, $5, $6)"));
    NARWHAL_ASSIGN_OR_RETURN(
        ScopedStatement voter,
        db.Prepare("INSERT INTO turf_voters(turf_id, voter_id, stop, position) "
                   "VALUES ($1, $2, $3, $4)"));
    for (size_t t = 0; t < cut.turfs.size(); ++t) {
      const NewTurf& nt = cut.turfs[t];
      const int64_t id = last + 1 + static_cast<int64_t>(t);
      int64_t voters = 0;
      for (const TurfStop& s : nt.stops) voters += static_cast<int64_t>(s.voter_ids.size());
      const std::string list_number = ListNumberOf(id);
      const std::string route = turf_sql::DoubleText(nt.route_metres);
      const std::string minutes = turf_sql::DoubleText(nt.minutes);
      turf->BindInt64(1, id);
      turf->BindText(2, list_number);
      turf->BindInt64(3, cut_id);
      turf->BindInt64(4, static_cast<int64_t>(t + 1));
      turf->BindInt64(5, static_cast<int64_t>(nt.stops.size()));
      turf->BindInt64(6, voters);
      turf->BindText(7, route);
      turf->BindText(8, minutes);
      turf->BindInt64(9, nt.drive ? 1 : 0);
      NARWHAL_RETURN_IF_ERROR(turf->Step().status());
      turf->Reset();
      int64_t position = 0;
      for (size_t k = 0; k < nt.stops.size(); ++k) {
        const TurfStop& s = nt.stops[k];
        stop->BindInt64(1, id);
        stop->BindInt64(2, static_cast<int64_t>(k + 1));
        stop->BindText(3, s.door_key);
        stop->BindText(4, s.address);
        if (s.lat && s.lon) {
          stop->BindDouble(5, *s.lat);
          stop->BindDouble(6, *s.lon);
        } else {
          stop->BindNull(5);
          stop->BindNull(6);
        }
        NARWHAL_RETURN_IF_ERROR(stop->Step().status());
        stop->Reset();
        for (const std::string& v : s.voter_ids) {
          voter->BindInt64(1, id);
          voter->BindText(2, v);
          voter->BindInt64(3, static_cast<int64_t>(k + 1));
          voter->BindInt64(4, ++position);
          NARWHAL_RETURN_IF_ERROR(voter->Step().status());
          voter->Reset();
        }
      }
    }
    return Status::Ok();
  });
  NARWHAL_RETURN_IF_ERROR(st);
  ReaderPool::Lease db = readers_->Acquire();
  return Summaries(*db, "WHERE t.cut_id = $1 ORDER BY t.number",
                   [&](Statement& q) { q.BindInt64(1, cut_id); });
}

Result<TurfSheet> SqliteStore::GetTurf(const std::string& list_number) {
  ReaderPool::Lease db = readers_->Acquire();
  ReadTransaction txn(*db);
  NARWHAL_RETURN_IF_ERROR(txn.Begin());
  NARWHAL_ASSIGN_OR_RETURN(std::vector<TurfSummary> found,
                           Summaries(*db, "WHERE t.list_number = $1",
                                     [&](Statement& q) { q.BindText(1, list_number); }));
  if (found.empty()) return NotFound("no turf has list number " + list_number);
  TurfSheet sheet;
  sheet.turf = std::move(found[0]);
  NARWHAL_ASSIGN_OR_RETURN(ScopedStatement stops, db->Prepare(turf_sql::kStops));
  stops->BindInt64(1, sheet.turf.id);
  for (;;) {
    NARWHAL_ASSIGN_OR_RETURN(bool more, stops->Step());
    if (!more) break;
    TurfStop s;
    s.door_key = stops->ColumnString(1);
    s.address = stops->ColumnString(2);
    if (!stops->ColumnIsNull(3) && !stops->ColumnIsNull(4)) {
      s.lat = stops->ColumnDouble(3);
      s.lon = stops->ColumnDouble(4);
    }
    sheet.stops.push_back(std::move(s));
  }
  NARWHAL_ASSIGN_OR_RETURN(ScopedStatement voters, db->Prepare(turf_sql::kVoters));
  voters->BindText(1, sheet.turf.list_number);
  voters->BindInt64(2, sheet.turf.id);
  for (;;) {
    NARWHAL_ASSIGN_OR_RETURN(bool more, voters->Step());
    if (!more) break;
    TurfVoter v;
    v.stop = static_cast<int>(voters->ColumnInt64(1));
    if (v.stop < 1 || static_cast<size_t>(v.stop) > sheet.stops.size()) {
      return DataLoss("turf " + list_number + " has a voter at a stop it does not have");
    }
    v.resident = {
        sheet.stops[v.stop - 1].door_key, voters->ColumnString(0), voters->ColumnString(2),
        voters->ColumnString(3),          voters->ColumnString(4), voters->ColumnString(5),
        voters->ColumnInt64(6),           voters->ColumnString(7), voters->ColumnString(8)};
    v.removed = !voters->ColumnString(9).empty();
    if (!voters->ColumnIsNull(10)) {
      v.last_result = voters->ColumnString(10);
      v.last_support = static_cast<int>(voters->ColumnInt64(11));
      v.last_at = voters->ColumnString(12);
      v.last_user_id = voters->ColumnInt64(13);
      v.last_contact_id = voters->ColumnInt64(14);
    }
    sheet.stops[v.stop - 1].voter_ids.push_back(v.resident.voter_id);
    sheet.voters.push_back(std::move(v));
  }
  return sheet;
}

Result<std::vector<TurfSummary>> SqliteStore::ListTurfs(const TurfQuery& query) {
  NARWHAL_RETURN_IF_ERROR(turf_sql::ValidateQuery(query));
  ReaderPool::Lease db = readers_->Acquire();
  return Summaries(*db, std::string(turf_sql::kListWhere), [&](Statement& q) {
    q.BindText(1, query.county);
    q.BindText(2, query.precinct);
    q.BindInt64(3, query.limit);
  });
}

Result<std::vector<DoorContact>> SqliteStore::TurfContacts(const std::string& list_number) {
  ReaderPool::Lease db = readers_->Acquire();
  NARWHAL_ASSIGN_OR_RETURN(ScopedStatement q, db->Prepare(turf_sql::kTurfContacts));
  q->BindText(1, list_number);
  std::vector<DoorContact> out;
  for (;;) {
    NARWHAL_ASSIGN_OR_RETURN(bool more, q->Step());
    if (!more) return out;
    out.push_back({q->ColumnInt64(0), q->ColumnString(1), static_cast<int>(q->ColumnInt64(2)),
                   q->ColumnString(3), q->ColumnString(4), q->ColumnString(5), q->ColumnString(6)});
  }
}

Result<std::vector<bool>> SqliteStore::OnTurfs(std::span<const std::string> list_numbers,
                                               std::span<const std::string> voter_ids) {
  std::vector<bool> out(voter_ids.size(), false);
  if (list_numbers.empty() || voter_ids.empty()) return out;
  ReaderPool::Lease db = readers_->Acquire();
  ReadTransaction txn(*db);
  NARWHAL_RETURN_IF_ERROR(txn.Begin());
  NARWHAL_ASSIGN_OR_RETURN(ScopedStatement q, db->Prepare(turf_sql::kOnTurf));
  for (size_t i = 0; i < voter_ids.size(); ++i) {
    for (const std::string& list : list_numbers) {
      q->BindText(1, list);
      q->BindText(2, voter_ids[i]);
      NARWHAL_ASSIGN_OR_RETURN(bool found, q->Step());
      q->Reset();
      if (found) {
        out[i] = true;
        break;
      }
    }
  }
  return out;
}

}  // namespace narwhal::sqlite

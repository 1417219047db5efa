// PostgresStore's saved turfs (storage/turf_store.h): a cut is one transaction on the
// primary, its turfs' ids drawn from turfs_id_seq first so each list number is known
// before its row is written; stops and voters go in with one statement each (unnest).
#include <string>
#include <unordered_set>
#include <utility>

#include "base/clock.h"
#include "storage/postgres/postgres_store_impl.h"
#include "storage/turf_sql.h"

namespace narwhal::postgres {
namespace {

double DoubleAt(const Rows& r, int row, int col) {
  return std::stod(r.String(row, col));
}

std::vector<TurfSummary> SummaryRows(const Rows& r) {
  std::vector<TurfSummary> out;
  for (int i = 0; i < r.size(); ++i) {
    TurfSummary t;
    t.id = r.Int64(i, 0);
    t.list_number = r.String(i, 1);
    t.cut_id = r.Int64(i, 2);
    t.number = static_cast<int>(r.Int64(i, 3));
    t.of = static_cast<int>(r.Int64(i, 4));
    t.county = r.String(i, 5);
    t.precinct = r.String(i, 6);
    t.universe_id = r.Int64(i, 7);
    t.doors = r.Int64(i, 8);
    t.voters = r.Int64(i, 9);
    t.route_metres = DoubleAt(r, i, 10);
    t.minutes = DoubleAt(r, i, 11);
    t.drive = r.Int64(i, 12) != 0;
    t.created_at = r.String(i, 13);
    t.voters_contacted = r.Int64(i, 14);
    t.doors_contacted = r.Int64(i, 15);
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace

TurfStore* PostgresStore::Turfs() {
  return this;
}

Result<std::vector<TurfSummary>> PostgresStore::SaveTurfCut(const NewTurfCut& cut) {
  NARWHAL_RETURN_IF_ERROR(turf_sql::ValidateCut(cut));
  std::vector<TurfSummary> out;
  NARWHAL_RETURN_IF_ERROR(Transact(Access::kWrite, [&](Connection& db) -> Status {
    NARWHAL_ASSIGN_OR_RETURN(
        Rows made, db.Exec(turf_sql::kInsertCut, Params()
                                                     .Add(cut.county)
                                                     .Add(cut.precinct)
                                                     .Add(cut.universe_id)
                                                     .Add(cut.options)
                                                     .Add(static_cast<int64_t>(cut.turfs.size()))
                                                     .Add(cut.created_by)
                                                     .Add(FormatIso8601(cut.at))));
    const int64_t cut_id = made.Int64(0, 0);
    NARWHAL_ASSIGN_OR_RETURN(
        Rows ids, db.Exec("SELECT nextval('turfs_id_seq') FROM generate_series(1, $1::integer) "
                          "ORDER BY 1",
                          Params().Add(static_cast<int64_t>(cut.turfs.size()))));
    if (ids.size() != static_cast<int>(cut.turfs.size())) {
      return Internal("turfs_id_seq answered too few ids");
    }
    for (size_t t = 0; t < cut.turfs.size(); ++t) {
      const NewTurf& nt = cut.turfs[t];
      const int64_t id = ids.Int64(static_cast<int>(t), 0);
      int64_t voters = 0;
      for (const TurfStop& s : nt.stops) voters += static_cast<int64_t>(s.voter_ids.size());
      NARWHAL_RETURN_IF_ERROR(
          db.Exec(turf_sql::kInsertTurf, Params()
                                             .Add(id)
                                             .Add(ListNumberOf(id))
                                             .Add(cut_id)
                                             .Add(static_cast<int64_t>(t + 1))
                                             .Add(static_cast<int64_t>(nt.stops.size()))
                                             .Add(voters)
                                             .Add(turf_sql::DoubleText(nt.route_metres))
                                             .Add(turf_sql::DoubleText(nt.minutes))
                                             .Add(int64_t{nt.drive ? 1 : 0}))
              .status());
      std::vector<std::string> door_keys, addresses, lats, lons, voter_ids, voter_stops;
      for (size_t k = 0; k < nt.stops.size(); ++k) {
        const TurfStop& s = nt.stops[k];
        door_keys.push_back(s.door_key);
        addresses.push_back(s.address);
        const bool located = s.lat && s.lon;
        lats.push_back(located ? turf_sql::DoubleText(*s.lat) : "");
        lons.push_back(located ? turf_sql::DoubleText(*s.lon) : "");
        for (const std::string& v : s.voter_ids) {
          voter_ids.push_back(v);
          voter_stops.push_back(std::to_string(k + 1));
        }
      }
      NARWHAL_RETURN_IF_ERROR(
          db.Exec("INSERT INTO turf_stops(turf_id, stop, door_key, address, lat, lon) "
                  "SELECT $1, u.n, u.door, u.address, nullif(u.lat, '')::double precision, "
                  "nullif(u.lon, '')::double precision "
                  "FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) "
                  "WITH ORDINALITY AS u(door, address, lat, lon, n)",
                  Params()
                      .Add(id)
                      .Add(TextArray(door_keys))
                      .Add(TextArray(addresses))
                      .Add(TextArray(lats))
                      .Add(TextArray(lons)))
              .status());
      NARWHAL_RETURN_IF_ERROR(
          db.Exec("INSERT INTO turf_voters(turf_id, voter_id, stop, position) "
                  "SELECT $1, u.voter, u.stop::integer, u.n "
                  "FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS u(voter, stop, n)",
                  Params().Add(id).Add(TextArray(voter_ids)).Add(TextArray(voter_stops)))
              .status());
    }
    NARWHAL_ASSIGN_OR_RETURN(Rows saved, db.Exec(std::string(turf_sql::kSummaryColumns) +
                                                     "WHERE t.cut_id = $1 ORDER BY t.number",
                                                 Params().Add(cut_id)));
    out = SummaryRows(saved);
    return Status::Ok();
  }));
  return out;
}

Result<TurfSheet> PostgresStore::GetTurf(const std::string& list_number) {
  TurfSheet sheet;
  NARWHAL_RETURN_IF_ERROR(Transact(Access::kRead, [&](Connection& db) -> Status {
    sheet = {};
    NARWHAL_ASSIGN_OR_RETURN(
        Rows found, db.Exec(std::string(turf_sql::kSummaryColumns) + "WHERE t.list_number = $1",
                            Params().Add(list_number)));
    std::vector<TurfSummary> turfs = SummaryRows(found);
    if (turfs.empty()) return NotFound("no turf has list number " + list_number);
    sheet.turf = std::move(turfs[0]);
    NARWHAL_ASSIGN_OR_RETURN(Rows stops, db.Exec(turf_sql::kStops, Params().Add(sheet.turf.id)));
    for (int i = 0; i < stops.size(); ++i) {
      TurfStop s;
      s.door_key = stops.String(i, 1);
      s.address = stops.String(i, 2);
      if (!stops.IsNull(i, 3) && !stops.IsNull(i, 4)) {
        s.lat = DoubleAt(stops, i, 3);
        s.lon = DoubleAt(stops, i, 4);
      }
      sheet.stops.push_back(std::move(s));
    }
    NARWHAL_ASSIGN_OR_RETURN(
        Rows r, db.Exec(turf_sql::kVoters, Params().Add(list_number).Add(sheet.turf.id)));
    for (int i = 0; i < r.size(); ++i) {
      TurfVoter v;
      v.stop = static_cast<int>(r.Int64(i, 1));
      if (v.stop < 1 || static_cast<size_t>(v.stop) > sheet.stops.size()) {
        return DataLoss("turf " + list_number + " has a voter at a stop it does not have");
      }
      v.resident = {sheet.stops[v.stop - 1].door_key,
                    r.String(i, 0),
                    r.String(i, 2),
                    r.String(i, 3),
                    r.String(i, 4),
                    r.String(i, 5),
                    r.Int64(i, 6),
                    r.String(i, 7),
                    r.String(i, 8)};
      v.removed = !r.Text(i, 9).empty();
      if (!r.IsNull(i, 10)) {
        v.last_result = r.String(i, 10);
        v.last_support = static_cast<int>(r.Int64(i, 11));
        v.last_at = r.String(i, 12);
        v.last_user_id = r.Int64(i, 13);
        v.last_contact_id = r.Int64(i, 14);
      }
      sheet.stops[v.stop - 1].voter_ids.push_back(v.resident.voter_id);
      sheet.voters.push_back(std::move(v));
    }
    return Status::Ok();
  }));
  return sheet;
}

Result<std::vector<TurfSummary>> PostgresStore::ListTurfs(const TurfQuery& query) {
  NARWHAL_RETURN_IF_ERROR(turf_sql::ValidateQuery(query));
  NARWHAL_ASSIGN_OR_RETURN(
      Rows r,
      ReadStatement(std::string(turf_sql::kSummaryColumns) + std::string(turf_sql::kListWhere),
                    Params().Add(query.county).Add(query.precinct).Add(int64_t{query.limit})));
  return SummaryRows(r);
}

Result<std::vector<DoorContact>> PostgresStore::TurfContacts(const std::string& list_number) {
  NARWHAL_ASSIGN_OR_RETURN(Rows r,
                           ReadStatement(turf_sql::kTurfContacts, Params().Add(list_number)));
  std::vector<DoorContact> out;
  for (int i = 0; i < r.size(); ++i) {
    out.push_back({r.Int64(i, 0), r.String(i, 1), static_cast<int>(r.Int64(i, 2)), r.String(i, 3),
                   r.String(i, 4), r.String(i, 5), r.String(i, 6)});
  }
  return out;
}

Result<std::vector<bool>> PostgresStore::OnTurfs(std::span<const std::string> list_numbers,
                                                 std::span<const std::string> voter_ids) {
  std::vector<bool> out(voter_ids.size(), false);
  if (list_numbers.empty() || voter_ids.empty()) return out;
  // Decides a write: read on the primary.
  NARWHAL_RETURN_IF_ERROR(Transact(Access::kRead, [&](Connection& db) -> Status {
    NARWHAL_ASSIGN_OR_RETURN(
        Rows r, db.Exec("SELECT DISTINCT v.voter_id FROM turfs t JOIN turf_voters v ON "
                        "v.turf_id = t.id WHERE t.list_number = ANY($1::text[]) AND "
                        "v.voter_id = ANY($2::text[])",
                        Params().Add(TextArray(list_numbers)).Add(TextArray(voter_ids))));
    std::unordered_set<std::string> on;
    for (int i = 0; i < r.size(); ++i) on.insert(r.String(i, 0));
    for (size_t i = 0; i < voter_ids.size(); ++i) out[i] = on.contains(voter_ids[i]);
    return Status::Ok();
  }));
  return out;
}

}  // namespace narwhal::postgres

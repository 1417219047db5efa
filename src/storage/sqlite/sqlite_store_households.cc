// SqliteStore's households (storage/household_store.h): buildings, doors, residences
// and address points, written as jobs of the one writer like every other write.
#include <functional>
#include <optional>
#include <set>
#include <string>

#include "storage/address_sites.h"
#include "storage/household_sql.h"
#include "storage/sqlite/schema.h"
#include "storage/sqlite/sqlite_store_impl.h"

namespace narwhal::sqlite {

HouseholdStore* SqliteStore::Households() {
  return this;
}

Result<ResidenceCounts> SqliteStore::UpsertResidences(std::span<const VoterResidence> residences) {
  for (const VoterResidence& r : residences) {
    if (r.voter_id.empty()) return InvalidArgument("a residence needs a voter id");
  }
  ResidenceCounts counts;
  Status st = writer_->Submit([&](Connection& db) -> Status {
    counts = {};
    // Missing indexes mean a bulk load of an empty store is running: plain appends, and
    // FinishImport keeps one row per key when it builds the indexes (schema.h).
    NARWHAL_ASSIGN_OR_RETURN(bool indexed, BulkIndexesComplete(db));
    const std::string_view unless_known = indexed ? " ON CONFLICT DO NOTHING" : "";
    NARWHAL_ASSIGN_OR_RETURN(
        ScopedStatement building,
        db.Prepare("INSERT INTO buildings(building_key, county, city, zip, match_key, "
                   "street_key, block_face, house_number, house_suffix) "
                   "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)" +
                   std::string(unless_known)));
    NARWHAL_ASSIGN_OR_RETURN(ScopedStatement door,
                             db.Prepare("INSERT INTO doors(door_key, building_key, unit) "
                                        "VALUES(?1, ?2, ?3)" +
                                        std::string(unless_known)));
    NARWHAL_ASSIGN_OR_RETURN(
        ScopedStatement residence,
        db.Prepare(std::string("INSERT INTO residences(voter_id, door_key, building_key, problem, "
                               "street_line) VALUES(?1, ?2, ?3, ?4, ?5)") +
                   (indexed ? " ON CONFLICT(voter_id) DO UPDATE SET door_key = excluded.door_key, "
                              "building_key = excluded.building_key, problem = excluded.problem, "
                              "street_line = excluded.street_line "
                              "WHERE door_key IS NOT excluded.door_key "
                              "OR problem IS NOT excluded.problem "
                              "OR street_line IS NOT excluded.street_line"
                            : "")));
    std::set<std::string> doors_seen;  // in this batch: a building or door is written once
    for (const VoterResidence& r : residences) {
      const std::string building_key = BuildingKey(r);
      const std::string door_key = DoorKey(r);
      if (!door_key.empty() && doors_seen.insert(door_key).second) {
        const NormalizedAddress& a = r.address;
        // Bound text is not copied: every value lives until the statement ran.
        const std::string match_key = BuildingMatchKey(a);
        const std::string street_key = StreetKey(a);
        const std::string block_face = BlockFaceKey(a);
        building->BindText(1, building_key);
        building->BindText(2, r.county);
        building->BindText(3, r.city);
        building->BindText(4, r.zip);
        building->BindText(5, match_key);
        building->BindText(6, street_key);
        building->BindText(7, block_face);
        building->BindInt64(8, a.house_number);
        building->BindText(9, a.house_suffix);
        Status run = building->Run();
        building->Reset();
        NARWHAL_RETURN_IF_ERROR(run);
        door->BindText(1, door_key);
        door->BindText(2, building_key);
        door->BindText(3, a.unit);
        run = door->Run();
        door->Reset();
        NARWHAL_RETURN_IF_ERROR(run);
      }
      residence->BindText(1, r.voter_id);
      residence->BindText(2, door_key);
      residence->BindText(3, building_key);
      // Only a voter without a door keeps her street line (her voter row has it too).
      residence->BindText(4, door_key.empty() ? std::string_view(r.address.problem) : "");
      residence->BindText(5, door_key.empty() ? std::string_view(r.street_line) : "");
      Status run = residence->Run();
      residence->Reset();
      NARWHAL_RETURN_IF_ERROR(run);
      ++(door_key.empty() ? counts.unplaced : counts.placed);
    }
    return Status::Ok();
  });
  NARWHAL_RETURN_IF_ERROR(st);
  return counts;
}

Status SqliteStore::BeginAddressPoints(const std::string& source) {
  if (source.empty()) return InvalidArgument("address points need a source name");
  return writer_->Submit([&](Connection& db) -> Status {
    NARWHAL_ASSIGN_OR_RETURN(ScopedStatement del,
                             db.Prepare("DELETE FROM address_points WHERE source = ?1"));
    del->BindText(1, source);
    return del->Run();
  });
}

Status SqliteStore::AppendAddressPoints(const std::string& source,
                                        std::span<const AddressPoint> points) {
  if (source.empty()) return InvalidArgument("address points need a source name");
  return writer_->Submit([&](Connection& db) -> Status {
    NARWHAL_ASSIGN_OR_RETURN(
        ScopedStatement put,
        db.Prepare("INSERT OR REPLACE INTO address_points(source, line, match_key, unit, "
                   "postcode, lon, lat) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
    for (const AddressPoint& p : points) {
      put->BindText(1, source);
      put->BindInt64(2, p.line);
      put->BindText(3, p.match_key);
      put->BindText(4, p.unit);
      put->BindText(5, p.postcode);
      put->BindDouble(6, p.lon);
      put->BindDouble(7, p.lat);
      Status run = put->Run();
      put->Reset();
      NARWHAL_RETURN_IF_ERROR(run);
    }
    return Status::Ok();
  });
}

Result<AddressSitesSummary> SqliteStore::FinishAddressPoints() {
  AddressSitesSummary summary;
  Status st = writer_->Submit([&](Connection& db) -> Status {
    summary = {};
    NARWHAL_RETURN_IF_ERROR(db.Exec("DELETE FROM address_sites"));
    NARWHAL_ASSIGN_OR_RETURN(
        ScopedStatement put,
        db.Prepare("INSERT INTO address_sites(match_key, postcode, lon, lat, points, spread_m, "
                   "ambiguous) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
    auto store = [&](const AddressSite& site) -> Status {
      put->BindText(1, site.match_key);
      put->BindText(2, site.postcode);
      put->BindDouble(3, site.lon);
      put->BindDouble(4, site.lat);
      put->BindInt64(5, site.points);
      put->BindDouble(6, site.spread_m);
      put->BindInt64(7, site.ambiguous ? 1 : 0);
      Status run = put->Run();
      put->Reset();
      ++summary.sites;
      if (site.ambiguous) ++summary.ambiguous;
      return run;
    };
    NARWHAL_ASSIGN_OR_RETURN(ScopedStatement points,
                             db.Prepare("SELECT match_key, postcode, lon, lat FROM address_points "
                                        "ORDER BY match_key, source, line"));
    SiteGrouper grouper;
    for (;;) {
      NARWHAL_ASSIGN_OR_RETURN(bool row, points->Step());
      if (!row) break;
      ++summary.points;
      std::optional<AddressSite> done =
          grouper.Add(points->ColumnText(0), points->ColumnText(1), points->ColumnDouble(2),
                      points->ColumnDouble(3));
      if (done) NARWHAL_RETURN_IF_ERROR(store(*done));
    }
    if (std::optional<AddressSite> last = grouper.Finish()) {
      NARWHAL_RETURN_IF_ERROR(store(*last));
    }
    return Status::Ok();
  });
  NARWHAL_RETURN_IF_ERROR(st);
  return summary;
}

namespace {

// One read transaction, so every query of a report comes from the same snapshot.
class ReadSnapshot {
 public:
  explicit ReadSnapshot(Connection& db) : db_(db) {}
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;
  ~ReadSnapshot() {
    if (begun_) (void)db_.Exec("COMMIT");
  }
  Status Begin() {
    NARWHAL_RETURN_IF_ERROR(db_.Exec("BEGIN"));
    begun_ = true;
    return Status::Ok();
  }
  // Runs `sql` with $1 and $2 bound by `bind`, calling `row` for each result row.
  Status Each(std::string_view sql, const std::function<void(Statement&)>& bind,
              const std::function<void(const Statement&)>& row) {
    NARWHAL_ASSIGN_OR_RETURN(ScopedStatement q, db_.Prepare(sql));
    bind(*q);
    for (;;) {
      NARWHAL_ASSIGN_OR_RETURN(bool more, q->Step());
      if (!more) return Status::Ok();
      row(*q);
    }
  }

 private:
  Connection& db_;
  bool begun_ = false;
};

}  // namespace

Result<HouseholdSummary> SqliteStore::SummarizeHouseholds(const HouseholdQuery& query) {
  if (query.sample_limit < 0) return InvalidArgument("the sample limit must not be negative");
  ReaderPool::Lease db = readers_->Acquire();
  ReadSnapshot snapshot(*db);
  NARWHAL_RETURN_IF_ERROR(snapshot.Begin());
  auto run = [&](const std::string& sql,
                 const std::function<void(const Statement&)>& row) -> Status {
    return snapshot.Each(
        sql,
        [&](Statement& q) {
          q.BindText(1, query.county);
          q.BindInt64(2, query.sample_limit);
        },
        row);
  };
  HouseholdSummary s;
  NARWHAL_RETURN_IF_ERROR(run(household_sql::Counts(), [&](const Statement& q) {
    s.voters = q.ColumnInt64(0);
    s.placed = q.ColumnInt64(1);
  }));
  NARWHAL_RETURN_IF_ERROR(run(household_sql::UnplacedByReason(), [&](const Statement& q) {
    s.unplaced_by_reason.emplace_back(q.ColumnString(0), q.ColumnInt64(1));
  }));
  NARWHAL_RETURN_IF_ERROR(run(household_sql::Problems(), [&](const Statement& q) {
    s.problems.push_back({q.ColumnString(0), q.ColumnString(1), q.ColumnString(2)});
  }));
  NARWHAL_RETURN_IF_ERROR(run(household_sql::BuildingCounts(), [&](const Statement& q) {
    s.buildings = q.ColumnInt64(0);
    s.doors = q.ColumnInt64(1);
    s.multi_door_buildings = q.ColumnInt64(2);
    s.buildings_matched = q.ColumnInt64(3);
    s.buildings_ambiguous = q.ColumnInt64(4);
    s.buildings_unmatched = q.ColumnInt64(5);
    s.voters_with_coordinates = q.ColumnInt64(6);
  }));
  for (bool ambiguous : {false, true}) {
    auto& out = ambiguous ? s.ambiguous : s.unmatched;
    NARWHAL_RETURN_IF_ERROR(run(household_sql::BuildingSample(ambiguous), [&](const Statement& q) {
      out.push_back({q.ColumnString(0), q.ColumnString(1), q.ColumnString(2), q.ColumnInt64(3)});
    }));
  }
  NARWHAL_ASSIGN_OR_RETURN(s.sites, db->QueryInt64("SELECT count(*) FROM address_sites"));
  return s;
}

Result<PrecinctDoors> SqliteStore::ListDoors(const DoorQuery& query) {
  if (query.county.empty()) return InvalidArgument("doors are listed for a county");
  ReaderPool::Lease db = readers_->Acquire();
  ReadSnapshot snapshot(*db);
  NARWHAL_RETURN_IF_ERROR(snapshot.Begin());
  auto bind = [&](Statement& q) {
    q.BindText(1, query.county);
    q.BindText(2, query.precinct);
  };
  PrecinctDoors out;
  NARWHAL_RETURN_IF_ERROR(snapshot.Each(household_sql::kDoors, bind, [&](const Statement& q) {
    Door d{q.ColumnString(0), q.ColumnString(1), q.ColumnString(2), q.ColumnString(3),
           q.ColumnInt64(4),  q.ColumnString(5), q.ColumnString(6), q.ColumnInt64(7)};
    if (q.ColumnInt64(8) != 0) {
      d.lat = q.ColumnDouble(9);
      d.lon = q.ColumnDouble(10);
    }
    out.doors.push_back(std::move(d));
  }));
  NARWHAL_RETURN_IF_ERROR(snapshot.Each(household_sql::kResidents, bind, [&](const Statement& q) {
    out.residents.push_back({q.ColumnString(0), q.ColumnString(1), q.ColumnString(2),
                             q.ColumnString(3), q.ColumnString(4), q.ColumnString(5),
                             q.ColumnInt64(6), q.ColumnString(7), q.ColumnString(8)});
  }));
  NARWHAL_RETURN_IF_ERROR(
      snapshot.Each(household_sql::kUnplacedVoters, bind, [&](const Statement& q) {
        out.unplaced.push_back({q.ColumnString(0), q.ColumnString(1), q.ColumnString(2)});
      }));
  return out;
}

}  // namespace narwhal::sqlite

// PostgresStore's households (storage/household_store.h): one transaction per batch of
// residences (three statements over unnest'ed arrays), address points by COPY, sites
// regrouped through a cursor so memory stays flat for a statewide point file.
#include <charconv>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "storage/address_sites.h"
#include "storage/household_sql.h"
#include "storage/postgres/postgres_store_impl.h"

namespace narwhal::postgres {
namespace {

// The shortest text that reads back as exactly `value`.
void AppendDouble(double value, std::string& out) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, ec == std::errc() ? end : buf);
}

void AppendCopyLine(std::initializer_list<std::string_view> fields, std::string& out) {
  bool first = true;
  for (std::string_view f : fields) {
    if (!first) out.push_back('\t');
    first = false;
    AppendCopyField(f, out);
  }
  out.push_back('\n');
}

std::string DoubleText(double value) {
  std::string out;
  AppendDouble(value, out);
  return out;
}

// A float8 column's text (PostgreSQL prints the shortest exact form); 0 if unreadable.
double ParseDouble(std::string_view text) {
  double value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

constexpr int kFetchRows = 50000;

}  // namespace

HouseholdStore* PostgresStore::Households() {
  return this;
}

Result<ResidenceCounts> PostgresStore::UpsertResidences(
    std::span<const VoterResidence> residences) {
  // The last residence of a voter given twice wins (one row may change once per statement).
  std::map<std::string, const VoterResidence*> latest;
  for (const VoterResidence& r : residences) {
    if (r.voter_id.empty()) return InvalidArgument("a residence needs a voter id");
    latest[r.voter_id] = &r;
  }
  ResidenceCounts counts;
  if (latest.empty()) return counts;
  struct Columns {
    std::vector<std::string> key, county, city, zip, match, street, face, suffix;
    std::vector<int64_t> number;
  } b;
  std::vector<std::string> door_key, door_building, door_unit;
  std::vector<std::string> voter, r_door, r_building, problem, line;
  std::set<std::string> doors_seen;
  for (const auto& [id, r] : latest) {
    std::string building = BuildingKey(*r);
    std::string door = DoorKey(*r);
    if (!door.empty() && doors_seen.insert(door).second) {
      const NormalizedAddress& a = r->address;
      b.key.push_back(building);
      b.county.push_back(r->county);
      b.city.push_back(r->city);
      b.zip.push_back(r->zip);
      b.match.push_back(BuildingMatchKey(a));
      b.street.push_back(StreetKey(a));
      b.face.push_back(BlockFaceKey(a));
      b.number.push_back(a.house_number);
      b.suffix.push_back(a.house_suffix);
      door_key.push_back(door);
      door_building.push_back(building);
      door_unit.push_back(a.unit);
    }
    ++(door.empty() ? counts.unplaced : counts.placed);
    voter.push_back(id);
    // Only a voter without a door keeps her street line (her voter row has it too).
    problem.push_back(door.empty() ? r->address.problem : std::string());
    line.push_back(door.empty() ? r->street_line : std::string());
    r_door.push_back(std::move(door));
    r_building.push_back(std::move(building));
  }
  Params buildings;
  for (const auto* column : {&b.key, &b.county, &b.city, &b.zip, &b.match, &b.street, &b.face}) {
    buildings.Add(TextArray(*column));
  }
  buildings.Add(BigintArray(b.number)).Add(TextArray(b.suffix));
  Params doors;
  doors.Add(TextArray(door_key)).Add(TextArray(door_building)).Add(TextArray(door_unit));
  Params rows;
  rows.Add(TextArray(voter)).Add(TextArray(r_door)).Add(TextArray(r_building));
  rows.Add(TextArray(problem)).Add(TextArray(line));
  NARWHAL_RETURN_IF_ERROR(Transact(Access::kWrite, [&](Connection& db) -> Status {
    // Keys in byte order, so concurrent batches take their row locks in one order.
    NARWHAL_RETURN_IF_ERROR(
        db.Exec("INSERT INTO buildings(building_key, county, city, zip, match_key, street_key, "
                "block_face, house_number, house_suffix) "
                "SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], "
                "$5::text[], $6::text[], $7::text[], $8::bigint[], $9::text[]) "
                "ORDER BY 1 ON CONFLICT (building_key) DO NOTHING",
                buildings)
            .status());
    NARWHAL_RETURN_IF_ERROR(db.Exec("INSERT INTO doors(door_key, building_key, unit) "
                                    "SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) "
                                    "ORDER BY 1 ON CONFLICT (door_key) DO NOTHING",
                                    doors)
                                .status());
    return db
        .Exec(
            "INSERT INTO residences(voter_id, door_key, building_key, problem, street_line) "
            "SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], "
            "$5::text[]) ORDER BY 1 "
            "ON CONFLICT (voter_id) DO UPDATE SET door_key = excluded.door_key, "
            "building_key = excluded.building_key, problem = excluded.problem, "
            "street_line = excluded.street_line "
            "WHERE (residences.door_key, residences.problem, residences.street_line) "
            "IS DISTINCT FROM (excluded.door_key, excluded.problem, excluded.street_line)",
            rows)
        .status();
  }));
  return counts;
}

Status PostgresStore::BeginAddressPoints(const std::string& source) {
  if (source.empty()) return InvalidArgument("address points need a source name");
  return Transact(Access::kWrite, [&](Connection& db) -> Status {
    return db.Exec("DELETE FROM address_points WHERE source = $1", Params().Add(source)).status();
  });
}

Status PostgresStore::AppendAddressPoints(const std::string& source,
                                          std::span<const AddressPoint> points) {
  if (source.empty()) return InvalidArgument("address points need a source name");
  if (points.empty()) return Status::Ok();
  // One point per line: a line given twice in a batch keeps its last row, as SQLite's
  // INSERT OR REPLACE does; the batch replaces rows of the same lines loaded before.
  std::map<int64_t, const AddressPoint*> by_line;
  for (const AddressPoint& p : points) by_line[p.line] = &p;
  std::string data;
  std::vector<int64_t> lines;
  for (const auto& [n, p] : by_line) {
    lines.push_back(n);
    AppendCopyLine({source, std::to_string(n), p->match_key, p->unit, p->postcode,
                    DoubleText(p->lon), DoubleText(p->lat)},
                   data);
  }
  return Transact(Access::kWrite, [&](Connection& db) -> Status {
    NARWHAL_RETURN_IF_ERROR(
        db.Exec("DELETE FROM address_points WHERE source = $1 AND line = ANY($2::bigint[])",
                Params().Add(source).Add(BigintArray(lines)))
            .status());
    return db.CopyIn(
        "COPY address_points(source, line, match_key, unit, postcode, lon, lat) FROM STDIN", data);
  });
}

Result<AddressSitesSummary> PostgresStore::FinishAddressPoints() {
  AddressSitesSummary summary;
  NARWHAL_RETURN_IF_ERROR(Transact(Access::kWrite, [&](Connection& db) -> Status {
    summary = {};
    // A statewide file's regrouping outlasts the request bound.
    NARWHAL_RETURN_IF_ERROR(db.Run("SET LOCAL statement_timeout = 0"));
    NARWHAL_RETURN_IF_ERROR(db.Run("DELETE FROM address_sites"));
    NARWHAL_RETURN_IF_ERROR(
        db.Run("DECLARE points NO SCROLL CURSOR FOR SELECT match_key, postcode, lon, lat "
               "FROM address_points ORDER BY match_key, source, line"));
    SiteGrouper grouper;
    std::string data;
    auto add = [&](const AddressSite& site) {
      ++summary.sites;
      if (site.ambiguous) ++summary.ambiguous;
      AppendCopyLine(
          {site.match_key, site.postcode, DoubleText(site.lon), DoubleText(site.lat),
           std::to_string(site.points), DoubleText(site.spread_m), site.ambiguous ? "1" : "0"},
          data);
    };
    auto flush = [&]() -> Status {
      if (data.empty()) return Status::Ok();
      Status st = db.CopyIn(
          "COPY address_sites(match_key, postcode, lon, lat, points, spread_m, ambiguous) "
          "FROM STDIN",
          data);
      data.clear();
      return st;
    };
    for (;;) {
      NARWHAL_ASSIGN_OR_RETURN(Rows rows,
                               db.Exec("FETCH " + std::to_string(kFetchRows) + " FROM points"));
      for (int i = 0; i < rows.size(); ++i) {
        ++summary.points;
        if (std::optional<AddressSite> done =
                grouper.Add(rows.Text(i, 0), rows.Text(i, 1), ParseDouble(rows.Text(i, 2)),
                            ParseDouble(rows.Text(i, 3)))) {
          add(*done);
        }
      }
      NARWHAL_RETURN_IF_ERROR(flush());
      if (rows.size() < kFetchRows) break;
    }
    if (std::optional<AddressSite> last = grouper.Finish()) add(*last);
    NARWHAL_RETURN_IF_ERROR(flush());
    return db.Run("CLOSE points");
  }));
  return summary;
}

Result<HouseholdSummary> PostgresStore::SummarizeHouseholds(const HouseholdQuery& query) {
  if (query.sample_limit < 0) return InvalidArgument("the sample limit must not be negative");
  HouseholdSummary s;
  const Params params = Params().Add(query.county).Add(int64_t{query.sample_limit});
  NARWHAL_RETURN_IF_ERROR(Transact(Access::kRead, [&](Connection& db) -> Status {
    s = {};
    NARWHAL_ASSIGN_OR_RETURN(Rows counts, db.Exec(household_sql::Counts(), params));
    s.voters = counts.Int64(0, 0);
    s.placed = counts.Int64(0, 1);
    NARWHAL_ASSIGN_OR_RETURN(Rows reasons, db.Exec(household_sql::UnplacedByReason(), params));
    for (int i = 0; i < reasons.size(); ++i) {
      s.unplaced_by_reason.emplace_back(reasons.String(i, 0), reasons.Int64(i, 1));
    }
    NARWHAL_ASSIGN_OR_RETURN(Rows problems, db.Exec(household_sql::Problems(), params));
    for (int i = 0; i < problems.size(); ++i) {
      s.problems.push_back({problems.String(i, 0), problems.String(i, 1), problems.String(i, 2)});
    }
    NARWHAL_ASSIGN_OR_RETURN(Rows b, db.Exec(household_sql::BuildingCounts(), params));
    s.buildings = b.Int64(0, 0);
    s.doors = b.Int64(0, 1);
    s.multi_door_buildings = b.Int64(0, 2);
    s.buildings_matched = b.Int64(0, 3);
    s.buildings_ambiguous = b.Int64(0, 4);
    s.buildings_unmatched = b.Int64(0, 5);
    s.voters_with_coordinates = b.Int64(0, 6);
    for (bool ambiguous : {false, true}) {
      auto& out = ambiguous ? s.ambiguous : s.unmatched;
      NARWHAL_ASSIGN_OR_RETURN(Rows sample,
                               db.Exec(household_sql::BuildingSample(ambiguous), params));
      for (int i = 0; i < sample.size(); ++i) {
        out.push_back(
            {sample.String(i, 0), sample.String(i, 1), sample.String(i, 2), sample.Int64(i, 3)});
      }
    }
    NARWHAL_ASSIGN_OR_RETURN(Rows sites, db.Exec("SELECT count(*) FROM address_sites"));
    s.sites = sites.Int64(0, 0);
    return Status::Ok();
  }));
  return s;
}

Result<PrecinctDoors> PostgresStore::ListDoors(const DoorQuery& query) {
  if (query.county.empty()) return InvalidArgument("doors are listed for a county");
  PrecinctDoors out;
  const Params params = Params().Add(query.county).Add(query.precinct);
  NARWHAL_RETURN_IF_ERROR(Transact(Access::kRead, [&](Connection& db) -> Status {
    out = {};
    NARWHAL_ASSIGN_OR_RETURN(Rows doors, db.Exec(household_sql::kDoors, params));
    for (int i = 0; i < doors.size(); ++i) {
      Door d{doors.String(i, 0), doors.String(i, 1), doors.String(i, 2), doors.String(i, 3),
             doors.Int64(i, 4),  doors.String(i, 5), doors.String(i, 6), doors.Int64(i, 7)};
      if (doors.Int64(i, 8) != 0) {
        d.lat = ParseDouble(doors.Text(i, 9));
        d.lon = ParseDouble(doors.Text(i, 10));
      }
      out.doors.push_back(std::move(d));
    }
    NARWHAL_ASSIGN_OR_RETURN(Rows residents, db.Exec(household_sql::kResidents, params));
    for (int i = 0; i < residents.size(); ++i) {
      out.residents.push_back(
          {residents.String(i, 0), residents.String(i, 1), residents.String(i, 2),
           residents.String(i, 3), residents.String(i, 4), residents.String(i, 5),
           residents.Int64(i, 6), residents.String(i, 7), residents.String(i, 8)});
    }
    NARWHAL_ASSIGN_OR_RETURN(Rows unplaced, db.Exec(household_sql::kUnplacedVoters, params));
    for (int i = 0; i < unplaced.size(); ++i) {
      out.unplaced.push_back({unplaced.String(i, 0), unplaced.String(i, 1), unplaced.String(i, 2)});
    }
    return Status::Ok();
  }));
  return out;
}

}  // namespace narwhal::postgres

// PostgresStore's universes (storage/universe_store.h). Counts may be served by the read
// replica (they decide no write); a list is made in one transaction on the primary, so it
// is visible whole or not at all.
#include <array>
#include <map>
#include <string>
#include <utility>

#include "base/clock.h"
#include "domain/universe_json.h"
#include "storage/postgres/postgres_store_impl.h"
#include "storage/universe_sql.h"

namespace narwhal::postgres {
namespace {

constexpr universe_sql::Dialect kDialect{"voter_scores"};

Params ToParams(const std::vector<universe_sql::Param>& params) {
  Params out;
  for (const universe_sql::Param& p : params) {
    if (const auto* text = std::get_if<std::string>(&p)) {
      out.Add(*text);
    } else {
      out.Add(std::get<int64_t>(p));
    }
  }
  return out;
}

Result<Rows> Run(Connection& db, const universe_sql::Query& query) {
  return db.ExecOnce(query.sql, ToParams(query.params));
}

Result<std::vector<ElectionInfo>> ReadElections(Connection& db) {
  NARWHAL_ASSIGN_OR_RETURN(Rows r, db.Exec(universe_sql::kElections));
  std::vector<ElectionInfo> out;
  for (int i = 0; i < r.size(); ++i) {
    out.push_back(universe_sql::ElectionRow(r.String(i, 0), r.String(i, 1), r.Int64(i, 2)));
  }
  return out;
}

Result<std::vector<Universe>> ReadUniverses(const Rows& r) {
  std::vector<Universe> out;
  for (int i = 0; i < r.size(); ++i) {
    Universe u;
    u.id = r.Int64(i, 0);
    u.name = r.String(i, 1);
    u.description = r.String(i, 2);
    Result<UniverseCriteria> criteria = ParseUniverseCriteria(r.Text(i, 3), 0);
    if (!criteria.ok()) {
      return DataLoss("universe " + std::to_string(u.id) +
                      " has unreadable criteria: " + criteria.status().message());
    }
    u.criteria = std::move(criteria).value();
    u.created_by = r.Int64(i, 4);
    u.created_at = r.String(i, 5);
    u.updated_at = r.String(i, 6);
    out.push_back(std::move(u));
  }
  return out;
}

std::vector<VoterList> ReadLists(const Rows& r) {
  std::vector<VoterList> out;
  for (int i = 0; i < r.size(); ++i) {
    out.push_back({r.Int64(i, 0), r.Int64(i, 1), r.String(i, 2), r.String(i, 3), r.Int64(i, 4),
                   r.Int64(i, 5), r.String(i, 6)});
  }
  return out;
}

template <typename T>
Result<T> First(std::vector<T> rows, const std::string& what) {
  if (rows.empty()) return NotFound(what + " does not exist");
  return std::move(rows.front());
}

std::string ListById() {
  return std::string(universe_sql::kListColumns) + "WHERE l.id = $1";
}

}  // namespace

UniverseStore* PostgresStore::Universes() {
  return this;
}

Result<std::vector<ElectionInfo>> PostgresStore::ListElections() {
  std::vector<ElectionInfo> out;
  NARWHAL_RETURN_IF_ERROR(Transact(Access::kStandbyRead, [&](Connection& db) -> Status {
    NARWHAL_ASSIGN_OR_RETURN(out, ReadElections(db));
    return Status::Ok();
  }));
  return out;
}

Result<UniverseCount> PostgresStore::CountUniverse(const UniverseCriteria& criteria) {
  NARWHAL_RETURN_IF_ERROR(ValidateUniverseCriteria(criteria));
  UniverseCount count;
  NARWHAL_RETURN_IF_ERROR(Transact(Access::kStandbyRead, [&](Connection& db) -> Status {
    count = {};
    NARWHAL_ASSIGN_OR_RETURN(std::vector<ElectionInfo> elections, ReadElections(db));
    NARWHAL_ASSIGN_OR_RETURN(count.elections, universe_sql::HistoryElections(criteria, elections));
    std::map<std::string, int64_t> by_party;
    if (criteria.districts.empty()) {
      NARWHAL_ASSIGN_OR_RETURN(
          Rows r, Run(db, universe_sql::CountByParty(criteria, count.elections, kDialect)));
      for (int i = 0; i < r.size(); ++i) by_party[r.String(i, 0)] += r.Int64(i, 1);
    } else {
      NARWHAL_ASSIGN_OR_RETURN(
          Rows r, Run(db, universe_sql::VoterParties(criteria, count.elections, kDialect)));
      for (int i = 0; i < r.size(); ++i) {
        NARWHAL_ASSIGN_OR_RETURN(NamedValues districts, field_names_.Decode(db, r.Text(i, 2)));
        if (MatchesDistricts(criteria.districts, districts)) ++by_party[r.String(i, 1)];
      }
    }
    for (const auto& [party, n] : by_party) count.voters += n;
    count.by_party = universe_sql::MostFirst(by_party);
    return Status::Ok();
  }));
  return count;
}

Status PostgresStore::EachMember(Connection& db, const UniverseCriteria& criteria,
                                 const std::function<void(const Rows&, int)>& member) {
  NARWHAL_ASSIGN_OR_RETURN(std::vector<ElectionInfo> elections, ReadElections(db));
  NARWHAL_ASSIGN_OR_RETURN(std::vector<std::string> counted,
                           universe_sql::HistoryElections(criteria, elections));
  NARWHAL_ASSIGN_OR_RETURN(Rows members,
                           Run(db, universe_sql::Members(criteria, counted, kDialect)));
  for (int i = 0; i < members.size(); ++i) {
    if (!criteria.districts.empty()) {
      NARWHAL_ASSIGN_OR_RETURN(NamedValues districts, field_names_.Decode(db, members.Text(i, 5)));
      if (!MatchesDistricts(criteria.districts, districts)) continue;
    }
    member(members, i);
  }
  return Status::Ok();
}

Result<std::vector<std::string>> PostgresStore::UniverseVoterIds(const UniverseCriteria& criteria) {
  NARWHAL_RETURN_IF_ERROR(ValidateUniverseCriteria(criteria));
  std::vector<std::string> ids;
  NARWHAL_RETURN_IF_ERROR(Transact(Access::kStandbyRead, [&](Connection& db) -> Status {
    ids.clear();
    return EachMember(db, criteria, [&](const Rows& r, int i) { ids.push_back(r.String(i, 0)); });
  }));
  return ids;
}

Result<Universe> PostgresStore::SaveUniverse(const NewUniverse& universe) {
  NARWHAL_RETURN_IF_ERROR(ValidateUniverseName(universe.name, universe.description));
  NARWHAL_RETURN_IF_ERROR(ValidateUniverseCriteria(universe.criteria));
  NARWHAL_ASSIGN_OR_RETURN(
      Rows r,
      WriteStatement("INSERT INTO universes(name, description, criteria, created_by, created_at, "
                     "updated_at) VALUES($1, $2, $3, $4, $5, $5) ON CONFLICT(name) DO UPDATE SET "
                     "description = excluded.description, criteria = excluded.criteria, "
                     "updated_at = excluded.updated_at RETURNING id",
                     Params()
                         .Add(universe.name)
                         .Add(universe.description)
                         .Add(UniverseCriteriaJson(universe.criteria))
                         .Add(universe.user_id)
                         .Add(FormatIso8601(universe.at))));
  if (r.empty()) return Internal("saving a universe returned no id");
  return GetUniverse(r.Int64(0, 0));
}

Result<Universe> PostgresStore::GetUniverse(int64_t id) {
  NARWHAL_ASSIGN_OR_RETURN(
      Rows r, ReadStatement(std::string(universe_sql::kUniverseColumns) + "WHERE id = $1",
                            Params().Add(id)));
  NARWHAL_ASSIGN_OR_RETURN(std::vector<Universe> found, ReadUniverses(r));
  return First(std::move(found), "universe " + std::to_string(id));
}

Result<Universe> PostgresStore::FindUniverse(const std::string& name) {
  NARWHAL_ASSIGN_OR_RETURN(
      Rows r, ReadStatement(std::string(universe_sql::kUniverseColumns) + "WHERE name = $1",
                            Params().Add(name)));
  NARWHAL_ASSIGN_OR_RETURN(std::vector<Universe> found, ReadUniverses(r));
  return First(std::move(found), "universe '" + name + "'");
}

Result<std::vector<Universe>> PostgresStore::ListUniverses() {
  NARWHAL_ASSIGN_OR_RETURN(
      Rows r,
      ReadStatement(std::string(universe_sql::kUniverseColumns) + "ORDER BY name", Params()));
  return ReadUniverses(r);
}

Result<VoterList> PostgresStore::MakeList(const NewVoterList& list) {
  NARWHAL_ASSIGN_OR_RETURN(Universe universe, GetUniverse(list.universe_id));
  NARWHAL_ASSIGN_OR_RETURN(const std::string election, universe_sql::ListElection(list, universe));
  int64_t list_id = 0;
  NARWHAL_RETURN_IF_ERROR(Transact(Access::kWrite, [&](Connection& db) -> Status {
    list_id = 0;
    if (!list.idempotency_key.empty()) {
      NARWHAL_ASSIGN_OR_RETURN(Rows earlier,
                               db.Exec("SELECT id FROM voter_lists WHERE idempotency_key = $1",
                                       Params().Add(list.idempotency_key)));
      if (!earlier.empty()) {
        list_id = earlier.Int64(0, 0);
        return Status::Ok();
      }
    }
    // The members with where each lives, from the statement's one snapshot.
    std::array<std::vector<std::string>, 5> columns;  // voter_id, county, precinct, street, zip
    NARWHAL_RETURN_IF_ERROR(EachMember(db, universe.criteria, [&](const Rows& r, int i) {
      for (size_t c = 0; c < columns.size(); ++c) {
        columns[c].push_back(r.String(i, static_cast<int>(c)));
      }
    }));
    Params made =
        Params().Add(universe.id).Add(election).Add(static_cast<int64_t>(columns[0].size()));
    made.Add(list.user_id).Add(FormatIso8601(list.at));
    if (list.idempotency_key.empty()) {
      made.AddNull();
    } else {
      made.Add(list.idempotency_key);
    }
    // A concurrent call with the same key that committed first wins; this one answers its
    // list (the conflict waits for that commit).
    NARWHAL_ASSIGN_OR_RETURN(
        Rows created,
        db.Exec("INSERT INTO voter_lists(universe_id, election, voters, created_by, created_at, "
                "idempotency_key, complete) VALUES($1, $2, $3, $4, $5, $6, true) "
                "ON CONFLICT (idempotency_key) DO NOTHING RETURNING id",
                made));
    if (created.empty()) {
      NARWHAL_ASSIGN_OR_RETURN(Rows winner,
                               db.Exec("SELECT id FROM voter_lists WHERE idempotency_key = $1",
                                       Params().Add(list.idempotency_key)));
      if (winner.empty()) return Internal("a list's idempotency key conflicted with no list");
      list_id = winner.Int64(0, 0);
      return Status::Ok();
    }
    list_id = created.Int64(0, 0);
    Params rows = Params().Add(list_id);
    for (const std::vector<std::string>& column : columns) rows.Add(TextArray(column));
    return db
        .Exec(
            "INSERT INTO list_members(list_id, position, voter_id, county, precinct, street, "
            "zip) SELECT $1, u.n, u.id, u.county, u.precinct, u.street, u.zip "
            "FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) "
            "WITH ORDINALITY AS u(id, county, precinct, street, zip, n)",
            rows)
        .status();
  }));
  NARWHAL_ASSIGN_OR_RETURN(VoterList made, GetList(list_id));
  return universe_sql::SameList(made, list);
}

Result<VoterList> PostgresStore::GetList(int64_t id) {
  NARWHAL_ASSIGN_OR_RETURN(Rows r, ReadStatement(ListById(), Params().Add(id)));
  return First(ReadLists(r), "list " + std::to_string(id));
}

Result<std::vector<VoterList>> PostgresStore::ListsOf(int64_t universe_id) {
  NARWHAL_ASSIGN_OR_RETURN(Rows r, ReadStatement(std::string(universe_sql::kListColumns) +
                                                     "WHERE l.universe_id = $1 ORDER BY l.id DESC",
                                                 Params().Add(universe_id)));
  return ReadLists(r);
}

Result<ListVotersPage> PostgresStore::ListVoters(const ListVotersQuery& query) {
  NARWHAL_ASSIGN_OR_RETURN(int64_t start, universe_sql::PageStart(query));
  ListVotersPage page;
  NARWHAL_RETURN_IF_ERROR(Transact(Access::kRead, [&](Connection& db) -> Status {
    page = {};
    NARWHAL_ASSIGN_OR_RETURN(Rows list, db.Exec(ListById(), Params().Add(query.list_id)));
    NARWHAL_ASSIGN_OR_RETURN(page.list,
                             First(ReadLists(list), "list " + std::to_string(query.list_id)));
    NARWHAL_ASSIGN_OR_RETURN(Rows r,
                             db.Exec(universe_sql::kListPage, Params()
                                                                  .Add(query.list_id)
                                                                  .Add(page.list.election)
                                                                  .Add(start)
                                                                  .Add(int64_t{query.limit})));
    for (int i = 0; i < r.size(); ++i) {
      universe_sql::AddPageRow(page, VoterSummaryAt(r, i), r.Int64(i, 13), r.Text(i, 14));
    }
    if (r.size() < query.limit) page.next_cursor.clear();
    return Status::Ok();
  }));
  return page;
}

}  // namespace narwhal::postgres

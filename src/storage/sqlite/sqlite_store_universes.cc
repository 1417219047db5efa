// SqliteStore's universes (storage/universe_store.h). Universes are evaluated on a
// reader's snapshot; a list is written by the one writer in pieces of kListChunk members,
// so making a statewide list never holds strikes back for long, and is marked complete
// in the last piece.
#include <sqlite3.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "base/clock.h"
#include "domain/universe_json.h"
#include "storage/sqlite/sqlite_store_impl.h"
#include "storage/universe_sql.h"

namespace narwhal::sqlite {
namespace {

constexpr universe_sql::Dialect kDialect{"scores", /*history_in_sql=*/false};
constexpr size_t kListChunk = 20000;

// SQLite reads "$N" as a named parameter and numbers names in the order they first appear
// in the text, which is not N when a join's parameters come before the WHERE's: bind by
// name.
int IndexOf(const Statement& q, size_t n) {
  const std::string name = "$" + std::to_string(n);
  return sqlite3_bind_parameter_index(q.get(), name.c_str());
}

void BindAll(Statement& q, const std::vector<universe_sql::Param>& params) {
  for (size_t i = 0; i < params.size(); ++i) {
    const int index = IndexOf(q, i + 1);
    if (index == 0) continue;
    if (const auto* text = std::get_if<std::string>(&params[i])) {
      q.BindText(index, *text);
    } else {
      q.BindInt64(index, std::get<int64_t>(params[i]));
    }
  }
}

// Runs a universe query (built per call, so not cached) and calls `row` for each row.
Status EachRow(Connection& db, const universe_sql::Query& query,
               const std::function<Status(const Statement&)>& row) {
  NARWHAL_ASSIGN_OR_RETURN(std::unique_ptr<Statement> q, db.PrepareUncached(query.sql));
  BindAll(*q, query.params);
  for (;;) {
    NARWHAL_ASSIGN_OR_RETURN(bool more, q->Step());
    if (!more) return Status::Ok();
    NARWHAL_RETURN_IF_ERROR(row(*q));
  }
}

Result<std::vector<ElectionInfo>> ReadElections(Connection& db) {
  std::vector<ElectionInfo> out;
  NARWHAL_ASSIGN_OR_RETURN(ScopedStatement q, db.Prepare(universe_sql::kElections));
  for (;;) {
    NARWHAL_ASSIGN_OR_RETURN(bool more, q->Step());
    if (!more) return out;
    out.push_back(
        universe_sql::ElectionRow(q->ColumnString(0), q->ColumnString(1), q->ColumnInt64(2)));
  }
}

Result<Universe> ReadUniverse(const Statement& q) {
  Universe u;
  u.id = q.ColumnInt64(0);
  u.name = q.ColumnString(1);
  u.description = q.ColumnString(2);
  Result<UniverseCriteria> criteria = ParseUniverseCriteria(q.ColumnText(3), 0);
  if (!criteria.ok()) {
    return DataLoss("universe " + std::to_string(u.id) +
                    " has unreadable criteria: " + criteria.status().message());
  }
  u.criteria = std::move(criteria).value();
  u.created_by = q.ColumnInt64(4);
  u.created_at = q.ColumnString(5);
  u.updated_at = q.ColumnString(6);
  return u;
}

VoterList ReadList(const Statement& q) {
  return VoterList{q.ColumnInt64(0), q.ColumnInt64(1), q.ColumnString(2), q.ColumnString(3),
                   q.ColumnInt64(4), q.ColumnInt64(5), q.ColumnString(6)};
}

// One universe or list by a statement of one bound value; kNotFound naming `what`.
template <typename T, typename Read, typename Bind>
Result<T> ReadOne(Connection& db, std::string_view sql, Bind bind, Read read,
                  const std::string& what) {
  NARWHAL_ASSIGN_OR_RETURN(ScopedStatement q, db.Prepare(sql));
  bind(*q);
  NARWHAL_ASSIGN_OR_RETURN(bool found, q->Step());
  if (!found) return NotFound(what + " does not exist");
  return read(*q);
}

// Removes a list that never became visible, with its members.
Status DropList(Connection& db, int64_t list_id) {
  for (std::string_view sql :
       {"DELETE FROM list_members WHERE list_id = ?1", "DELETE FROM voter_lists WHERE id = ?1"}) {
    NARWHAL_ASSIGN_OR_RETURN(ScopedStatement q, db.Prepare(sql));
    q->BindInt64(1, list_id);
    NARWHAL_RETURN_IF_ERROR(q->Run());
  }
  return Status::Ok();
}

struct Member {
  std::string voter_id, county, precinct, street, zip;
};

}  // namespace

UniverseStore* SqliteStore::Universes() {
  return this;
}

Status SqliteStore::EachMatch(Connection& db, const UniverseCriteria& criteria,
                              const std::vector<std::string>& counted,
                              const universe_sql::Query& query, int districts_column,
                              const std::function<Status(const Statement&)>& row) {
  std::optional<universe_sql::HistoryCounts> history;
  if (universe_sql::HistoryLeftToBackend(criteria, counted.size(), kDialect)) {
    history.emplace();
    NARWHAL_RETURN_IF_ERROR(
        EachRow(db, universe_sql::HistoryRows(counted), [&](const Statement& q) {
          history->Add(q.ColumnText(0));
          return Status::Ok();
        }));
  }
  const universe_sql::HistoryBounds bounds =
      criteria.history ? universe_sql::BoundsOf(*criteria.history, counted.size())
                       : universe_sql::HistoryBounds{};
  return EachRow(db, query, [&](const Statement& q) -> Status {
    if (history && !bounds.Allows(history->Of(q.ColumnText(0)))) return Status::Ok();
    if (!criteria.districts.empty()) {
      NARWHAL_ASSIGN_OR_RETURN(NamedValues districts,
                               fields_.Decode(db, q.ColumnBlob(districts_column)));
      if (!MatchesDistricts(criteria.districts, districts)) return Status::Ok();
    }
    return row(q);
  });
}

Status SqliteStore::EachMember(Connection& db, const UniverseCriteria& criteria,
                               const std::function<Status(const Statement&)>& member) {
  NARWHAL_ASSIGN_OR_RETURN(std::vector<ElectionInfo> elections, ReadElections(db));
  NARWHAL_ASSIGN_OR_RETURN(std::vector<std::string> counted,
                           universe_sql::HistoryElections(criteria, elections));
  return EachMatch(db, criteria, counted, universe_sql::Members(criteria, counted, kDialect), 5,
                   member);
}

Result<std::vector<ElectionInfo>> SqliteStore::ListElections() {
  ReaderPool::Lease db = readers_->Acquire();
  return ReadElections(*db);
}

Result<UniverseCount> SqliteStore::CountUniverse(const UniverseCriteria& criteria) {
  NARWHAL_RETURN_IF_ERROR(ValidateUniverseCriteria(criteria));
  ReaderPool::Lease db = readers_->Acquire();
  ReadTransaction txn(*db);
  NARWHAL_RETURN_IF_ERROR(txn.Begin());
  NARWHAL_ASSIGN_OR_RETURN(std::vector<ElectionInfo> elections, ReadElections(*db));
  UniverseCount count;
  NARWHAL_ASSIGN_OR_RETURN(count.elections, universe_sql::HistoryElections(criteria, elections));
  std::map<std::string, int64_t> by_party;
  if (criteria.districts.empty() &&
      !universe_sql::HistoryLeftToBackend(criteria, count.elections.size(), kDialect)) {
    NARWHAL_RETURN_IF_ERROR(EachRow(*db,
                                    universe_sql::CountByParty(criteria, count.elections, kDialect),
                                    [&](const Statement& q) {
                                      by_party[q.ColumnString(0)] += q.ColumnInt64(1);
                                      return Status::Ok();
                                    }));
  } else {
    NARWHAL_RETURN_IF_ERROR(
        EachMatch(*db, criteria, count.elections,
                  universe_sql::VoterParties(criteria, count.elections, kDialect), 2,
                  [&](const Statement& q) {
                    ++by_party[q.ColumnString(1)];
                    return Status::Ok();
                  }));
  }
  for (const auto& [party, n] : by_party) count.voters += n;
  count.by_party = universe_sql::MostFirst(by_party);
  return count;
}

Result<std::vector<std::string>> SqliteStore::UniverseVoterIds(const UniverseCriteria& criteria) {
  NARWHAL_RETURN_IF_ERROR(ValidateUniverseCriteria(criteria));
  std::vector<std::string> ids;
  ReaderPool::Lease db = readers_->Acquire();
  ReadTransaction txn(*db);
  NARWHAL_RETURN_IF_ERROR(txn.Begin());
  NARWHAL_RETURN_IF_ERROR(EachMember(*db, criteria, [&](const Statement& q) {
    ids.push_back(q.ColumnString(0));
    return Status::Ok();
  }));
  return ids;
}

Result<Universe> SqliteStore::SaveUniverse(const NewUniverse& universe) {
  NARWHAL_RETURN_IF_ERROR(ValidateUniverseName(universe.name, universe.description));
  NARWHAL_RETURN_IF_ERROR(ValidateUniverseCriteria(universe.criteria));
  const std::string criteria = UniverseCriteriaJson(universe.criteria);
  const std::string at = FormatIso8601(universe.at);
  int64_t id = 0;
  NARWHAL_RETURN_IF_ERROR(writer_->Submit([&](Connection& db) -> Status {
    NARWHAL_ASSIGN_OR_RETURN(
        ScopedStatement q,
        db.Prepare("INSERT INTO universes(name, description, criteria, created_by, created_at, "
                   "updated_at) VALUES(?1, ?2, ?3, ?4, ?5, ?5) ON CONFLICT(name) DO UPDATE SET "
                   "description = excluded.description, criteria = excluded.criteria, "
                   "updated_at = excluded.updated_at RETURNING id"));
    q->BindText(1, universe.name);
    q->BindText(2, universe.description);
    q->BindText(3, criteria);
    q->BindInt64(4, universe.user_id);
    q->BindText(5, at);
    NARWHAL_ASSIGN_OR_RETURN(bool row, q->Step());
    if (!row) return Internal("saving a universe returned no id");
    id = q->ColumnInt64(0);
    return Status::Ok();
  }));
  return GetUniverse(id);
}

Result<Universe> SqliteStore::GetUniverse(int64_t id) {
  ReaderPool::Lease db = readers_->Acquire();
  return ReadOne<Universe>(
      *db, std::string(universe_sql::kUniverseColumns) + "WHERE id = ?1",
      [&](Statement& q) { q.BindInt64(1, id); }, ReadUniverse, "universe " + std::to_string(id));
}

Result<Universe> SqliteStore::FindUniverse(const std::string& name) {
  ReaderPool::Lease db = readers_->Acquire();
  return ReadOne<Universe>(
      *db, std::string(universe_sql::kUniverseColumns) + "WHERE name = ?1",
      [&](Statement& q) { q.BindText(1, name); }, ReadUniverse, "universe '" + name + "'");
}

Result<std::vector<Universe>> SqliteStore::ListUniverses() {
  ReaderPool::Lease db = readers_->Acquire();
  NARWHAL_ASSIGN_OR_RETURN(
      ScopedStatement q,
      db->Prepare(std::string(universe_sql::kUniverseColumns) + "ORDER BY name"));
  std::vector<Universe> out;
  for (;;) {
    NARWHAL_ASSIGN_OR_RETURN(bool more, q->Step());
    if (!more) return out;
    NARWHAL_ASSIGN_OR_RETURN(Universe u, ReadUniverse(*q));
    out.push_back(std::move(u));
  }
}

Result<VoterList> SqliteStore::MakeList(const NewVoterList& list) {
  if (!list.idempotency_key.empty()) {
    ReaderPool::Lease db = readers_->Acquire();
    Result<VoterList> earlier = ReadOne<VoterList>(
        *db,
        std::string(universe_sql::kListColumns) + "WHERE l.idempotency_key = ?1 AND l.complete = 1",
        [&](Statement& q) { q.BindText(1, list.idempotency_key); }, ReadList, "list");
    if (earlier.ok()) return universe_sql::SameList(*earlier, list);
    if (earlier.status().code() != ErrorCode::kNotFound) return earlier.status();
  }
  NARWHAL_ASSIGN_OR_RETURN(Universe universe, GetUniverse(list.universe_id));
  NARWHAL_ASSIGN_OR_RETURN(const std::string election, universe_sql::ListElection(list, universe));
  const std::string at = FormatIso8601(list.at);
  int64_t list_id = 0;
  const std::string abandoned = FormatIso8601(list.at - universe_sql::kAbandonedListAge);
  NARWHAL_RETURN_IF_ERROR(writer_->Submit([&](Connection& db) -> Status {
    // Lists a crash left incomplete (old enough that none is still being made) go.
    NARWHAL_ASSIGN_OR_RETURN(
        ScopedStatement stale,
        db.Prepare("SELECT id FROM voter_lists WHERE complete = 0 AND created_at < ?1"));
    stale->BindText(1, abandoned);
    std::vector<int64_t> drop;
    for (;;) {
      NARWHAL_ASSIGN_OR_RETURN(bool more, stale->Step());
      if (!more) break;
      drop.push_back(stale->ColumnInt64(0));
    }
    stale->Reset();
    for (int64_t id : drop) NARWHAL_RETURN_IF_ERROR(DropList(db, id));
    NARWHAL_ASSIGN_OR_RETURN(
        ScopedStatement q,
        db.Prepare("INSERT INTO voter_lists(universe_id, election, voters, created_by, "
                   "created_at) VALUES(?1, ?2, 0, ?3, ?4)"));
    q->BindInt64(1, universe.id);
    q->BindText(2, election);
    q->BindInt64(3, list.user_id);
    q->BindText(4, at);
    NARWHAL_RETURN_IF_ERROR(q->Run());
    list_id = db.LastInsertRowid();
    return Status::Ok();
  }));

  // The members, read from one snapshot, written a chunk at a time.
  std::vector<Member> chunk;
  int64_t position = 0;
  auto flush = [&]() -> Status {
    if (chunk.empty()) return Status::Ok();
    const int64_t first = position - static_cast<int64_t>(chunk.size()) + 1;
    Status st = writer_->Submit([&](Connection& db) -> Status {
      NARWHAL_ASSIGN_OR_RETURN(
          ScopedStatement q,
          db.Prepare("INSERT INTO list_members(list_id, position, voter_id, county, precinct, "
                     "street, zip) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
      for (size_t i = 0; i < chunk.size(); ++i) {
        const Member& m = chunk[i];
        q->BindInt64(1, list_id);
        q->BindInt64(2, first + static_cast<int64_t>(i));
        q->BindText(3, m.voter_id);
        q->BindText(4, m.county);
        q->BindText(5, m.precinct);
        q->BindText(6, m.street);
        q->BindText(7, m.zip);
        Status run = q->Run();
        q->Reset();
        NARWHAL_RETURN_IF_ERROR(run);
      }
      return Status::Ok();
    });
    chunk.clear();
    return st;
  };
  Status filled = [&]() -> Status {
    ReaderPool::Lease db = readers_->Acquire();
    ReadTransaction txn(*db);
    NARWHAL_RETURN_IF_ERROR(txn.Begin());
    NARWHAL_RETURN_IF_ERROR(EachMember(*db, universe.criteria, [&](const Statement& q) {
      chunk.push_back({q.ColumnString(0), q.ColumnString(1), q.ColumnString(2), q.ColumnString(3),
                       q.ColumnString(4)});
      ++position;
      return chunk.size() >= kListChunk ? flush() : Status::Ok();
    }));
    return flush();
  }();
  if (!filled.ok()) {
    // Never visible (incomplete); its rows go now rather than wait for anyone.
    (void)writer_->Submit([&](Connection& db) -> Status { return DropList(db, list_id); });
    return filled;
  }
  // Complete: the list is visible from here, under its key unless a concurrent call with
  // the same key finished first (then that list is the answer and this one is dropped).
  int64_t answer = list_id;
  NARWHAL_RETURN_IF_ERROR(writer_->Submit([&](Connection& db) -> Status {
    answer = list_id;
    if (!list.idempotency_key.empty()) {
      NARWHAL_ASSIGN_OR_RETURN(
          ScopedStatement q,
          db.Prepare("SELECT id FROM voter_lists WHERE idempotency_key = ?1 AND complete = 1"));
      q->BindText(1, list.idempotency_key);
      NARWHAL_ASSIGN_OR_RETURN(bool taken, q->Step());
      if (taken) {
        answer = q->ColumnInt64(0);
        q->Reset();
        return DropList(db, list_id);  // that list is the answer (SameList below)
      }
    }
    NARWHAL_ASSIGN_OR_RETURN(
        ScopedStatement done,
        db.Prepare("UPDATE voter_lists SET complete = 1, voters = ?2, idempotency_key = ?3 "
                   "WHERE id = ?1"));
    done->BindInt64(1, list_id);
    done->BindInt64(2, position);
    done->BindTextOrNull(3, list.idempotency_key);
    return done->Run();
  }));
  if (answer == list_id) return GetList(answer);
  NARWHAL_ASSIGN_OR_RETURN(VoterList earlier, GetList(answer));
  return universe_sql::SameList(earlier, list);
}

Result<VoterList> SqliteStore::GetList(int64_t id) {
  ReaderPool::Lease db = readers_->Acquire();
  return ReadOne<VoterList>(
      *db, std::string(universe_sql::kListColumns) + "WHERE l.id = ?1 AND l.complete = 1",
      [&](Statement& q) { q.BindInt64(1, id); }, ReadList, "list " + std::to_string(id));
}

Result<std::vector<VoterList>> SqliteStore::ListsOf(int64_t universe_id) {
  ReaderPool::Lease db = readers_->Acquire();
  NARWHAL_ASSIGN_OR_RETURN(
      ScopedStatement q,
      db->Prepare(std::string(universe_sql::kListColumns) +
                  "WHERE l.universe_id = ?1 AND l.complete = 1 ORDER BY l.id DESC"));
  q->BindInt64(1, universe_id);
  std::vector<VoterList> out;
  for (;;) {
    NARWHAL_ASSIGN_OR_RETURN(bool more, q->Step());
    if (!more) return out;
    out.push_back(ReadList(*q));
  }
}

Result<ListVotersPage> SqliteStore::ListVoters(const ListVotersQuery& query) {
  NARWHAL_ASSIGN_OR_RETURN(int64_t start, universe_sql::PageStart(query));
  ReaderPool::Lease db = readers_->Acquire();
  ReadTransaction txn(*db);
  NARWHAL_RETURN_IF_ERROR(txn.Begin());
  ListVotersPage page;
  NARWHAL_ASSIGN_OR_RETURN(
      page.list,
      ReadOne<VoterList>(
          *db, std::string(universe_sql::kListColumns) + "WHERE l.id = ?1 AND l.complete = 1",
          [&](Statement& q) { q.BindInt64(1, query.list_id); }, ReadList,
          "list " + std::to_string(query.list_id)));
  NARWHAL_ASSIGN_OR_RETURN(ScopedStatement q, db->Prepare(universe_sql::kListPage));
  q->BindInt64(IndexOf(*q, 1), query.list_id);
  q->BindText(IndexOf(*q, 2), page.list.election);
  q->BindInt64(IndexOf(*q, 3), start);
  q->BindInt64(IndexOf(*q, 4), query.limit);
  int rows = 0;
  for (;;) {
    NARWHAL_ASSIGN_OR_RETURN(bool more, q->Step());
    if (!more) break;
    ++rows;
    universe_sql::AddPageRow(page, ReadVoterSummary(*q), q->ColumnInt64(13), q->ColumnText(14));
  }
  if (rows < query.limit) page.next_cursor.clear();
  return page;
}

}  // namespace narwhal::sqlite

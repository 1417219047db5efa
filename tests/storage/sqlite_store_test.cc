// Tests of what is particular to the SQLite backend: schema migrations, the single
// writer with group commit, recovery of an unfinished bulk load, and durability of every
// acknowledged write across kill -9.
#include "storage/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <future>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "kill_child.h"
#include "storage/call_sql.h"
#include "storage/sqlite/schema.h"
#include "storage/sqlite/sqlite_db.h"
#include "storage/sqlite/sqlite_store_impl.h"
#include "storage/sqlite/write_queue.h"
#include "storage/suppression_sql.h"
#include "temp_dir.h"

namespace narwhal {
namespace {

using sqlite::Connection;
using sqlite::OpenMode;
using sqlite::ScopedStatement;
using sqlite::WriteQueue;
using testing::KillMidStream;
using testing::TempDir;

Voter MakeVoter(const std::string& id, const std::string& last = "DURABLE") {
  Voter v;
  v.voter_id = id;
  v.state = "NC";
  v.county = "92";
  v.precinct = "01";
  v.last_name = last;
  v.first_name = "V" + id;
  v.status = VoterStatus::kActive;
  return v;
}

std::unique_ptr<Store> MustOpen(const std::string& path) {
  SqliteOptions options;
  options.path = path;
  options.read_connections = 2;
  Result<std::unique_ptr<Store>> store = OpenSqliteStore(options);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(store).value() : nullptr;
}

std::unique_ptr<Connection> MustConnect(const std::string& path, OpenMode mode) {
  Result<std::unique_ptr<Connection>> db = Connection::Open(path, mode);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  return db.ok() ? std::move(db).value() : nullptr;
}

// --- migrations ---------------------------------------------------------------------

// The plan SQLite chooses for `sql`: the "detail" lines of EXPLAIN QUERY PLAN.
std::vector<std::string> PlanOf(Connection& db, const std::string& sql) {
  std::vector<std::string> lines;
  Result<ScopedStatement> q = db.Prepare("EXPLAIN QUERY PLAN " + sql);
  EXPECT_TRUE(q.ok()) << q.status().ToString() << "\n" << sql;
  if (!q.ok()) return lines;
  for (;;) {
    Result<bool> row = (*q)->Step();
    if (!row.ok() || !*row) return lines;
    lines.push_back((*q)->ColumnString(3));
  }
}

bool Mentions(const std::vector<std::string>& plan, std::string_view what) {
  for (const std::string& line : plan) {
    if (line.find(what) != std::string::npos) return true;
  }
  return false;
}

// The statements a claim runs for every person it hands out stay on their indexes: no
// table walked (a "SCAN"), no subquery in RETURNING (SQLite 3.40 scanned every voter for
// one), a household found from its door rather than by walking the list, the
// do-not-contact list probed by key.
TEST(SqliteSchema, AClaimsStatementsStayOnTheirIndexes) {
  TempDir dir;
  ASSERT_TRUE(MustOpen(dir.File("n.db")) != nullptr);
  auto db = MustConnect(dir.File("n.db"), OpenMode::kReadOnly);
  const std::vector<std::pair<std::string, std::string>> statements = {
      {std::string(call_sql::kTake), "PRIMARY KEY"},
      {std::string(call_sql::kVoterAddress), "voters_id"},
      {std::string(call_sql::kHousehold), "call_targets_voter"},
      {suppression_sql::FindSql(3), "PRIMARY KEY (key=?)"},
  };
  for (const auto& [sql, index] : statements) {
    const std::vector<std::string> plan = PlanOf(*db, sql);
    std::string shown;
    for (const std::string& line : plan) shown += line + "\n";
    EXPECT_TRUE(Mentions(plan, index)) << sql << "\n" << shown;
    for (const std::string& line : plan) {
      EXPECT_FALSE(line.starts_with("SCAN")) << sql << "\n" << shown;
      EXPECT_EQ(line.find("CORRELATED"), std::string::npos) << sql << "\n" << shown;
    }
  }
  EXPECT_TRUE(Mentions(PlanOf(*db, std::string(call_sql::kHousehold)), "residences_door"));
}

TEST(SqliteSchema, FreshFileGetsTheWholeSchema) {
  TempDir dir;
  ASSERT_TRUE(MustOpen(dir.File("n.db")) != nullptr);
  auto db = MustConnect(dir.File("n.db"), OpenMode::kReadOnly);
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(*db->QueryInt64("PRAGMA user_version"), sqlite::LatestSchemaVersion());
  EXPECT_EQ(*db->QueryInt64("PRAGMA application_id"), sqlite::kApplicationId);
  EXPECT_EQ(*db->QueryInt64("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN "
                            "('voters', 'vote_history', 'precincts', 'imports')"),
            4);
  Result<bool> indexed = sqlite::BulkIndexesComplete(*db);
  ASSERT_TRUE(indexed.ok());
  EXPECT_TRUE(*indexed);
  Result<sqlite::ScopedStatement> mode = db->Prepare("PRAGMA journal_mode");
  ASSERT_TRUE(mode.ok());
  ASSERT_TRUE(*(*mode)->Step());
  EXPECT_EQ((*mode)->ColumnText(0), "wal");
}

TEST(SqliteSchema, MigrationsAreNumberedInOrder) {
  int expected = 1;
  for (const sqlite::Migration& m : sqlite::Migrations()) EXPECT_EQ(m.version, expected++);
}

// Version 8 turns the household tables into rowid tables with unique key indexes; a
// version 7 store keeps its buildings, doors and residences.
TEST(SqliteSchema, HouseholdsSurviveTheMoveToRowidTables) {
  TempDir dir;
  const std::string path = dir.File("v7.db");
  {
    auto db = MustConnect(path, OpenMode::kReadWriteCreate);
    ASSERT_NE(db, nullptr);
    for (const sqlite::Migration& m : sqlite::Migrations()) {
      if (m.version > 7) continue;
      ASSERT_TRUE(db->Exec(m.sql).ok()) << m.version;
    }
    for (const sqlite::IndexDef& index : sqlite::VoterIndexes()) {
      ASSERT_TRUE(db->Exec(index.create_sql).ok());
    }
    ASSERT_TRUE(db->Exec("PRAGMA application_id = " + std::to_string(sqlite::kApplicationId) +
                         "; PRAGMA user_version = 7;"
                         "INSERT INTO buildings VALUES('92|27601|10 MAIN ST', '92', 'RALEIGH', "
                         "'27601', '10 MAIN ST', 'MAIN ST', 'MAIN ST|0', 10, '');"
                         "INSERT INTO doors VALUES('92|27601|10 MAIN ST|', "
                         "'92|27601|10 MAIN ST', '');"
                         "INSERT INTO residences VALUES('A1', '92|27601|10 MAIN ST|', "
                         "'92|27601|10 MAIN ST', '', '10 Main St');"
                         "INSERT INTO residences VALUES('B1', '', '', 'PO box', 'PO Box 5');")
                    .ok());
  }
  ASSERT_NE(MustOpen(path), nullptr);
  auto db = MustConnect(path, OpenMode::kReadOnly);
  EXPECT_EQ(*db->QueryInt64("PRAGMA user_version"), sqlite::LatestSchemaVersion());
  EXPECT_TRUE(*sqlite::BulkIndexesComplete(*db));
  EXPECT_EQ(*db->QueryInt64("SELECT count(*) FROM buildings WHERE house_number = 10"), 1);
  EXPECT_EQ(*db->QueryInt64("SELECT count(*) FROM doors"), 1);
  EXPECT_EQ(*db->QueryInt64("SELECT count(*) FROM residences WHERE street_line = ''"), 1)
      << "a placed voter's street line is in her voter row";
  EXPECT_EQ(*db->QueryInt64("SELECT count(*) FROM residences WHERE street_line = 'PO Box 5'"), 1);
  EXPECT_EQ(*db->QueryInt64("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN "
                            "('buildings_key', 'doors_key', 'residences_voter')"),
            3);
}

TEST(SqliteSchema, RefusesANewerSchema) {
  TempDir dir;
  const std::string path = dir.File("n.db");
  ASSERT_TRUE(MustOpen(path) != nullptr);
  {
    auto db = MustConnect(path, OpenMode::kReadWriteCreate);
    ASSERT_TRUE(
        db->Exec("PRAGMA user_version = " + std::to_string(sqlite::LatestSchemaVersion() + 1))
            .ok());
  }
  SqliteOptions options;
  options.path = path;
  Result<std::unique_ptr<Store>> store = OpenSqliteStore(options);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), ErrorCode::kFailedPrecondition) << store.status().ToString();
}

TEST(SqliteSchema, RefusesAForeignDatabaseAndGarbage) {
  TempDir dir;
  {
    auto db = MustConnect(dir.File("other.db"), OpenMode::kReadWriteCreate);
    ASSERT_TRUE(db->Exec("CREATE TABLE t(x)").ok());
  }
  SqliteOptions options;
  options.path = dir.File("other.db");
  Result<std::unique_ptr<Store>> store = OpenSqliteStore(options);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), ErrorCode::kDataLoss) << store.status().ToString();

  {
    std::ofstream garbage(dir.File("garbage.db"));
    for (int i = 0; i < 100; ++i) garbage << "this is not an SQLite database at all\n";
  }
  options.path = dir.File("garbage.db");
  store = OpenSqliteStore(options);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), ErrorCode::kDataLoss) << store.status().ToString();
}

TEST(SqliteSchema, UnopenablePathIsUnavailable) {
  SqliteOptions options;
  options.path = "/nonexistent-dir/narwhal.db";
  Result<std::unique_ptr<Store>> store = OpenSqliteStore(options);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), ErrorCode::kUnavailable) << store.status().ToString();
}

// --- the writer ---------------------------------------------------------------------

class WriteQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = MustConnect(dir_.File("q.db"), OpenMode::kReadWriteCreate);
    ASSERT_NE(db, nullptr);
    ASSERT_TRUE(db->Exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                         "CREATE TABLE t(x INTEGER)")
                    .ok());
    sqlite::WriteQueueOptions options;
    options.max_queued_jobs = 64;
    options.enqueue_timeout = std::chrono::milliseconds(50);
    queue_ = std::make_unique<WriteQueue>(std::move(db), options);
  }

  static WriteQueue::Job Insert(int x, bool fail_after = false) {
    return [x, fail_after](Connection& db) -> Status {
      Result<sqlite::ScopedStatement> s = db.Prepare("INSERT INTO t(x) VALUES(?1)");
      if (!s.ok()) return s.status();
      (*s)->BindInt64(1, x);
      NARWHAL_RETURN_IF_ERROR((*s)->Run());
      if (fail_after) return InvalidArgument("job " + std::to_string(x) + " fails");
      return Status::Ok();
    };
  }

  // Occupies the writer until `release` is fulfilled; returns once the job is running.
  std::thread BlockWriter(std::shared_future<void> release) {
    std::promise<void> started;
    std::future<void> running = started.get_future();
    std::thread t([this, release, &started]() mutable {
      EXPECT_TRUE(queue_
                      ->Submit([&](Connection&) {
                        started.set_value();
                        release.wait();
                        return Status::Ok();
                      })
                      .ok());
    });
    running.wait();
    return t;
  }

  void WaitQueued(int64_t n) {
    while (queue_->stats().queued < n) std::this_thread::yield();
  }

  int64_t Rows() {
    auto db = MustConnect(dir_.File("q.db"), OpenMode::kReadOnly);
    return *db->QueryInt64("SELECT count(*) FROM t");
  }

  TempDir dir_;
  std::unique_ptr<WriteQueue> queue_;
};

TEST_F(WriteQueueTest, WaitingWritesCommitAsOneGroup) {
  std::promise<void> release;
  std::thread blocker = BlockWriter(release.get_future().share());
  constexpr int kWriters = 16;
  std::vector<std::thread> writers;
  std::atomic<int> ok{0};
  for (int i = 0; i < kWriters; ++i) {
    writers.emplace_back([&, i] {
      if (queue_->Submit(Insert(i)).ok()) ++ok;
    });
  }
  WaitQueued(kWriters);
  release.set_value();
  blocker.join();
  for (std::thread& t : writers) t.join();
  EXPECT_EQ(ok.load(), kWriters);
  sqlite::WriteQueueStats stats = queue_->stats();
  EXPECT_EQ(stats.jobs, kWriters + 1);
  EXPECT_EQ(stats.transactions, 2) << "the blocker, then every waiting write in one commit";
  EXPECT_EQ(Rows(), kWriters);
}

TEST_F(WriteQueueTest, AFailingJobDoesNotFailItsGroup) {
  std::promise<void> release;
  std::thread blocker = BlockWriter(release.get_future().share());
  std::vector<std::thread> writers;
  std::vector<Status> results(6);
  for (int i = 0; i < 6; ++i) {
    writers.emplace_back([&, i] { results[i] = queue_->Submit(Insert(i, /*fail_after=*/i == 3)); });
  }
  WaitQueued(6);
  release.set_value();
  blocker.join();
  for (std::thread& t : writers) t.join();
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(results[i].ok(), i != 3) << i << ": " << results[i].ToString();
  }
  EXPECT_EQ(results[3].code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(queue_->stats().transactions, 2);
  EXPECT_EQ(queue_->stats().failed_jobs, 1);
  EXPECT_EQ(Rows(), 5) << "the failed job's insert was rolled back, the others committed";
}

TEST_F(WriteQueueTest, ALoneFailingJobRollsBack) {
  EXPECT_FALSE(queue_->Submit(Insert(1, /*fail_after=*/true)).ok());
  EXPECT_TRUE(queue_->Submit(Insert(2)).ok());
  EXPECT_EQ(Rows(), 1);
}

TEST(WriteQueueBound, AFullQueueIsResourceExhausted) {
  TempDir dir;
  auto db = MustConnect(dir.File("q.db"), OpenMode::kReadWriteCreate);
  ASSERT_NE(db, nullptr);
  sqlite::WriteQueueOptions options;
  options.max_queued_jobs = 1;
  options.enqueue_timeout = std::chrono::milliseconds(20);
  WriteQueue queue(std::move(db), options);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> started;
  std::thread blocker([&] {
    EXPECT_TRUE(queue
                    .Submit([&](Connection&) {
                      started.set_value();
                      released.wait();
                      return Status::Ok();
                    })
                    .ok());
  });
  started.get_future().wait();
  std::thread queued(
      [&] { EXPECT_TRUE(queue.Submit([](Connection&) { return Status::Ok(); }).ok()); });
  while (queue.stats().queued < 1) std::this_thread::yield();
  Status full = queue.Submit([](Connection&) { return Status::Ok(); });
  EXPECT_EQ(full.code(), ErrorCode::kResourceExhausted) << full.ToString();
  release.set_value();
  blocker.join();
  queued.join();
  EXPECT_TRUE(queue.Submit([](Connection&) { return Status::Ok(); }).ok());
}

TEST(SqliteStoreGroupCommit, ConcurrentWritersShareTransactions) {
  TempDir dir;
  SqliteOptions options;
  options.path = dir.File("g.db");
  Result<std::unique_ptr<sqlite::SqliteStore>> opened = sqlite::SqliteStore::Open(options);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  sqlite::SqliteStore& store = **opened;
  Result<ImportId> seed = store.BeginImport({"voters", "test", "seed"});
  ASSERT_TRUE(seed.ok());
  ASSERT_TRUE(store.UpsertVoters(*seed, std::vector<Voter>{MakeVoter("SEED")}).ok());
  ASSERT_TRUE(store.FinishImport(*seed, {}).ok());
  Result<ImportId> id = store.BeginImport({"voters", "test", "many"});
  ASSERT_TRUE(id.ok());
  const sqlite::WriteQueueStats before = store.write_stats();
  constexpr int kThreads = 16;
  constexpr int kWrites = 20;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kWrites; ++i) {
        std::vector<Voter> one = {MakeVoter("G" + std::to_string(t * kWrites + i))};
        if (store.UpsertVoters(*id, one).ok()) ++ok;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  const sqlite::WriteQueueStats after = store.write_stats();
  EXPECT_EQ(ok.load(), kThreads * kWrites);
  EXPECT_EQ(after.jobs - before.jobs, kThreads * kWrites);
  EXPECT_LT(after.transactions - before.transactions, kThreads * kWrites)
      << "writes that wait together commit together";
}

// --- access ---------------------------------------------------------------------------

TEST(SqliteSchema, Version4HoldsTheAccessTables) {
  TempDir dir;
  ASSERT_TRUE(MustOpen(dir.File("a.db")) != nullptr);
  auto db = MustConnect(dir.File("a.db"), OpenMode::kReadOnly);
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(*db->QueryInt64("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN "
                            "('users', 'user_scopes', 'login_codes', 'sessions', 'audit_log')"),
            5);
  EXPECT_EQ(*db->QueryInt64("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND "
                            "tbl_name = 'audit_log'"),
            2);
}

// The audit log is append-only below the store too: a statement that reaches the file by
// some other way (a shell, a bug) cannot change or delete an entry.
TEST(SqliteAudit, RowsCannotBeChangedEvenWithRawSql) {
  TempDir dir;
  const std::string path = dir.File("audit.db");
  auto store = MustOpen(path);
  ASSERT_NE(store, nullptr);
  std::vector<AuditEvent> events(2);
  events[0].action = "voter.read";
  events[0].target = "V1";
  events[1].action = "voter.search";
  ASSERT_TRUE(store->AppendAudit(events).ok());

  auto db = MustConnect(path, OpenMode::kReadWriteCreate);
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->Exec("PRAGMA busy_timeout = 5000").ok());
  {
    Result<sqlite::ScopedStatement> update = db->Prepare("UPDATE audit_log SET action = ?1");
    ASSERT_TRUE(update.ok());
    (*update)->BindText(1, "tampered");
    Status s = (*update)->Run();
    EXPECT_FALSE(s.ok());
    EXPECT_NE(s.message().find("append-only"), std::string::npos) << s.ToString();
  }
  for (const char* sql : {"DELETE FROM audit_log", "DELETE FROM audit_log WHERE id = 1"}) {
    Status s = db->Exec(sql);
    EXPECT_FALSE(s.ok()) << sql;
  }
  EXPECT_EQ(*db->QueryInt64("SELECT count(*) FROM audit_log"), 2);
  db.reset();

  Result<AuditPage> page = store->ListAudit({});
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->events.size(), 2u);
  EXPECT_EQ(page->events[1].action, "voter.read");
  EXPECT_EQ(page->events[1].target, "V1");
}

// A poll watcher's name search walks her precinct's slice of voters_precinct, in result
// order; it neither scans the state's name range nor sorts.
TEST(SqliteScopedSearch, PrecinctScopeUsesThePrecinctIndex) {
  TempDir dir;
  SqliteOptions options;
  options.path = dir.File("scope.db");
  options.read_connections = 1;
  Result<std::unique_ptr<sqlite::SqliteStore>> opened = sqlite::SqliteStore::Open(options);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  sqlite::SqliteStore& store = **opened;
  std::vector<Voter> voters;
  const char* kLast[] = {"SMITH", "SMALL", "JONES", "BROWN", "LEE"};
  for (int i = 0; i < 4000; ++i) {
    Voter v = MakeVoter("P" + std::to_string(i), kLast[i % 5]);
    v.county = std::to_string(10 + i % 7);
    v.precinct = "PR" + std::to_string(i % 41);
    voters.push_back(std::move(v));
  }
  Result<ImportId> id = store.BeginImport({"voters", "test", "scope"});
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(store.UpsertVoters(*id, voters).ok());
  ASSERT_TRUE(store.FinishImport(*id, {}).ok());

  VoterQuery q;
  q.scope = Scope{};
  q.scope->precincts = {{"10", "PR3"}, {"12", "PR7"}};
  for (const char* name : {"SM", "SMITH V1"}) {
    q.name = name;
    Result<std::vector<std::string>> plan = store.ExplainSearch(q);
    ASSERT_TRUE(plan.ok()) << plan.status().ToString();
    std::string all;
    for (const std::string& line : *plan) all += line + "\n";
    EXPECT_EQ(all.find("TEMP B-TREE"), std::string::npos) << all;
    EXPECT_EQ(all.find("SCAN"), std::string::npos) << all;
    EXPECT_EQ(all.find("voters_name"), std::string::npos) << all;
    EXPECT_NE(all.find("voters_precinct (county=? AND precinct=? AND last_key"), std::string::npos)
        << all;
  }
  Result<VoterPage> page = store.SearchVoters(q);
  ASSERT_TRUE(page.ok());
}

// --- recovery -----------------------------------------------------------------------

TEST(SqliteRecovery, UnfinishedBulkImportIsIndexedOnReopen) {
  TempDir dir;
  const std::string path = dir.File("b.db");
  {
    auto store = MustOpen(path);
    Result<ImportId> id = store->BeginImport({"voters", "test", "bulk"});
    ASSERT_TRUE(id.ok());
    ASSERT_TRUE(
        store->UpsertVoters(*id, std::vector<Voter>{MakeVoter("B1", "OLD"), MakeVoter("B2")}).ok());
    ASSERT_TRUE(store->UpsertVoters(*id, std::vector<Voter>{MakeVoter("B1", "NEW")}).ok());
    auto db = MustConnect(path, OpenMode::kReadOnly);
    EXPECT_FALSE(*sqlite::BulkIndexesComplete(*db)) << "bulk path loads without indexes";
    // Closed without FinishImport, as a crashed importer would leave it.
  }
  auto store = MustOpen(path);
  ASSERT_NE(store, nullptr);
  auto db = MustConnect(path, OpenMode::kReadOnly);
  EXPECT_TRUE(*sqlite::BulkIndexesComplete(*db));
  Result<VoterRecord> b1 = store->GetVoter("B1");
  ASSERT_TRUE(b1.ok());
  EXPECT_EQ(b1->voter.last_name, "NEW");
  EXPECT_EQ(store->Stats()->voters, 2);
}

TEST(SqliteBulkPath, OnlyAnEmptyStoreLoadsInBulk) {
  TempDir dir;
  const std::string path = dir.File("p.db");
  auto store = MustOpen(path);
  ASSERT_NE(store, nullptr);
  auto db = MustConnect(path, OpenMode::kReadOnly);
  EXPECT_TRUE(*sqlite::BulkIndexesComplete(*db)) << "a fresh store has every index";
  Result<ImportId> first = store->BeginImport({"voters", "test", "first"});
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(*sqlite::BulkIndexesComplete(*db)) << "empty store: indexes wait for the end";
  ASSERT_TRUE(store->UpsertVoters(*first, std::vector<Voter>{MakeVoter("P1")}).ok());
  ASSERT_TRUE(store->FinishImport(*first, {}).ok());
  EXPECT_TRUE(*sqlite::BulkIndexesComplete(*db));
  Result<ImportId> second = store->BeginImport({"voters", "test", "second"});
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(*sqlite::BulkIndexesComplete(*db)) << "a store with voters merges row by row";
  EXPECT_EQ(*db->QueryInt64("SELECT sum(bulk) FROM imports"), 1);
  ASSERT_TRUE(store->FinishImport(*second, {}).ok());
}

// The child writes voters one durable call at a time from several threads and reports
// each acknowledged id on `fd`; it never returns.
[[noreturn]] void WriteUntilKilled(const std::string& path, int fd) {
  SqliteOptions options;
  options.path = path;
  Result<std::unique_ptr<Store>> store = OpenSqliteStore(options);
  if (!store.ok()) _exit(3);
  Result<ImportId> id = (*store)->BeginImport({"voters", "test", "kill"});
  if (!id.ok()) _exit(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0;; ++i) {
        std::string voter = "K" + std::to_string(t) + "-" + std::to_string(i);
        if (!(*store)->UpsertVoters(*id, std::vector<Voter>{MakeVoter(voter)}).ok()) _exit(5);
        std::string line = voter + "\n";
        // Under PIPE_BUF, so lines from different threads never interleave.
        if (write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) _exit(6);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  _exit(0);
}

void KillMidStreamAndCheck(bool seeded) {
  TempDir dir;
  const std::string path = dir.File("k.db");
  if (seeded) {
    // A store with data takes the per-row merge path, as on election day.
    auto store = MustOpen(path);
    Result<ImportId> id = store->BeginImport({"voters", "test", "seed"});
    ASSERT_TRUE(id.ok());
    ASSERT_TRUE(store->UpsertVoters(*id, std::vector<Voter>{MakeVoter("SEED")}).ok());
    ASSERT_TRUE(store->FinishImport(*id, {}).ok());
  }
  const std::vector<std::string> lines =
      KillMidStream([&](int fd) { WriteUntilKilled(path, fd); }, 150);
  ASSERT_FALSE(::testing::Test::HasFailure());
  const std::set<std::string> acknowledged(lines.begin(), lines.end());

  auto store = MustOpen(path);
  ASSERT_NE(store, nullptr);
  int missing = 0;
  for (const std::string& id : acknowledged) {
    if (!store->GetVoter(id).ok()) ++missing;
  }
  EXPECT_EQ(missing, 0) << "of " << acknowledged.size() << " acknowledged writes";
  EXPECT_GE(store->Stats()->voters, static_cast<int64_t>(acknowledged.size()));
}

TEST(SqliteDurability, Kill9LosesNoAcknowledgedWrite) {
  KillMidStreamAndCheck(true);
}

TEST(SqliteDurability, Kill9DuringBulkLoadLosesNoAcknowledgedWrite) {
  KillMidStreamAndCheck(false);
}

}  // namespace
}  // namespace narwhal

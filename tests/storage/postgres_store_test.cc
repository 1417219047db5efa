// PostgreSQL-specific behaviour of the store, against a real server (pg_server.h):
// surviving a server restart, statement timeouts, concurrent migrations, the append-only
// audit log, and an unreachable server. What every backend must do is in the
// conformance suite.
#include "storage/postgres/postgres_store.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "faulty_proxy.h"
#include "pg_server.h"
#include "storage/postgres/pg_connection.h"

namespace narwhal::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

Voter MakeVoter(const std::string& id, const std::string& last) {
  Voter v;
  v.voter_id = id;
  v.state = "NC";
  v.county = "92";
  v.county_name = "WAKE";
  v.precinct = "01-01";
  v.last_name = last;
  v.first_name = "ANN";
  v.status = VoterStatus::kActive;
  return v;
}

class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<PgServer*> server = PgServer::Shared();
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = *server;
    Result<std::string> schema = server_->CreateSchema();
    ASSERT_TRUE(schema.ok()) << schema.status().ToString();
    schema_ = *schema;
  }
  void TearDown() override {
    if (server_ != nullptr && !schema_.empty()) (void)server_->DropSchema(schema_);
  }

  std::string ConnInfo() const { return server_->SchemaConnInfo(schema_); }

  PostgresOptions Options() const {
    PostgresOptions o;
    o.conninfo = ConnInfo();
    o.pool_size = 3;
    o.connect_timeout_s = 2;
    return o;
  }

  std::unique_ptr<Store> OpenStore(const PostgresOptions& options) {
    Result<std::unique_ptr<Store>> store = OpenPostgresStore(options);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  // Imports voters V0..V{n-1}; the first `supporters` of them get support 100.
  void ImportVoters(Store& store, int n, int supporters) {
    Result<ImportId> import = store.BeginImport({"voters", "test", "t.txt"});
    ASSERT_TRUE(import.ok()) << import.status().ToString();
    std::vector<Voter> voters;
    std::vector<VoterScore> scores;
    for (int i = 0; i < n; ++i) {
      voters.push_back(MakeVoter("V" + std::to_string(i), "SMITH"));
      if (i < supporters) scores.push_back(VoterScore{voters.back().voter_id, 100, 80});
    }
    ASSERT_TRUE(store.UpsertVoters(*import, voters).ok());
    ASSERT_TRUE(store.FinishImport(*import, {}).ok());
    Result<int64_t> stored = store.UpsertScores(scores);
    ASSERT_TRUE(stored.ok()) << stored.status().ToString();
    ASSERT_EQ(*stored, supporters);
  }

  void ImportOne(Store& store, const std::string& id) {
    Result<ImportId> import = store.BeginImport({"voters", "test", "t.txt"});
    ASSERT_TRUE(import.ok()) << import.status().ToString();
    const std::vector<Voter> voters = {MakeVoter(id, "SMITH")};
    ASSERT_TRUE(store.UpsertVoters(*import, voters).ok());
    ASSERT_TRUE(store.FinishImport(*import, {}).ok());
  }

  PgServer* server_ = nullptr;
  std::string schema_;  // each test has its own tables
};

TEST_F(PostgresStoreTest, ReconnectsAfterTheServerRestarts) {
  std::unique_ptr<Store> store = OpenStore(Options());
  ASSERT_NE(store, nullptr);
  ImportOne(*store, "A1");
  ASSERT_TRUE(store->GetVoter("A1").ok());

  ASSERT_TRUE(server_->Restart().ok());

  // Every pooled connection is dead now. A call may fail with kUnavailable (never
  // anything else); a later one must succeed.
  bool read_ok = false;
  for (int i = 0; i < 20 && !read_ok; ++i) {
    Result<VoterRecord> r = store->GetVoter("A1");
    if (r.ok()) {
      read_ok = true;
      EXPECT_EQ(r->voter.last_name, "SMITH");
    } else {
      EXPECT_EQ(r.status().code(), ErrorCode::kUnavailable) << r.status().ToString();
      std::this_thread::sleep_for(milliseconds(100));
    }
  }
  EXPECT_TRUE(read_ok);
  ImportOne(*store, "A2");  // writes work again too
  EXPECT_TRUE(store->GetVoter("A2").ok());
  EXPECT_TRUE(store->Ping().ok());
}

// After a restart (or a failover) every pooled connection is dead. The first strike batch
// after it must not be sent into one of them and come back "outcome unknown": the pool
// notices the closed connections without a round trip and the batch is simply recorded.
TEST_F(PostgresStoreTest, FirstStrikeAfterAServerRestartIsRecordedNotUnknown) {
  std::unique_ptr<Store> store = OpenStore(Options());
  ASSERT_NE(store, nullptr);
  ImportVoters(*store, 4, 2);
  const TimePoint at = std::chrono::system_clock::now();
  Result<std::vector<StrikeResult>> before = store->RecordStrikes(std::vector<NewStrike>{
      {"2026-11-03", "V0", "restart-key-0", StrikeSource::kPollWatcher, 7, at}});
  ASSERT_TRUE(before.ok()) << before.status().ToString();

  ASSERT_TRUE(server_->Restart().ok());

  Result<std::vector<StrikeResult>> after = store->RecordStrikes(std::vector<NewStrike>{
      {"2026-11-03", "V1", "restart-key-1", StrikeSource::kPollWatcher, 7, at}});
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  ASSERT_EQ(after->size(), 1u);
  EXPECT_TRUE((*after)[0].status.ok()) << (*after)[0].status.ToString();
  EXPECT_EQ((*after)[0].outcome, StrikeOutcome::kStruck);
}

TEST_F(PostgresStoreTest, UnavailableWhileTheServerIsDownThenRecovers) {
  std::unique_ptr<Store> store = OpenStore(Options());
  ASSERT_NE(store, nullptr);
  ImportOne(*store, "B1");
  ASSERT_TRUE(server_->Stop().ok());
  const auto start = steady_clock::now();
  Result<VoterRecord> down = store->GetVoter("B1");
  EXPECT_EQ(down.status().code(), ErrorCode::kUnavailable) << down.status().ToString();
  EXPECT_EQ(store->Ping().code(), ErrorCode::kUnavailable);
  EXPECT_LT(steady_clock::now() - start, std::chrono::seconds(10));
  ASSERT_TRUE(server_->Start().ok());
  EXPECT_TRUE(store->GetVoter("B1").ok());
}

// The connection dies after COMMIT was sent and before its answer came back: the write
// may have happened, so the store must say "outcome unknown", never "failed" -- and here
// it did happen.
TEST_F(PostgresStoreTest, ConnectionLostDuringCommitIsOutcomeUnknown) {
  Result<std::unique_ptr<FaultyProxy>> proxy = FaultyProxy::Start(server_->port());
  ASSERT_TRUE(proxy.ok()) << proxy.status().ToString();
  PostgresOptions options = Options();
  options.conninfo = "host=127.0.0.1 port=" + std::to_string((*proxy)->port()) +
                     " user=postgres dbname=narwhal_schemas options='-c search_path=" + schema_ +
                     "'";
  std::unique_ptr<Store> store = OpenStore(options);
  ASSERT_NE(store, nullptr);

  // The COMMIT of a transaction is the simple query "COMMIT" with its terminating NUL.
  (*proxy)->CutAfterClientSends(std::string("COMMIT\0", 7));
  NewUser user;
  user.name = "Uma Unknown";
  Result<User> created = store->CreateUser(user);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.status().code(), ErrorCode::kUnavailable) << created.status().ToString();
  EXPECT_NE(created.status().message().find("outcome unknown"), std::string::npos)
      << created.status().message();
  EXPECT_EQ((*proxy)->cuts(), 1);

  (*proxy)->CutAfterClientSends("");
  // The server got the COMMIT: the user exists (the store reconnects by itself).
  bool found = false;
  for (int i = 0; i < 50 && !found; ++i) {
    Result<UserPage> users = store->ListUsers(UserFilter{});
    ASSERT_TRUE(users.ok()) << users.status().ToString();
    for (const User& u : users->users) found = found || u.name == "Uma Unknown";
    if (!found) std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_TRUE(found);
}

// A strike batch whose answer is cut after the statement (one autocommit statement, its
// own transaction) reached the server: "outcome unknown". The poll watcher's phone sends
// the same batch again (same keys); every voter then counts exactly once, whether the
// first commit took effect (replayed) or not (struck).
TEST_F(PostgresStoreTest, StrikeBatchRetriedAfterAnUnknownCommitCountsOnce) {
  Result<std::unique_ptr<FaultyProxy>> proxy = FaultyProxy::Start(server_->port());
  ASSERT_TRUE(proxy.ok()) << proxy.status().ToString();
  PostgresOptions options = Options();
  options.conninfo = "host=127.0.0.1 port=" + std::to_string((*proxy)->port()) +
                     " user=postgres dbname=narwhal_schemas options='-c search_path=" + schema_ +
                     "'";
  std::unique_ptr<Store> store = OpenStore(options);
  ASSERT_NE(store, nullptr);
  ImportVoters(*store, 4, 2);
  const std::string election = "2026-11-03";
  const TimePoint at = std::chrono::system_clock::now();
  std::vector<NewStrike> batch;
  for (int i = 0; i < 3; ++i) {
    batch.push_back(NewStrike{election, "V" + std::to_string(i), "key-cut-" + std::to_string(i),
                              StrikeSource::kPollWatcher, 7, at});
  }

  // The keys travel as a bound parameter, in the same write as the Execute and Sync.
  (*proxy)->CutAfterClientSends("key-cut-0");
  Result<std::vector<StrikeResult>> first = store->RecordStrikes(batch);
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.status().code(), ErrorCode::kUnavailable) << first.status().ToString();
  EXPECT_NE(first.status().message().find("outcome unknown"), std::string::npos)
      << first.status().message();
  EXPECT_EQ((*proxy)->cuts(), 1);
  (*proxy)->CutAfterClientSends("");

  Result<std::vector<StrikeResult>> retry = store->RecordStrikes(batch);
  ASSERT_TRUE(retry.ok()) << retry.status().ToString();
  ASSERT_EQ(retry->size(), batch.size());
  for (const StrikeResult& r : *retry) {
    EXPECT_TRUE(r.status.ok()) << r.status.ToString();
    // The server did get the statement, so the retry finds the original answers.
    EXPECT_EQ(r.outcome, StrikeOutcome::kReplayed);
    EXPECT_GT(r.strike_id, 0);
  }
  // A third send changes nothing either.
  Result<std::vector<StrikeResult>> again = store->RecordStrikes(batch);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  for (size_t i = 0; i < batch.size(); ++i) {
    EXPECT_EQ((*again)[i].outcome, StrikeOutcome::kReplayed);
    EXPECT_EQ((*again)[i].strike_id, (*retry)[i].strike_id);
  }

  Result<std::vector<StrikeEvent>> events = store->StrikesSince(election, 0, 100);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  EXPECT_EQ(events->size(), 3u);
  Result<std::vector<PrecinctTurnout>> turnout = store->GetTurnout(election, "92");
  ASSERT_TRUE(turnout.ok()) << turnout.status().ToString();
  ASSERT_EQ(turnout->size(), 1u);
  EXPECT_EQ((*turnout)[0].turnout.registered, 4);
  EXPECT_EQ((*turnout)[0].turnout.voted, 3);
  EXPECT_EQ((*turnout)[0].turnout.supporters, 2);
  EXPECT_EQ((*turnout)[0].turnout.supporters_voted, 2);
  Result<std::vector<GotvEntry>> gotv = store->GotvList(election, PrecinctKey{"92", "01-01"});
  ASSERT_TRUE(gotv.ok()) << gotv.status().ToString();
  EXPECT_TRUE(gotv->empty());
}

// Two app nodes strike overlapping voters at once, in opposite orders and with their own
// keys: every voter is struck exactly once (one kStruck, the rest kAlreadyStruck), no
// batch deadlocks, and the aggregates count each voter once.
TEST_F(PostgresStoreTest, NodesStrikingTheSameVotersAtOnceCountEachOnce) {
  std::unique_ptr<Store> seed = OpenStore(Options());
  ASSERT_NE(seed, nullptr);
  constexpr int kVoters = 40;
  ImportVoters(*seed, kVoters, 10);
  const std::string election = "2026-11-03";
  constexpr int kNodes = 3;
  constexpr int kRounds = 5;
  std::vector<std::unique_ptr<Store>> nodes;
  for (int n = 0; n < kNodes; ++n) nodes.push_back(OpenStore(Options()));
  for (const auto& node : nodes) ASSERT_NE(node, nullptr);

  std::vector<std::vector<StrikeResult>> answers(kNodes);
  std::vector<Status> failures(kNodes);
  std::vector<std::thread> threads;
  for (int n = 0; n < kNodes; ++n) {
    threads.emplace_back([&, n] {
      for (int round = 0; round < kRounds; ++round) {
        std::vector<NewStrike> batch;
        for (int i = 0; i < kVoters / kRounds; ++i) {
          int v = round * (kVoters / kRounds) + i;
          if (n % 2 == 1) v = kVoters - 1 - v;  // the other end first
          batch.push_back(NewStrike{election, "V" + std::to_string(v),
                                    "node" + std::to_string(n) + "-v" + std::to_string(v),
                                    StrikeSource::kPollWatcher, n + 1,
                                    std::chrono::system_clock::now()});
        }
        Result<std::vector<StrikeResult>> r = nodes[n]->RecordStrikes(batch);
        if (!r.ok()) {
          failures[n] = r.status();
          return;
        }
        answers[n].insert(answers[n].end(), r->begin(), r->end());
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (const Status& s : failures) ASSERT_TRUE(s.ok()) << s.ToString();

  int struck = 0;
  int already = 0;
  for (const auto& node_answers : answers) {
    for (const StrikeResult& r : node_answers) {
      EXPECT_TRUE(r.status.ok()) << r.status.ToString();
      struck += r.outcome == StrikeOutcome::kStruck ? 1 : 0;
      already += r.outcome == StrikeOutcome::kAlreadyStruck ? 1 : 0;
    }
  }
  EXPECT_EQ(struck, kVoters);
  EXPECT_EQ(already, kVoters * (kNodes - 1));
  Result<std::vector<PrecinctTurnout>> turnout = seed->GetTurnout(election, "");
  ASSERT_TRUE(turnout.ok()) << turnout.status().ToString();
  ASSERT_EQ(turnout->size(), 1u);
  EXPECT_EQ((*turnout)[0].turnout.voted, kVoters);
  EXPECT_EQ((*turnout)[0].turnout.supporters_voted, 10);
  Result<std::vector<StrikeEvent>> events = seed->StrikesSince(election, 0, 1000);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  EXPECT_EQ(events->size(), static_cast<size_t>(kVoters));
}

// Scores change while strikes arrive (a model refresh on election morning): the
// supporters_voted aggregate still equals the struck voters whose final score makes them
// supporters, and the two kinds of write never deadlock.
TEST_F(PostgresStoreTest, ScoreUpdatesDuringStrikesKeepSupportersVotedExact) {
  std::unique_ptr<Store> store = OpenStore(Options());
  ASSERT_NE(store, nullptr);
  constexpr int kVoters = 60;
  ImportVoters(*store, kVoters, 0);
  const std::string election = "2026-11-03";
  ASSERT_TRUE(store->GetTurnout(election, "").ok());  // the turnout rows exist from here on
  std::vector<Status> failures(2);
  std::thread striker([&] {
    for (int v = 0; v < kVoters; v += 4) {
      std::vector<NewStrike> batch;
      for (int i = v; i < v + 4; ++i) {
        batch.push_back(NewStrike{election, "V" + std::to_string(i), "mix-" + std::to_string(i),
                                  StrikeSource::kPaperEntry, 1, std::chrono::system_clock::now()});
      }
      Result<std::vector<StrikeResult>> r = store->RecordStrikes(batch);
      if (!r.ok()) {
        failures[0] = r.status();
        return;
      }
    }
  });
  std::thread scorer([&] {
    for (int round = 0; round < 6; ++round) {
      std::vector<VoterScore> scores;
      for (int i = 0; i < kVoters; ++i) {
        // Even voters end as supporters, odd ones do not; earlier rounds flip them.
        const bool supporter = (i % 2 == 0) == (round % 2 == 1);
        scores.push_back(VoterScore{"V" + std::to_string(i), supporter ? 90 : 10, 50});
      }
      Result<int64_t> r = store->UpsertScores(scores);
      if (!r.ok()) {
        failures[1] = r.status();
        return;
      }
    }
  });
  striker.join();
  scorer.join();
  for (const Status& s : failures) ASSERT_TRUE(s.ok()) << s.ToString();
  Result<std::vector<PrecinctTurnout>> turnout = store->GetTurnout(election, "");
  ASSERT_TRUE(turnout.ok()) << turnout.status().ToString();
  ASSERT_EQ(turnout->size(), 1u);
  EXPECT_EQ((*turnout)[0].turnout.voted, kVoters);
  EXPECT_EQ((*turnout)[0].turnout.supporters, kVoters / 2);
  EXPECT_EQ((*turnout)[0].turnout.supporters_voted, kVoters / 2);
}

TEST_F(PostgresStoreTest, StatementTimeoutCancelsASlowQuery) {
  postgres::ConnectionSettings settings;
  settings.conninfo = ConnInfo();
  settings.statement_timeout = milliseconds(200);
  Result<std::unique_ptr<postgres::Connection>> conn = postgres::Connection::Open(settings);
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  const auto start = steady_clock::now();
  Result<postgres::Rows> r = (*conn)->Exec("SELECT pg_sleep(10)");
  EXPECT_LT(steady_clock::now() - start, std::chrono::seconds(3));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kDeadlineExceeded);
  EXPECT_NE(r.status().message().find("statement timeout"), std::string::npos)
      << r.status().message();
  EXPECT_FALSE((*conn)->broken());  // a timeout does not cost the connection
  EXPECT_TRUE((*conn)->Exec("SELECT 1").ok());
}

TEST_F(PostgresStoreTest, StoreCallBlockedByALockTimesOutInsteadOfHanging) {
  PostgresOptions options = Options();
  options.statement_timeout_ms = 300;
  std::unique_ptr<Store> store = OpenStore(options);
  ASSERT_NE(store, nullptr);
  ImportOne(*store, "C1");
  // Another session holds the voter table exclusively.
  std::unique_ptr<PGconn, decltype(&PQfinish)> other(PQconnectdb(ConnInfo().c_str()), &PQfinish);
  ASSERT_EQ(PQstatus(other.get()), CONNECTION_OK);
  PQclear(PQexec(other.get(), "BEGIN; LOCK TABLE voters IN ACCESS EXCLUSIVE MODE"));
  const auto start = steady_clock::now();
  Result<VoterRecord> r = store->GetVoter("C1");
  EXPECT_LT(steady_clock::now() - start, std::chrono::seconds(3));
  EXPECT_EQ(r.status().code(), ErrorCode::kDeadlineExceeded) << r.status().ToString();
  PQclear(PQexec(other.get(), "ROLLBACK"));
  EXPECT_TRUE(store->GetVoter("C1").ok());
}

// The feed takes no lock, so events can commit out of the order of their positions. A
// reader must never move past a position that a running transaction may still fill: here
// a slow batch on another node starts first (smaller transaction id, smaller positions)
// and commits after a fast one. While it runs, the fast batch's event is held back; once
// it commits, a reader sees both, in position order, and skips neither.
TEST_F(PostgresStoreTest, FeedHoldsBackEventsBehindARunningStrikeAndSkipsNone) {
  std::unique_ptr<Store> store = OpenStore(Options());
  ASSERT_NE(store, nullptr);
  // Two precincts, so that neither batch waits on the other's turnout row.
  Result<ImportId> import = store->BeginImport({"voters", "test", "t.txt"});
  ASSERT_TRUE(import.ok()) << import.status().ToString();
  std::vector<Voter> voters = {MakeVoter("V0", "SMITH"), MakeVoter("V1", "JONES")};
  voters[1].precinct = "01-02";
  ASSERT_TRUE(store->UpsertVoters(*import, voters).ok());
  ASSERT_TRUE(store->FinishImport(*import, {}).ok());
  const std::string election = "2026-11-03";
  ASSERT_TRUE(store->GetTurnout(election, "").ok());  // the election's rows exist

  std::unique_ptr<PGconn, decltype(&PQfinish)> slow(PQconnectdb(ConnInfo().c_str()), &PQfinish);
  ASSERT_EQ(PQstatus(slow.get()), CONNECTION_OK);
  PQclear(PQexec(slow.get(), "BEGIN"));
  std::unique_ptr<PGresult, decltype(&PQclear)> slow_strike(
      PQexec(slow.get(),
             "SELECT * FROM narwhal_record_strikes('{0}', '{2026-11-03}', '{V0}', "
             "'{horizon-key-0}', '{poll_watcher}', '{7}', '{1}', 60, 1)"),
      &PQclear);
  ASSERT_EQ(PQresultStatus(slow_strike.get()), PGRES_TUPLES_OK)
      << PQresultErrorMessage(slow_strike.get());

  const TimePoint at = std::chrono::system_clock::now();
  Result<std::vector<StrikeResult>> fast = store->RecordStrikes(
      std::vector<NewStrike>{{election, "V1", "horizon-key-1", StrikeSource::kPollWatcher, 7, at}});
  ASSERT_TRUE(fast.ok()) << fast.status().ToString();
  ASSERT_EQ((*fast)[0].outcome, StrikeOutcome::kStruck);

  Result<std::vector<StrikeEvent>> during = store->StrikesSince(election, 0, 100);
  ASSERT_TRUE(during.ok()) << during.status().ToString();
  EXPECT_TRUE(during->empty()) << "an event behind a running transaction is not shown yet";

  PQclear(PQexec(slow.get(), "COMMIT"));
  Result<std::vector<StrikeEvent>> after = store->StrikesSince(election, 0, 100);
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  ASSERT_EQ(after->size(), 2u);
  EXPECT_EQ((*after)[0].voter_id, "V0") << "the transaction that started first comes first";
  EXPECT_EQ((*after)[1].voter_id, "V1");
  EXPECT_LT((*after)[0].id, (*after)[1].id);
}

TEST_F(PostgresStoreTest, NodesStartingTogetherMigrateOnce) {
  std::vector<std::thread> threads;
  std::vector<Status> results(4);
  for (size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&, i] { results[i] = OpenPostgresStore(Options()).status(); });
  }
  for (std::thread& t : threads) t.join();
  for (const Status& s : results) EXPECT_TRUE(s.ok()) << s.ToString();
  std::unique_ptr<Store> store = OpenStore(Options());
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(store->Ping().ok());
}

TEST_F(PostgresStoreTest, AuditLogRefusesChangesEvenFromTheOwner) {
  std::unique_ptr<Store> store = OpenStore(Options());
  ASSERT_NE(store, nullptr);
  AuditEvent e;
  e.action = "voter.read";
  e.target = "A1";
  e.at = std::chrono::system_clock::now();
  ASSERT_TRUE(store->AppendAudit(std::span<const AuditEvent>(&e, 1)).ok());
  std::unique_ptr<PGconn, decltype(&PQfinish)> owner(PQconnectdb(ConnInfo().c_str()), &PQfinish);
  ASSERT_EQ(PQstatus(owner.get()), CONNECTION_OK);
  for (const char* sql :
       {"UPDATE audit_log SET target = 'X'", "DELETE FROM audit_log", "TRUNCATE audit_log"}) {
    PGresult* r = PQexec(owner.get(), sql);
    EXPECT_EQ(PQresultStatus(r), PGRES_FATAL_ERROR) << sql;
    PQclear(r);
  }
  Result<AuditPage> page = store->ListAudit(AuditQuery{});
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->events.size(), 1u);
  EXPECT_EQ(page->events[0].target, "A1");
}

// A synchronous standby that never confirms: the COMMIT waits inside PostgreSQL, where
// no statement_timeout reaches. The store gives up after commit_timeout_ms and says the
// outcome is unknown (never a hang, never a failure that did not happen); once the
// standby requirement is lifted, retrying the same keys counts each strike once. Each
// test process has its own server (pg_server.h), so ALTER SYSTEM touches no other test.
TEST_F(PostgresStoreTest, StandbyNotConfirmingIsOutcomeUnknownNotAHang) {
  PostgresOptions options = Options();
  options.commit_timeout_ms = 1000;
  std::unique_ptr<Store> store = OpenStore(options);
  ASSERT_NE(store, nullptr);
  ImportVoters(*store, 3, 0);
  postgres::ConnectionSettings admin_settings;
  admin_settings.conninfo = ConnInfo();
  Result<std::unique_ptr<postgres::Connection>> admin = postgres::Connection::Open(admin_settings);
  ASSERT_TRUE(admin.ok()) << admin.status().ToString();
  auto set_standby = [&](const std::string& sql) {
    ASSERT_TRUE((*admin)->Run(sql).ok());
    ASSERT_TRUE((*admin)->Exec("SELECT pg_reload_conf()").ok());
    std::this_thread::sleep_for(milliseconds(300));  // the reload is a signal
  };
  set_standby("ALTER SYSTEM SET synchronous_standby_names = 'absent_standby'");

  const std::string election = "2026-11-03";
  const TimePoint at = std::chrono::system_clock::now();
  std::vector<NewStrike> batch;
  for (int i = 0; i < 2; ++i) {
    batch.push_back(NewStrike{election, "V" + std::to_string(i), "key-sync-" + std::to_string(i),
                              StrikeSource::kPollWatcher, 7, at});
  }
  const auto start = steady_clock::now();
  Result<std::vector<StrikeResult>> first = store->RecordStrikes(batch);
  EXPECT_LT(steady_clock::now() - start, std::chrono::seconds(5));
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.status().code(), ErrorCode::kDeadlineExceeded) << first.status().ToString();
  EXPECT_NE(first.status().message().find("outcome unknown"), std::string::npos)
      << first.status().message();

  set_standby("ALTER SYSTEM RESET synchronous_standby_names");
  // The client's contract: retry with the same keys until answered.
  Result<std::vector<StrikeResult>> retry = store->RecordStrikes(batch);
  for (int i = 0; i < 50 && !retry.ok(); ++i) {
    std::this_thread::sleep_for(milliseconds(100));
    retry = store->RecordStrikes(batch);
  }
  ASSERT_TRUE(retry.ok()) << retry.status().ToString();
  for (const StrikeResult& r : *retry) {
    EXPECT_TRUE(r.status.ok()) << r.status.ToString();
    // Committed locally while the standby was awaited: the retry finds it.
    EXPECT_EQ(r.outcome, StrikeOutcome::kReplayed);
  }
  Result<std::vector<PrecinctTurnout>> turnout = store->GetTurnout(election, "92");
  ASSERT_TRUE(turnout.ok()) << turnout.status().ToString();
  ASSERT_EQ(turnout->size(), 1u);
  EXPECT_EQ((*turnout)[0].turnout.voted, 2);
}

TEST_F(PostgresStoreTest, UnreachableServerIsUnavailable) {
  PostgresOptions options;
  options.conninfo = "host=127.0.0.1 port=1 dbname=narwhal user=postgres";
  options.connect_timeout_s = 1;
  Result<std::unique_ptr<Store>> store = OpenPostgresStore(options);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), ErrorCode::kUnavailable) << store.status().ToString();
}

TEST(PostgresHelpersTest, PrefixUpperBoundIsTheTightSuccessor) {
  EXPECT_EQ(postgres::PrefixUpperBound("SMI"), "SMJ");
  EXPECT_EQ(postgres::PrefixUpperBound("A\xC3\xA9"), "A\xC3\xAA");          // é -> ê
  EXPECT_EQ(postgres::PrefixUpperBound("A\xED\x9F\xBF"), "A\xEE\x80\x80");  // skips surrogates
  EXPECT_EQ(postgres::PrefixUpperBound("A\xF4\x8F\xBF\xBF"), "B");
  EXPECT_EQ(postgres::PrefixUpperBound(""), "");
}

}  // namespace
}  // namespace narwhal::testing

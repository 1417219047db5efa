// Reads that decide no write, served by a streaming standby (read_replica.h): the
// staleness bound's arithmetic, and against a real primary with a real hot standby
// (pg_server.h): fresh reads go to the standby, a standby whose replay is paused or that
// is stopped hands them back to the primary within the allowed lag, and once it serves
// again it shows every write acknowledged before.
#include "storage/postgres/read_replica.h"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "pg_server.h"
#include "storage/postgres/postgres_store.h"

namespace narwhal::testing {
namespace {

using postgres::ReplayCoverage;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

TEST(ReplayCoverageTest, CoversTheNewestSampleTheStandbyReplayed) {
  ReplayCoverage c;
  const auto t0 = steady_clock::now();
  EXPECT_FALSE(c.covered_until().has_value());
  c.Primary(t0, 100);
  c.Replayed(50);
  EXPECT_FALSE(c.covered_until().has_value());
  c.Replayed(100);
  EXPECT_EQ(c.covered_until(), t0);
  c.Primary(t0 + milliseconds(10), 200);
  c.Primary(t0 + milliseconds(20), 300);
  c.Replayed(250);
  EXPECT_EQ(c.covered_until(), t0 + milliseconds(10));
  c.Replayed(300);
  EXPECT_EQ(c.covered_until(), t0 + milliseconds(20));
}

TEST(ReplayCoverageTest, AnUnreachableStandbyCoversNothingUntilItAnswers) {
  ReplayCoverage c;
  const auto t0 = steady_clock::now();
  c.Primary(t0, 100);
  c.Replayed(100);
  c.Lost();
  EXPECT_FALSE(c.covered_until().has_value());
  c.Primary(t0 + milliseconds(10), 100);  // the primary wrote nothing meanwhile
  c.Replayed(100);
  EXPECT_EQ(c.covered_until(), t0 + milliseconds(10));
}

TEST(ReplayCoverageTest, DroppedSamplesOnlyMakeTheBoundOlder) {
  ReplayCoverage c(2);
  const auto t0 = steady_clock::now();
  c.Primary(t0, 100);
  c.Primary(t0 + milliseconds(10), 200);
  c.Primary(t0 + milliseconds(20), 300);  // drops the first
  c.Replayed(150);
  EXPECT_FALSE(c.covered_until().has_value());
  c.Replayed(300);
  EXPECT_EQ(c.covered_until(), t0 + milliseconds(20));
}

class ReadReplicaTest : public ::testing::Test {
 protected:
  static constexpr int kMaxLagMs = 300;

  void SetUp() override {
    Result<PgServer*> server = PgServer::Shared();
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = *server;
    Status standby = server_->StartStandby();
    ASSERT_TRUE(standby.ok()) << standby.ToString();
    Result<std::string> schema = server_->CreateSchema();
    ASSERT_TRUE(schema.ok()) << schema.status().ToString();
    schema_ = *schema;
    PostgresOptions o;
    o.conninfo = server_->SchemaConnInfo(schema_);
    o.pool_size = 4;
    o.connect_timeout_s = 2;
    o.read_replica.conninfo =
        server_->StandbyConnInfo("narwhal_schemas") + " options='-c search_path=" + schema_ + "'";
    o.read_replica.pool_size = 2;
    o.read_replica.max_lag_ms = kMaxLagMs;
    o.read_replica.probe_interval_ms = 20;
    Result<std::unique_ptr<Store>> store = OpenPostgresStore(o);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    ImportVoters();
  }

  void TearDown() override {
    if (server_ == nullptr) return;
    store_.reset();
    (void)server_->StartStandby();
    (void)server_->StandbySql("SELECT pg_wal_replay_resume()");
    if (!schema_.empty()) (void)server_->DropSchema(schema_);
  }

  void ImportVoters() {
    Result<ImportId> import = store_->BeginImport({"voters", "test", "t.txt"});
    ASSERT_TRUE(import.ok()) << import.status().ToString();
    std::vector<Voter> voters;
    for (int i = 0; i < 10; ++i) {
      Voter v;
      v.voter_id = "V" + std::to_string(i);
      v.state = "NC";
      v.county = "92";
      v.county_name = "WAKE";
      v.precinct = "01-01";
      v.last_name = "SMITH";
      v.first_name = "ANN";
      v.status = VoterStatus::kActive;
      voters.push_back(v);
    }
    ASSERT_TRUE(store_->UpsertVoters(*import, voters).ok());
    ASSERT_TRUE(store_->FinishImport(*import, {}).ok());
  }

  // Waits up to 20 s for the replica to be (or not be) in use.
  bool WaitInUse(bool in_use) {
    const auto deadline = steady_clock::now() + std::chrono::seconds(20);
    while (steady_clock::now() < deadline) {
      if (store_->ReadReplica()->in_use == in_use) return true;
      std::this_thread::sleep_for(milliseconds(10));
    }
    return false;
  }

  int64_t Voted() {
    Result<std::vector<PrecinctTurnout>> turnout = store_->GetTurnout("2026-11-03", "92");
    EXPECT_TRUE(turnout.ok()) << turnout.status().ToString();
    if (!turnout.ok() || turnout->empty()) return -1;
    return turnout->front().turnout.voted;
  }

  Status Strike(const std::string& voter_id) {
    NewStrike s;
    s.election = "2026-11-03";
    s.voter_id = voter_id;
    s.idempotency_key = "k-" + schema_ + "-" + voter_id;
    s.at = std::chrono::system_clock::now();
    Result<std::vector<StrikeResult>> r = store_->RecordStrikes({&s, 1});
    if (!r.ok()) return r.status();
    return r->front().status;
  }

  PgServer* server_ = nullptr;
  std::string schema_;
  std::unique_ptr<Store> store_;
};

TEST_F(ReadReplicaTest, FreshReadsGoToTheStandbyAndDecidingReadsToThePrimary) {
  ASSERT_TRUE(WaitInUse(true));
  (void)TakeThreadReads();
  ASSERT_TRUE(store_->GetVoter("V1").ok());
  ASSERT_TRUE(store_->ListPrecincts("92").ok());
  ThreadReads reads = TakeThreadReads();
  EXPECT_EQ(reads.standby, 2);
  EXPECT_EQ(reads.primary, 0);
  EXPECT_LE(reads.max_lag_ms, kMaxLagMs);

  // A strike's scope check and the strike itself are the primary's, and not routed.
  const std::vector<std::string> ids = {"V1"};
  ASSERT_TRUE(store_->VoterPrecincts(ids).ok());
  ASSERT_TRUE(Strike("V1").ok());
  reads = TakeThreadReads();
  EXPECT_EQ(reads.standby + reads.primary, 0);

  const ReadReplicaStatus status = *store_->ReadReplica();
  EXPECT_GE(status.standby_reads, 2);
  EXPECT_GE(status.lag_ms, 0);
  EXPECT_EQ(status.max_lag_ms, kMaxLagMs);
}

TEST_F(ReadReplicaTest, APausedStandbyHandsItsReadsBackAndCatchesUpBeforeServingAgain) {
  ASSERT_TRUE(WaitInUse(true));
  ASSERT_TRUE(server_->StandbySql("SELECT pg_wal_replay_pause()").ok());
  ASSERT_TRUE(Strike("V2").ok());
  ASSERT_TRUE(WaitInUse(false));
  (void)TakeThreadReads();
  EXPECT_EQ(Voted(), 1);  // the primary's answer: the standby has not replayed the strike
  ThreadReads reads = TakeThreadReads();
  EXPECT_EQ(reads.primary, 1);
  EXPECT_EQ(reads.standby, 0);

  // Anything covered from before the strike is older than the allowed lag by now, so
  // only a sample taken after the strike can put the standby back in use.
  std::this_thread::sleep_for(milliseconds(kMaxLagMs + 100));
  ASSERT_TRUE(server_->StandbySql("SELECT pg_wal_replay_resume()").ok());
  ASSERT_TRUE(WaitInUse(true));
  EXPECT_EQ(Voted(), 1);
  reads = TakeThreadReads();
  EXPECT_EQ(reads.standby, 1);
}

TEST_F(ReadReplicaTest, AStoppedStandbyCostsNoReadAndIsUsedAgainOnceBack) {
  ASSERT_TRUE(WaitInUse(true));
  ASSERT_TRUE(server_->StopStandby().ok());
  // Every read answers: the first ones may still be sent to the standby and fall back.
  for (int i = 0; i < 20; ++i) {
    Result<VoterRecord> voter = store_->GetVoter("V3");
    ASSERT_TRUE(voter.ok()) << voter.status().ToString();
  }
  EXPECT_FALSE(store_->ReadReplica()->in_use);
  (void)TakeThreadReads();
  ASSERT_TRUE(store_->GetVoter("V3").ok());
  EXPECT_EQ(TakeThreadReads().primary, 1);

  ASSERT_TRUE(server_->StartStandby().ok());
  ASSERT_TRUE(WaitInUse(true));
  ASSERT_TRUE(store_->GetVoter("V3").ok());
  EXPECT_EQ(TakeThreadReads().standby, 1);
}

TEST_F(ReadReplicaTest, ABusyReadPoolIsALoadedStandbyNotALostOne) {
  ASSERT_TRUE(WaitInUse(true));  // the standby has replayed the schema's database
  ReadReplicaOptions o;
  o.conninfo = server_->StandbyConnInfo("narwhal_schemas");
  o.pool_size = 1;
  o.max_lag_ms = 5000;
  o.probe_interval_ms = 5000;  // after the thread's first probe, only the test's own
  Result<std::unique_ptr<postgres::ReadReplica>> replica =
      postgres::ReadReplica::Start(o, {}, []() -> Result<int64_t> { return int64_t{0}; });
  ASSERT_TRUE(replica.ok()) << replica.status().ToString();
  ASSERT_TRUE((*replica)->Probe().ok());
  ASSERT_TRUE((*replica)->FreshLag().has_value());
  // Every connection serving a read: the probe measures nothing, the standby stays in use.
  Result<postgres::ConnectionPool::Lease> held = (*replica)->pool().Acquire();
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  EXPECT_TRUE((*replica)->Probe().ok());
  EXPECT_TRUE((*replica)->FreshLag().has_value());
}

TEST(ReadReplicaOptionsTest, TheAllowedLagCannotBeFinerThanTheProbe) {
  PostgresOptions o;
  o.conninfo = "host=127.0.0.1 port=1";
  o.read_replica.conninfo = "host=127.0.0.1 port=1";
  o.read_replica.max_lag_ms = 50;
  o.read_replica.probe_interval_ms = 100;
  Result<std::unique_ptr<postgres::ReadReplica>> replica = postgres::ReadReplica::Start(
      o.read_replica, {}, []() -> Result<int64_t> { return int64_t{0}; });
  ASSERT_FALSE(replica.ok());
  EXPECT_EQ(replica.status().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace narwhal::testing

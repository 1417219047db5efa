// Shared fixtures of the HTTP tests: a temp dir, a SQLite store loaded with a handful of
// voters, and a Store decorator whose Ping and SearchVoters can be made to fail or wait.
#ifndef NARWHAL_TESTS_HTTP_TEST_SUPPORT_H_
#define NARWHAL_TESTS_HTTP_TEST_SUPPORT_H_

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "pg_server.h"
#include "storage/postgres/postgres_store.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/store.h"

namespace narwhal::testing {

class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("narwhal-http-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A JSON string's text, or any other value serialised: comparable in EXPECT_EQ.
inline std::string Str(const boost::json::value& v) {
  return v.is_string() ? std::string(v.as_string()) : boost::json::serialize(v);
}

inline Voter MakeVoter(std::string id, std::string last, std::string first, std::string county,
                       std::string precinct, std::string reg) {
  Voter v;
  v.voter_id = std::move(id);
  v.state = "NC";
  v.county = county;
  v.county_name = county == "92" ? "WAKE" : "FORSYTH";
  v.precinct = precinct;
  v.precinct_name = "PRECINCT " + precinct;
  v.registration_number = std::move(reg);
  v.last_name = std::move(last);
  v.first_name = std::move(first);
  v.residence = {"12 MAIN ST", "RALEIGH", "NC", "27601"};
  v.party = "UNA";
  v.status = VoterStatus::kActive;
  v.birth_year = 1980;
  v.registration_date = "2004-05-06";
  return v;
}

// The voters every test sees.
inline std::vector<Voter> FixtureVoters() {
  std::vector<Voter> voters = {
      MakeVoter("NC100", "SMITH", "JOHN", "92", "01-07", "1001"),
      MakeVoter("NC101", "SMITH", "JANE", "92", "01-07", "1002"),
      MakeVoter("NC102", "SMYTHE", "ALICE", "92", "02-01", "1003"),
      MakeVoter("NC103", "O'NEIL", "ÉMILE", "32", "01", "1001"),
      MakeVoter("NC104", "JONES", "BOB", "32", "01", "2001"),
  };
  voters[0].districts = {{"congressional", "02"}, {"state_house", "33"}};
  voters[0].extra = {{"birth_state", "NC"}};
  voters[0].phone = "9195550100";  // on the call lists of AccessWorld
  voters[4].phone = "3365550104";
  return voters;
}

// A SQLite store in a temp dir, loaded with FixtureVoters and two history rows of NC100.
struct LoadedStore {
  TempDir dir;
  std::unique_ptr<Store> store;
  std::string pg_schema;  // on PostgreSQL: the schema standing in for its own database
  ~LoadedStore() {
    store.reset();
    if (!pg_schema.empty()) {
      if (Result<PgServer*> server = PgServer::Shared(); server.ok()) {
        (void)(*server)->DropSchema(pg_schema);
      }
    }
  }
};

// The backend the API tests run on: SQLite, or PostgreSQL when NARWHAL_TEST_STORE is
// "postgres" (ctest registers the API tests a second time that way, tests/http/CMakeLists.txt).
inline bool ApiTestsOnPostgres() {
  const char* store = std::getenv("NARWHAL_TEST_STORE");
  return store != nullptr && std::string_view(store) == "postgres";
}

inline Result<std::unique_ptr<Store>> OpenTestStore(LoadedStore& loaded) {
  if (!ApiTestsOnPostgres()) {
    return OpenSqliteStore({.path = (loaded.dir.path() / "narwhal.db").string()});
  }
  NARWHAL_ASSIGN_OR_RETURN(PgServer * server, PgServer::Shared());
  NARWHAL_ASSIGN_OR_RETURN(loaded.pg_schema, server->CreateSchema());
  PostgresOptions options;
  options.conninfo = server->SchemaConnInfo(loaded.pg_schema);
  options.pool_size = 4;
  return OpenPostgresStore(options);
}

inline std::unique_ptr<LoadedStore> OpenLoadedStore() {
  auto loaded = std::make_unique<LoadedStore>();
  Result<std::unique_ptr<Store>> opened = OpenTestStore(*loaded);
  EXPECT_TRUE(opened.ok()) << opened.status().ToString();
  if (!opened.ok()) return nullptr;
  loaded->store = std::move(opened).value();
  Store& store = *loaded->store;
  Result<ImportId> import = store.BeginImport({"voters", "test", "fixture"});
  EXPECT_TRUE(import.ok()) << import.status().ToString();
  std::vector<Voter> voters = FixtureVoters();
  EXPECT_TRUE(store.UpsertVoters(*import, voters).ok());
  std::vector<VoteHistoryEntry> history = {
      {"NC100", "2022-11-08", "11/08/2022 GENERAL", "IN-PERSON", "", "92", "01-07"},
      {"NC100", "2024-11-05", "11/05/2024 GENERAL", "ABSENTEE BY MAIL", "", "92", "01-07"},
  };
  EXPECT_TRUE(store.UpsertHistory(*import, history).ok());
  EXPECT_TRUE(store.FinishImport(*import, {}).ok());
  return loaded;
}

// Forwards to a real store; Ping can be made to fail, SearchVoters to wait for Release.
class ControllableStore final : public Store {
 public:
  explicit ControllableStore(Store& inner) : inner_(inner) {}

  void FailPing(Status status) {
    std::lock_guard<std::mutex> lock(mu_);
    ping_ = std::move(status);
  }
  // SearchVoters blocks until Release() from now on.
  void HoldSearches() {
    std::lock_guard<std::mutex> lock(mu_);
    hold_ = true;
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mu_);
    hold_ = false;
    cv_.notify_all();
  }
  // Waits until a search is being held.
  void WaitForHeldSearch() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return held_ > 0; });
  }

  Result<ImportId> BeginImport(const ImportInfo& info) override { return inner_.BeginImport(info); }
  Result<UpsertCounts> UpsertVoters(ImportId import, std::span<const Voter> voters) override {
    return inner_.UpsertVoters(import, voters);
  }
  Result<int64_t> UpsertHistory(ImportId import, std::span<const VoteHistoryEntry> rows) override {
    return inner_.UpsertHistory(import, rows);
  }
  Result<FinishImportResult> FinishImport(ImportId import,
                                          const FinishImportOptions& options) override {
    return inner_.FinishImport(import, options);
  }
  Result<VoterRecord> GetVoter(const std::string& voter_id) override {
    return inner_.GetVoter(voter_id);
  }
  Result<std::vector<std::optional<PrecinctKey>>> VoterPrecincts(
      std::span<const std::string> voter_ids) override {
    return inner_.VoterPrecincts(voter_ids);
  }
  Result<VoterPage> SearchVoters(const VoterQuery& query) override {
    {
      std::unique_lock<std::mutex> lock(mu_);
      ++held_;
      cv_.notify_all();
      cv_.wait(lock, [&] { return !hold_; });
      --held_;
    }
    return inner_.SearchVoters(query);
  }
  Result<std::vector<PrecinctSummary>> ListPrecincts(const std::string& county) override {
    return inner_.ListPrecincts(county);
  }
  Result<StoreStats> Stats() override { return inner_.Stats(); }
  Status Ping() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!ping_.ok()) return ping_;
    }
    return inner_.Ping();
  }
  Result<User> CreateUser(const NewUser& user) override { return inner_.CreateUser(user); }
  Result<User> GetUser(int64_t user_id) override { return inner_.GetUser(user_id); }
  Result<UserPage> ListUsers(const UserFilter& filter) override { return inner_.ListUsers(filter); }
  Status SetUserDisabled(int64_t user_id, bool disabled) override {
    return inner_.SetUserDisabled(user_id, disabled);
  }
  Status PutLoginCode(const LoginCodeRecord& code) override { return inner_.PutLoginCode(code); }
  Result<std::vector<size_t>> PutLoginCodes(std::span<const LoginCodeRecord> codes) override {
    return inner_.PutLoginCodes(codes);
  }
  Result<std::vector<User>> CreateUsers(std::span<const NewUser> users) override {
    return inner_.CreateUsers(users);
  }
  Status RecordCodeTest(int64_t user_id, TimePoint at) override {
    return inner_.RecordCodeTest(user_id, at);
  }
  Result<User> UpdateUser(int64_t user_id, const NewUser& user) override {
    return inner_.UpdateUser(user_id, user);
  }
  Result<LoginCodeRecord> GetLoginCode(const std::string& selector) override {
    return inner_.GetLoginCode(selector);
  }
  Result<LoginCodeRecord> RecordLoginFailure(const std::string& selector, int max_attempts,
                                             TimePoint lock_until) override {
    return inner_.RecordLoginFailure(selector, max_attempts, lock_until);
  }
  Result<SessionRecord> RedeemLoginCode(const std::string& selector,
                                        const NewSession& session) override {
    return inner_.RedeemLoginCode(selector, session);
  }
  Result<SessionRecord> GetSessionByTokenHash(const std::string& token_hash) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!sessions_.ok()) return sessions_;
    }
    return inner_.GetSessionByTokenHash(token_hash);
  }
  Status RevokeSession(int64_t session_id, TimePoint at) override {
    return inner_.RevokeSession(session_id, at);
  }
  Result<int64_t> RevokeUserSessions(int64_t user_id, TimePoint at) override {
    return inner_.RevokeUserSessions(user_id, at);
  }
  Status RecordActivity(std::span<const std::pair<int64_t, TimePoint>> seen) override {
    return inner_.RecordActivity(seen);
  }
  Status AppendAudit(std::span<const AuditEvent> events) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!audit_.ok()) return audit_;
    }
    return inner_.AppendAudit(events);
  }
  Result<AuditPage> ListAudit(const AuditQuery& query) override { return inner_.ListAudit(query); }
  Result<std::vector<ReadinessRow>> GetReadiness(const std::string& county) override {
    return inner_.GetReadiness(county);
  }
  Result<std::vector<StrikeResult>> RecordStrikes(std::span<const NewStrike> strikes) override {
    {
      std::unique_lock<std::mutex> lock(mu_);
      ++held_strikes_;
      cv_.notify_all();
      cv_.wait(lock, [&] { return !hold_strikes_; });
      --held_strikes_;
    }
    return inner_.RecordStrikes(strikes);
  }
  Status UndoStrike(const std::string& election, const std::string& voter_id,
                    const std::string& reason, int64_t user_id, TimePoint at) override {
    return inner_.UndoStrike(election, voter_id, reason, user_id, at);
  }
  Result<int64_t> UpsertScores(std::span<const VoterScore> scores) override {
    return inner_.UpsertScores(scores);
  }
  Result<std::vector<PrecinctTurnout>> GetTurnout(const std::string& election,
                                                  const std::string& county) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!turnout_.ok()) return turnout_;
    }
    return inner_.GetTurnout(election, county);
  }
  Result<std::vector<StrikeEvent>> StrikesSince(const std::string& election, int64_t after_id,
                                                int limit) override {
    return inner_.StrikesSince(election, after_id, limit);
  }
  Result<std::vector<GotvEntry>> GotvList(const std::string& election,
                                          const PrecinctKey& precinct) override {
    return inner_.GotvList(election, precinct);
  }

  // RecordStrikes blocks until ReleaseStrikes() from now on.
  void HoldStrikes() {
    std::lock_guard<std::mutex> lock(mu_);
    hold_strikes_ = true;
  }
  void ReleaseStrikes() {
    std::lock_guard<std::mutex> lock(mu_);
    hold_strikes_ = false;
    cv_.notify_all();
  }
  // Waits until `n` RecordStrikes calls are being held.
  void WaitForHeldStrikes(int n) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return held_strikes_ >= n; });
  }

  // GetSessionByTokenHash fails with `status` from now on (OK restores it).
  void FailSessions(Status status) {
    std::lock_guard<std::mutex> lock(mu_);
    sessions_ = std::move(status);
  }

  // GetTurnout fails with `status` from now on (OK restores it): a database gone away.
  void FailTurnout(Status status) {
    std::lock_guard<std::mutex> lock(mu_);
    turnout_ = std::move(status);
  }

  // AppendAudit fails with `status` from now on (OK restores it).
  void FailAudit(Status status) {
    std::lock_guard<std::mutex> lock(mu_);
    audit_ = std::move(status);
  }

 private:
  Store& inner_;
  std::mutex mu_;
  std::condition_variable cv_;
  Status ping_;                // guarded by mu_
  Status audit_;               // guarded by mu_
  Status turnout_;             // guarded by mu_
  Status sessions_;            // guarded by mu_
  bool hold_ = false;          // guarded by mu_
  int held_ = 0;               // guarded by mu_
  bool hold_strikes_ = false;  // guarded by mu_
  int held_strikes_ = 0;       // guarded by mu_
};

}  // namespace narwhal::testing

#endif  // NARWHAL_TESTS_HTTP_TEST_SUPPORT_H_

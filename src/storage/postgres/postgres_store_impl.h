// PostgresStore: the class behind OpenPostgresStore. Internal to the storage module and
// its tests; everything else uses Store.
//
// Thread-safety: as Store. Every call borrows one pooled connection for one transaction.
// Writers of the voter table (UpsertVoters, FinishImport) take a table lock that admits
// readers but no other writer of voters, the counterpart of SQLite's single writer;
// everything else relies on row locks (SELECT ... FOR UPDATE where a read decides a
// write). Election-day writes take their locks in one fixed order, so that concurrent
// strike batches, undos and score updates wait for each other but never deadlock
// (postgres_store_election.cc).
#ifndef NARWHAL_STORAGE_POSTGRES_POSTGRES_STORE_IMPL_H_
#define NARWHAL_STORAGE_POSTGRES_POSTGRES_STORE_IMPL_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "storage/call_store.h"
#include "storage/contact_store.h"
#include "storage/household_store.h"
#include "storage/postgres/connection_pool.h"
#include "storage/postgres/field_names.h"
#include "storage/postgres/pg_connection.h"
#include "storage/postgres/postgres_store.h"
#include "storage/postgres/read_replica.h"
#include "storage/store.h"
#include "storage/strike_combiner.h"
#include "storage/suppression_store.h"
#include "storage/turf_store.h"
#include "storage/universe_store.h"

namespace narwhal::postgres {

// The 13 columns voter listings select first (voter_id, last_name, first_name,
// middle_name, name_suffix, county, precinct, registration_number, res_street, res_city,
// birth_year, party, status) of row `row`.
VoterSummary VoterSummaryAt(const Rows& r, int row);

class PostgresStore final : public Store,
                            public HouseholdStore,
                            public UniverseStore,
                            public ContactStore,
                            public TurfStore,
                            public CallStore,
                            public SuppressionStore {
 public:
  // One RecordStrikes call records at most this many strikes: the feed numbers the
  // events of one transaction in 16 bits.
  static constexpr size_t kMaxStrikesPerCall = 65535;
  // Concurrent batches are combined into one call up to this many strikes; a larger
  // batch is a call of its own.
  static constexpr size_t kMaxCombinedStrikes = 1000;

  static Result<std::unique_ptr<PostgresStore>> Open(const PostgresOptions& options);
  ~PostgresStore() override;

  Result<ImportId> BeginImport(const ImportInfo& info) override;
  Result<UpsertCounts> UpsertVoters(ImportId import, std::span<const Voter> voters) override;
  Result<int64_t> UpsertHistory(ImportId import, std::span<const VoteHistoryEntry> rows) override;
  Result<FinishImportResult> FinishImport(ImportId import,
                                          const FinishImportOptions& options) override;
  Result<VoterRecord> GetVoter(const std::string& voter_id) override;
  Result<std::vector<std::optional<PrecinctKey>>> VoterPrecincts(
      std::span<const std::string> voter_ids) override;
  Result<VoterPage> SearchVoters(const VoterQuery& query) override;
  Result<std::vector<PrecinctSummary>> ListPrecincts(const std::string& county) override;
  Result<StoreStats> Stats() override;
  Status Ping() override;
  std::optional<ReadReplicaStatus> ReadReplica() override;

  // The primary's current WAL position in bytes (pg_current_wal_lsn).
  Result<int64_t> WalPosition();

  // Volunteers, credentials and access (postgres_store_access.cc).
  Result<User> CreateUser(const NewUser& user) override;
  Result<std::vector<User>> CreateUsers(std::span<const NewUser> users) override;
  Result<User> UpdateUser(int64_t user_id, const NewUser& user) override;
  Result<User> GetUser(int64_t user_id) override;
  Result<UserPage> ListUsers(const UserFilter& filter) override;
  Status SetUserDisabled(int64_t user_id, bool disabled) override;
  Status RecordCodeTest(int64_t user_id, TimePoint at) override;
  Status PutLoginCode(const LoginCodeRecord& code) override;
  Result<std::vector<size_t>> PutLoginCodes(std::span<const LoginCodeRecord> codes) override;
  Result<LoginCodeRecord> GetLoginCode(const std::string& selector) override;
  Result<LoginCodeRecord> RecordLoginFailure(const std::string& selector, int max_attempts,
                                             TimePoint lock_until) override;
  Result<SessionRecord> RedeemLoginCode(const std::string& selector,
                                        const NewSession& session) override;
  Result<SessionRecord> GetSessionByTokenHash(const std::string& token_hash) override;
  Status RevokeSession(int64_t session_id, TimePoint at) override;
  Result<int64_t> RevokeUserSessions(int64_t user_id, TimePoint at) override;
  Status RecordActivity(std::span<const std::pair<int64_t, TimePoint>> seen) override;
  Status AppendAudit(std::span<const AuditEvent> events) override;
  Result<AuditPage> ListAudit(const AuditQuery& query) override;
  Result<std::vector<ReadinessRow>> GetReadiness(const std::string& county) override;

  // Election day (postgres_store_election.cc).
  Result<std::vector<StrikeResult>> RecordStrikes(std::span<const NewStrike> strikes) override;
  Status UndoStrike(const std::string& election, const std::string& voter_id,
                    const std::string& reason, int64_t user_id, TimePoint at) override;
  Result<int64_t> UpsertScores(std::span<const VoterScore> scores) override;
  Result<std::vector<PrecinctTurnout>> GetTurnout(const std::string& election,
                                                  const std::string& county) override;
  Result<std::vector<StrikeEvent>> StrikesSince(const std::string& election, int64_t after_id,
                                                int limit) override;
  Result<std::vector<GotvEntry>> GotvList(const std::string& election,
                                          const PrecinctKey& precinct) override;

  // Households (postgres_store_households.cc).
  HouseholdStore* Households() override;
  Result<ResidenceCounts> UpsertResidences(std::span<const VoterResidence> residences) override;
  Status BeginAddressPoints(const std::string& source) override;
  Status AppendAddressPoints(const std::string& source,
                             std::span<const AddressPoint> points) override;
  Result<AddressSitesSummary> FinishAddressPoints() override;
  Result<HouseholdSummary> SummarizeHouseholds(const HouseholdQuery& query) override;
  Result<PrecinctDoors> ListDoors(const DoorQuery& query) override;

  // Universes and voter lists (postgres_store_universes.cc).
  UniverseStore* Universes() override;
  Result<std::vector<ElectionInfo>> ListElections() override;
  Result<UniverseCount> CountUniverse(const UniverseCriteria& criteria) override;
  Result<std::vector<std::string>> UniverseVoterIds(const UniverseCriteria& criteria) override;
  Result<Universe> SaveUniverse(const NewUniverse& universe) override;
  Result<Universe> GetUniverse(int64_t id) override;
  Result<Universe> FindUniverse(const std::string& name) override;
  Result<std::vector<Universe>> ListUniverses() override;
  Result<VoterList> MakeList(const NewVoterList& list) override;
  Result<VoterList> GetList(int64_t id) override;
  Result<std::vector<VoterList>> ListsOf(int64_t universe_id) override;
  Result<ListVotersPage> ListVoters(const ListVotersQuery& query) override;

  // The contact log (postgres_store_contacts.cc).
  ContactStore* Contacts() override;
  Result<std::vector<ContactResult>> RecordContacts(std::span<const NewContact> contacts) override;
  Result<std::vector<ContactRecord>> ContactsOf(const std::string& voter_id, int limit) override;
  Result<SavedFieldBook> CurrentFieldBook() override;
  Result<int64_t> SaveFieldBook(const FieldBook& book, int64_t base_version, int64_t user_id,
                                TimePoint at) override;

  // CallStore (call_store.h).
  CallStore* Calls() override;
  Result<CallList> CreateCallList(const NewCallList& list) override;
  Result<CallList> GetCallList(int64_t list_id, int64_t now_ms) override;
  Result<std::vector<CallList>> ListCallLists(int64_t now_ms) override;
  Result<std::optional<CallClaim>> ClaimNext(int64_t list_id, int64_t caller, int64_t now_ms,
                                             int64_t lease_ms) override;
  Result<std::vector<CallClaim>> ClaimHousehold(int64_t list_id, int64_t position, int64_t caller,
                                                int64_t now_ms, int64_t lease_ms) override;
  Result<CallClaim> RenewClaim(int64_t list_id, int64_t position, int64_t caller, int64_t now_ms,
                               int64_t lease_ms) override;
  Status FinishCall(int64_t list_id, int64_t position, int64_t caller,
                    std::optional<int64_t> next_call_ms, std::string_view result,
                    int64_t at_ms) override;
  Result<CallActivity> CallListActivity(int64_t list_id, int64_t now_ms, int64_t since_ms) override;
  Result<CallTarget> GetCallTarget(int64_t list_id, int64_t position) override;
  Result<std::vector<CallZoneCount>> CallListZones(int64_t list_id) override;
  Status SetCallers(int64_t list_id, const std::vector<int64_t>& user_ids) override;
  Result<std::vector<int64_t>> CallersOf(int64_t list_id) override;
  Result<std::vector<int64_t>> CallListsOf(int64_t user_id) override;

  // SuppressionStore (suppression_store.h).
  SuppressionStore* Suppressions() override;
  Result<SuppressionBatch> AddSuppressions(const NewSuppressions& batch) override;
  Result<SuppressionBatch> UndoSuppressions(int64_t batch_id, int64_t user_id,
                                            int64_t at_ms) override;
  Result<SuppressionBatch> GetSuppressionBatch(int64_t batch_id) override;
  Result<std::vector<SuppressionBatch>> ListSuppressionBatches() override;
  Result<std::optional<SuppressionEntry>> FindSuppression(std::span<const std::string> keys,
                                                          ChannelMask channels) override;
  Status ExportSuppressions(ChannelMask channels,
                            const std::function<Status(const SuppressionEntry&)>& row) override;

  // Saved turfs (postgres_store_turfs.cc).
  TurfStore* Turfs() override;
  Result<std::vector<TurfSummary>> SaveTurfCut(const NewTurfCut& cut) override;
  Result<TurfSheet> GetTurf(const std::string& list_number) override;
  Result<std::vector<TurfSummary>> ListTurfs(const TurfQuery& query) override;
  Result<std::vector<DoorContact>> TurfContacts(const std::string& list_number) override;
  Result<std::vector<bool>> OnTurfs(std::span<const std::string> list_numbers,
                                    std::span<const std::string> voter_ids) override;

 private:
  // kStandbyRead: a read that decides no write, which the read replica serves when it
  // is fresh (else the primary, as kRead).
  enum class Access { kRead, kStandbyRead, kWrite };

  PostgresStore(const PostgresOptions& options, std::unique_ptr<ConnectionPool> pool);

  // Runs `fn` in one transaction on a pooled connection (a read-only repeatable-read
  // snapshot for kRead). `fn` may run twice: when the connection broke before COMMIT
  // was sent nothing was committed, and the call is retried once on a fresh connection;
  // `fn` must therefore reset whatever it outputs. A connection lost during COMMIT of a
  // write yields kUnavailable "outcome unknown".
  Status Transact(Access access, const std::function<Status(Connection&)>& fn);
  Status TransactOn(ConnectionPool& pool, Access access,
                    const std::function<Status(Connection&)>& fn);

  // Runs one write statement on its own (autocommit: one round trip, one transaction),
  // acknowledged only when its answer, which comes after the commit, arrived within
  // commit_timeout_. Outcomes as Transact's COMMIT: kDeadlineExceeded or kUnavailable
  // "outcome unknown" once the statement was sent and no answer came; retried once on a
  // fresh connection when it failed before reaching the server.
  Result<Rows> WriteStatement(std::string_view sql, const Params& params);
  // Runs one read statement on its own (autocommit: one round trip; a single statement
  // sees one snapshot); retried once on a fresh connection when the connection broke.
  Result<Rows> ReadStatement(std::string_view sql, const Params& params);
  // Runs `read` on the standby's pool when the replica is fresh, else (and when the
  // standby fails it) on the primary's; counts and notes where it ran.
  Status RoutedRead(const std::function<Status(ConnectionPool&)>& read);

  // What a write whose commit (`commit`: the answer to COMMIT, or to an autocommit
  // statement) got means for the caller: OK, refused (rolled back), or outcome unknown
  // when the connection was lost, the answer was late, or the synchronous standby did not
  // confirm.
  static Status WriteOutcome(Connection& db, const Status& commit);

  std::string NowText() const;

  // Calls `member` with each row of universe_sql::Members of `criteria` that its districts
  // admit (voter_id, county, precinct, res_street, res_zip, ...), in list order, on `db`.
  Status EachMember(Connection& db, const UniverseCriteria& criteria,
                    const std::function<void(const Rows&, int)>& member);

  // One call of narwhal_record_strikes for `strikes` (the combiner's record function).
  Result<std::vector<StrikeResult>> RecordStrikesNow(std::span<const NewStrike> strikes);

  // Gives every district and column name of `voters` an id (committed on its own).
  Status NameFields(std::span<const Voter> voters);

  // Users with their scopes, in the order of `ids` (helpers of the access methods).
  static Result<std::vector<User>> LoadUsers(Connection& db, const std::vector<int64_t>& ids);

  // Constant after construction.
  const Clock* clock_;
  SystemClock system_clock_;
  const std::chrono::milliseconds commit_timeout_;
  std::unique_ptr<ConnectionPool> pool_;
  FieldNames field_names_;                           // guards itself
  std::unique_ptr<StrikeCombiner> strike_combiner_;  // guards itself
  std::unique_ptr<postgres::ReadReplica> replica_;   // null without one; guards itself
};

}  // namespace narwhal::postgres

#endif  // NARWHAL_STORAGE_POSTGRES_POSTGRES_STORE_IMPL_H_

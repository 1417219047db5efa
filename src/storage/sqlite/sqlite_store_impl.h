// SqliteStore: the class behind OpenSqliteStore. Internal to the storage module and its
// tests, which reach the write statistics (group commit) through it; everything else
// uses Store.
//
// Thread-safety: as Store. Write methods run as jobs on the WriteQueue's thread; the
// bulk-load state lives in the database itself (voter indexes missing), so it commits
// and rolls back with the jobs that change it.
#ifndef NARWHAL_STORAGE_SQLITE_SQLITE_STORE_IMPL_H_
#define NARWHAL_STORAGE_SQLITE_SQLITE_STORE_IMPL_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "storage/call_store.h"
#include "storage/contact_store.h"
#include "storage/household_store.h"
#include "storage/sqlite/checkpointer.h"
#include "storage/sqlite/field_dictionary.h"
#include "storage/sqlite/reader_pool.h"
#include "storage/sqlite/sqlite_db.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/write_queue.h"
#include "storage/store.h"
#include "storage/suppression_store.h"
#include "storage/turf_store.h"
#include "storage/universe_sql.h"
#include "storage/universe_store.h"

namespace narwhal::sqlite {

// The columns every voter listing selects first, in this order: voter_id, last_name,
// first_name, middle_name, name_suffix, county, precinct, registration_number,
// res_street, res_city, birth_year, party, status.
inline constexpr std::string_view kVoterSummaryColumns =
    "voter_id, last_name, first_name, middle_name, name_suffix, county, precinct, "
    "registration_number, res_street, res_city, birth_year, party, status";
inline constexpr int kVoterSummaryColumnCount = 13;

// Reads the kVoterSummaryColumns at the start of the current row of `s`.
VoterSummary ReadVoterSummary(const Statement& s);

struct DerivedVoterFields;

// The one conversion between TimePoint and the integer times of the access and election
// tables: whole unix milliseconds (earlier instants round down).
inline int64_t ToMillis(TimePoint t) {
  return std::chrono::floor<std::chrono::milliseconds>(t).time_since_epoch().count();
}
inline TimePoint FromMillis(int64_t ms) {
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::milliseconds(ms)));
}

class SqliteStore final : public Store,
                          public HouseholdStore,
                          public UniverseStore,
                          public ContactStore,
                          public TurfStore,
                          public CallStore,
                          public SuppressionStore {
 public:
  static Result<std::unique_ptr<SqliteStore>> Open(const SqliteOptions& options);
  ~SqliteStore() override;

  Result<ImportId> BeginImport(const ImportInfo& info) override;
  Result<UpsertCounts> UpsertVoters(ImportId import, std::span<const Voter> voters) override;
  std::unique_ptr<PreparedVoters> PrepareVoters(std::span<const Voter> voters) override;
  Result<UpsertCounts> UpsertPreparedVoters(ImportId import, std::span<const Voter> voters,
                                            std::unique_ptr<PreparedVoters> prepared) override;
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

  // Volunteers, credentials and access (sqlite_store_access.cc).
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

  // Election day: strikes, scores, turnout and GOTV lists (sqlite_store_election.cc).
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

  // Households: buildings, doors, residences, address points (sqlite_store_households.cc).
  HouseholdStore* Households() override;
  Result<ResidenceCounts> UpsertResidences(std::span<const VoterResidence> residences) override;
  Status BeginAddressPoints(const std::string& source) override;
  Status AppendAddressPoints(const std::string& source,
                             std::span<const AddressPoint> points) override;
  Result<AddressSitesSummary> FinishAddressPoints() override;
  Result<HouseholdSummary> SummarizeHouseholds(const HouseholdQuery& query) override;
  Result<PrecinctDoors> ListDoors(const DoorQuery& query) override;

  // Universes and voter lists (sqlite_store_universes.cc).
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

  // The contact log (sqlite_store_contacts.cc).
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

  // Saved turfs (sqlite_store_turfs.cc).
  TurfStore* Turfs() override;
  Result<std::vector<TurfSummary>> SaveTurfCut(const NewTurfCut& cut) override;
  Result<TurfSheet> GetTurf(const std::string& list_number) override;
  Result<std::vector<TurfSummary>> ListTurfs(const TurfQuery& query) override;
  Result<std::vector<DoorContact>> TurfContacts(const std::string& list_number) override;
  Result<std::vector<bool>> OnTurfs(std::span<const std::string> list_numbers,
                                    std::span<const std::string> voter_ids) override;

  // Group-commit counters of the writer.
  WriteQueueStats write_stats() { return writer_->stats(); }

  // The query plan of each statement SearchVoters would run for `query` (the "detail"
  // lines of EXPLAIN QUERY PLAN, each statement introduced by "-- statement"), so tests
  // can hold the search to its indexes. Same errors as SearchVoters.
  Result<std::vector<std::string>> ExplainSearch(const VoterQuery& query);

 private:
  SqliteStore(const SqliteOptions& options, std::unique_ptr<WriteQueue> writer,
              std::unique_ptr<ReaderPool> readers, std::unique_ptr<Checkpointer> checkpointer);

  std::string NowText() const;

  // Calls `row` with each row of `query` (a universe_sql statement of `criteria`, voter id
  // first, encoded districts at `districts_column`) that passes what the statement leaves
  // to the store: the history rule over the `counted` elections, and the districts. On
  // `db`, inside the caller's read transaction.
  Status EachMatch(Connection& db, const UniverseCriteria& criteria,
                   const std::vector<std::string>& counted, const universe_sql::Query& query,
                   int districts_column, const std::function<Status(const Statement&)>& row);
  // EachMatch over universe_sql::Members of `criteria`: its voters in list order.
  Status EachMember(Connection& db, const UniverseCriteria& criteria,
                    const std::function<Status(const Statement&)>& member);

  // Writer-thread helpers (run inside jobs).
  Status CheckOpenImport(Connection& db, ImportId import);
  Status InsertVoters(Connection& db, ImportId import, std::span<const Voter> voters,
                      std::span<const DerivedVoterFields> derived, const std::string& now,
                      UpsertCounts& counts);
  Status MergeVoters(Connection& db, ImportId import, std::span<const Voter> voters,
                     std::span<const DerivedVoterFields> derived, const std::string& now,
                     UpsertCounts& counts);

  // Constant after construction.
  const Clock* clock_;
  SystemClock system_clock_;
  std::unique_ptr<ReaderPool> readers_;
  std::unique_ptr<Checkpointer> checkpointer_;  // its own thread and connection

  // Internally synchronised; outlives the writer thread that uses it.
  FieldDictionary fields_;

  // Last: destroyed first, so its thread is joined before the state its jobs use.
  std::unique_ptr<WriteQueue> writer_;
};

}  // namespace narwhal::sqlite

#endif  // NARWHAL_STORAGE_SQLITE_SQLITE_STORE_IMPL_H_

// Store: the narrow, domain-shaped interface to Narwhal's durable data.
//
// Every backend (SQLite now, PostgreSQL next) honours all of it; the conformance suite in
// tests/storage/store_conformance_test.cc proves that against each. Nothing backend-specific
// (SQL, file paths, connection strings) crosses this interface.
//
// Thread-safety: every method may be called from any thread at any time. Writes are
// serialised inside the store (one writer that commits in batches); reads run
// concurrently with each other and with writes and see committed data only. A write
// method returns only after its data is durably committed: an OK answer is an
// acknowledgement that survives kill -9.
//
// Errors: kUnavailable when the backend cannot be reached (safe to retry),
// kInvalidArgument for values the store refuses, kNotFound for unknown ids where the
// method says so, kInternal for bugs and library failures.
#ifndef NARWHAL_STORAGE_STORE_H_
#define NARWHAL_STORAGE_STORE_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "domain/access.h"
#include "domain/election.h"
#include "domain/voter.h"

namespace narwhal {

class CallStore;
class SuppressionStore;
class ContactStore;
class TurfStore;
class HouseholdStore;
class UniverseStore;

// Identifies one import run; assigned by BeginImport.
using ImportId = int64_t;

struct ImportInfo {
  std::string kind;    // "voters" or "history"
  std::string format;  // "ncsbe", "ohio", ...
  std::string source;  // file name, for the record
};

// What one UpsertVoters call did. added + changed + unchanged == rows given.
struct UpsertCounts {
  int64_t added = 0;      // voter id not in the store before
  int64_t changed = 0;    // fingerprint differed (includes moved)
  int64_t moved = 0;      // changed, and residence or precinct differed (IsMove)
  int64_t unchanged = 0;  // same fingerprint; only marked as seen by this import
  int64_t restored = 0;   // was marked removed, present again (also counted in changed)

  UpsertCounts& operator+=(const UpsertCounts& o) {
    added += o.added;
    changed += o.changed;
    moved += o.moved;
    unchanged += o.unchanged;
    restored += o.restored;
    return *this;
  }
};

struct FinishImportOptions {
  // When set, voters of `covered_counties` that this import did not see are marked
  // removed (status kRemoved, removed_at set). Never deleted.
  bool full_refresh = false;
  std::vector<std::string> covered_counties;
  // Voter ids whose rows this import read but rejected (a bad date, say). A full refresh
  // must not mark them removed: the state still lists them.
  std::vector<std::string> rejected_voter_ids;
};

struct FinishImportResult {
  int64_t removed = 0;  // voters newly marked removed by the full refresh
};

// A voter search. At least one of text, registration_number, county is needed.
struct VoterQuery {
  // Name words, already folded with FoldForSearch. One word matches a last-name prefix;
  // several match "last first" or "first last" with the final word as a prefix.
  std::string name;
  std::string registration_number;  // exact county registration number
  std::string county;               // county code, empty for all
  std::string precinct;             // precinct code (needs county), empty for all
  bool include_removed = false;
  // When set, only voters inside this scope are returned: a voter matches when her county
  // is in scope->counties or her (county, precinct) is in scope->precincts. An empty scope
  // matches nobody. Unset: no restriction (admins, the command line).
  std::optional<Scope> scope;
  int limit = 50;      // 1..1000
  std::string cursor;  // opaque, from VoterPage::next_cursor; empty for the first page
};

// The fields of a voter a search result shows.
struct VoterSummary {
  std::string voter_id;
  std::string last_name;
  std::string first_name;
  std::string middle_name;
  std::string name_suffix;
  std::string county;
  std::string precinct;
  std::string registration_number;
  std::string street;
  std::string city;
  int birth_year = 0;
  std::string party;
  VoterStatus status = VoterStatus::kUnknown;
};

struct VoterPage {
  std::vector<VoterSummary> voters;  // ordered by last name key, first name key, voter id
  std::string next_cursor;           // empty when this is the last page
};

struct VoterRecord {
  Voter voter;
  std::vector<VoteHistoryEntry> history;  // newest election first
  std::string removed_at;                 // ISO time the voter was marked removed, or empty
  std::string updated_at;                 // ISO time of the last change
};

struct PrecinctSummary {
  std::string county;
  std::string county_name;
  std::string precinct;
  std::string precinct_name;
  int64_t voters = 0;  // registered voters not removed
};

// When expiry, use and lockout times are kept. All times are UTC; a backend keeps at least
// whole milliseconds (finer parts may be dropped).
using TimePoint = std::chrono::system_clock::time_point;

// A login code as stored: never the code itself, only its selector and the hash of its
// secret (auth/secrets.h).
struct LoginCodeRecord {
  std::string selector;  // unique among all codes ever stored
  int64_t user_id = 0;
  std::string secret_hash;  // Argon2id, from HashCodeSecret
  TimePoint issued_at;
  TimePoint expires_at;
  std::optional<TimePoint> used_at;      // set once, when redeemed
  std::optional<TimePoint> replaced_at;  // set when a newer code was issued to the user
  int failed_attempts = 0;
  std::optional<TimePoint> locked_until;  // wrong guesses lock the code for a while
};

struct NewSession {
  int64_t user_id = 0;
  std::string token_hash;  // HashSessionToken of the bearer token; never the token
  TimePoint created_at;
  TimePoint expires_at;
  std::string created_from;  // remote address, for the audit log
};

struct SessionRecord {
  int64_t id = 0;
  int64_t user_id = 0;
  TimePoint created_at;
  TimePoint expires_at;
  std::optional<TimePoint> revoked_at;
};

// One entry of the append-only audit log.
struct AuditEvent {
  int64_t id = 0;  // assigned by the store, increasing
  TimePoint at;
  int64_t user_id = 0;     // 0 for the command line and the system
  std::string action;      // "voter.read", "voter.search", "user.create", "session.revoke", ...
  std::string target;      // the voter id(s), user id or query acted on
  std::string detail;      // JSON object text with anything else worth keeping, or empty
  std::string request_id;  // correlates with the server log
  std::string remote_addr;
};

struct AuditQuery {
  int64_t user_id = 0;             // 0 = everyone
  std::string action;              // exact, or empty
  std::string target;              // exact, or empty
  std::optional<TimePoint> since;  // at >= since
  std::optional<TimePoint> until;  // at < until
  int limit = 100;                 // 1..1000
  std::string cursor;              // newest first
};

struct AuditPage {
  std::vector<AuditEvent> events;  // newest first
  std::string next_cursor;
};

struct UserFilter {
  std::string county;    // users with this county, or a precinct in it, in scope; empty = all
  std::string precinct;  // with county: users assigned this precinct
  std::optional<Role> role;
  std::string field_office;
  int limit = 100;     // 1..1000
  std::string cursor;  // ordered by id
};

struct UserPage {
  std::vector<User> users;
  std::string next_cursor;
};

// Poll-watcher coverage of one precinct, for the readiness view.
struct ReadinessRow {
  PrecinctKey precinct;
  std::string precinct_name;
  int64_t assigned = 0;   // poll watchers assigned to it (not disabled)
  int64_t logged_in = 0;  // of whom have logged in at least once
  std::vector<User> not_logged_in;
};

// --- election day ----------------------------------------------------------------------

// A strike as the store records it.
struct NewStrike {
  std::string election;  // ISO date of the election ("2026-11-03")
  std::string voter_id;
  std::string idempotency_key;  // unique per intended strike, across all elections
  StrikeSource source = StrikeSource::kPollWatcher;
  int64_t user_id = 0;  // who reported it; 0 for a state file or the command line
  TimePoint at;
};

struct StrikeResult {
  Status status;  // per item: kNotFound (unknown voter), kInvalidArgument; OK otherwise
  StrikeOutcome outcome = StrikeOutcome::kStruck;
  int64_t strike_id = 0;  // the strike that counts for this voter in this election
  TimePoint struck_at;    // when she was first struck
};

// Support and turnout scores from a model or from canvassing (support ID 1-5 is stored
// as support 100, 75, 50, 25, 0).
struct VoterScore {
  std::string voter_id;
  int support = -1;  // 0..100, -1 unknown
  int turnout = -1;  // 0..100 likelihood of voting, -1 unknown
};

struct PrecinctTurnout {
  PrecinctKey precinct;
  std::string precinct_name;
  Turnout turnout;
};

// One change of the strike log, for live feeds (Server-Sent Events) and other systems.
struct StrikeEvent {
  int64_t id = 0;  // increasing; resume after the last one seen
  std::string election;
  std::string voter_id;
  PrecinctKey precinct;
  bool undone = false;  // a correction took the strike back
  TimePoint at;
};

// A supporter who has not voted, for GOTV walk and call lists.
struct GotvEntry {
  VoterSummary voter;
  std::string phone;
  int support = -1;
  int turnout = -1;
};

struct StoreStats {
  int64_t voters = 0;  // not removed
  int64_t removed = 0;
  int64_t history_rows = 0;
  int64_t precincts = 0;
};

// Where a store with a read replica (PostgreSQL with a standby in its read pool) serves
// the reads that decide no write, and how stale they may be.
struct ReadReplicaStatus {
  bool in_use = false;  // such reads go to the standby right now
  // How far the standby was behind the primary at the last probe: every write
  // acknowledged more than this long ago is visible there. -1 when unknown (never
  // reached, or unreachable now).
  int64_t lag_ms = -1;
  int64_t max_lag_ms = 0;     // beyond this lag the primary serves them
  int64_t standby_reads = 0;  // routed reads served so far by the standby
  int64_t primary_reads = 0;  // and by the primary (no fresh standby)
};

// Routed reads made by the calling thread since its last TakeThreadReads: a request
// handler reads them to tell its client where its answer came from.
struct ThreadReads {
  int standby = 0;         // reads served by the standby
  int primary = 0;         // routable reads the primary served instead
  int64_t max_lag_ms = 0;  // the largest lag of the standby's answers
};
ThreadReads TakeThreadReads();
void NoteThreadRead(bool standby, int64_t lag_ms);

// What a backend computes from voters before its writer sees them (search keys,
// fingerprints, encodings): computation only, nothing in the store changes. An import
// prepares the next batch on its decode thread while the last one is being stored.
class PreparedVoters {
 public:
  virtual ~PreparedVoters() = default;
};

class Store {
 public:
  virtual ~Store() = default;

  // --- imports ----------------------------------------------------------------------
  // Starts an import run. A backend may switch to a bulk-load strategy when the store
  // is empty (deferring index builds to FinishImport); callers need not care.
  virtual Result<ImportId> BeginImport(const ImportInfo& info) = 0;

  // Inserts or updates `voters` (unique voter ids within one call), marking each as
  // seen by `import`. Durable on return.
  virtual Result<UpsertCounts> UpsertVoters(ImportId import, std::span<const Voter> voters) = 0;

  // The same in two steps. PrepareVoters may run on any thread, at any time before the
  // upsert; nullptr when a backend has nothing to prepare. What it computes stays valid:
  // a name the store learns later (a new state column) is left to the upsert. The caller
  // must hand UpsertPreparedVoters what PrepareVoters returned for the same `voters` of
  // the same store; a value of another size is recomputed, not trusted.
  virtual std::unique_ptr<PreparedVoters> PrepareVoters(std::span<const Voter> voters);
  virtual Result<UpsertCounts> UpsertPreparedVoters(ImportId import, std::span<const Voter> voters,
                                                    std::unique_ptr<PreparedVoters> prepared);

  // Inserts vote-history rows; a row whose (voter_id, election_date) exists is replaced.
  // Rows of voters the store does not know are kept (history files run ahead of voter
  // files). Returns the number of rows that were new. Durable on return.
  virtual Result<int64_t> UpsertHistory(ImportId import,
                                        std::span<const VoteHistoryEntry> rows) = 0;

  // Ends an import run: applies a full refresh if asked, brings precinct counts and
  // indexes up to date, records the run. Durable on return.
  virtual Result<FinishImportResult> FinishImport(ImportId import,
                                                  const FinishImportOptions& options) = 0;

  // --- reads ------------------------------------------------------------------------
  // The voter with history; kNotFound when the id is unknown.
  virtual Result<VoterRecord> GetVoter(const std::string& voter_id) = 0;

  // The precinct of each of `voter_ids`, in the same order; nullopt for an id that is
  // not in the voter file (a removed voter keeps her last precinct). One read for a whole
  // batch: the scope check of a poll watcher's strikes.
  virtual Result<std::vector<std::optional<PrecinctKey>>> VoterPrecincts(
      std::span<const std::string> voter_ids) = 0;

  // kInvalidArgument for a bad cursor, limit or an empty query.
  virtual Result<VoterPage> SearchVoters(const VoterQuery& query) = 0;

  // Precincts with voter counts, ordered by county then precinct; `county` empty = all.
  virtual Result<std::vector<PrecinctSummary>> ListPrecincts(const std::string& county) = 0;

  virtual Result<StoreStats> Stats() = 0;

  // OK when the store can serve reads and writes right now.
  virtual Status Ping() = 0;

  // The read replica's state; nullopt for a store without one (the default).
  virtual std::optional<ReadReplicaStatus> ReadReplica();

  // Buildings, doors and address points (household_store.h), kept beside the voters by
  // the same backend; null for a store without them (the default).
  virtual HouseholdStore* Households();

  // Universes, their evaluation and the voter lists made from them (universe_store.h);
  // null for a store without them (the default).
  virtual UniverseStore* Universes();

  // The contact log (contact_store.h); null for a store without it (the default).
  virtual ContactStore* Contacts();

  // Saved turfs with their list numbers (turf_store.h); null for a store without them (the
  // default).
  virtual TurfStore* Turfs();

  // Phone banks' call lists and their claims (call_store.h); null for a store without them
  // (the default).
  virtual CallStore* Calls();

  // The do-not-contact list (suppression_store.h); null for a store without it (the
  // default).
  virtual SuppressionStore* Suppressions();

  // --- volunteers, credentials and access -------------------------------------------
  // kInvalidArgument for an empty name. The new user has no login code yet.
  virtual Result<User> CreateUser(const NewUser& user) = 0;
  virtual Result<User> GetUser(int64_t user_id) = 0;  // kNotFound
  virtual Result<UserPage> ListUsers(const UserFilter& filter) = 0;
  // A disabled user cannot log in, and her sessions stop working.
  virtual Status SetUserDisabled(int64_t user_id, bool disabled) = 0;
  // Records that the user tested a login code (it worked and was not spent) at `at`:
  // readiness counts her ready. kNotFound for an unknown user; kFailedPrecondition by
  // default.
  virtual Status RecordCodeTest(int64_t user_id, TimePoint at);
  // Creates `users` in order, all or none (one transaction where the store has them; the
  // default creates them one by one). kInvalidArgument names the first bad one.
  virtual Result<std::vector<User>> CreateUsers(std::span<const NewUser> users);
  // Replaces the name, phone, email, role, field office and scope of a user; returns her
  // as she is now. kNotFound for an unknown user; kUnimplemented by default.
  virtual Result<User> UpdateUser(int64_t user_id, const NewUser& user);

  // Stores a new code for code.user_id and marks every earlier unused code of that user
  // replaced. kAlreadyExists when the selector was ever used (the caller draws a new
  // code); kNotFound for an unknown user.
  virtual Status PutLoginCode(const LoginCodeRecord& code) = 0;
  // PutLoginCode for many codes at once (one transaction where the store has them; the
  // default puts them one by one): returns the indexes of the codes whose selector was
  // already used (not stored: the caller draws again); the others are stored. Two codes
  // of one user in one call: the later replaces the earlier. kNotFound for an unknown
  // user (nothing stored).
  virtual Result<std::vector<size_t>> PutLoginCodes(std::span<const LoginCodeRecord> codes);
  virtual Result<LoginCodeRecord> GetLoginCode(const std::string& selector) = 0;  // kNotFound
  // Counts a wrong secret against the code; once failed_attempts reaches max_attempts the
  // code is locked until `lock_until`. Returns the updated record.
  virtual Result<LoginCodeRecord> RecordLoginFailure(const std::string& selector, int max_attempts,
                                                     TimePoint lock_until) = 0;
  // In one transaction: checks the code is still unused, unreplaced, unexpired and
  // unlocked at session.created_at, and its user enabled (else kFailedPrecondition saying
  // which, nothing changes), marks it used, creates the session and records the user's
  // first login. kNotFound for an unknown selector. Exactly one of two concurrent
  // redemptions of one code succeeds.
  virtual Result<SessionRecord> RedeemLoginCode(const std::string& selector,
                                                const NewSession& session) = 0;

  virtual Result<SessionRecord> GetSessionByTokenHash(const std::string& token_hash) = 0;
  virtual Status RevokeSession(int64_t session_id, TimePoint at) = 0;  // kNotFound
  // Revokes every live session of the user; returns how many.
  virtual Result<int64_t> RevokeUserSessions(int64_t user_id, TimePoint at) = 0;
  // Sets last_seen_at of each user (later times win). Cheap enough for every minute of
  // every user; callers coalesce.
  virtual Status RecordActivity(std::span<const std::pair<int64_t, TimePoint>> seen) = 0;

  // Appends to the audit log; there is no way to change or delete an entry.
  virtual Status AppendAudit(std::span<const AuditEvent> events) = 0;
  virtual Result<AuditPage> ListAudit(const AuditQuery& query) = 0;

  // Poll-watcher coverage per precinct of `county` (empty = all), ordered by county and
  // precinct; every precinct of the voter file (as of the last FinishImport) is included,
  // those with nobody assigned with assigned = 0.
  virtual Result<std::vector<ReadinessRow>> GetReadiness(const std::string& county) = 0;

  // --- election day -----------------------------------------------------------------
  // Records strikes; durable on return, all of them committed together (group commit).
  // Items are independent: a bad one gets its own status and the rest count. A repeated
  // idempotency key returns the original result as kReplayed and changes nothing; a voter
  // already struck in that election gives kAlreadyStruck and counts once. Turnout
  // aggregates are updated in the same transaction.
  virtual Result<std::vector<StrikeResult>> RecordStrikes(std::span<const NewStrike> strikes) = 0;

  // Takes a strike back (a watcher tapped the wrong voter); `reason` is required.
  // kNotFound when the voter is not struck in that election. Aggregates follow.
  virtual Status UndoStrike(const std::string& election, const std::string& voter_id,
                            const std::string& reason, int64_t user_id, TimePoint at) = 0;

  // Stores scores (replacing earlier ones of the same voters) and refreshes the supporter
  // counts of the affected precincts. Unknown voter ids are counted, not stored.
  // Returns how many were stored.
  virtual Result<int64_t> UpsertScores(std::span<const VoterScore> scores) = 0;

  // Turnout per precinct of `county` (empty = all) for `election`, read from aggregates
  // maintained as strikes arrive, never by scanning voters; precincts without strikes are
  // included. A supporter is a voter with support >= kSupporterThreshold.
  virtual Result<std::vector<PrecinctTurnout>> GetTurnout(const std::string& election,
                                                          const std::string& county) = 0;

  // Strike log entries after `after_id`, oldest first, at most `limit`.
  virtual Result<std::vector<StrikeEvent>> StrikesSince(const std::string& election,
                                                        int64_t after_id, int limit) = 0;

  // Supporters of the precinct who are not struck in `election`, in walk order (street,
  // odd side up, even side down, unit). Removed voters are never listed.
  virtual Result<std::vector<GotvEntry>> GotvList(const std::string& election,
                                                  const PrecinctKey& precinct) = 0;
};

// Support score at or above which a voter counts as a supporter.
inline constexpr int kSupporterThreshold = 60;

}  // namespace narwhal

#endif  // NARWHAL_STORAGE_STORE_H_

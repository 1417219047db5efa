#include "storage/postgres/postgres_store.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <optional>
#include <string_view>
#include <utility>

#include "base/log.h"
#include "base/text.h"
#include "storage/postgres/pg_schema.h"
#include "storage/postgres/postgres_store_impl.h"
#include "storage/search_cursor.h"
#include "storage/universe_sql.h"
#include "storage/voter_search.h"

namespace narwhal {

Result<std::unique_ptr<Store>> OpenPostgresStore(const PostgresOptions& options) {
  NARWHAL_ASSIGN_OR_RETURN(std::unique_ptr<postgres::PostgresStore> store,
                           postgres::PostgresStore::Open(options));
  return std::unique_ptr<Store>(std::move(store));
}

namespace postgres {
namespace {

// The columns of a voter as the stage table and the voter table share them, in the
// order AppendVoterRow writes them.
constexpr std::array<std::string_view, 34> kVoterColumns = {"voter_id",
                                                            "state",
                                                            "county",
                                                            "county_name",
                                                            "precinct",
                                                            "precinct_name",
                                                            "registration_number",
                                                            "last_name",
                                                            "first_name",
                                                            "middle_name",
                                                            "name_suffix",
                                                            "last_key",
                                                            "first_key",
                                                            "res_street",
                                                            "res_city",
                                                            "res_state",
                                                            "res_zip",
                                                            "mailing_address",
                                                            "mail_street",
                                                            "mail_city",
                                                            "mail_state",
                                                            "mail_zip",
                                                            "party",
                                                            "status",
                                                            "status_reason",
                                                            "birth_year",
                                                            "registration_date",
                                                            "phone",
                                                            "gender",
                                                            "race",
                                                            "ethnicity",
                                                            "districts",
                                                            "extra",
                                                            "fingerprint"};

std::string ColumnList(std::string_view prefix = "") {
  std::string out;
  for (std::string_view c : kVoterColumns) {
    if (!out.empty()) out += ", ";
    out += prefix;
    out += c;
  }
  return out;
}

// One row of kVoterColumns in COPY text format, then `tail` (more fields, already in
// COPY format, each with its leading tab).
Status AppendVoterRow(const Voter& v, const FieldNames& names, std::string_view tail,
                      std::string& out) {
  std::string districts;
  std::string extra;
  if (!names.Encode(v.districts, districts) || !names.Encode(v.extra, extra)) {
    return Internal("a field name of voter " + v.voter_id + " has no id");
  }
  const std::string birth_year = std::to_string(v.birth_year);
  // Stored as PostgreSQL's signed bigint; the bits are what matter.
  const std::string fingerprint = std::to_string(static_cast<int64_t>(Fingerprint(v)));
  const std::string last_key = LastNameKey(v);
  const std::string first_key = FirstNameKey(v);
  const std::string_view fields[] = {v.voter_id,
                                     v.state,
                                     v.county,
                                     v.county_name,
                                     v.precinct,
                                     v.precinct_name,
                                     v.registration_number,
                                     v.last_name,
                                     v.first_name,
                                     v.middle_name,
                                     v.name_suffix,
                                     last_key,
                                     first_key,
                                     v.residence.street,
                                     v.residence.city,
                                     v.residence.state,
                                     v.residence.zip,
                                     v.mailing_address,
                                     v.mailing.street,
                                     v.mailing.city,
                                     v.mailing.state,
                                     v.mailing.zip,
                                     v.party,
                                     VoterStatusName(v.status),
                                     v.status_reason,
                                     birth_year,
                                     v.registration_date,
                                     v.phone,
                                     v.gender,
                                     v.race,
                                     v.ethnicity,
                                     districts,
                                     extra,
                                     fingerprint};
  static_assert(std::size(fields) == kVoterColumns.size());
  bool first = true;
  for (std::string_view f : fields) {
    if (!first) out += '\t';
    first = false;
    AppendCopyField(f, out);
  }
  out += tail;
  out += '\n';
  return Status::Ok();
}

Result<Voter> ReadVoter(const Rows& r, int row, FieldNames& names, Connection& db) {
  Voter v;
  v.voter_id = r.String(row, 0);
  v.state = r.String(row, 1);
  v.county = r.String(row, 2);
  v.county_name = r.String(row, 3);
  v.precinct = r.String(row, 4);
  v.precinct_name = r.String(row, 5);
  v.registration_number = r.String(row, 6);
  v.last_name = r.String(row, 7);
  v.first_name = r.String(row, 8);
  v.middle_name = r.String(row, 9);
  v.name_suffix = r.String(row, 10);
  // 11, 12: search keys, derived.
  v.residence.street = r.String(row, 13);
  v.residence.city = r.String(row, 14);
  v.residence.state = r.String(row, 15);
  v.residence.zip = r.String(row, 16);
  v.mailing_address = r.String(row, 17);
  v.mailing.street = r.String(row, 18);
  v.mailing.city = r.String(row, 19);
  v.mailing.state = r.String(row, 20);
  v.mailing.zip = r.String(row, 21);
  v.party = r.String(row, 22);
  v.status = VoterStatusFromName(r.Text(row, 23));
  v.status_reason = r.String(row, 24);
  v.birth_year = static_cast<int>(r.Int64(row, 25));
  v.registration_date = r.String(row, 26);
  v.phone = r.String(row, 27);
  v.gender = r.String(row, 28);
  v.race = r.String(row, 29);
  v.ethnicity = r.String(row, 30);
  NARWHAL_ASSIGN_OR_RETURN(v.districts, names.Decode(db, r.Text(row, 31)));
  NARWHAL_ASSIGN_OR_RETURN(v.extra, names.Decode(db, r.Text(row, 32)));
  return v;
}

// A session's staging table for one batch; emptied by every commit.
Status EnsureVoterStage(Connection& db) {
  return db.Run(
      "CREATE TEMP TABLE IF NOT EXISTS voters_stage ON COMMIT DELETE ROWS AS "
      "SELECT voter_id, state, county, county_name, precinct, precinct_name, "
      "registration_number, last_name, first_name, middle_name, name_suffix, last_key, "
      "first_key, res_street, res_city, res_state, res_zip, mailing_address, mail_street, "
      "mail_city, mail_state, mail_zip, party, status, status_reason, birth_year, "
      "registration_date, phone, gender, race, ethnicity, districts, extra, fingerprint "
      "FROM voters WITH NO DATA");
}

// Set-based merge of the stage into voters. Classifies each staged row by comparing
// fingerprints: new (insert), changed or removed-and-back (full update, removed_at
// cleared), unchanged (only recorded in import_seen). $1 import id, $2 time.
std::string MergeSql() {
  std::string set;
  for (std::string_view c : kVoterColumns) {
    if (c == "voter_id") continue;
    set += std::string(c) + " = c." + std::string(c) + ", ";
  }
  return "WITH cur AS ("
         "SELECT s.*, v.id AS vid, v.fingerprint AS old_fp, v.removed_at IS NOT NULL AS "
         "was_removed, (v.res_street, v.res_city, v.res_state, v.res_zip, v.county, "
         "v.precinct) IS DISTINCT FROM (s.res_street, s.res_city, s.res_state, s.res_zip, "
         "s.county, s.precinct) AS is_move "
         "FROM voters_stage s LEFT JOIN voters v ON v.voter_id = s.voter_id), "
         "ins AS (INSERT INTO voters(" +
         ColumnList() + ", last_import, updated_at) SELECT " + ColumnList() +
         ", $1::bigint, $2::text FROM cur WHERE vid IS NULL), "
         "upd AS (UPDATE voters v SET " +
         set +
         "last_import = $1::bigint, updated_at = $2::text, removed_at = NULL FROM cur c "
         "WHERE v.id = c.vid AND (c.old_fp <> c.fingerprint OR c.was_removed)), "
         "seen AS (INSERT INTO import_seen(import_id, voter_ref) SELECT $1::bigint, vid FROM "
         "cur WHERE vid IS NOT NULL AND old_fp = fingerprint AND NOT was_removed "
         "ON CONFLICT DO NOTHING) "
         "SELECT count(*) FILTER (WHERE vid IS NULL), "
         "count(*) FILTER (WHERE vid IS NOT NULL AND (old_fp <> fingerprint OR was_removed)), "
         "count(*) FILTER (WHERE vid IS NOT NULL AND (old_fp <> fingerprint OR was_removed) "
         "AND is_move), "
         "count(*) FILTER (WHERE vid IS NOT NULL AND old_fp = fingerprint AND NOT was_removed), "
         "count(*) FILTER (WHERE was_removed) FROM cur";
}

// Only one writer of the voter table at a time (readers are not blocked): the merge
// reads what it then writes, and FinishImport's counts must see every batch.
Status LockVoters(Connection& db) {
  return db.Run("LOCK TABLE voters IN SHARE ROW EXCLUSIVE MODE");
}

// Finishing an import works over the whole voter table (index builds, the precinct counts,
// the removal of voters a full refresh did not see): minutes at a statewide file's size,
// where a request's statement is bounded by statement_timeout. This transaction only.
Status LiftStatementTimeout(Connection& db) {
  return db.Run("SET LOCAL statement_timeout = 0");
}

Status CheckOpenImport(Connection& db, ImportId import) {
  NARWHAL_ASSIGN_OR_RETURN(
      Rows r,
      db.Exec("SELECT finished_at IS NOT NULL FROM imports WHERE id = $1", Params().Add(import)));
  if (r.empty()) return InvalidArgument("unknown import " + std::to_string(import));
  if (r.Bool(0, 0)) {
    return FailedPrecondition("import " + std::to_string(import) + " is already finished");
  }
  return Status::Ok();
}

// A bulk load whose import never finished (crash, failed import) left the voter indexes
// missing. When no import is running any more, build them before serving. (An import
// that is still unfinished may be another node's bulk load in progress; its FinishImport
// builds them.)
Status IndexAbandonedBulkLoad(Connection& db) {
  NARWHAL_ASSIGN_OR_RETURN(bool indexed, VoterIndexesComplete(db));
  if (indexed) return Status::Ok();
  NARWHAL_RETURN_IF_ERROR(db.Run("BEGIN"));
  Status s = LockVoters(db);
  if (s.ok()) s = LiftStatementTimeout(db);
  Result<Rows> running = db.Exec("SELECT EXISTS (SELECT 1 FROM imports WHERE finished_at IS NULL)");
  if (s.ok()) s = running.status();
  if (s.ok() && !running->Bool(0, 0)) {
    LogWarning("voter indexes missing (unfinished bulk import); rebuilding");
    int64_t dropped = 0;
    s = BuildVoterIndexes(db, dropped);
  }
  if (s.ok()) s = db.Run("COMMIT");
  if (!s.ok()) {
    (void)db.Run("ROLLBACK");
    return s.WithContext("rebuilding voter indexes");
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<PostgresStore>> PostgresStore::Open(const PostgresOptions& options) {
  if (options.conninfo.empty()) return InvalidArgument("PostgreSQL store needs a conninfo");
  if (options.pool_size < 1) return InvalidArgument("pool_size must be >= 1");
  if (options.strike_calls < 0 || options.strike_calls > options.pool_size) {
    return InvalidArgument("strike_calls must be between 1 and pool_size (or 0 for the default)");
  }
  if (options.statement_timeout_ms < 1 || options.connect_timeout_s < 1 ||
      options.acquire_timeout_ms < 0 || options.commit_timeout_ms < 1) {
    return InvalidArgument("PostgreSQL timeouts must be positive");
  }
  ConnectionSettings settings;
  settings.conninfo = options.conninfo;
  settings.statement_timeout = std::chrono::milliseconds(options.statement_timeout_ms);
  settings.connect_timeout = std::chrono::seconds(options.connect_timeout_s);
  auto pool = std::make_unique<ConnectionPool>(
      settings, options.pool_size, std::chrono::milliseconds(options.acquire_timeout_ms));
  {
    NARWHAL_ASSIGN_OR_RETURN(ConnectionPool::Lease db, pool->Acquire());
    NARWHAL_RETURN_IF_ERROR(Migrate(*db));
    NARWHAL_RETURN_IF_ERROR(IndexAbandonedBulkLoad(*db));
  }
  std::unique_ptr<PostgresStore> store(
      new PostgresStore(options, std::move(pool)));  // private constructor
  if (!options.read_replica.conninfo.empty()) {
    NARWHAL_ASSIGN_OR_RETURN(
        store->replica_,
        postgres::ReadReplica::Start(options.read_replica, settings,
                                     [primary = store.get()] { return primary->WalPosition(); }));
  }
  return store;
}

PostgresStore::PostgresStore(const PostgresOptions& options, std::unique_ptr<ConnectionPool> pool)
    : clock_(options.clock != nullptr ? options.clock : &system_clock_),
      commit_timeout_(options.commit_timeout_ms),
      pool_(std::move(pool)),
      strike_combiner_(std::make_unique<StrikeCombiner>(
          StrikeCombinerOptions{.max_calls = options.strike_calls > 0
                                                 ? options.strike_calls
                                                 : std::max(1, options.pool_size / 4),
                                .max_strikes_per_call = kMaxCombinedStrikes},
          [this](std::span<const NewStrike> strikes) { return RecordStrikesNow(strikes); })) {}

PostgresStore::~PostgresStore() = default;

std::string PostgresStore::NowText() const {
  return FormatIso8601(clock_->Now());
}

Status PostgresStore::Transact(Access access, const std::function<Status(Connection&)>& fn) {
  if (access != Access::kStandbyRead) return TransactOn(*pool_, access, fn);
  return RoutedRead([&](ConnectionPool& pool) { return TransactOn(pool, Access::kRead, fn); });
}

Status PostgresStore::TransactOn(ConnectionPool& pool, Access access,
                                 const std::function<Status(Connection&)>& fn) {
  Status last;
  for (int attempt = 0; attempt < 2; ++attempt) {
    Result<ConnectionPool::Lease> lease = pool.Acquire();
    if (!lease.ok()) return lease.status();
    Connection& db = **lease;
    Status s = db.Run(access == Access::kRead ? "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"
                                              : "BEGIN");
    if (s.ok()) s = fn(db);
    if (!s.ok()) {
      if (!db.broken()) {
        (void)db.Run("ROLLBACK");
        return s;
      }
      // Lost before COMMIT was sent: nothing of this call is committed; try once more
      // on a new connection (the pool dropped the dead ones).
      last = s;
      continue;
    }
    (void)db.TakeNotices();
    if (access == Access::kRead) return db.Run("COMMIT");
    return WriteOutcome(db, db.RunWithin("COMMIT", commit_timeout_));
  }
  return last;
}

Result<Rows> PostgresStore::WriteStatement(std::string_view sql, const Params& params) {
  Status last;
  for (int attempt = 0; attempt < 2; ++attempt) {
    Result<ConnectionPool::Lease> lease = pool_->Acquire();
    if (!lease.ok()) return lease.status();
    Connection& db = **lease;
    (void)db.TakeNotices();
    bool sent = false;
    Result<Rows> r = db.ExecWithin(sql, params, commit_timeout_, &sent);
    if (!r.ok() && !sent && db.broken()) {
      last = r.status();  // nothing reached the server: try once more on a new connection
      continue;
    }
    NARWHAL_RETURN_IF_ERROR(WriteOutcome(db, r.status()));
    return r;
  }
  return last;
}

Result<Rows> PostgresStore::ReadStatement(std::string_view sql, const Params& params) {
  Status last;
  for (int attempt = 0; attempt < 2; ++attempt) {
    Result<ConnectionPool::Lease> lease = pool_->Acquire();
    if (!lease.ok()) return lease.status();
    Result<Rows> r = (*lease)->Exec(sql, params);
    if (r.ok() || !(*lease)->broken()) return r;
    last = r.status();
  }
  return last;
}

Status PostgresStore::RoutedRead(const std::function<Status(ConnectionPool&)>& read) {
  if (replica_ == nullptr) return read(*pool_);
  if (std::optional<std::chrono::milliseconds> lag = replica_->FreshLag()) {
    Status s = read(replica_->pool());
    // An answer, or a refusal the primary would give as well (a bad cursor, an unknown
    // voter as of the bounded lag), is the standby's to give; a standby that is gone,
    // conflicts with recovery or lacks a migration not yet replayed is not.
    const ErrorCode code = s.code();
    if (s.ok() || code == ErrorCode::kInvalidArgument || code == ErrorCode::kNotFound) {
      replica_->Count(true);
      NoteThreadRead(true, lag->count());
      return s;
    }
    // Every standby connection busy: this read goes to the primary, the standby stays in
    // use for the next ones (it is loaded, not gone).
    if (code != ErrorCode::kResourceExhausted) {
      LogWarning("read replica: " + s.ToString() + "; reading from the primary");
      replica_->Unreachable();
    }
  }
  replica_->Count(false);
  NoteThreadRead(false, 0);
  return read(*pool_);
}

Status PostgresStore::WriteOutcome(Connection& db, const Status& commit) {
  if (!commit.ok()) {
    if (commit.code() == ErrorCode::kDeadlineExceeded && db.broken()) {
      return DeadlineExceeded(
          "PostgreSQL did not confirm the commit in time (is the synchronous standby "
          "down?); outcome unknown: " +
          commit.message());
    }
    if (db.broken()) {
      return Unavailable("connection to PostgreSQL lost during the commit; outcome unknown: " +
                         commit.message());
    }
    return commit;  // the server refused it: rolled back
  }
  for (const std::string& notice : db.TakeNotices()) {
    if (notice.find("synchronous replication") != std::string::npos) {
      return Unavailable(
          "committed on the primary, but the synchronous standby did not "
          "confirm; outcome unknown: " +
          notice);
    }
  }
  return Status::Ok();
}

Status PostgresStore::NameFields(std::span<const Voter> voters) {
  const std::vector<std::string> unknown = field_names_.Unknown(voters);
  if (unknown.empty()) return Status::Ok();
  std::vector<std::pair<int64_t, std::string>> assigned;
  NARWHAL_RETURN_IF_ERROR(Transact(Access::kWrite, [&](Connection& db) -> Status {
    NARWHAL_ASSIGN_OR_RETURN(assigned, FieldNames::Assign(db, unknown));
    return Status::Ok();
  }));
  field_names_.Remember(assigned);  // committed: safe to use
  return Status::Ok();
}

// --- imports ------------------------------------------------------------------------

Result<ImportId> PostgresStore::BeginImport(const ImportInfo& info) {
  const std::string now = NowText();
  ImportId id = 0;
  NARWHAL_RETURN_IF_ERROR(Transact(Access::kWrite, [&](Connection& db) -> Status {
    NARWHAL_RETURN_IF_ERROR(LockVoters(db));
    NARWHAL_ASSIGN_OR_RETURN(
        Rows r, db.Exec("INSERT INTO imports(kind, format, source, started_at) "
                        "VALUES($1, $2, $3, $4) RETURNING id",
                        Params().Add(info.kind).Add(info.format).Add(info.source).Add(now)));
    id = r.Int64(0, 0);
    NARWHAL_ASSIGN_OR_RETURN(bool indexed, VoterIndexesComplete(db));
    if (!indexed) return Status::Ok();  // a bulk load is already running
    NARWHAL_ASSIGN_OR_RETURN(Rows any, db.Exec("SELECT EXISTS (SELECT 1 FROM voters)"));
    if (any.Bool(0, 0)) return Status::Ok();
    // Empty store: load without the voter indexes and build each once at the end, far
    // cheaper than keeping five b-trees in order row by row.
    return DropVoterIndexes(db);
  }));
  return id;
}

Result<UpsertCounts> PostgresStore::UpsertVoters(ImportId import, std::span<const Voter> voters) {
  for (const Voter& v : voters) {
    if (v.voter_id.empty()) return InvalidArgument("voter with an empty voter id");
  }
  const std::string now = NowText();
  std::string data;
  bool data_for_bulk = false;
  // The rows in COPY format; a bulk load copies straight into voters and adds the
  // import id and time to each row.
  auto encode = [&](bool bulk) -> Status {
    if (!data.empty() && data_for_bulk == bulk) return Status::Ok();
    data.clear();
    data.reserve(voters.size() * 512);
    data_for_bulk = bulk;
    const std::string tail = bulk ? "\t" + std::to_string(import) + "\t" + now : "";
    for (const Voter& v : voters)
      NARWHAL_RETURN_IF_ERROR(AppendVoterRow(v, field_names_, tail, data));
    return Status::Ok();
  };
  NARWHAL_RETURN_IF_ERROR(NameFields(voters));
  UpsertCounts counts;
  NARWHAL_RETURN_IF_ERROR(Transact(Access::kWrite, [&](Connection& db) -> Status {
    counts = UpsertCounts();
    NARWHAL_RETURN_IF_ERROR(LockVoters(db));
    NARWHAL_RETURN_IF_ERROR(CheckOpenImport(db, import));
    if (voters.empty()) return Status::Ok();
    NARWHAL_ASSIGN_OR_RETURN(bool indexed, VoterIndexesComplete(db));
    if (!indexed) {
      // Bulk path: a plain append, no lookups (there is no index to look up by). A voter
      // id repeated by a later batch is resolved when FinishImport builds the indexes.
      NARWHAL_RETURN_IF_ERROR(encode(true));
      NARWHAL_RETURN_IF_ERROR(
          db.CopyIn("COPY voters(" + ColumnList() + ", last_import, updated_at) FROM STDIN", data));
      counts.added = static_cast<int64_t>(voters.size());
    } else {
      NARWHAL_RETURN_IF_ERROR(encode(false));
      NARWHAL_RETURN_IF_ERROR(EnsureVoterStage(db));
      NARWHAL_RETURN_IF_ERROR(
          db.CopyIn("COPY voters_stage(" + ColumnList() + ") FROM STDIN", data));
      NARWHAL_ASSIGN_OR_RETURN(Rows r, db.Exec(MergeSql(), Params().Add(import).Add(now)));
      counts.added = r.Int64(0, 0);
      counts.changed = r.Int64(0, 1);
      counts.moved = r.Int64(0, 2);
      counts.unchanged = r.Int64(0, 3);
      counts.restored = r.Int64(0, 4);
    }
    return db
        .Exec(
            "UPDATE imports SET added = added + $2, changed = changed + $3, "
            "moved = moved + $4, unchanged = unchanged + $5, restored = restored + $6 "
            "WHERE id = $1",
            Params()
                .Add(import)
                .Add(counts.added)
                .Add(counts.changed)
                .Add(counts.moved)
                .Add(counts.unchanged)
                .Add(counts.restored))
        .status();
  }));
  return counts;
}

Result<int64_t> PostgresStore::UpsertHistory(ImportId import,
                                             std::span<const VoteHistoryEntry> rows) {
  std::string data;
  int64_t ord = 0;
  for (const VoteHistoryEntry& r : rows) {
    if (r.voter_id.empty() || r.election_date.empty()) {
      return InvalidArgument("vote history row without a voter id or election date");
    }
    data += std::to_string(ord++);
    for (const std::string* f : {&r.voter_id, &r.election_date, &r.election_desc, &r.voting_method,
                                 &r.party, &r.county, &r.precinct}) {
      data += '\t';
      AppendCopyField(*f, data);
    }
    data += '\n';
  }
  int64_t added = 0;
  NARWHAL_RETURN_IF_ERROR(Transact(Access::kWrite, [&](Connection& db) -> Status {
    added = 0;
    NARWHAL_RETURN_IF_ERROR(CheckOpenImport(db, import));
    if (rows.empty()) return Status::Ok();
    NARWHAL_RETURN_IF_ERROR(
        db.Run("CREATE TEMP TABLE IF NOT EXISTS history_stage(ord bigint NOT NULL, "
               "voter_id text NOT NULL, election_date text NOT NULL, election_desc text NOT "
               "NULL, voting_method text NOT NULL, party text NOT NULL, county text NOT NULL, "
               "precinct text NOT NULL) ON COMMIT DELETE ROWS"));
    NARWHAL_RETURN_IF_ERROR(db.CopyIn(
        "COPY history_stage(ord, voter_id, election_date, election_desc, voting_method, party, "
        "county, precinct) FROM STDIN",
        data));
    // A row given twice in one call: the later one wins, as with row-by-row upserts.
    NARWHAL_ASSIGN_OR_RETURN(
        Rows r,
        db.Exec("WITH up AS (INSERT INTO vote_history(voter_id, election_date, election_desc, "
                "voting_method, party, county, precinct) "
                "SELECT DISTINCT ON (voter_id, election_date) voter_id, election_date, "
                "election_desc, voting_method, party, county, precinct FROM history_stage "
                "ORDER BY voter_id, election_date, ord DESC "
                "ON CONFLICT (voter_id, election_date) DO UPDATE SET "
                "election_desc = EXCLUDED.election_desc, voting_method = "
                "EXCLUDED.voting_method, party = EXCLUDED.party, county = EXCLUDED.county, "
                "precinct = EXCLUDED.precinct RETURNING xmax = 0 AS inserted) "
                "SELECT count(*) FILTER (WHERE inserted) FROM up"));
    added = r.Int64(0, 0);
    return db
        .Exec("UPDATE imports SET history_rows = history_rows + $2 WHERE id = $1",
              Params().Add(import).Add(static_cast<int64_t>(rows.size())))
        .status();
  }));
  return added;
}

Result<FinishImportResult> PostgresStore::FinishImport(ImportId import,
                                                       const FinishImportOptions& options) {
  const std::string now = NowText();
  FinishImportResult result;
  NARWHAL_RETURN_IF_ERROR(Transact(Access::kWrite, [&](Connection& db) -> Status {
    result = FinishImportResult();
    NARWHAL_RETURN_IF_ERROR(LockVoters(db));
    NARWHAL_RETURN_IF_ERROR(LiftStatementTimeout(db));
    NARWHAL_RETURN_IF_ERROR(CheckOpenImport(db, import));
    NARWHAL_ASSIGN_OR_RETURN(bool indexed, VoterIndexesComplete(db));
    if (!indexed) {
      int64_t dropped = 0;
      NARWHAL_RETURN_IF_ERROR(BuildVoterIndexes(db, dropped));
      if (dropped > 0) {
        LogWarning("bulk import stored " + std::to_string(dropped) +
                   " voter rows whose id came again later in the file; kept the last");
      }
    }
    if (options.full_refresh && !options.covered_counties.empty()) {
      NARWHAL_ASSIGN_OR_RETURN(
          Rows r, db.Exec("UPDATE voters SET status = 'removed', removed_at = $3, updated_at = $3 "
                          "WHERE county = ANY($1::text[]) AND removed_at IS NULL "
                          "AND last_import IS DISTINCT FROM $2::bigint "
                          "AND NOT EXISTS (SELECT 1 FROM import_seen "
                          "WHERE import_id = $2::bigint AND voter_ref = voters.id) "
                          "AND voter_id <> ALL($4::text[])",
                          Params()
                              .Add(TextArray(options.covered_counties))
                              .Add(import)
                              .Add(now)
                              .Add(TextArray(options.rejected_voter_ids))));
      result.removed = r.Affected();
    }
    // Vote history changes which elections there are (universe_sql.h): a history file,
    // or a voter file with history columns.
    NARWHAL_ASSIGN_OR_RETURN(
        Rows kind, db.Exec("SELECT kind = 'history' OR history_rows > 0 FROM imports WHERE id = $1",
                           Params().Add(import)));
    if (!kind.empty() && kind.Text(0, 0) == "t") {
      NARWHAL_RETURN_IF_ERROR(db.Run(universe_sql::kRefreshElectionsDelete));
      NARWHAL_RETURN_IF_ERROR(db.Run(universe_sql::RefreshElectionsInsert(" COLLATE \"C\"")));
    }
    // Counts exclude removed voters; names come from the first row of each precinct.
    NARWHAL_RETURN_IF_ERROR(
        db.Run("DELETE FROM precincts;"
               "INSERT INTO precincts(county, precinct, county_name, precinct_name, voters) "
               "SELECT g.county, g.precinct, n.county_name, n.precinct_name, g.live "
               "FROM (SELECT county, precinct, count(*) FILTER (WHERE removed_at IS NULL) AS live, "
               "min(id) AS any_row FROM voters GROUP BY county, precinct) g "
               "JOIN voters n ON n.id = g.any_row;"
               // Statistics for the columns queries filter and sort on; all 38 cost 5x.
               "ANALYZE voters(voter_id, county, precinct, registration_number, last_key, "
               "first_key, removed_at);"));
    NARWHAL_RETURN_IF_ERROR(
        db.Exec("DELETE FROM import_seen WHERE import_id = $1", Params().Add(import)).status());
    return db
        .Exec("UPDATE imports SET finished_at = $2, removed = $3 WHERE id = $1",
              Params().Add(import).Add(now).Add(result.removed))
        .status();
  }));
  return result;
}

// --- reads --------------------------------------------------------------------------

VoterSummary VoterSummaryAt(const Rows& r, int row) {
  VoterSummary v;
  v.voter_id = r.String(row, 0);
  v.last_name = r.String(row, 1);
  v.first_name = r.String(row, 2);
  v.middle_name = r.String(row, 3);
  v.name_suffix = r.String(row, 4);
  v.county = r.String(row, 5);
  v.precinct = r.String(row, 6);
  v.registration_number = r.String(row, 7);
  v.street = r.String(row, 8);
  v.city = r.String(row, 9);
  v.birth_year = static_cast<int>(r.Int64(row, 10));
  v.party = r.String(row, 11);
  v.status = VoterStatusFromName(r.Text(row, 12));
  return v;
}

Result<std::vector<std::optional<PrecinctKey>>> PostgresStore::VoterPrecincts(
    std::span<const std::string> voter_ids) {
  std::vector<std::optional<PrecinctKey>> out(voter_ids.size());
  if (voter_ids.empty()) return out;
  std::vector<std::string> ids(voter_ids.begin(), voter_ids.end());
  NARWHAL_ASSIGN_OR_RETURN(
      Rows r, ReadStatement("SELECT u.n, v.county, v.precinct "
                            "FROM unnest($1::text[]) WITH ORDINALITY AS u(id, n) "
                            "JOIN LATERAL (SELECT w.county, w.precinct FROM voters w "
                            "  WHERE w.voter_id = u.id ORDER BY w.id DESC LIMIT 1) v ON true",
                            Params().Add(TextArray(ids))));
  for (int i = 0; i < r.size(); ++i) {
    const int64_t n = r.Int64(i, 0);
    if (n < 1 || n > static_cast<int64_t>(out.size())) continue;
    out[static_cast<size_t>(n - 1)] = PrecinctKey{r.String(i, 1), r.String(i, 2)};
  }
  return out;
}

Result<VoterRecord> PostgresStore::GetVoter(const std::string& voter_id) {
  VoterRecord record;
  NARWHAL_RETURN_IF_ERROR(Transact(Access::kStandbyRead, [&](Connection& db) -> Status {
    record = VoterRecord();
    NARWHAL_ASSIGN_OR_RETURN(
        Rows r,
        db.Exec("SELECT " + ColumnList() +
                    ", coalesce(removed_at, ''), updated_at FROM voters WHERE voter_id = $1 "
                    "ORDER BY id DESC LIMIT 1",
                Params().Add(voter_id)));
    if (r.empty()) return NotFound("voter '" + voter_id + "' does not exist");
    NARWHAL_ASSIGN_OR_RETURN(record.voter, ReadVoter(r, 0, field_names_, db));
    record.removed_at = r.String(0, 34);
    record.updated_at = r.String(0, 35);
    NARWHAL_ASSIGN_OR_RETURN(
        Rows h, db.Exec("SELECT election_date, election_desc, voting_method, party, county, "
                        "precinct FROM vote_history WHERE voter_id = $1 "
                        "ORDER BY election_date DESC",
                        Params().Add(voter_id)));
    for (int i = 0; i < h.size(); ++i) {
      VoteHistoryEntry e;
      e.voter_id = voter_id;
      e.election_date = h.String(i, 0);
      e.election_desc = h.String(i, 1);
      e.voting_method = h.String(i, 2);
      e.party = h.String(i, 3);
      e.county = h.String(i, 4);
      e.precinct = h.String(i, 5);
      record.history.push_back(std::move(e));
    }
    return Status::Ok();
  }));
  return record;
}

namespace {

// Adds `value` to `params` and returns its placeholder.
std::string Bind(Params& params, std::string_view value) {
  params.Add(value);
  return "$" + std::to_string(params.size());
}

// "key starts with prefix" as a range the index can walk (byte order, COLLATE "C").
std::string PrefixRange(std::string_view column, const std::string& prefix, Params& params) {
  std::string sql = std::string(" AND ") + std::string(column) + " >= " + Bind(params, prefix);
  const std::string bound = PrefixUpperBound(prefix);
  if (!bound.empty())
    sql += std::string(" AND ") + std::string(column) + " < " + Bind(params, bound);
  return sql;
}

// The SQL of one branch from fixed fragments; values are always bound.
std::string BranchSql(const NameBranch& b, const VoterQuery& q,
                      const std::optional<SearchCursor>& cursor, Params& params) {
  std::string sql =
      "SELECT voter_id, last_name, first_name, middle_name, name_suffix, county, precinct, "
      "registration_number, res_street, res_city, birth_year, party, status, last_key, "
      "first_key FROM voters WHERE true";
  switch (b.match) {
    case NameMatch::kNone: break;
    case NameMatch::kLastPrefix: sql += PrefixRange("last_key", b.last, params); break;
    case NameMatch::kLastThenFirst:
      sql += " AND last_key = " + Bind(params, b.last) + PrefixRange("first_key", b.first, params);
      break;
    case NameMatch::kFirstThenLast:
      sql += " AND first_key = " + Bind(params, b.first) + PrefixRange("last_key", b.last, params);
      break;
  }
  if (!q.registration_number.empty()) {
    sql += " AND registration_number = " + Bind(params, q.registration_number);
  }
  if (!q.county.empty()) sql += " AND county = " + Bind(params, q.county);
  if (!q.precinct.empty()) sql += " AND precinct = " + Bind(params, q.precinct);
  if (!q.include_removed) sql += " AND removed_at IS NULL";
  if (q.scope) {
    std::vector<std::string> pc;
    std::vector<std::string> pp;
    for (const PrecinctKey& k : q.scope->precincts) {
      pc.push_back(k.county);
      pp.push_back(k.precinct);
    }
    sql += " AND (county = ANY(" + Bind(params, TextArray(q.scope->counties)) +
           "::text[]) OR (county, precinct) IN (SELECT * FROM unnest(" +
           Bind(params, TextArray(pc)) + "::text[], " + Bind(params, TextArray(pp)) + "::text[])))";
  }
  if (cursor) {
    sql += " AND (last_key, first_key, voter_id) > (" + Bind(params, cursor->last_key) + ", " +
           Bind(params, cursor->first_key) + ", " + Bind(params, cursor->voter_id) + ")";
  }
  // One more than a page tells whether another page follows.
  sql += " ORDER BY last_key, first_key, voter_id LIMIT " +
         Bind(params, std::to_string(q.limit + 1)) + "::integer";
  return sql;
}

}  // namespace

Result<VoterPage> PostgresStore::SearchVoters(const VoterQuery& query) {
  NARWHAL_ASSIGN_OR_RETURN(VoterSearchPlan plan, PlanVoterSearch(query));
  if (plan.empty_scope) return VoterPage{};
  const std::optional<SearchCursor>& cursor = plan.cursor;

  std::vector<VoterSearchRow> rows;
  NARWHAL_RETURN_IF_ERROR(Transact(Access::kStandbyRead, [&](Connection& db) -> Status {
    rows.clear();
    for (const NameBranch& b : plan.branches) {
      Params params;
      const std::string sql = BranchSql(b, query, cursor, params);
      NARWHAL_ASSIGN_OR_RETURN(Rows r, db.Exec(sql, params));
      for (int i = 0; i < r.size(); ++i) {
        VoterSearchRow row;
        row.summary.voter_id = r.String(i, 0);
        row.summary.last_name = r.String(i, 1);
        row.summary.first_name = r.String(i, 2);
        row.summary.middle_name = r.String(i, 3);
        row.summary.name_suffix = r.String(i, 4);
        row.summary.county = r.String(i, 5);
        row.summary.precinct = r.String(i, 6);
        row.summary.registration_number = r.String(i, 7);
        row.summary.street = r.String(i, 8);
        row.summary.city = r.String(i, 9);
        row.summary.birth_year = static_cast<int>(r.Int64(i, 10));
        row.summary.party = r.String(i, 11);
        row.summary.status = VoterStatusFromName(r.Text(i, 12));
        row.last_key = r.String(i, 13);
        row.first_key = r.String(i, 14);
        rows.push_back(std::move(row));
      }
    }
    return Status::Ok();
  }));
  return FinishVoterPage(std::move(rows), query.limit);
}

Result<std::vector<PrecinctSummary>> PostgresStore::ListPrecincts(const std::string& county) {
  std::vector<PrecinctSummary> out;
  NARWHAL_RETURN_IF_ERROR(Transact(Access::kStandbyRead, [&](Connection& db) -> Status {
    out.clear();
    NARWHAL_ASSIGN_OR_RETURN(
        Rows r, db.Exec("SELECT county, county_name, precinct, precinct_name, voters FROM "
                        "precincts WHERE ($1 = '' OR county = $1) ORDER BY county, precinct",
                        Params().Add(county)));
    for (int i = 0; i < r.size(); ++i) {
      PrecinctSummary p;
      p.county = r.String(i, 0);
      p.county_name = r.String(i, 1);
      p.precinct = r.String(i, 2);
      p.precinct_name = r.String(i, 3);
      p.voters = r.Int64(i, 4);
      out.push_back(std::move(p));
    }
    return Status::Ok();
  }));
  return out;
}

Result<StoreStats> PostgresStore::Stats() {
  StoreStats stats;
  NARWHAL_RETURN_IF_ERROR(Transact(Access::kStandbyRead, [&](Connection& db) -> Status {
    NARWHAL_ASSIGN_OR_RETURN(
        Rows r, db.Exec("SELECT (SELECT count(*) FROM voters WHERE removed_at IS NULL), "
                        "(SELECT count(*) FROM voters WHERE removed_at IS NOT NULL), "
                        "(SELECT count(*) FROM vote_history), (SELECT count(*) FROM precincts)"));
    stats.voters = r.Int64(0, 0);
    stats.removed = r.Int64(0, 1);
    stats.history_rows = r.Int64(0, 2);
    stats.precincts = r.Int64(0, 3);
    return Status::Ok();
  }));
  return stats;
}

std::optional<ReadReplicaStatus> PostgresStore::ReadReplica() {
  if (replica_ == nullptr) return std::nullopt;
  return replica_->status();
}

Result<int64_t> PostgresStore::WalPosition() {
  NARWHAL_ASSIGN_OR_RETURN(
      Rows r, ReadStatement("SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint", Params()));
  return r.Int64(0, 0);
}

Status PostgresStore::Ping() {
  return Transact(Access::kWrite, [](Connection& db) -> Status {
    NARWHAL_ASSIGN_OR_RETURN(Rows r, db.Exec("SELECT pg_is_in_recovery()"));
    if (r.Bool(0, 0)) return Unavailable("PostgreSQL server is a read-only standby");
    return Status::Ok();
  });
}

}  // namespace postgres
}  // namespace narwhal

#include "storage/sqlite/sqlite_store.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <string_view>
#include <utility>

#include "base/log.h"
#include "base/text.h"
#include "storage/named_values_json.h"
#include "storage/search_cursor.h"
#include "storage/sqlite/schema.h"
#include "storage/sqlite/sqlite_store_impl.h"
#include "storage/universe_sql.h"
#include "storage/voter_search.h"

namespace narwhal {

Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteOptions& options) {
  NARWHAL_ASSIGN_OR_RETURN(std::unique_ptr<sqlite::SqliteStore> store,
                           sqlite::SqliteStore::Open(options));
  return std::unique_ptr<Store>(std::move(store));
}

namespace sqlite {
namespace {

// Durable (WAL + synchronous=FULL: a commit is fsync'ed before it is acknowledged) and
// fast: big pages and cache, temporary storage in memory (savepoint and statement journals
// never touch a temp directory), sorter threads for index builds (see EnsureBulkIndexes).
// page_size only takes effect on a new file, before the first table.
constexpr std::string_view kWriterPragmas =
    "PRAGMA page_size = 8192;"
    "PRAGMA journal_mode = WAL;"
    "PRAGMA synchronous = FULL;"
    "PRAGMA cache_size = -262144;"
    "PRAGMA temp_store = MEMORY;"
    "PRAGMA mmap_size = 1073741824;"
    "PRAGMA threads = 2;"
    "PRAGMA wal_autocheckpoint = 4096;";  // finishes what the Checkpointer's thread began

constexpr std::chrono::milliseconds kCheckpointInterval{200};

constexpr std::string_view kReaderPragmas =
    "PRAGMA cache_size = -65536;"
    "PRAGMA temp_store = MEMORY;"
    "PRAGMA mmap_size = 1073741824;"
    "PRAGMA query_only = 1;";

// Parameters ?1..?36 of every statement that writes a whole voter (BindVoter).
#define NARWHAL_VOTER_COLUMNS                                                                    \
  "voter_id, state, county, county_name, precinct, precinct_name, registration_number, "         \
  "last_name, first_name, middle_name, name_suffix, last_key, first_key, res_street, "           \
  "res_city, res_state, res_zip, mailing_address, mail_street, mail_city, mail_state, "          \
  "mail_zip, party, status, status_reason, birth_year, registration_date, phone, gender, race, " \
  "ethnicity, districts, extra, fingerprint, last_import, updated_at"

constexpr std::string_view kInsertVoter =
    "INSERT INTO voters(" NARWHAL_VOTER_COLUMNS
    ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, "
    "?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35, ?36)";

constexpr std::string_view kUpdateVoter =
    "UPDATE voters SET state = ?2, county = ?3, county_name = ?4, precinct = ?5, "
    "precinct_name = ?6, registration_number = ?7, last_name = ?8, first_name = ?9, "
    "middle_name = ?10, name_suffix = ?11, last_key = ?12, first_key = ?13, res_street = ?14, "
    "res_city = ?15, res_state = ?16, res_zip = ?17, mailing_address = ?18, mail_street = ?19, "
    "mail_city = ?20, mail_state = ?21, mail_zip = ?22, party = ?23, status = ?24, "
    "status_reason = ?25, birth_year = ?26, registration_date = ?27, phone = ?28, gender = ?29, "
    "race = ?30, ethnicity = ?31, districts = ?32, extra = ?33, fingerprint = ?34, "
    "last_import = ?35, updated_at = ?36, removed_at = NULL WHERE rowid = ?37";

constexpr std::string_view kSelectVoter =
    "SELECT " NARWHAL_VOTER_COLUMNS ", removed_at FROM voters WHERE voter_id = ?1";

#undef NARWHAL_VOTER_COLUMNS

}  // namespace

// The values of a voter that are computed rather than stored as given. Computed on the
// calling thread, before the job reaches the writer, so the single writer thread only
// binds and inserts; kept alive while their bytes are bound (binding does not copy).
struct DerivedVoterFields {
  std::string last_key;
  std::string first_key;
  std::string districts;  // FieldDictionary blobs
  std::string extra;
  int64_t fingerprint = 0;
  bool needs_writer = false;  // a name without an id yet: the writer encodes the blobs

  void Compute(const Voter& v, const FieldDictionary& fields,
               FieldDictionary::NameCache& district_names,
               FieldDictionary::NameCache& extra_names) {
    last_key = LastNameKey(v);
    first_key = FirstNameKey(v);
    needs_writer = !fields.TryEncode(v.districts, districts, district_names) ||
                   !fields.TryEncode(v.extra, extra, extra_names);
    // Stored as SQLite's signed 64-bit integer; the bits are what matter.
    fingerprint = static_cast<int64_t>(Fingerprint(v));
  }
};

namespace {

void BindVoter(Statement& s, const Voter& v, const DerivedVoterFields& d, ImportId import,
               const std::string& now) {
  s.BindText(1, v.voter_id);
  s.BindText(2, v.state);
  s.BindText(3, v.county);
  s.BindText(4, v.county_name);
  s.BindText(5, v.precinct);
  s.BindText(6, v.precinct_name);
  s.BindText(7, v.registration_number);
  s.BindText(8, v.last_name);
  s.BindText(9, v.first_name);
  s.BindText(10, v.middle_name);
  s.BindText(11, v.name_suffix);
  s.BindText(12, d.last_key);
  s.BindText(13, d.first_key);
  s.BindText(14, v.residence.street);
  s.BindText(15, v.residence.city);
  s.BindText(16, v.residence.state);
  s.BindText(17, v.residence.zip);
  s.BindText(18, v.mailing_address);
  s.BindText(19, v.mailing.street);
  s.BindText(20, v.mailing.city);
  s.BindText(21, v.mailing.state);
  s.BindText(22, v.mailing.zip);
  s.BindText(23, v.party);
  s.BindText(24, VoterStatusName(v.status));
  s.BindText(25, v.status_reason);
  s.BindInt64(26, v.birth_year);
  s.BindText(27, v.registration_date);
  s.BindText(28, v.phone);
  s.BindText(29, v.gender);
  s.BindText(30, v.race);
  s.BindText(31, v.ethnicity);
  s.BindBlob(32, d.districts);
  s.BindBlob(33, d.extra);
  s.BindInt64(34, d.fingerprint);
  s.BindInt64(35, import);
  s.BindText(36, now);
}

// Districts and extra: FieldDictionary blobs, or JSON text in rows written before schema
// version 5.
Result<NamedValues> ReadNamedValues(const Statement& s, int column, FieldDictionary& fields,
                                    Connection& db) {
  if (s.ColumnIsText(column)) return DecodeNamedValues(s.ColumnText(column));
  return fields.Decode(db, s.ColumnBlob(column));
}

Result<Voter> ReadVoter(const Statement& s, FieldDictionary& fields, Connection& db) {
  Voter v;
  v.voter_id = s.ColumnString(0);
  v.state = s.ColumnString(1);
  v.county = s.ColumnString(2);
  v.county_name = s.ColumnString(3);
  v.precinct = s.ColumnString(4);
  v.precinct_name = s.ColumnString(5);
  v.registration_number = s.ColumnString(6);
  v.last_name = s.ColumnString(7);
  v.first_name = s.ColumnString(8);
  v.middle_name = s.ColumnString(9);
  v.name_suffix = s.ColumnString(10);
  // 11, 12: search keys, derived.
  v.residence.street = s.ColumnString(13);
  v.residence.city = s.ColumnString(14);
  v.residence.state = s.ColumnString(15);
  v.residence.zip = s.ColumnString(16);
  v.mailing_address = s.ColumnString(17);
  v.mailing.street = s.ColumnString(18);
  v.mailing.city = s.ColumnString(19);
  v.mailing.state = s.ColumnString(20);
  v.mailing.zip = s.ColumnString(21);
  v.party = s.ColumnString(22);
  v.status = VoterStatusFromName(s.ColumnText(23));
  v.status_reason = s.ColumnString(24);
  v.birth_year = static_cast<int>(s.ColumnInt64(25));
  v.registration_date = s.ColumnString(26);
  v.phone = s.ColumnString(27);
  v.gender = s.ColumnString(28);
  v.race = s.ColumnString(29);
  v.ethnicity = s.ColumnString(30);
  NARWHAL_ASSIGN_OR_RETURN(v.districts, ReadNamedValues(s, 31, fields, db));
  NARWHAL_ASSIGN_OR_RETURN(v.extra, ReadNamedValues(s, 32, fields, db));
  return v;
}

Status ValidateVoter(const Voter& v) {
  if (v.voter_id.empty()) return InvalidArgument("voter with an empty voter id");
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const SqliteOptions& options) {
  if (options.path.empty()) return InvalidArgument("SQLite store needs a path");
  if (options.read_connections < 1) return InvalidArgument("read_connections must be >= 1");
  if (options.max_queued_writes < 1) return InvalidArgument("max_queued_writes must be >= 1");
  if (options.write_queue_timeout_ms < 0 || options.busy_timeout_ms < 0) {
    return InvalidArgument("timeouts must not be negative");
  }
  NARWHAL_ASSIGN_OR_RETURN(std::unique_ptr<Connection> db,
                           Connection::Open(options.path, OpenMode::kReadWriteCreate));
  const std::string busy = "PRAGMA busy_timeout = " + std::to_string(options.busy_timeout_ms) + ";";
  NARWHAL_RETURN_IF_ERROR(db->Exec(busy));
  NARWHAL_RETURN_IF_ERROR(db->Exec(kWriterPragmas).WithContext("opening " + options.path));
  NARWHAL_RETURN_IF_ERROR(Migrate(*db).WithContext(options.path));

  // A bulk load that never finished (crash, or an import that failed before
  // FinishImport) left the voter indexes missing; build them before serving anything.
  NARWHAL_ASSIGN_OR_RETURN(bool complete, BulkIndexesComplete(*db));
  if (!complete) {
    LogWarning("voter indexes missing (unfinished bulk import); rebuilding");
    NARWHAL_RETURN_IF_ERROR(db->Exec("BEGIN IMMEDIATE"));
    int64_t dropped = 0;
    Status s = EnsureBulkIndexes(*db, dropped);
    if (s.ok()) s = db->Exec("COMMIT");
    if (!s.ok()) {
      (void)db->Exec("ROLLBACK");
      return s.WithContext("rebuilding voter indexes");
    }
  }

  NARWHAL_ASSIGN_OR_RETURN(
      std::unique_ptr<ReaderPool> readers,
      ReaderPool::Open(options.path, options.read_connections, std::string(kReaderPragmas) + busy));
  NARWHAL_ASSIGN_OR_RETURN(std::unique_ptr<Connection> checkpoint_db,
                           Connection::Open(options.path, OpenMode::kReadWriteCreate));
  NARWHAL_RETURN_IF_ERROR(checkpoint_db->Exec(busy));
  auto checkpointer = std::make_unique<Checkpointer>(std::move(checkpoint_db), kCheckpointInterval);
  WriteQueueOptions queue_options;
  queue_options.max_queued_jobs = static_cast<size_t>(options.max_queued_writes);
  queue_options.enqueue_timeout = std::chrono::milliseconds(options.write_queue_timeout_ms);
  auto writer = std::make_unique<WriteQueue>(std::move(db), queue_options);
  std::unique_ptr<SqliteStore> store(new SqliteStore(options, std::move(writer), std::move(readers),
                                                     std::move(checkpointer)));  // private
  {
    ReaderPool::Lease lease = store->readers_->Acquire();
    NARWHAL_RETURN_IF_ERROR(store->fields_.Load(*lease).WithContext("loading field names"));
  }
  return store;
}

SqliteStore::SqliteStore(const SqliteOptions& options, std::unique_ptr<WriteQueue> writer,
                         std::unique_ptr<ReaderPool> readers,
                         std::unique_ptr<Checkpointer> checkpointer)
    : clock_(options.clock != nullptr ? options.clock : &system_clock_),
      readers_(std::move(readers)),
      checkpointer_(std::move(checkpointer)),
      writer_(std::move(writer)) {}

SqliteStore::~SqliteStore() = default;

std::string SqliteStore::NowText() const {
  return FormatIso8601(clock_->Now());
}

// --- imports ------------------------------------------------------------------------

Result<ImportId> SqliteStore::BeginImport(const ImportInfo& info) {
  const std::string now = NowText();
  ImportId id = 0;
  Status s = writer_->Submit([&](Connection& db) -> Status {
    NARWHAL_ASSIGN_OR_RETURN(
        ScopedStatement insert,
        db.Prepare("INSERT INTO imports(kind, format, source, started_at) VALUES(?1, ?2, ?3, ?4)"));
    insert->BindText(1, info.kind);
    insert->BindText(2, info.format);
    insert->BindText(3, info.source);
    insert->BindText(4, now);
    NARWHAL_RETURN_IF_ERROR(insert->Run());
    id = db.LastInsertRowid();
    NARWHAL_ASSIGN_OR_RETURN(bool indexed, BulkIndexesComplete(db));
    if (!indexed) return Status::Ok();  // a bulk load is already running
    NARWHAL_ASSIGN_OR_RETURN(int64_t any, db.QueryInt64("SELECT EXISTS(SELECT 1 FROM voters)"));
    if (any != 0) return Status::Ok();
    // Empty store: load without the voter and household indexes and build each once at
    // the end; that is far cheaper than keeping ten b-trees in order row by row. Writing the state
    // into the schema keeps it true across rollbacks and crashes.
    NARWHAL_RETURN_IF_ERROR(DropBulkIndexes(db));
    NARWHAL_ASSIGN_OR_RETURN(ScopedStatement mark,
                             db.Prepare("UPDATE imports SET bulk = 1 WHERE id = ?1"));
    mark->BindInt64(1, id);
    return mark->Run();
  });
  if (!s.ok()) return s;
  return id;
}

Status SqliteStore::CheckOpenImport(Connection& db, ImportId import) {
  NARWHAL_ASSIGN_OR_RETURN(ScopedStatement q,
                           db.Prepare("SELECT finished_at IS NOT NULL FROM imports WHERE id = ?1"));
  q->BindInt64(1, import);
  NARWHAL_ASSIGN_OR_RETURN(bool row, q->Step());
  if (!row) return InvalidArgument("unknown import " + std::to_string(import));
  if (q->ColumnInt64(0) != 0) {
    return FailedPrecondition("import " + std::to_string(import) + " is already finished");
  }
  return Status::Ok();
}

Status SqliteStore::InsertVoters(Connection& db, ImportId import, std::span<const Voter> voters,
                                 std::span<const DerivedVoterFields> derived,
                                 const std::string& now, UpsertCounts& counts) {
  NARWHAL_ASSIGN_OR_RETURN(ScopedStatement insert, db.Prepare(kInsertVoter));
  for (size_t i = 0; i < voters.size(); ++i) {
    const Voter& v = voters[i];
    BindVoter(*insert, v, derived[i], import, now);
    Status s = insert->Run();
    insert->Reset();
    if (!s.ok()) return s.WithContext("storing voter " + v.voter_id);
    ++counts.added;
  }
  return Status::Ok();
}

Status SqliteStore::MergeVoters(Connection& db, ImportId import, std::span<const Voter> voters,
                                std::span<const DerivedVoterFields> derived_fields,
                                const std::string& now, UpsertCounts& counts) {
  NARWHAL_ASSIGN_OR_RETURN(
      ScopedStatement lookup,
      db.Prepare("SELECT rowid, fingerprint, removed_at IS NOT NULL, res_street, res_city, "
                 "res_state, res_zip, county, precinct FROM voters WHERE voter_id = ?1"));
  NARWHAL_ASSIGN_OR_RETURN(ScopedStatement insert, db.Prepare(kInsertVoter));
  NARWHAL_ASSIGN_OR_RETURN(ScopedStatement update, db.Prepare(kUpdateVoter));
  // Unchanged voters are only marked as seen, in a narrow table: rewriting their row
  // would rewrite the whole voter table on every weekly re-import.
  NARWHAL_ASSIGN_OR_RETURN(
      ScopedStatement touch,
      db.Prepare("INSERT OR IGNORE INTO import_seen(import_id, voter_rowid) VALUES(?1, ?2)"));
  Voter before;
  for (size_t i = 0; i < voters.size(); ++i) {
    const Voter& v = voters[i];
    const DerivedVoterFields& derived = derived_fields[i];
    lookup->BindText(1, v.voter_id);
    NARWHAL_ASSIGN_OR_RETURN(bool found, lookup->Step());
    if (!found) {
      lookup->Reset();
      BindVoter(*insert, v, derived, import, now);
      Status s = insert->Run();
      insert->Reset();
      if (!s.ok()) return s.WithContext("storing voter " + v.voter_id);
      ++counts.added;
      continue;
    }
    const int64_t rowid = lookup->ColumnInt64(0);
    const bool same = lookup->ColumnInt64(1) == derived.fingerprint;
    const bool was_removed = lookup->ColumnInt64(2) != 0;
    before.residence.street = lookup->ColumnText(3);
    before.residence.city = lookup->ColumnText(4);
    before.residence.state = lookup->ColumnText(5);
    before.residence.zip = lookup->ColumnText(6);
    before.county = lookup->ColumnText(7);
    before.precinct = lookup->ColumnText(8);
    lookup->Reset();
    if (same && !was_removed) {
      touch->BindInt64(1, import);
      touch->BindInt64(2, rowid);
      Status s = touch->Run();
      touch->Reset();
      NARWHAL_RETURN_IF_ERROR(s);
      ++counts.unchanged;
      continue;
    }
    BindVoter(*update, v, derived, import, now);
    update->BindInt64(37, rowid);
    Status s = update->Run();
    update->Reset();
    if (!s.ok()) return s.WithContext("updating voter " + v.voter_id);
    ++counts.changed;
    if (IsMove(before, v)) ++counts.moved;
    if (was_removed) ++counts.restored;
  }
  return Status::Ok();
}

namespace {

struct PreparedSqliteVoters final : PreparedVoters {
  const SqliteStore* store = nullptr;  // field ids are this store's
  std::vector<DerivedVoterFields> derived;
};

}  // namespace

std::unique_ptr<PreparedVoters> SqliteStore::PrepareVoters(std::span<const Voter> voters) {
  auto prepared = std::make_unique<PreparedSqliteVoters>();
  prepared->store = this;
  prepared->derived.resize(voters.size());
  FieldDictionary::NameCache district_names;
  FieldDictionary::NameCache extra_names;
  for (size_t i = 0; i < voters.size(); ++i) {
    prepared->derived[i].Compute(voters[i], fields_, district_names, extra_names);
  }
  return prepared;
}

Result<UpsertCounts> SqliteStore::UpsertVoters(ImportId import, std::span<const Voter> voters) {
  return UpsertPreparedVoters(import, voters, PrepareVoters(voters));
}

Result<UpsertCounts> SqliteStore::UpsertPreparedVoters(ImportId import,
                                                       std::span<const Voter> voters,
                                                       std::unique_ptr<PreparedVoters> prepared) {
  for (const Voter& v : voters) NARWHAL_RETURN_IF_ERROR(ValidateVoter(v));
  auto* mine = dynamic_cast<PreparedSqliteVoters*>(prepared.get());
  if (mine == nullptr || mine->store != this || mine->derived.size() != voters.size()) {
    prepared = PrepareVoters(voters);
    mine = static_cast<PreparedSqliteVoters*>(prepared.get());
  }
  std::vector<DerivedVoterFields>& derived = mine->derived;
  const std::string now = NowText();
  FieldDictionary::WriterSession new_fields(fields_);
  UpsertCounts counts;
  Status s = writer_->Submit([&](Connection& db) -> Status {
    counts = UpsertCounts();
    NARWHAL_RETURN_IF_ERROR(CheckOpenImport(db, import));
    for (size_t i = 0; i < voters.size(); ++i) {
      if (!derived[i].needs_writer) continue;
      NARWHAL_RETURN_IF_ERROR(new_fields.Encode(db, voters[i].districts, derived[i].districts));
      NARWHAL_RETURN_IF_ERROR(new_fields.Encode(db, voters[i].extra, derived[i].extra));
    }
    // Missing voter indexes mean a bulk load of an empty store is running: plain
    // appends, no lookups (there is no index to look up by).
    NARWHAL_ASSIGN_OR_RETURN(bool indexed, BulkIndexesComplete(db));
    if (!indexed) {
      NARWHAL_RETURN_IF_ERROR(InsertVoters(db, import, voters, derived, now, counts));
    } else {
      NARWHAL_RETURN_IF_ERROR(MergeVoters(db, import, voters, derived, now, counts));
    }
    NARWHAL_ASSIGN_OR_RETURN(
        ScopedStatement record,
        db.Prepare("UPDATE imports SET added = added + ?2, changed = changed + ?3, "
                   "moved = moved + ?4, unchanged = unchanged + ?5, restored = restored + ?6 "
                   "WHERE id = ?1"));
    record->BindInt64(1, import);
    record->BindInt64(2, counts.added);
    record->BindInt64(3, counts.changed);
    record->BindInt64(4, counts.moved);
    record->BindInt64(5, counts.unchanged);
    record->BindInt64(6, counts.restored);
    return record->Run();
  });
  if (!s.ok()) return s;
  new_fields.Commit();  // only now are the new ids durable
  return counts;
}

Result<int64_t> SqliteStore::UpsertHistory(ImportId import,
                                           std::span<const VoteHistoryEntry> rows) {
  for (const VoteHistoryEntry& r : rows) {
    if (r.voter_id.empty() || r.election_date.empty()) {
      return InvalidArgument("vote history row without a voter id or election date");
    }
  }
  int64_t added = 0;
  Status s = writer_->Submit([&](Connection& db) -> Status {
    added = 0;
    NARWHAL_RETURN_IF_ERROR(CheckOpenImport(db, import));
    // New rows cost one INSERT; only rows that exist pay for the UPDATE as well.
    NARWHAL_ASSIGN_OR_RETURN(
        ScopedStatement insert,
        db.Prepare("INSERT OR IGNORE INTO vote_history(voter_id, election_date, election_desc, "
                   "voting_method, party, county, precinct) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
    NARWHAL_ASSIGN_OR_RETURN(
        ScopedStatement update,
        db.Prepare("UPDATE vote_history SET election_desc = ?3, voting_method = ?4, party = ?5, "
                   "county = ?6, precinct = ?7 WHERE voter_id = ?1 AND election_date = ?2"));
    for (const VoteHistoryEntry& r : rows) {
      for (Statement* stmt : {&*insert, &*update}) {
        stmt->BindText(1, r.voter_id);
        stmt->BindText(2, r.election_date);
        stmt->BindText(3, r.election_desc);
        stmt->BindText(4, r.voting_method);
        stmt->BindText(5, r.party);
        stmt->BindText(6, r.county);
        stmt->BindText(7, r.precinct);
      }
      Status st = insert->Run();
      insert->Reset();
      NARWHAL_RETURN_IF_ERROR(st);
      if (db.Changes() == 1) {
        ++added;
        update->Reset();
        continue;
      }
      st = update->Run();
      update->Reset();
      NARWHAL_RETURN_IF_ERROR(st);
    }
    NARWHAL_ASSIGN_OR_RETURN(
        ScopedStatement record,
        db.Prepare("UPDATE imports SET history_rows = history_rows + ?2 WHERE id = ?1"));
    record->BindInt64(1, import);
    record->BindInt64(2, static_cast<int64_t>(rows.size()));
    return record->Run();
  });
  if (!s.ok()) return s;
  return added;
}

Result<FinishImportResult> SqliteStore::FinishImport(ImportId import,
                                                     const FinishImportOptions& options) {
  const std::string now = NowText();
  FinishImportResult result;
  Status s = writer_->Submit([&](Connection& db) -> Status {
    result = FinishImportResult();
    NARWHAL_RETURN_IF_ERROR(CheckOpenImport(db, import));
    NARWHAL_ASSIGN_OR_RETURN(bool indexed, BulkIndexesComplete(db));
    if (!indexed) {
      int64_t dropped = 0;
      NARWHAL_RETURN_IF_ERROR(EnsureBulkIndexes(db, dropped));
      if (dropped > 0) {
        LogWarning("bulk import stored " + std::to_string(dropped) +
                   " voter rows whose id came again later in the file; kept the last");
      }
      // Fresh statistics let the planner pick the right index; sampled, so cheap.
      NARWHAL_RETURN_IF_ERROR(db.Exec("PRAGMA analysis_limit = 1000; ANALYZE;"));
    }
    if (options.full_refresh) {
      // Rows the import read but rejected still stand in the state's file: they count as
      // seen, so the refresh below leaves them alone.
      NARWHAL_ASSIGN_OR_RETURN(
          ScopedStatement seen,
          db.Prepare("INSERT OR IGNORE INTO import_seen(import_id, voter_rowid) "
                     "SELECT ?1, rowid FROM voters WHERE voter_id = ?2"));
      for (const std::string& voter_id : options.rejected_voter_ids) {
        seen->BindInt64(1, import);
        seen->BindText(2, voter_id);
        Status st = seen->Run();
        seen->Reset();
        NARWHAL_RETURN_IF_ERROR(st);
      }
      NARWHAL_ASSIGN_OR_RETURN(
          ScopedStatement remove,
          db.Prepare("UPDATE voters SET status = 'removed', removed_at = ?3, updated_at = ?3 "
                     "WHERE county = ?1 AND removed_at IS NULL AND last_import IS NOT ?2 "
                     "AND NOT EXISTS (SELECT 1 FROM import_seen "
                     "WHERE import_id = ?2 AND voter_rowid = voters.rowid)"));
      for (const std::string& county : options.covered_counties) {
        remove->BindText(1, county);
        remove->BindInt64(2, import);
        remove->BindText(3, now);
        Status st = remove->Run();
        remove->Reset();
        NARWHAL_RETURN_IF_ERROR(st);
        result.removed += db.Changes();
      }
    }
    // Vote history changes which elections there are (universes count "the last four
    // generals" from this summary): a history file, or a voter file with history columns.
    NARWHAL_ASSIGN_OR_RETURN(
        ScopedStatement kind,
        db.Prepare("SELECT kind = 'history' OR history_rows > 0 FROM imports WHERE id = ?1"));
    kind->BindInt64(1, import);
    NARWHAL_ASSIGN_OR_RETURN(bool found, kind->Step());
    const bool history = found && kind->ColumnInt64(0) != 0;
    kind->Reset();
    if (history) {
      NARWHAL_RETURN_IF_ERROR(db.Exec(universe_sql::kRefreshElectionsDelete));
      NARWHAL_RETURN_IF_ERROR(db.Exec(universe_sql::RefreshElectionsInsert("")));
    }
    // Counts come from the precinct index and the removed-voter index alone (no row is
    // read but one per precinct for its names), which keeps this cheap on a big file.
    NARWHAL_RETURN_IF_ERROR(db.Exec(
        "DELETE FROM precincts;"
        "INSERT INTO precincts(county, precinct, county_name, precinct_name, voters) "
        "SELECT g.county, g.precinct, n.county_name, n.precinct_name, g.all_voters - "
        "(SELECT count(*) FROM voters r WHERE r.county = g.county AND r.precinct = g.precinct "
        "AND r.removed_at IS NOT NULL) "
        "FROM (SELECT county, precinct, count(*) AS all_voters, min(rowid) AS any_row "
        "FROM voters GROUP BY county, precinct) g JOIN voters n ON n.rowid = g.any_row;"));
    // Elections already under way keep their turnout rows in step with the voter file:
    // registered counts follow, a new precinct gets its row (supporters arrive with its
    // next UpsertScores). Per precinct, never per voter.
    NARWHAL_RETURN_IF_ERROR(
        db.Exec("UPDATE turnout SET registered = coalesce((SELECT p.voters FROM precincts p "
                "WHERE p.county = turnout.county AND p.precinct = turnout.precinct), 0);"
                "INSERT OR IGNORE INTO turnout(election, county, precinct, registered, voted, "
                "supporters, supporters_voted, expected, last_report_at) "
                "SELECT e.election, p.county, p.precinct, p.voters, 0, 0, 0, 0, NULL "
                "FROM (SELECT DISTINCT election FROM turnout) e CROSS JOIN precincts p;"));
    NARWHAL_ASSIGN_OR_RETURN(ScopedStatement forget,
                             db.Prepare("DELETE FROM import_seen WHERE import_id = ?1"));
    forget->BindInt64(1, import);
    NARWHAL_RETURN_IF_ERROR(forget->Run());
    NARWHAL_ASSIGN_OR_RETURN(
        ScopedStatement record,
        db.Prepare("UPDATE imports SET finished_at = ?2, removed = ?3 WHERE id = ?1"));
    record->BindInt64(1, import);
    record->BindText(2, now);
    record->BindInt64(3, result.removed);
    NARWHAL_RETURN_IF_ERROR(record->Run());
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return result;
}

// --- reads --------------------------------------------------------------------------

Result<VoterRecord> SqliteStore::GetVoter(const std::string& voter_id) {
  ReaderPool::Lease db = readers_->Acquire();
  ReadTransaction txn(*db);
  NARWHAL_RETURN_IF_ERROR(txn.Begin());
  VoterRecord record;
  {
    NARWHAL_ASSIGN_OR_RETURN(ScopedStatement q, db->Prepare(kSelectVoter));
    q->BindText(1, voter_id);
    NARWHAL_ASSIGN_OR_RETURN(bool found, q->Step());
    if (!found) return NotFound("voter '" + voter_id + "' does not exist");
    NARWHAL_ASSIGN_OR_RETURN(record.voter, ReadVoter(*q, fields_, *db));
    record.updated_at = q->ColumnString(35);
    record.removed_at = q->ColumnString(36);
  }
  NARWHAL_ASSIGN_OR_RETURN(
      ScopedStatement h,
      db->Prepare("SELECT election_date, election_desc, voting_method, party, county, precinct "
                  "FROM vote_history WHERE voter_id = ?1 ORDER BY election_date DESC"));
  h->BindText(1, voter_id);
  for (;;) {
    NARWHAL_ASSIGN_OR_RETURN(bool row, h->Step());
    if (!row) break;
    VoteHistoryEntry e;
    e.voter_id = voter_id;
    e.election_date = h->ColumnString(0);
    e.election_desc = h->ColumnString(1);
    e.voting_method = h->ColumnString(2);
    e.party = h->ColumnString(3);
    e.county = h->ColumnString(4);
    e.precinct = h->ColumnString(5);
    record.history.push_back(std::move(e));
  }
  return record;
}

Result<std::vector<std::optional<PrecinctKey>>> SqliteStore::VoterPrecincts(
    std::span<const std::string> voter_ids) {
  ReaderPool::Lease db = readers_->Acquire();
  ReadTransaction txn(*db);
  NARWHAL_RETURN_IF_ERROR(txn.Begin());
  std::vector<std::optional<PrecinctKey>> out;
  out.reserve(voter_ids.size());
  NARWHAL_ASSIGN_OR_RETURN(ScopedStatement q,
                           db->Prepare("SELECT county, precinct FROM voters WHERE voter_id = ?1"));
  for (const std::string& id : voter_ids) {
    q->BindText(1, id);
    NARWHAL_ASSIGN_OR_RETURN(bool found, q->Step());
    out.push_back(
        found ? std::optional<PrecinctKey>(PrecinctKey{q->ColumnString(0), q->ColumnString(1)})
              : std::nullopt);
    q->Reset();
  }
  return out;
}

namespace {

// Greater than every byte of UTF-8, so `key < prefix + kAfterPrefix` bounds a prefix.
constexpr std::string_view kAfterPrefix = "\xFF";

// Which part of a VoterQuery::scope one statement covers. The scope is searched as one
// statement for its counties and one per precinct, whose rows are merged like name
// branches, so that each keeps the plan that suits it: a county list filters the name
// index walk; a precinct is a poll book, a narrow range of voters_precinct already in
// result order. (One statement with "(county, precinct) IN (...)" let the planner walk the
// name index across the whole state for two precincts.)
enum class ScopePart {
  kNone,      // no scope restriction
  kCounties,  // county IN (?12, ...) for every county of the scope
  kPrecinct,  // county = ?12 AND precinct = ?13 for one precinct of the scope
};

struct ScopeTerm {
  ScopePart part = ScopePart::kNone;
  size_t precinct = 0;  // index into scope->precincts, for kPrecinct
};

// The first parameter of the scope's values (after the fixed ?1..?11).
constexpr int kFirstScopeParam = 12;
// Scope entries one search takes at most: each precinct costs a statement, and a county
// list a parameter; far beyond any real assignment.
constexpr size_t kMaxScopeEntries = 2000;

// Builds the SQL of one branch from fixed fragments: only the shape varies with the
// query, values are always bound. Parameters: ?1 last, ?2 last upper bound, ?3 first,
// ?4 first upper bound, ?5 registration number, ?6 county, ?7 precinct, ?8-?10 cursor,
// ?11 limit, ?12... the scope part's values (ScopePart). With a name, the other filters
// carry a unary '+' so the planner walks a name index (already in result order) instead
// of sorting another index's matches; the one exception is a scope precinct, whose
// voters_precinct range (county, precinct, name prefix) is far narrower than the name
// range over the whole state.
std::string BranchSql(NameMatch match, const VoterQuery& q, bool has_cursor, ScopePart part) {
  const bool name = match != NameMatch::kNone;
  std::string sql =
      "SELECT " + std::string(kVoterSummaryColumns) + ", last_key, first_key FROM voters WHERE 1";
  switch (match) {
    case NameMatch::kNone: break;
    case NameMatch::kLastPrefix: sql += " AND last_key >= ?1 AND last_key < ?2"; break;
    case NameMatch::kLastThenFirst:
      sql += " AND last_key = ?1 AND first_key >= ?3 AND first_key < ?4";
      break;
    case NameMatch::kFirstThenLast:
      sql += " AND first_key = ?3 AND last_key >= ?1 AND last_key < ?2";
      break;
  }
  // Inside one precinct (a poll book) voters_precinct holds the name order after the
  // precinct, so county and precinct may drive the scan; otherwise they only filter.
  const char* plus = name ? "+" : "";
  const char* area = name && q.precinct.empty() ? "+" : "";
  if (!q.registration_number.empty())
    sql += std::string(" AND ") + plus + "registration_number = ?5";
  if (!q.county.empty()) sql += std::string(" AND ") + area + "county = ?6";
  if (!q.precinct.empty()) sql += std::string(" AND ") + area + "precinct = ?7";
  // Scope values only filter when another index is the better driver: a registration
  // number, an explicit precinct, or a name walk for a list of counties.
  const bool scope_filters = !q.registration_number.empty() || !q.precinct.empty() ||
                             (name && part == ScopePart::kCounties);
  const char* sp = scope_filters ? "+" : "";
  if (part == ScopePart::kCounties) {
    sql += std::string(" AND ") + sp + "county IN (";
    for (size_t i = 0; i < q.scope->counties.size(); ++i) {
      if (i > 0) sql += ", ";
      sql += "?" + std::to_string(kFirstScopeParam + static_cast<int>(i));
    }
    sql += ")";
  } else if (part == ScopePart::kPrecinct) {
    sql += std::string(" AND ") + sp + "county = ?12 AND " + sp + "precinct = ?13";
  }
  if (!q.include_removed) sql += " AND removed_at IS NULL";
  if (has_cursor) sql += " AND (last_key, first_key, voter_id) > (?8, ?9, ?10)";
  sql += " ORDER BY last_key, first_key, voter_id LIMIT ?11";
  return sql;
}

// What SearchVoters will run for a query: its name branches, scope parts and cursor.
struct SearchPlan {
  VoterSearchPlan names;
  std::vector<ScopeTerm> parts;
};

// Validates the query (the kInvalidArgument cases of VoterQuery) and plans it.
Result<SearchPlan> PlanSearch(const VoterQuery& query) {
  SearchPlan plan;
  NARWHAL_ASSIGN_OR_RETURN(plan.names, PlanVoterSearch(query));
  if (!query.scope) {
    plan.parts.push_back(ScopeTerm{});
  } else {
    const Scope& scope = *query.scope;
    if (scope.counties.size() + scope.precincts.size() > kMaxScopeEntries) {
      return InvalidArgument("a search scope may hold at most " + std::to_string(kMaxScopeEntries) +
                             " counties and precincts");
    }
    if (!scope.counties.empty()) plan.parts.push_back(ScopeTerm{ScopePart::kCounties, 0});
    for (size_t i = 0; i < scope.precincts.size(); ++i) {
      plan.parts.push_back(ScopeTerm{ScopePart::kPrecinct, i});
    }
  }

  return plan;
}

}  // namespace

VoterSummary ReadVoterSummary(const Statement& s) {
  VoterSummary v;
  v.voter_id = s.ColumnString(0);
  v.last_name = s.ColumnString(1);
  v.first_name = s.ColumnString(2);
  v.middle_name = s.ColumnString(3);
  v.name_suffix = s.ColumnString(4);
  v.county = s.ColumnString(5);
  v.precinct = s.ColumnString(6);
  v.registration_number = s.ColumnString(7);
  v.street = s.ColumnString(8);
  v.city = s.ColumnString(9);
  v.birth_year = static_cast<int>(s.ColumnInt64(10));
  v.party = s.ColumnString(11);
  v.status = VoterStatusFromName(s.ColumnText(12));
  return v;
}

Result<VoterPage> SqliteStore::SearchVoters(const VoterQuery& query) {
  NARWHAL_ASSIGN_OR_RETURN(SearchPlan plan, PlanSearch(query));
  if (plan.names.empty_scope) return VoterPage{};
  const std::optional<SearchCursor>& cursor = plan.names.cursor;
  const size_t limit = static_cast<size_t>(query.limit);
  ReaderPool::Lease db = readers_->Acquire();
  ReadTransaction txn(*db);
  NARWHAL_RETURN_IF_ERROR(txn.Begin());
  std::vector<VoterSearchRow> rows;
  for (const NameBranch& b : plan.names.branches) {
    const std::string last_bound = b.last + std::string(kAfterPrefix);
    const std::string first_bound = b.first + std::string(kAfterPrefix);
    for (const ScopeTerm& part : plan.parts) {
      NARWHAL_ASSIGN_OR_RETURN(
          ScopedStatement q, db->Prepare(BranchSql(b.match, query, cursor.has_value(), part.part)));
      if (part.part == ScopePart::kCounties) {
        int param = kFirstScopeParam;
        for (const std::string& county : query.scope->counties) q->BindText(param++, county);
      } else if (part.part == ScopePart::kPrecinct) {
        const PrecinctKey& p = query.scope->precincts[part.precinct];
        q->BindText(kFirstScopeParam, p.county);
        q->BindText(kFirstScopeParam + 1, p.precinct);
      }
      q->BindText(1, b.last);
      q->BindText(2, last_bound);
      q->BindText(3, b.first);
      q->BindText(4, first_bound);
      q->BindText(5, query.registration_number);
      q->BindText(6, query.county);
      q->BindText(7, query.precinct);
      if (cursor) {
        q->BindText(8, cursor->last_key);
        q->BindText(9, cursor->first_key);
        q->BindText(10, cursor->voter_id);
      }
      // One more than a page tells whether another page follows.
      q->BindInt64(11, query.limit + 1);
      for (;;) {
        NARWHAL_ASSIGN_OR_RETURN(bool more, q->Step());
        if (!more) break;
        VoterSearchRow r;
        r.summary = ReadVoterSummary(*q);
        r.last_key = q->ColumnString(13);
        r.first_key = q->ColumnString(14);
        rows.push_back(std::move(r));
      }
      // Many scope precincts: keep only what can still make the page.
      if (rows.size() > 4 * (limit + 1)) MergeVoterSearchRows(rows, limit + 1);
    }
  }
  return FinishVoterPage(std::move(rows), query.limit);
}

Result<std::vector<std::string>> SqliteStore::ExplainSearch(const VoterQuery& query) {
  NARWHAL_ASSIGN_OR_RETURN(SearchPlan plan, PlanSearch(query));
  std::vector<std::string> lines;
  if (plan.names.empty_scope) return lines;
  ReaderPool::Lease db = readers_->Acquire();
  for (const NameBranch& b : plan.names.branches) {
    for (const ScopeTerm& part : plan.parts) {
      lines.push_back("-- statement");
      NARWHAL_ASSIGN_OR_RETURN(
          ScopedStatement q,
          db->Prepare("EXPLAIN QUERY PLAN " +
                      BranchSql(b.match, query, plan.names.cursor.has_value(), part.part)));
      for (;;) {
        NARWHAL_ASSIGN_OR_RETURN(bool row, q->Step());
        if (!row) break;
        lines.push_back(q->ColumnString(3));
      }
    }
  }
  return lines;
}

Result<std::vector<PrecinctSummary>> SqliteStore::ListPrecincts(const std::string& county) {
  ReaderPool::Lease db = readers_->Acquire();
  NARWHAL_ASSIGN_OR_RETURN(
      ScopedStatement q,
      db->Prepare(
          county.empty()
              ? "SELECT county, county_name, precinct, precinct_name, voters FROM precincts "
                "ORDER BY county, precinct"
              : "SELECT county, county_name, precinct, precinct_name, voters FROM precincts "
                "WHERE county = ?1 ORDER BY county, precinct"));
  if (!county.empty()) q->BindText(1, county);
  std::vector<PrecinctSummary> out;
  for (;;) {
    NARWHAL_ASSIGN_OR_RETURN(bool row, q->Step());
    if (!row) break;
    PrecinctSummary p;
    p.county = q->ColumnString(0);
    p.county_name = q->ColumnString(1);
    p.precinct = q->ColumnString(2);
    p.precinct_name = q->ColumnString(3);
    p.voters = q->ColumnInt64(4);
    out.push_back(std::move(p));
  }
  return out;
}

Result<StoreStats> SqliteStore::Stats() {
  ReaderPool::Lease db = readers_->Acquire();
  ReadTransaction txn(*db);
  NARWHAL_RETURN_IF_ERROR(txn.Begin());
  StoreStats stats;
  NARWHAL_ASSIGN_OR_RETURN(int64_t all, db->QueryInt64("SELECT count(*) FROM voters"));
  NARWHAL_ASSIGN_OR_RETURN(
      stats.removed, db->QueryInt64("SELECT count(*) FROM voters WHERE removed_at IS NOT NULL"));
  stats.voters = all - stats.removed;
  NARWHAL_ASSIGN_OR_RETURN(stats.history_rows, db->QueryInt64("SELECT count(*) FROM vote_history"));
  NARWHAL_ASSIGN_OR_RETURN(stats.precincts, db->QueryInt64("SELECT count(*) FROM precincts"));
  return stats;
}

Status SqliteStore::Ping() {
  {
    ReaderPool::Lease db = readers_->Acquire();
    NARWHAL_RETURN_IF_ERROR(db->QueryInt64("SELECT 1").status());
  }
  // An empty transaction through the writer proves it takes writes; it writes no WAL
  // frame, so it costs no fsync.
  return writer_->Submit([](Connection&) { return Status::Ok(); });
}

}  // namespace sqlite
}  // namespace narwhal

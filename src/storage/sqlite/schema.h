// The SQLite schema of the embedded store, as numbered migrations, and the indexes of
// the voter and household tables (kept apart so the bulk-load path can drop them while
// the voters table is empty and build each once when the load finishes).
//
// Thread-safety: functions take the connection they work on; call them from the thread
// that owns it.
#ifndef NARWHAL_STORAGE_SQLITE_SCHEMA_H_
#define NARWHAL_STORAGE_SQLITE_SCHEMA_H_

#include <span>
#include <string_view>

#include "base/status.h"
#include "storage/sqlite/sqlite_db.h"

namespace narwhal::sqlite {

// Marks a file as a Narwhal database (PRAGMA application_id, "NRWL").
inline constexpr int kApplicationId = 0x4E52574C;

struct Migration {
  int version;           // 1, 2, 3, ... in order; stored in PRAGMA user_version
  std::string_view sql;  // applied in one transaction together with the version bump
};

// Every migration this binary knows, oldest first.
std::span<const Migration> Migrations();

// The schema version this binary writes (the last migration's).
int LatestSchemaVersion();

// Brings the database to LatestSchemaVersion, one transaction per migration.
// kFailedPrecondition when the file's version is newer; kDataLoss when the file holds
// tables but is not a Narwhal database.
Status Migrate(Connection& db);

struct IndexDef {
  std::string_view name;
  std::string_view create_sql;  // "CREATE [UNIQUE] INDEX IF NOT EXISTS ..."
  // False for an index that a bulk load never adds to (removed voters only): keeping
  // it costs nothing during the load and saves a full table scan at the end.
  bool dropped_for_bulk = true;
  // For a unique index: the DELETE that keeps one row per key of what a bulk load
  // appended, run when the index cannot be built (or before, when `dedupe_first`:
  // copies are the rule, and a failed build would sort the keys for nothing).
  std::string_view dedupe_sql = {};
  bool dedupe_first = false;
};

// The indexes of the voters table, the unique voter id index first.
std::span<const IndexDef> VoterIndexes();

// The indexes of the household tables (buildings, doors, residences).
std::span<const IndexDef> HouseholdIndexes();

// Drops the voter and household indexes a bulk load would have to maintain; used only
// while the voters table is empty.
Status DropBulkIndexes(Connection& db);

// Creates any missing voter or household index, keeping one row per key of what a bulk
// load appended: the voter row stored last for each id (reported in
// `voter_duplicates_dropped`), the first copy of a building or door, a voter's last
// residence.
Status EnsureBulkIndexes(Connection& db, int64_t& voter_duplicates_dropped);

// True when every voter and household index exists; false while a bulk load runs.
Result<bool> BulkIndexesComplete(Connection& db);

}  // namespace narwhal::sqlite

#endif  // NARWHAL_STORAGE_SQLITE_SCHEMA_H_

// The SQLite schema of the embedded store, as numbered migrations, and the secondary
// indexes of the voters table (kept apart so the bulk-load path can drop them while the
// table is empty and build each once when the load finishes).
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
};

// The indexes of the voters table, the unique voter id index first.
std::span<const IndexDef> VoterIndexes();

// Drops the voter indexes a bulk load would have to maintain; used only while the voters
// table is empty.
Status DropVoterIndexes(Connection& db);

// Creates any missing voter index. When the unique voter id index cannot be built
// because a bulk load stored an id twice, keeps the row stored last for each id and
// reports how many rows it dropped in `duplicates_dropped`.
Status EnsureVoterIndexes(Connection& db, int64_t& duplicates_dropped);

// True when every voter index exists.
Result<bool> VoterIndexesComplete(Connection& db);

}  // namespace narwhal::sqlite

#endif  // NARWHAL_STORAGE_SQLITE_SCHEMA_H_

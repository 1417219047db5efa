// The PostgreSQL schema as numbered migrations, and the code that applies them.
//
// schema_migrations holds one row per applied version. Each migration runs in its own
// transaction together with its row, so a crash mid-migration leaves the previous
// version intact; a session advisory lock serialises app nodes that start together.
//
// Thread-safety: Migrate uses the connection it is given and nothing else.
#ifndef NARWHAL_STORAGE_POSTGRES_PG_SCHEMA_H_
#define NARWHAL_STORAGE_POSTGRES_PG_SCHEMA_H_

#include <cstdint>

#include "base/status.h"
#include "storage/postgres/pg_connection.h"

namespace narwhal::postgres {

// The newest schema version this binary knows.
int LatestSchemaVersion();

// Applies every missing migration. kFailedPrecondition when the database is newer than
// this binary.
Status Migrate(Connection& db);

// The bulk-load state lives in the schema itself: a bulk load into an empty store drops
// the voter indexes and FinishImport builds them, so the state commits and rolls back
// with the transactions that change it and survives crashes.
Result<bool> VoterIndexesComplete(Connection& db);
Status DropVoterIndexes(Connection& db);
// Builds the missing voter indexes inside the caller's transaction. When a bulk load
// stored a voter id twice, keeps the row stored last and reports how many it dropped.
Status BuildVoterIndexes(Connection& db, int64_t& duplicates_dropped);

}  // namespace narwhal::postgres

#endif  // NARWHAL_STORAGE_POSTGRES_PG_SCHEMA_H_

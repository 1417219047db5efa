// The embedded store: Store on SQLite, Narwhal's default backend. One process, one file,
// no setup.
//
// Durability: WAL with synchronous=FULL, so every acknowledged write survives kill -9
// and power loss. One writer thread owns the write connection and commits whatever is
// queued as one transaction (group commit); readers use a pool of read-only connections
// and never block the writer.
#ifndef NARWHAL_STORAGE_SQLITE_SQLITE_STORE_H_
#define NARWHAL_STORAGE_SQLITE_SQLITE_STORE_H_

#include <memory>
#include <string>

#include "base/status.h"
#include "storage/store.h"

namespace narwhal {

struct SqliteOptions {
  std::string path;          // database file; created with its schema when missing
  int read_connections = 4;  // size of the reader pool, >= 1
};

// Opens (creating and migrating as needed) the database at options.path.
// kUnavailable when the file cannot be opened, kDataLoss when it is not a Narwhal
// database or is corrupt, kFailedPrecondition when its schema is newer than this binary.
Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteOptions& options);

}  // namespace narwhal

#endif  // NARWHAL_STORAGE_SQLITE_SQLITE_STORE_H_

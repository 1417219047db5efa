// The embedded store: Store on SQLite, Narwhal's default backend. One process, one file,
// no setup.
//
// Thread-safety: see Store; the returned store may be used from any thread.
//
// Durability: WAL with synchronous=FULL, so every acknowledged write survives kill -9
// and power loss. One writer thread owns the write connection and commits whatever is
// queued as one transaction (group commit); readers use a pool of read-only connections
// and never block the writer.
#ifndef NARWHAL_STORAGE_SQLITE_SQLITE_STORE_H_
#define NARWHAL_STORAGE_SQLITE_SQLITE_STORE_H_

#include <memory>
#include <string>

#include "base/clock.h"
#include "base/status.h"
#include "storage/store.h"

namespace narwhal {

struct SqliteOptions {
  std::string path;          // database file; created with its schema when missing
  int read_connections = 4;  // size of the reader pool, >= 1
  // Time for updated_at / removed_at / import records; null means the system clock.
  // Borrowed: must outlive the store.
  const Clock* clock = nullptr;
  // Writes waiting for the writer thread at most; beyond it a write waits up to
  // write_queue_timeout_ms for room, then fails with kResourceExhausted (retry later).
  int max_queued_writes = 4096;
  int write_queue_timeout_ms = 10000;
  // How long a connection waits on a lock held by another process before kUnavailable.
  int busy_timeout_ms = 5000;
};

// Opens (creating and migrating as needed) the database at options.path.
// kInvalidArgument for options out of range (empty path, no reader connections),
// kUnavailable when the file cannot be opened, kDataLoss when it is not a Narwhal
// database or is corrupt, kFailedPrecondition when its schema is newer than this binary.
Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteOptions& options);

}  // namespace narwhal

#endif  // NARWHAL_STORAGE_SQLITE_SQLITE_STORE_H_

// ReaderPool: a fixed set of read-only connections lent to one reader at a time.
//
// Each connection keeps its own cache of prepared statements for its whole life, so a
// query is prepared once per connection. A reader that finds every connection lent out
// waits for one to come back (reads are short; the pool size bounds concurrent reads).
//
// Thread-safety: Acquire may be called from any thread; a Lease and its connection
// belong to the thread that acquired it until the Lease is destroyed.
#ifndef NARWHAL_STORAGE_SQLITE_READER_POOL_H_
#define NARWHAL_STORAGE_SQLITE_READER_POOL_H_

#include <condition_variable>
#include <memory>
#include <string>
#include <vector>

#include "base/guarded.h"
#include "base/status.h"
#include "storage/sqlite/sqlite_db.h"

namespace narwhal::sqlite {

class ReaderPool {
 public:
  // A borrowed connection, returned to the pool on destruction.
  class Lease {
   public:
    Lease(ReaderPool* pool, Connection* connection) : pool_(pool), connection_(connection) {}
    ~Lease();
    Lease(Lease&& other) noexcept : pool_(other.pool_), connection_(other.connection_) {
      other.connection_ = nullptr;
    }
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;

    Connection& operator*() const { return *connection_; }
    Connection* operator->() const { return connection_; }

   private:
    ReaderPool* pool_;
    Connection* connection_;
  };

  // Opens `size` read-only connections to `path` (which must exist, in WAL mode) and
  // applies `pragmas` to each.
  static Result<std::unique_ptr<ReaderPool>> Open(const std::string& path, int size,
                                                  std::string_view pragmas);

  // Waits until a connection is free.
  Lease Acquire();

 private:
  explicit ReaderPool(std::vector<std::unique_ptr<Connection>> connections);
  void Release(Connection* connection);

  // Constant after construction: owns every connection, lent or not.
  const std::vector<std::unique_ptr<Connection>> connections_;
  Guarded<std::vector<Connection*>> free_;
  std::condition_variable returned_;
};

}  // namespace narwhal::sqlite

#endif  // NARWHAL_STORAGE_SQLITE_READER_POOL_H_

// RAII wrappers around the SQLite C API: a connection (sqlite3*) that owns a cache of
// prepared statements (sqlite3_stmt*), a scoped handle that hands out one cached
// statement and resets it when the caller is done, and a scoped read transaction.
//
// Values only ever reach SQL through Bind*: there is no call that splices a value into
// SQL text. Statements are cached by their SQL text, so a query is prepared once per
// connection and reused for the life of the connection.
//
// Thread-safety: none. A Connection and everything it hands out belong to one thread at
// a time (the writer thread, or the reader that leased it from the pool).
#ifndef NARWHAL_STORAGE_SQLITE_SQLITE_DB_H_
#define NARWHAL_STORAGE_SQLITE_SQLITE_DB_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace narwhal::sqlite {

// Maps an SQLite result code to a Status: SQLITE_BUSY/LOCKED -> kUnavailable,
// SQLITE_CORRUPT/NOTADB -> kDataLoss, SQLITE_CONSTRAINT -> kInvalidArgument, other
// errors -> kInternal. `what` says what was being done.
Status StatusFromSqlite(int rc, std::string_view what, std::string_view detail);

// One prepared statement. Owned by the Connection's cache.
class Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are 1-based, as in SQLite. Text is bound without copying: it must stay
  // alive until the statement is reset (the scoped handle's lifetime).
  void BindText(int index, std::string_view text);
  void BindInt64(int index, int64_t value);
  void BindDouble(int index, double value);
  void BindNull(int index);
  // Binds bytes as a BLOB; like BindText, the caller keeps them alive until Reset.
  void BindBlob(int index, std::string_view bytes);
  // Binds NULL for an empty string, the text otherwise.
  void BindTextOrNull(int index, std::string_view text);

  // Advances: true when a row is available, false when done, an error otherwise.
  Result<bool> Step();
  // Steps a statement that returns no rows (INSERT, UPDATE, DDL).
  Status Run();

  // Column accessors for the current row; 0-based. NULL reads as "" / 0.
  std::string_view ColumnText(int index) const;
  std::string ColumnString(int index) const { return std::string(ColumnText(index)); }
  int64_t ColumnInt64(int index) const;
  double ColumnDouble(int index) const;
  bool ColumnIsNull(int index) const;
  bool ColumnIsText(int index) const;
  // The bytes of a BLOB (or TEXT) column, valid until the next Step or Reset.
  std::string_view ColumnBlob(int index) const;

  // Resets the statement and clears its bindings, releasing any read snapshot it holds.
  void Reset();

  sqlite3_stmt* get() const { return stmt_; }

 private:
  sqlite3_stmt* stmt_;
};

// A cached statement lent to one use; resets it when it goes out of scope so that no
// statement keeps a read transaction (and an old WAL snapshot) open between calls.
class ScopedStatement {
 public:
  explicit ScopedStatement(Statement* stmt) : stmt_(stmt) {}
  ~ScopedStatement() {
    if (stmt_ != nullptr) stmt_->Reset();
  }
  ScopedStatement(ScopedStatement&& other) noexcept : stmt_(other.stmt_) { other.stmt_ = nullptr; }
  ScopedStatement& operator=(ScopedStatement&&) = delete;
  ScopedStatement(const ScopedStatement&) = delete;
  ScopedStatement& operator=(const ScopedStatement&) = delete;

  Statement* operator->() const { return stmt_; }
  Statement& operator*() const { return *stmt_; }

 private:
  Statement* stmt_;
};

enum class OpenMode { kReadWriteCreate, kReadOnly };

class Connection {
 public:
  // Opens `path`. Never returns a half-open connection.
  static Result<std::unique_ptr<Connection>> Open(const std::string& path, OpenMode mode);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs SQL without parameters (DDL, PRAGMA, BEGIN/COMMIT). Never for values.
  Status Exec(std::string_view sql);

  // The cached statement for `sql`, preparing it on first use.
  Result<ScopedStatement> Prepare(std::string_view sql);

  // A statement of its own for SQL built per call (a universe's criteria), finalized with
  // the returned handle: the cache would keep every such text for the connection's life.
  Result<std::unique_ptr<Statement>> PrepareUncached(std::string_view sql);

  // Runs a single-value query ("PRAGMA user_version", "SELECT count(*) ...").
  Result<int64_t> QueryInt64(std::string_view sql);

  // Rows changed by the last INSERT/UPDATE/DELETE on this connection.
  int64_t Changes() const;
  // Rowid of the last row this connection inserted.
  int64_t LastInsertRowid() const;
  bool InTransaction() const;
  std::string LastError() const;
  sqlite3* get() const { return db_; }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}

  sqlite3* db_;
  // Keyed by SQL text; statements are finalized before the connection closes.
  // Looked up by string_view (transparent hash): no copy of the SQL per call.
  struct SqlHash {
    using is_transparent = void;
    size_t operator()(std::string_view sql) const { return std::hash<std::string_view>{}(sql); }
  };
  std::unordered_map<std::string, std::unique_ptr<Statement>, SqlHash, std::equal_to<>> cache_;
};

// One read transaction on a reader connection, so that the statements of one call see
// one snapshot; ends (COMMIT of a read: nothing to write) when it goes out of scope.
class ReadTransaction {
 public:
  explicit ReadTransaction(Connection& db) : db_(db) {}
  ~ReadTransaction() {
    if (open_) (void)db_.Exec("COMMIT");
  }
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;
  Status Begin() {
    NARWHAL_RETURN_IF_ERROR(db_.Exec("BEGIN"));
    open_ = true;
    return Status::Ok();
  }

 private:
  Connection& db_;
  bool open_ = false;
};

}  // namespace narwhal::sqlite

#endif  // NARWHAL_STORAGE_SQLITE_SQLITE_DB_H_

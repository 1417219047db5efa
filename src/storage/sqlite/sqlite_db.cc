#include "storage/sqlite/sqlite_db.h"

#include <sqlite3.h>

#include <utility>

namespace narwhal::sqlite {

Status StatusFromSqlite(int rc, std::string_view what, std::string_view detail) {
  std::string message(what);
  message += ": ";
  message += sqlite3_errstr(rc);
  if (!detail.empty()) {
    message += " (";
    message += detail;
    message += ")";
  }
  switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE: return Status::Ok();
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_READONLY: return Unavailable(std::move(message));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return DataLoss(std::move(message));
    case SQLITE_CONSTRAINT:
    case SQLITE_TOOBIG:
    case SQLITE_MISMATCH: return InvalidArgument(std::move(message));
    default: return Internal(std::move(message));
  }
}

Statement::~Statement() {
  sqlite3_finalize(stmt_);
}

void Statement::BindText(int index, std::string_view text) {
  // SQLITE_STATIC: the caller keeps the text alive until Reset (see the header). A
  // null pointer would bind NULL, so empty text gets a non-null pointer.
  sqlite3_bind_text(stmt_, index, text.empty() ? "" : text.data(), static_cast<int>(text.size()),
                    SQLITE_STATIC);
}

void Statement::BindInt64(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
}

void Statement::BindDouble(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
}

void Statement::BindBlob(int index, std::string_view bytes) {
  // A zero-length blob, not NULL, when empty.
  sqlite3_bind_blob(stmt_, index, bytes.empty() ? "" : bytes.data(), static_cast<int>(bytes.size()),
                    SQLITE_STATIC);
}

void Statement::BindNull(int index) {
  sqlite3_bind_null(stmt_, index);
}

void Statement::BindTextOrNull(int index, std::string_view text) {
  if (text.empty()) {
    BindNull(index);
  } else {
    BindText(index, text);
  }
}

Result<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3* db = sqlite3_db_handle(stmt_);
  return StatusFromSqlite(rc, "sqlite step", sqlite3_errmsg(db));
}

Status Statement::Run() {
  Result<bool> row = Step();
  if (!row.ok()) return row.status();
  return Status::Ok();
}

std::string_view Statement::ColumnText(int index) const {
  const unsigned char* text = sqlite3_column_text(stmt_, index);
  if (text == nullptr) return {};
  return std::string_view(reinterpret_cast<const char*>(text),
                          static_cast<size_t>(sqlite3_column_bytes(stmt_, index)));
}

int64_t Statement::ColumnInt64(int index) const {
  return sqlite3_column_int64(stmt_, index);
}

double Statement::ColumnDouble(int index) const {
  return sqlite3_column_double(stmt_, index);
}

bool Statement::ColumnIsText(int index) const {
  return sqlite3_column_type(stmt_, index) == SQLITE_TEXT;
}

std::string_view Statement::ColumnBlob(int index) const {
  const void* data = sqlite3_column_blob(stmt_, index);
  if (data == nullptr) return {};
  return std::string_view(static_cast<const char*>(data),
                          static_cast<size_t>(sqlite3_column_bytes(stmt_, index)));
}

bool Statement::ColumnIsNull(int index) const {
  return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path, OpenMode mode) {
  int flags = SQLITE_OPEN_NOMUTEX;  // each connection is used by one thread at a time
  flags |= mode == OpenMode::kReadOnly ? SQLITE_OPEN_READONLY
                                       : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string detail = db != nullptr ? sqlite3_errmsg(db) : path;
    sqlite3_close(db);  // a handle is returned even on failure
    return StatusFromSqlite(rc, "opening " + path, detail);
  }
  sqlite3_extended_result_codes(db, 1);
  return std::unique_ptr<Connection>(new Connection(db));  // private constructor
}

Connection::~Connection() {
  cache_.clear();  // finalize statements first, or close would fail
  sqlite3_close(db_);
}

Status Connection::Exec(std::string_view sql) {
  std::string text(sql);
  char* error = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string detail = error != nullptr ? error : "";
  sqlite3_free(error);
  return StatusFromSqlite(rc, "sqlite exec", detail);
}

Result<ScopedStatement> Connection::Prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    std::string key(sql);
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, key.data(), static_cast<int>(key.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) {
      sqlite3_finalize(stmt);
      return StatusFromSqlite(rc, "sqlite prepare", sqlite3_errmsg(db_));
    }
    it = cache_.emplace(std::move(key), std::make_unique<Statement>(stmt)).first;
  }
  return ScopedStatement(it->second.get());
}

Result<std::unique_ptr<Statement>> Connection::PrepareUncached(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), 0, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return StatusFromSqlite(rc, "sqlite prepare", sqlite3_errmsg(db_));
  }
  return std::make_unique<Statement>(stmt);
}

Result<int64_t> Connection::QueryInt64(std::string_view sql) {
  NARWHAL_ASSIGN_OR_RETURN(ScopedStatement stmt, Prepare(sql));
  NARWHAL_ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return Internal("query returned no row: " + std::string(sql));
  return stmt->ColumnInt64(0);
}

int64_t Connection::Changes() const {
  return sqlite3_changes64(db_);
}

int64_t Connection::LastInsertRowid() const {
  return sqlite3_last_insert_rowid(db_);
}

bool Connection::InTransaction() const {
  return sqlite3_get_autocommit(db_) == 0;
}

std::string Connection::LastError() const {
  return sqlite3_errmsg(db_);
}

}  // namespace narwhal::sqlite

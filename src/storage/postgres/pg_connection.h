// Connection: one libpq connection (PGconn*) with its prepared statements, owned by the
// PostgreSQL store's pool. Values always travel as bound parameters (text format) or
// through COPY, never inside SQL text.
//
// Every failure becomes a Status: connection loss (SQLSTATE class 08, 57P01..57P03, a
// read-only server after a failover, 25006) is kUnavailable and marks the connection
// broken so that the pool discards it; a statement timeout (57014) is kDeadlineExceeded;
// unique violations are kAlreadyExists; data exceptions (class 22) kInvalidArgument.
//
// Thread-safety: none. A connection is used by one thread at a time (the pool lends it).
#ifndef NARWHAL_STORAGE_POSTGRES_PG_CONNECTION_H_
#define NARWHAL_STORAGE_POSTGRES_PG_CONNECTION_H_

#include <libpq-fe.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/status.h"

namespace narwhal::postgres {

// How to reach the server, and the session settings every connection gets.
struct ConnectionSettings {
  std::string conninfo;  // libpq connection string or URI
  std::chrono::milliseconds statement_timeout{30000};
  std::chrono::seconds connect_timeout{5};
  // A server in recovery (a standby) is refused unless this is set: only the read
  // replica's connections (read_replica.h) may be to one.
  bool standby_allowed = false;
};

// The text parameters of one statement. Values are copied, so temporaries may be added.
class Params {
 public:
  Params& Add(std::string_view text);
  Params& Add(int64_t value);
  Params& AddNull();
  size_t size() const { return values_.size(); }

 private:
  friend class Connection;
  std::vector<std::string> values_;
  std::vector<bool> null_;
};

// The rows of one statement, owning its PGresult.
class Rows {
 public:
  struct Clear {
    void operator()(PGresult* r) const { PQclear(r); }
  };
  explicit Rows(std::unique_ptr<PGresult, Clear> result) : result_(std::move(result)) {}

  int size() const { return PQntuples(result_.get()); }
  bool empty() const { return size() == 0; }
  bool IsNull(int row, int col) const { return PQgetisnull(result_.get(), row, col) != 0; }
  std::string_view Text(int row, int col) const {
    return std::string_view(PQgetvalue(result_.get(), row, col),
                            static_cast<size_t>(PQgetlength(result_.get(), row, col)));
  }
  std::string String(int row, int col) const { return std::string(Text(row, col)); }
  // 0 for NULL or text that is not an integer.
  int64_t Int64(int row, int col) const;
  bool Bool(int row, int col) const { return Text(row, col) == "t"; }
  // Rows affected by an INSERT/UPDATE/DELETE.
  int64_t Affected() const;

 private:
  std::unique_ptr<PGresult, Clear> result_;
};

class Connection {
 public:
  // Connects and applies the session settings: synchronous_commit on, the statement
  // timeout, UTC. kUnavailable when the server cannot be reached or is read-only.
  static Result<std::unique_ptr<Connection>> Open(const ConnectionSettings& settings);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one statement, prepared once per connection (cached by its text).
  Result<Rows> Exec(std::string_view sql, const Params& params = Params());
  // The same for SQL built per call (a universe's criteria): not prepared and kept, which
  // would hold every such text for the connection's life.
  Result<Rows> ExecOnce(std::string_view sql, const Params& params);
  // Runs fixed SQL without parameters (transaction control, DDL, several statements).
  Status Run(std::string_view sql);
  // Run, but gives up after `limit` without an answer: the connection is then marked
  // broken (the pool closes it) and the answer is kDeadlineExceeded. For COMMIT, whose wait
  // for a synchronous standby no statement_timeout bounds (PostgreSQL disarms it before
  // committing): a standby that stopped confirming must not hang the caller.
  Status RunWithin(std::string_view sql, std::chrono::milliseconds limit);
  // Exec, but gives up after `limit` without an answer, as RunWithin does. For a write
  // that is one statement in autocommit (its own transaction): the answer comes after
  // the commit, and the wait for a synchronous standby is bounded by `limit`. `*sent` is
  // false when the call failed before the statement reached the server (preparing it,
  // or a connection known to be dead): then nothing of it can have run.
  Result<Rows> ExecWithin(std::string_view sql, const Params& params,
                          std::chrono::milliseconds limit, bool* sent);
  // Streams `data` (COPY text format) into `copy_sql` ("COPY t(cols) FROM STDIN").
  Status CopyIn(std::string_view copy_sql, std::string_view data);

  // True once the connection is lost or unusable; the pool then discards it.
  bool broken() const { return broken_ || PQstatus(conn_.get()) != CONNECTION_OK; }
  // For an idle connection, without a round trip: reads whatever the server sent since
  // the last statement (a notice, or the end of the connection when the server shut
  // down or failed over) and says whether the connection is still usable.
  bool ProbeIdle();
  // Warnings the server sent since the last call (e.g. a commit whose synchronous
  // replication wait was cancelled).
  std::vector<std::string> TakeNotices();

 private:
  struct Finish {
    void operator()(PGconn* c) const { PQfinish(c); }
  };
  explicit Connection(std::unique_ptr<PGconn, Finish> conn);
  static void OnNotice(void* self, const PGresult* result);
  // The name of `sql` prepared on this connection, preparing it on first use.
  Result<std::string> Prepared(std::string_view sql);
  // Waits until the answer to what was sent is complete, at most `limit`; on time-out
  // marks the connection broken (an answer may still come; nobody will read it here).
  Status Await(std::string_view what, std::chrono::milliseconds limit);
  // Maps a failed result (or a null one) to a Status and marks the connection broken
  // when the failure means it is lost.
  Status Failure(const PGresult* result, std::string_view context);

  std::unique_ptr<PGconn, Finish> conn_;
  std::unordered_map<std::string, std::string> prepared_;  // SQL text -> statement name
  std::vector<std::string> notices_;
  bool broken_ = false;
};

// Appends `value` to `out` as one field of COPY text format (backslash escapes).
void AppendCopyField(std::string_view value, std::string& out);

// The text form of a one-dimensional text[] value ({"a","b\"c"}), to bind as a parameter.
std::string TextArray(std::span<const std::string> values);
// The same for bigint[] ({1,-2,3}).
std::string BigintArray(std::span<const int64_t> values);

// The smallest string greater than every string that starts with `prefix` (in byte
// order, which is code point order for UTF-8), or empty when there is none.
std::string PrefixUpperBound(std::string_view prefix);

}  // namespace narwhal::postgres

#endif  // NARWHAL_STORAGE_POSTGRES_PG_CONNECTION_H_

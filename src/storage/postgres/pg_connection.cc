#include "storage/postgres/pg_connection.h"

#include <poll.h>

#include <chrono>
#include <cstdlib>
#include <utility>

#include "base/text.h"

namespace narwhal::postgres {
namespace {

// SQLSTATEs that mean the connection (or the server behind it) is gone, or that it now
// leads to a standby: the pool must drop the connection and connect again.
bool IsConnectionLoss(std::string_view state) {
  return state.starts_with("08") || state == "57P01" || state == "57P02" || state == "57P03" ||
         state == "25006";
}

ErrorCode CodeForState(std::string_view state) {
  if (IsConnectionLoss(state)) return ErrorCode::kUnavailable;
  if (state == "57014") return ErrorCode::kDeadlineExceeded;                 // statement timeout
  if (state == "40001" || state == "40P01") return ErrorCode::kUnavailable;  // retry
  if (state == "55P03") return ErrorCode::kUnavailable;                      // lock not available
  if (state == "23505") return ErrorCode::kAlreadyExists;
  if (state.starts_with("22") || state.starts_with("23")) return ErrorCode::kInvalidArgument;
  if (state == "53300") return ErrorCode::kUnavailable;  // too many connections
  return ErrorCode::kInternal;
}

std::string Trimmed(const char* message) {
  if (message == nullptr) return "no message";
  return std::string(TrimAscii(message));
}

}  // namespace

Params& Params::Add(std::string_view text) {
  values_.emplace_back(text);
  null_.push_back(false);
  return *this;
}

Params& Params::Add(int64_t value) {
  values_.push_back(std::to_string(value));
  null_.push_back(false);
  return *this;
}

Params& Params::AddNull() {
  values_.emplace_back();
  null_.push_back(true);
  return *this;
}

int64_t Rows::Int64(int row, int col) const {
  if (IsNull(row, col)) return 0;
  long long v = 0;
  return ParseInt64(Text(row, col), v) ? static_cast<int64_t>(v) : 0;
}

int64_t Rows::Affected() const {
  const char* n = PQcmdTuples(result_.get());
  long long v = 0;
  return n != nullptr && ParseInt64(n, v) ? static_cast<int64_t>(v) : 0;
}

Result<std::unique_ptr<Connection>> Connection::Open(const ConnectionSettings& settings) {
  const std::string timeout = std::to_string(settings.connect_timeout.count());
  // Later keywords override what the expanded connection string says.
  // TCP keepalives and a user timeout: a server that vanished from the network (no RST,
  // no FIN) is noticed in about 10 s instead of the kernel's many minutes.
  const char* keys[] = {"dbname",           "connect_timeout",  "client_encoding",
                        "keepalives",       "keepalives_idle",  "keepalives_interval",
                        "keepalives_count", "tcp_user_timeout", nullptr};
  const char* values[] = {
      settings.conninfo.c_str(), timeout.c_str(), "UTF8", "1", "5", "2", "3", "10000", nullptr};
  std::unique_ptr<PGconn, Finish> conn(PQconnectdbParams(keys, values, /*expand_dbname=*/1));
  if (conn == nullptr) return Unavailable("PostgreSQL: out of memory while connecting");
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    return Unavailable("cannot connect to PostgreSQL: " + Trimmed(PQerrorMessage(conn.get())));
  }
  std::unique_ptr<Connection> c(new Connection(std::move(conn)));  // private constructor
  // An acknowledged write must be on disk (and on the synchronous standby, when there
  // is one) before COMMIT returns.
  NARWHAL_RETURN_IF_ERROR(c->Run("SET synchronous_commit = on; SET TimeZone = 'UTC'"));
  // The server's side of a cut connection: without these, a backend whose client vanished
  // mid-transaction (a partition) keeps its row locks until the kernel's keepalive gives
  // up, two hours by default, and every strike behind them times out. Found by
  // tests/cluster/network_faults_test.sh.
  NARWHAL_RETURN_IF_ERROR(
      c->Run("SET idle_in_transaction_session_timeout = '60s'; SET tcp_keepalives_idle = 10; "
             "SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3"));
  NARWHAL_RETURN_IF_ERROR(c->Exec("SELECT set_config('statement_timeout', $1, false)",
                                  Params().Add(std::to_string(settings.statement_timeout.count())))
                              .status());
  NARWHAL_ASSIGN_OR_RETURN(Rows ro, c->Exec("SELECT pg_is_in_recovery()"));
  if (ro.Bool(0, 0) && !settings.standby_allowed) {
    return Unavailable("PostgreSQL server is a read-only standby; writes need the primary");
  }
  return c;
}

Connection::Connection(std::unique_ptr<PGconn, Finish> conn) : conn_(std::move(conn)) {
  PQsetNoticeReceiver(conn_.get(), &Connection::OnNotice, this);
}

Connection::~Connection() = default;

void Connection::OnNotice(void* self, const PGresult* result) {
  auto* c = static_cast<Connection*>(self);
  const char* severity = PQresultErrorField(result, PG_DIAG_SEVERITY_NONLOCALIZED);
  if (severity != nullptr && std::string_view(severity) == "WARNING") {
    c->notices_.push_back(Trimmed(PQresultErrorMessage(result)));
  }
}

std::vector<std::string> Connection::TakeNotices() {
  return std::exchange(notices_, {});
}

Status Connection::Failure(const PGresult* result, std::string_view context) {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  if (state == nullptr) {
    // No server answer at all: the connection dropped (or libpq ran out of memory).
    broken_ = true;
    return Unavailable(std::string(context) +
                       ": PostgreSQL connection lost: " + Trimmed(PQerrorMessage(conn_.get())));
  }
  const std::string_view sqlstate(state);
  if (IsConnectionLoss(sqlstate) || PQstatus(conn_.get()) != CONNECTION_OK) broken_ = true;
  std::string message = std::string(context) + ": " + Trimmed(PQresultErrorMessage(result)) +
                        " (SQLSTATE " + std::string(sqlstate) + ")";
  if (sqlstate == "57014") message += "; the statement timeout cancelled it";
  return Status(broken_ ? ErrorCode::kUnavailable : CodeForState(sqlstate), std::move(message));
}

Result<std::string> Connection::Prepared(std::string_view sql) {
  auto it = prepared_.find(std::string(sql));
  if (it != prepared_.end()) return it->second;
  // Appended, not `"s" + to_string(..)`: g++ 12 -O3 misreports that as -Wrestrict.
  std::string name = "s";
  name += std::to_string(prepared_.size() + 1);
  std::unique_ptr<PGresult, Rows::Clear> prepared(
      PQprepare(conn_.get(), name.c_str(), std::string(sql).c_str(), 0, /*paramTypes=*/nullptr));
  if (!prepared || PQresultStatus(prepared.get()) != PGRES_COMMAND_OK) {
    return Failure(prepared.get(), "PostgreSQL");
  }
  prepared_.emplace(std::string(sql), name);
  return name;
}

namespace {

std::vector<const char*> ParamValues(const std::vector<std::string>& values,
                                     const std::vector<bool>& null) {
  std::vector<const char*> out(values.size());
  for (size_t i = 0; i < out.size(); ++i) out[i] = null[i] ? nullptr : values[i].c_str();
  return out;
}

}  // namespace

Result<Rows> Connection::Exec(std::string_view sql, const Params& params) {
  if (broken()) return Unavailable("PostgreSQL connection lost");
  NARWHAL_ASSIGN_OR_RETURN(std::string name, Prepared(sql));
  const std::vector<const char*> values = ParamValues(params.values_, params.null_);
  std::unique_ptr<PGresult, Rows::Clear> result(
      PQexecPrepared(conn_.get(), name.c_str(), static_cast<int>(values.size()), values.data(),
                     /*paramLengths=*/nullptr, /*paramFormats=*/nullptr, /*resultFormat=*/0));
  const ExecStatusType st = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) return Failure(result.get(), "PostgreSQL");
  return Rows(std::move(result));
}

Result<Rows> Connection::ExecOnce(std::string_view sql, const Params& params) {
  if (broken()) return Unavailable("PostgreSQL connection lost");
  const std::vector<const char*> values = ParamValues(params.values_, params.null_);
  std::unique_ptr<PGresult, Rows::Clear> result(
      PQexecParams(conn_.get(), std::string(sql).c_str(), static_cast<int>(values.size()),
                   /*paramTypes=*/nullptr, values.data(), /*paramLengths=*/nullptr,
                   /*paramFormats=*/nullptr, /*resultFormat=*/0));
  const ExecStatusType st = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) return Failure(result.get(), "PostgreSQL");
  return Rows(std::move(result));
}

Result<Rows> Connection::ExecWithin(std::string_view sql, const Params& params,
                                    std::chrono::milliseconds limit, bool* sent) {
  *sent = false;
  if (broken()) return Unavailable("PostgreSQL connection lost");
  NARWHAL_ASSIGN_OR_RETURN(std::string name, Prepared(sql));
  const std::vector<const char*> values = ParamValues(params.values_, params.null_);
  if (PQsendQueryPrepared(conn_.get(), name.c_str(), static_cast<int>(values.size()), values.data(),
                          /*paramLengths=*/nullptr, /*paramFormats=*/nullptr,
                          /*resultFormat=*/0) != 1) {
    return Failure(nullptr, "PostgreSQL");
  }
  *sent = true;
  NARWHAL_RETURN_IF_ERROR(Await(sql, limit));
  std::unique_ptr<PGresult, Rows::Clear> result(PQgetResult(conn_.get()));
  // The end of this statement's results; a second result would be a protocol error.
  while (std::unique_ptr<PGresult, Rows::Clear>(PQgetResult(conn_.get())) != nullptr) {
  }
  const ExecStatusType st = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) return Failure(result.get(), "PostgreSQL");
  return Rows(std::move(result));
}

bool Connection::ProbeIdle() {
  if (broken()) return false;
  // A server that shuts down sends its FATAL message and then closes: the first read
  // takes the message, a later one sees the end of the stream. A few rounds, no waiting.
  for (int round = 0; round < 4 && !broken(); ++round) {
    pollfd fd{.fd = PQsocket(conn_.get()), .events = POLLIN, .revents = 0};
    if (poll(&fd, 1, 0) <= 0) break;
    if (PQconsumeInput(conn_.get()) != 1) broken_ = true;
  }
  return !broken();
}

Status Connection::Await(std::string_view what, std::chrono::milliseconds limit) {
  PGconn* conn = conn_.get();
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (PQisBusy(conn) == 1) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd fd{.fd = PQsocket(conn), .events = POLLIN, .revents = 0};
    const int ready = left.count() > 0 ? poll(&fd, 1, static_cast<int>(left.count())) : 0;
    if (ready == 0) {
      broken_ = true;
      return DeadlineExceeded("PostgreSQL gave no answer to " + std::string(what) + " within " +
                              std::to_string(limit.count()) + " ms");
    }
    if (ready < 0 && errno != EINTR) return Failure(nullptr, "PostgreSQL");
    if (PQconsumeInput(conn) != 1) return Failure(nullptr, "PostgreSQL");
  }
  return Status::Ok();
}

Status Connection::Run(std::string_view sql) {
  if (broken()) return Unavailable("PostgreSQL connection lost");
  std::unique_ptr<PGresult, Rows::Clear> result(PQexec(conn_.get(), std::string(sql).c_str()));
  const ExecStatusType st = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) return Failure(result.get(), "PostgreSQL");
  return Status::Ok();
}

Status Connection::RunWithin(std::string_view sql, std::chrono::milliseconds limit) {
  if (broken()) return Unavailable("PostgreSQL connection lost");
  PGconn* conn = conn_.get();
  if (PQsendQuery(conn, std::string(sql).c_str()) != 1) return Failure(nullptr, "PostgreSQL");
  NARWHAL_RETURN_IF_ERROR(Await(sql, limit));
  Status status;
  for (;;) {
    std::unique_ptr<PGresult, Rows::Clear> r(PQgetResult(conn));
    if (!r) break;
    const ExecStatusType st = PQresultStatus(r.get());
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK && status.ok()) {
      status = Failure(r.get(), "PostgreSQL");
    }
  }
  return status;
}

Status Connection::CopyIn(std::string_view copy_sql, std::string_view data) {
  if (broken()) return Unavailable("PostgreSQL connection lost");
  {
    std::unique_ptr<PGresult, Rows::Clear> start(
        PQexec(conn_.get(), std::string(copy_sql).c_str()));
    if (!start || PQresultStatus(start.get()) != PGRES_COPY_IN) {
      return Failure(start.get(), "PostgreSQL COPY");
    }
  }
  constexpr size_t kChunk = 1 << 20;
  for (size_t off = 0; off < data.size(); off += kChunk) {
    const std::string_view piece = data.substr(off, kChunk);
    if (PQputCopyData(conn_.get(), piece.data(), static_cast<int>(piece.size())) != 1) {
      broken_ = true;
      return Unavailable("PostgreSQL COPY: " + Trimmed(PQerrorMessage(conn_.get())));
    }
  }
  if (PQputCopyEnd(conn_.get(), nullptr) != 1) {
    broken_ = true;
    return Unavailable("PostgreSQL COPY: " + Trimmed(PQerrorMessage(conn_.get())));
  }
  Status status;
  for (;;) {
    std::unique_ptr<PGresult, Rows::Clear> r(PQgetResult(conn_.get()));
    if (!r) break;
    if (PQresultStatus(r.get()) != PGRES_COMMAND_OK && status.ok()) {
      status = Failure(r.get(), "PostgreSQL COPY");
    }
  }
  return status;
}

void AppendCopyField(std::string_view value, std::string& out) {
  size_t run = 0;
  for (size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    const char* esc = nullptr;
    switch (c) {
      case '\\': esc = "\\\\"; break;
      case '\t': esc = "\\t"; break;
      case '\n': esc = "\\n"; break;
      case '\r': esc = "\\r"; break;
      default: continue;
    }
    out.append(value.substr(run, i - run));
    out.append(esc);
    run = i + 1;
  }
  out.append(value.substr(run));
}

std::string BigintArray(std::span<const int64_t> values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(values[i]);
  }
  out += '}';
  return out;
}

std::string TextArray(std::span<const std::string> values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

std::string PrefixUpperBound(std::string_view prefix) {
  std::string bound(prefix);
  while (!bound.empty()) {
    // Decode the last code point.
    size_t start = bound.size() - 1;
    while (start > 0 && (static_cast<unsigned char>(bound[start]) & 0xC0) == 0x80) --start;
    const auto lead = static_cast<unsigned char>(bound[start]);
    const size_t len = bound.size() - start;
    uint32_t cp = 0;
    if (lead < 0x80) {
      cp = lead;
    } else if ((lead & 0xE0) == 0xC0) {
      cp = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
      cp = lead & 0x0F;
    } else {
      cp = lead & 0x07;
    }
    for (size_t i = 1; i < len; ++i)
      cp = (cp << 6) | (static_cast<unsigned char>(bound[start + i]) & 0x3F);
    bound.resize(start);
    ++cp;
    if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xE000;
    if (cp > 0x10FFFF) continue;  // the last code point was the largest: carry
    if (cp < 0x80) {
      bound += static_cast<char>(cp);
    } else if (cp < 0x800) {
      bound += static_cast<char>(0xC0 | (cp >> 6));
      bound += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      bound += static_cast<char>(0xE0 | (cp >> 12));
      bound += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      bound += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      bound += static_cast<char>(0xF0 | (cp >> 18));
      bound += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      bound += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      bound += static_cast<char>(0x80 | (cp & 0x3F));
    }
    return bound;
  }
  return bound;
}

}  // namespace narwhal::postgres

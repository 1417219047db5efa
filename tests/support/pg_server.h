// PgServer: a real PostgreSQL server for the tests of one test binary.
//
// Shared() starts it on first use: initdb into a fresh temporary directory, then pg_ctl
// start on a free loopback port with fsync on and the unix socket inside that directory
// (as the `postgres` OS user when the tests run as root). It is stopped and its directory
// removed when the binary exits. Each test gets a schema of its own in a shared database
// (CreateSchema, milliseconds) or, when it needs one, a whole database (CreateDatabase).
//
// When the PostgreSQL binaries are missing or the server does not start, Shared()
// returns the reason as an error: tests that need the server fail with it, never skip.
//
// Thread-safety: Shared() may be called from any thread; the other methods are called by
// the test thread only.
#ifndef NARWHAL_TESTS_SUPPORT_PG_SERVER_H_
#define NARWHAL_TESTS_SUPPORT_PG_SERVER_H_

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"

namespace narwhal::testing {

class PgServer {
 public:
  // The server of this test binary, started on first call. Stays valid until exit.
  static Result<PgServer*> Shared();

  ~PgServer();
  PgServer(const PgServer&) = delete;
  PgServer& operator=(const PgServer&) = delete;

  int port() const { return port_; }
  // A libpq connection string for `database` on this server.
  std::string ConnInfo(const std::string& database) const;

  // A new empty database with a unique name; returns the name. Costs ~0.5 s (the copy
  // of template0 is flushed to disk); prefer CreateSchema where a schema isolates enough.
  Result<std::string> CreateDatabase();
  // Drops `database`, closing any connections still open to it.
  Status DropDatabase(const std::string& database);

  // A new empty schema with a unique name in the shared test database; returns the name.
  // Milliseconds, so every test can have its own.
  Result<std::string> CreateSchema();
  // A connection string whose search_path is `schema` alone: unqualified tables of the
  // session live there, as if it were a database of its own.
  std::string SchemaConnInfo(const std::string& schema) const;
  Status DropSchema(const std::string& schema);

  // pg_ctl restart (fast shutdown, which ends every connection), waiting until the
  // server accepts connections again.
  Status Restart();
  // pg_ctl stop / start, for tests of an unreachable server.
  Status Stop();
  Status Start();

  // A hot standby of this server, streaming from it (pg_basebackup -R on first use, a port
  // of its own), for tests of reads served by a replica. StopStandby stops it (fast);
  // StartStandby starts it again.
  Status StartStandby();
  Status StopStandby();
  std::string StandbyConnInfo(const std::string& database) const;
  // Fixed test SQL on the standby's `postgres` database (pg_wal_replay_pause(), ...).
  Status StandbySql(const std::string& sql) const;

 private:
  PgServer() = default;
  Status Init();
  // Runs a PostgreSQL program (as the postgres user when we are root); output goes to
  // the server's log file. Fails with the program's exit status.
  Status RunTool(const std::string& tool, const std::vector<std::string>& args) const;
  Status InitDataDir();  // initdb into dir_/data
  // Fixed test SQL on `database`.
  Status Sql(const std::string& sql, const std::string& database = "postgres") const;
  static Status SqlOn(const std::string& conninfo, const std::string& sql);

  std::string bin_dir_;
  std::string dir_;  // temporary directory: data/, the socket, the log
  int port_ = 0;
  int standby_port_ = 0;  // 0 until the standby was made
  bool as_postgres_user_ = false;
  bool running_ = false;
  bool standby_running_ = false;
  int next_database_ = 0;
  int next_schema_ = 0;
  bool schema_database_created_ = false;
};

}  // namespace narwhal::testing

#endif  // NARWHAL_TESTS_SUPPORT_PG_SERVER_H_

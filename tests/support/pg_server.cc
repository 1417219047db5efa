#include "pg_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <system_error>

namespace narwhal::testing {
namespace {

constexpr const char* kDefaultBinDir = "/usr/lib/postgresql/15/bin";

// A port on 127.0.0.1 that nobody listens on right now.
Result<int> FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return Internal("socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  close(fd);
  if (!ok) return Internal("cannot find a free loopback port");
  return static_cast<int>(ntohs(addr.sin_port));
}

struct PgConnDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct PgResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};

}  // namespace

Result<PgServer*> PgServer::Shared() {
  // One server per test binary, started on first use, stopped when the binary exits.
  struct Holder {
    std::unique_ptr<PgServer> server;
    Status status;
  };
  static Holder holder = [] {
    Holder h;
    h.server.reset(new PgServer());  // private constructor
    h.status = h.server->Init();
    return h;
  }();
  if (!holder.status.ok()) return holder.status;
  return holder.server.get();
}

PgServer::~PgServer() {
  if (standby_running_) {
    (void)RunTool("pg_ctl", {"-D", dir_ + "/standby", "-m", "immediate", "-w", "stop"});
  }
  if (running_) (void)RunTool("pg_ctl", {"-D", dir_ + "/data", "-m", "immediate", "-w", "stop"});
  if (!dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

std::string PgServer::ConnInfo(const std::string& database) const {
  return "host=127.0.0.1 port=" + std::to_string(port_) + " user=postgres dbname=" + database;
}

Status PgServer::Init() {
  const char* env = std::getenv("NARWHAL_PG_BIN_DIR");
  bin_dir_ = env != nullptr && *env != '\0' ? env : kDefaultBinDir;
  if (access((bin_dir_ + "/initdb").c_str(), X_OK) != 0 ||
      access((bin_dir_ + "/pg_ctl").c_str(), X_OK) != 0) {
    return FailedPrecondition("PostgreSQL test server: no initdb/pg_ctl in " + bin_dir_ +
                              " (install postgresql-15, or set NARWHAL_PG_BIN_DIR)");
  }
  std::string pattern = (std::filesystem::temp_directory_path() / "narwhal-pg-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    return Internal("PostgreSQL test server: cannot create a temporary directory");
  }
  dir_ = pattern;
  // PostgreSQL refuses to run as root: run its programs as `postgres`, who must own the
  // directory.
  if (geteuid() == 0) {
    const passwd* pw = getpwnam("postgres");
    if (pw == nullptr) {
      return FailedPrecondition(
          "PostgreSQL test server: running as root and there is no "
          "`postgres` user to run the server as");
    }
    if (chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
      return Internal("PostgreSQL test server: cannot chown " + dir_);
    }
    as_postgres_user_ = true;
  }
  NARWHAL_ASSIGN_OR_RETURN(port_, FreeLoopbackPort());
  NARWHAL_RETURN_IF_ERROR(InitDataDir());
  NARWHAL_RETURN_IF_ERROR(Start());
  return Status::Ok();
}

Status PgServer::InitDataDir() {
  // --no-sync only skips initdb's final flush of the fresh cluster; the server itself
  // runs with fsync on. (Copying a cached cluster instead measured no faster: both are
  // ~1.5 s of writing 40 MB on this machine's temp file system.)
  return RunTool("initdb", {"-D", dir_ + "/data", "-U", "postgres", "-A", "trust", "-E", "UTF8",
                            "--locale=C.utf8", "--no-sync"})
      .WithContext("PostgreSQL test server: initdb");
}

Status PgServer::Start() {
  const std::string options = "-p " + std::to_string(port_) + " -k " + dir_ +
                              " -c listen_addresses=127.0.0.1 -c fsync=on"
                              " -c synchronous_commit=on -c max_connections=100"
                              " -c shared_buffers=64MB";
  NARWHAL_RETURN_IF_ERROR(
      RunTool("pg_ctl", {"-D", dir_ + "/data", "-l", dir_ + "/server.log", "-w", "-t", "60", "-o",
                         options, "start"})
          .WithContext("PostgreSQL test server: pg_ctl start (log in " + dir_ + "/server.log)"));
  running_ = true;
  return Status::Ok();
}

Status PgServer::StartStandby() {
  if (standby_running_) return Status::Ok();
  if (standby_port_ == 0) {
    NARWHAL_ASSIGN_OR_RETURN(standby_port_, FreeLoopbackPort());
    // initdb -A trust lets loopback replication connections in.
    NARWHAL_RETURN_IF_ERROR(
        RunTool("pg_basebackup",
                {"-D", dir_ + "/standby", "-h", "127.0.0.1", "-p", std::to_string(port_), "-U",
                 "postgres", "-R", "-X", "stream", "-c", "fast", "--no-sync"})
            .WithContext("PostgreSQL test standby: pg_basebackup"));
  }
  const std::string options = "-p " + std::to_string(standby_port_) + " -k " + dir_ +
                              " -c listen_addresses=127.0.0.1 -c hot_standby=on"
                              " -c max_connections=100 -c shared_buffers=64MB";
  NARWHAL_RETURN_IF_ERROR(
      RunTool("pg_ctl", {"-D", dir_ + "/standby", "-l", dir_ + "/standby.log", "-w", "-t", "60",
                         "-o", options, "start"})
          .WithContext("PostgreSQL test standby: pg_ctl start (log in " + dir_ + "/standby.log)"));
  standby_running_ = true;
  return Status::Ok();
}

Status PgServer::StopStandby() {
  if (!standby_running_) return Status::Ok();
  NARWHAL_RETURN_IF_ERROR(RunTool("pg_ctl", {"-D", dir_ + "/standby", "-m", "fast", "-w", "stop"}));
  standby_running_ = false;
  return Status::Ok();
}

std::string PgServer::StandbyConnInfo(const std::string& database) const {
  return "host=127.0.0.1 port=" + std::to_string(standby_port_) +
         " user=postgres dbname=" + database;
}

Status PgServer::StandbySql(const std::string& sql) const {
  return SqlOn(StandbyConnInfo("postgres"), sql);
}

Status PgServer::Stop() {
  NARWHAL_RETURN_IF_ERROR(RunTool("pg_ctl", {"-D", dir_ + "/data", "-m", "fast", "-w", "stop"}));
  running_ = false;
  return Status::Ok();
}

Status PgServer::Restart() {
  NARWHAL_RETURN_IF_ERROR(
      RunTool("pg_ctl", {"-D", dir_ + "/data", "-m", "fast", "-w", "-t", "60", "restart"}));
  running_ = true;
  return Status::Ok();
}

Result<std::string> PgServer::CreateDatabase() {
  const std::string name = "narwhal_t" + std::to_string(++next_database_);
  NARWHAL_RETURN_IF_ERROR(Sql("CREATE DATABASE " + name + " TEMPLATE template0"));
  return name;
}

Status PgServer::DropDatabase(const std::string& database) {
  return Sql("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
}

Result<std::string> PgServer::CreateSchema() {
  if (!schema_database_created_) {
    NARWHAL_RETURN_IF_ERROR(Sql("CREATE DATABASE narwhal_schemas TEMPLATE template0"));
    schema_database_created_ = true;
  }
  const std::string name = "narwhal_s" + std::to_string(++next_schema_);
  NARWHAL_RETURN_IF_ERROR(Sql("CREATE SCHEMA " + name, "narwhal_schemas"));
  return name;
}

std::string PgServer::SchemaConnInfo(const std::string& schema) const {
  return ConnInfo("narwhal_schemas") + " options='-c search_path=" + schema + "'";
}

Status PgServer::DropSchema(const std::string& schema) {
  return Sql("DROP SCHEMA IF EXISTS " + schema + " CASCADE", "narwhal_schemas");
}

Status PgServer::Sql(const std::string& sql, const std::string& database) const {
  return SqlOn(ConnInfo(database), sql);
}

Status PgServer::SqlOn(const std::string& conninfo, const std::string& sql) {
  std::unique_ptr<PGconn, PgConnDeleter> conn(PQconnectdb(conninfo.c_str()));
  if (conn == nullptr || PQstatus(conn.get()) != CONNECTION_OK) {
    return Unavailable("PostgreSQL test server: cannot connect: " +
                       std::string(conn ? PQerrorMessage(conn.get()) : "out of memory"));
  }
  // DROP SCHEMA ... CASCADE lists every table it drops; nobody needs to read that.
  PQsetNoticeProcessor(
      conn.get(), [](void*, const char*) {}, nullptr);
  std::unique_ptr<PGresult, PgResultDeleter> r(PQexec(conn.get(), sql.c_str()));
  if (r == nullptr ||
      (PQresultStatus(r.get()) != PGRES_COMMAND_OK && PQresultStatus(r.get()) != PGRES_TUPLES_OK)) {
    return Internal("PostgreSQL test server: " + sql + ": " + PQerrorMessage(conn.get()));
  }
  return Status::Ok();
}

Status PgServer::RunTool(const std::string& tool, const std::vector<std::string>& args) const {
  const std::string program = bin_dir_ + "/" + tool;
  // Everything the child needs is built before fork().
  std::vector<std::string> argv_storage;
  if (as_postgres_user_) {
    argv_storage = {"/usr/sbin/runuser", "-u", "postgres", "--"};
  }
  argv_storage.push_back(program);
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::string log = dir_ + "/tools.log";
  const int log_fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
  const pid_t pid = fork();
  if (pid < 0) {
    if (log_fd >= 0) close(log_fd);
    return Internal("fork failed");
  }
  if (pid == 0) {
    if (log_fd >= 0) {
      dup2(log_fd, STDOUT_FILENO);
      dup2(log_fd, STDERR_FILENO);
    }
    const int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, STDIN_FILENO);
    execv(argv[0], argv.data());
    _exit(127);
  }
  if (log_fd >= 0) close(log_fd);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    // The directory goes away with the server, so the reason travels in the message.
    std::ifstream in(log);
    std::stringstream text;
    text << in.rdbuf();
    std::string tail = text.str();
    if (tail.size() > 2000) tail = tail.substr(tail.size() - 2000);
    return Internal(program + " failed (exit status " + std::to_string(WEXITSTATUS(status)) +
                    "); its output:\n" + tail);
  }
  return Status::Ok();
}

}  // namespace narwhal::testing

#include "cli/commands.h"

#include <fmt/core.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "auth/auth_service.h"
#include "base/clock.h"
#include "base/log.h"
#include "import/progress.h"
#include "storage/postgres/postgres_store.h"
#include "storage/sqlite/sqlite_store.h"

namespace narwhal {
namespace {

constexpr const char* kDatabaseFile = "narwhal.db";

bool ParseListen(const std::string& listen, ServerOptions& out) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  long long port = 0;
  try {
    size_t used = 0;
    port = std::stoll(listen.substr(colon + 1), &used);
    if (used != listen.size() - colon - 1) return false;
  } catch (const std::exception&) {
    return false;
  }
  if (port < 0 || port > 65535) return false;
  out.host = host;
  out.port = static_cast<uint16_t>(port);
  return true;
}

int ReportImport(const Result<ImportSummary>& result) {
  if (!result.ok()) {
    fmt::print(stderr, "narwhal import: {}\n", result.status().message());
    switch (result.status().code()) {
      case ErrorCode::kInvalidArgument:
      case ErrorCode::kNotFound: return kExitBadInput;
      case ErrorCode::kUnavailable: return kExitUnavailable;
      default: return kExitFailure;
    }
  }
  const ImportSummary& s = *result;
  fmt::print(stderr,
             "imported {} of {} rows in {:.1f}s: {} new, {} changed ({} moved), {} unchanged, "
             "{} removed, {} history rows, {} rejected{}\n",
             s.imported, s.rows, s.seconds, s.voters.added, s.voters.changed, s.voters.moved,
             s.voters.unchanged, s.removed, s.history_rows, s.rejected,
             s.rejected > 0 ? fmt::format(" (see {})", s.rejects_path) : std::string());
  fmt::print("{}\n", s.ToJson());
  return kExitOk;
}

}  // namespace

void AuditCliAction(Store& store, const Clock& clock, std::string_view command, std::string action,
                    std::string target, std::string detail) {
  AuditEvent event;
  event.at = clock.Now();
  event.action = std::move(action);
  event.target = std::move(target);
  event.detail = std::move(detail);
  event.remote_addr = "cli";
  Status s = store.AppendAudit(std::span<const AuditEvent>(&event, 1));
  if (!s.ok()) fmt::print(stderr, "narwhal {}: audit log: {}\n", command, s.message());
}

int CommandFailed(std::string_view command, std::string_view reason, int exit_code) {
  fmt::print(stderr, "narwhal {}: {}\n", command, reason);
  return exit_code;
}

int CommandFailed(std::string_view command, const Status& status) {
  switch (status.code()) {
    case ErrorCode::kInvalidArgument: return CommandFailed(command, status.message(), kExitUsage);
    case ErrorCode::kUnavailable: return CommandFailed(command, status.message(), kExitUnavailable);
    default: return CommandFailed(command, status.message(), kExitFailure);
  }
}

Result<std::unique_ptr<Store>> OpenStore(const CommonArgs& common, bool standby_reads) {
  if (!common.store.empty()) {
    PostgresOptions options;
    options.conninfo = common.store;
    if (common.pg_pool > 0) options.pool_size = common.pg_pool;
    options.strike_calls = common.pg_strike_calls;
    if (standby_reads) options.read_replica.conninfo = common.read_store;
    if (common.read_max_lag_ms > 0) options.read_replica.max_lag_ms = common.read_max_lag_ms;
    return OpenPostgresStore(options);
  }
  std::error_code ec;
  std::filesystem::create_directories(common.data_dir, ec);
  if (ec) {
    return Unavailable(
        fmt::format("cannot create data directory '{}': {}", common.data_dir, ec.message()));
  }
  SqliteOptions options;
  options.path = (std::filesystem::path(common.data_dir) / kDatabaseFile).string();
  return OpenSqliteStore(options);
}

std::string DefaultDataDir() {
  const char* env = std::getenv("NARWHAL_DATA");
  if (env != nullptr && *env != '\0') return env;
  return "narwhal-data";
}

int RunServe(ServeArgs args) {
  if (!ParseListen(args.listen, args.server)) {
    fmt::print(stderr, "narwhal serve: --listen wants HOST:PORT, got '{}'\n", args.listen);
    return kExitUsage;
  }
  auto store = OpenStore(args.common, /*standby_reads=*/true);
  if (!store.ok()) {
    fmt::print(stderr, "narwhal serve: {}\n", store.status().message());
    return kExitUnavailable;
  }
  SystemClock clock;
  // The same AuthService the `users` commands issue codes with checks them at login.
  AuthService auth(**store, clock, args.server.auth);
  ServerDeps deps;
  deps.auth = &auth;
  auto server = Server::Start(args.server, **store, clock, deps);
  if (!server.ok()) {
    fmt::print(stderr, "narwhal serve: {}\n", server.status().message());
    return kExitUnavailable;
  }
  LogInfo(fmt::format("serving {} on http://{}:{}/", args.common.data_dir, args.server.host,
                      (*server)->port()));
  (*server)->WaitForSignal();
  LogInfo("stopped");
  return kExitOk;
}

int RunImportVoters(const ImportArgs& args) {
  auto store = OpenStore(args.common);
  if (!store.ok()) {
    fmt::print(stderr, "narwhal import: {}\n", store.status().message());
    return kExitUnavailable;
  }
  std::unique_ptr<ProgressSink> progress;
  if (!args.quiet) progress = MakeTerminalProgress();
  return ReportImport(RunImport(**store, args.import, progress.get()));
}

int RunDemo(const DemoArgs& args) {
  namespace fs = std::filesystem;
  std::string dir = args.files_only_dir.empty() ? args.common.data_dir : args.files_only_dir;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    fmt::print(stderr, "narwhal demo: cannot create '{}': {}\n", dir, ec.message());
    return kExitUnavailable;
  }
  fs::path db = fs::path(args.common.data_dir) / kDatabaseFile;
  if (args.files_only_dir.empty() && fs::exists(db)) {
    if (!args.force) {
      fmt::print(stderr, "narwhal demo: {} already holds a database; use --force to replace it\n",
                 args.common.data_dir);
      return kExitUsage;
    }
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db.string() + suffix, ec);
  }
  std::string voter_path = (fs::path(dir) / "demo_ncvoter.txt").string();
  std::string history_path = (fs::path(dir) / "demo_ncvhis.txt").string();
  DemoOptions options = args.demo;
  if (!args.addresses_path.empty()) {
    Result<int64_t> read = ReadOpenAddresses(args.addresses_path, [&](const AddressPointRow& row) {
      if (row.reason.empty()) options.addresses.push_back({row.number_and_street, row.lat});
      return Status::Ok();
    });
    if (!read.ok()) {
      fmt::print(stderr, "narwhal demo: {}\n", read.status().message());
      return kExitBadInput;
    }
  }
  auto files = WriteDemoFiles(options, voter_path, history_path);
  if (!files.ok()) {
    fmt::print(stderr, "narwhal demo: {}\n", files.status().message());
    return kExitFailure;
  }
  fmt::print(stderr, "wrote {} voters ({} deliberately bad rows) and {} history rows to {}\n",
             files->voter_rows, files->dirty_rows, files->history_rows, dir);
  if (!args.files_only_dir.empty()) return kExitOk;

  ImportArgs voters;
  voters.common = args.common;
  voters.import.format = VoterFormat::kNcsbe;
  voters.import.path = voter_path;
  int rc = RunImportVoters(voters);
  if (rc != kExitOk) return rc;
  ImportArgs history = voters;
  history.import.format = VoterFormat::kNcvhis;
  history.import.path = history_path;
  rc = RunImportVoters(history);
  if (rc != kExitOk) return rc;
  if (!args.addresses_path.empty()) {
    ImportAddressesArgs points;
    points.common = args.common;
    points.options.path = args.addresses_path;
    points.options.rejects_path = (fs::path(dir) / "addresses.rejects.tsv").string();
    rc = RunImportAddresses(points);
    if (rc != kExitOk) return rc;
  }
  // Someone has to be able to log in to the demo: an admin, user 1, with a fresh code.
  UsersAddArgs admin;
  admin.common = args.common;
  admin.name = "Demo admin";
  admin.role = "admin";
  return RunUsersAdd(admin);
}

}  // namespace narwhal

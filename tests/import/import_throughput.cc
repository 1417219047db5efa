// Measures the import hot path on a large file, without a database:
//   import_throughput FILE [FORMAT [pipeline|sqlite DB_PATH]]
// prints MB/s and rows/s of (1) the reader alone, (2) reader + mapper on one thread and
// (3) the whole RunImport pipeline into a store that discards everything; "pipeline" runs
// (3) only; "sqlite DB_PATH" runs only a real import into a new embedded store there.
// Not a test: built on demand (`cmake --build ... --target import_throughput`).
#include <time.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "../storage/unimplemented_store.h"
#include "import/csv_reader.h"
#include "import/formats.h"
#include "import/importer.h"
#include "storage/sqlite/sqlite_store.h"

namespace narwhal {
namespace {

// A Store that accepts and forgets; only the import methods are used.
class DiscardStore final : public testing::UnimplementedStore {
 public:
  Result<ImportId> BeginImport(const ImportInfo&) override { return ImportId{1}; }
  Result<UpsertCounts> UpsertVoters(ImportId, std::span<const Voter> voters) override {
    UpsertCounts c;
    c.added = static_cast<int64_t>(voters.size());
    return c;
  }
  Result<int64_t> UpsertHistory(ImportId, std::span<const VoteHistoryEntry> rows) override {
    return static_cast<int64_t>(rows.size());
  }
  Result<FinishImportResult> FinishImport(ImportId, const FinishImportOptions&) override {
    return FinishImportResult{};
  }
};

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// CPU time of the whole process: on a shared machine, a steadier measure than wall time.
double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

int RunSqlite(const std::string& path, VoterFormat format, const std::string& db_path) {
  SqliteOptions sqlite;
  sqlite.path = db_path;
  auto store = OpenSqliteStore(sqlite);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    return 1;
  }
  ImportOptions options;
  options.format = format;
  options.path = path;
  options.rejects_path = db_path + ".rejects.tsv";
  auto start = std::chrono::steady_clock::now();
  double cpu_start = CpuSeconds();
  auto summary = RunImport(**store, options, nullptr);
  double s = Seconds(start);
  double cpu = CpuSeconds() - cpu_start;
  if (!summary.ok()) {
    std::fprintf(stderr, "%s\n", summary.status().ToString().c_str());
    return 1;
  }
  std::printf("import into sqlite: wall %.2f s  cpu %.2f s  %.0f rows/s\n%s\n", s, cpu,
              static_cast<double>(summary->rows) / s, summary->ToJson().c_str());
  return 0;
}

int Run(const std::string& path, VoterFormat format, bool pipeline_only) {
  for (bool map : {false, true}) {
    if (pipeline_only) break;
    auto source = OpenFileSource(path);
    if (!source.ok()) {
      std::fprintf(stderr, "%s\n", source.status().ToString().c_str());
      return 1;
    }
    auto start = std::chrono::steady_clock::now();
    double cpu_start = CpuSeconds();
    CsvReader reader(std::move(*source), {});
    CsvRecord record;
    int64_t rows = 0;
    int64_t fields = 0;
    int64_t bad = 0;
    std::optional<RowMapper> mapper;
    Voter voter;
    std::vector<VoteHistoryEntry> history;
    RowError error;
    while (*reader.Next(record)) {
      if (!mapper) {
        auto m = RowMapper::Create(format, record.fields, nullptr);
        if (!m.ok()) {
          std::fprintf(stderr, "%s\n", m.status().ToString().c_str());
          return 1;
        }
        mapper.emplace(std::move(*m));
        continue;
      }
      ++rows;
      fields += static_cast<int64_t>(record.fields.size());
      if (map) {
        history.clear();
        if (!mapper->MapVoter(record.fields, voter, history, error)) ++bad;
      }
    }
    double s = Seconds(start);
    double cpu = CpuSeconds() - cpu_start;
    std::printf(
        "%-16s %9lld rows %6lld bad  wall %5.2f s  cpu %5.2f s  %7.1f MB/s  %9.0f rows/s "
        "(per cpu second)\n",
        map ? "read+map" : "read", static_cast<long long>(rows), static_cast<long long>(bad), s,
        cpu, static_cast<double>(reader.bytes_read()) / cpu / 1e6, static_cast<double>(rows) / cpu);
    (void)fields;
  }
  DiscardStore store;
  ImportOptions options;
  options.format = format;
  options.path = path;
  options.rejects_path = "/dev/null";
  auto start = std::chrono::steady_clock::now();
  double cpu_start = CpuSeconds();
  auto summary = RunImport(store, options, nullptr);
  double s = Seconds(start);
  double cpu = CpuSeconds() - cpu_start;
  if (!summary.ok()) {
    std::fprintf(stderr, "%s\n", summary.status().ToString().c_str());
    return 1;
  }
  std::printf("%-16s %9lld rows %6lld rejected  wall %5.2f s  cpu %5.2f s  %9.0f rows/s (wall)\n",
              "pipeline (no db)", static_cast<long long>(summary->rows),
              static_cast<long long>(summary->rejected), s, cpu,
              static_cast<double>(summary->rows) / s);
  return 0;
}

}  // namespace
}  // namespace narwhal

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE [FORMAT]\n", argv[0]);
    return 2;
  }
  auto format = narwhal::ParseVoterFormat(argc > 2 ? argv[2] : "ncsbe");
  if (!format.ok()) {
    std::fprintf(stderr, "%s\n", format.status().ToString().c_str());
    return 2;
  }
  if (argc > 4 && std::string(argv[3]) == "sqlite") {
    return narwhal::RunSqlite(argv[1], *format, argv[4]);
  }
  return narwhal::Run(argv[1], *format, argc > 3 && std::string(argv[3]) == "pipeline");
}

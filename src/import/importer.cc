#include "import/importer.h"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/text.h"
#include "import/bounded_queue.h"
#include "import/csv_reader.h"
#include "import/formats.h"
#include "import/rejects_file.h"

namespace narwhal {
namespace {

// One unit of work handed from the decode thread to the storing thread: mapped voters
// (or history rows) ready for one store call, and the rows rejected on the way.
struct MappedBatch {
  struct Reject {
    int64_t line = 0;
    std::string column;
    std::string reason;
    std::string record;  // the raw record, not yet re-encoded or escaped
    // The voter id of a rejected voter row, when it could be read: a full refresh must
    // not mark a voter removed only because her row this week was bad.
    std::string voter_id;
  };

  std::vector<Voter> voters;  // [0, voter_count) are filled; reused between batches
  size_t voter_count = 0;
  std::unique_ptr<PreparedVoters> prepared;  // the store's work on voters, done here
  std::vector<VoterResidence> residences;    // their doors, when the store keeps households
  std::vector<VoteHistoryEntry> history;     // ncvhis rows, or Ohio election columns
  std::vector<Reject> rejects;
  int64_t rows = 0;        // data records read into this batch, rejects included
  int64_t bytes_read = 0;  // position in the file after this batch
  Status status;           // a read failure; the batch is then the last one

  void Clear() {
    voter_count = 0;
    prepared.reset();
    residences.clear();
    history.clear();
    rejects.clear();
    rows = 0;
    bytes_read = 0;
    status = Status::Ok();
  }
};

using BatchPtr = std::unique_ptr<MappedBatch>;

// The voter ids seen so far in one file, with the line each was first seen on. Open
// addressing over 64-bit hashes with the ids kept in one arena, so a hash collision is
// never taken for a duplicate: about 30 bytes per voter (8M voters in ~250 MB) and one
// cache miss per lookup, where a node-based map costs twice both.
class SeenIds {
 public:
  // Starts loading the slot where `id` would go, so that a later Insert of it does not
  // wait for memory: with millions of ids, nearly every lookup misses the cache.
  void Prefetch(std::string_view id) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[Hash(id) & (slots_.size() - 1)]);
  }

  // Inserts `id` first seen at `line`; when already present, returns that line instead.
  std::optional<int64_t> Insert(std::string_view id, int64_t line) {
    if ((count_ + 1) * 10 > slots_.size() * 7) Grow();
    uint64_t h = Hash(id);
    size_t mask = slots_.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      Slot& s = slots_[i];
      if (s.hash == 0) {
        s = {h, line, static_cast<uint64_t>(arena_.size()), static_cast<uint32_t>(id.size())};
        arena_.append(id);
        ++count_;
        return std::nullopt;
      }
      if (s.hash == h && std::string_view(arena_.data() + s.offset, s.size) == id) {
        return s.line;
      }
    }
  }

 private:
  struct Slot {
    uint64_t hash;  // 0 = empty
    int64_t line;
    uint64_t offset;
    uint32_t size;
  };

  static uint64_t Hash(std::string_view id) {
    uint64_t h = std::hash<std::string_view>()(id);
    return h == 0 ? 1 : h;
  }

  void Grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 1024 : old.size() * 2, Slot{});
    size_t mask = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.hash == 0) continue;
      size_t i = s.hash & mask;
      while (slots_[i].hash != 0) i = (i + 1) & mask;
      slots_[i] = s;
    }
  }

  std::vector<Slot> slots_;
  std::string arena_;
  size_t count_ = 0;
};

constexpr auto kProgressInterval = std::chrono::milliseconds(250);

// The decode thread: reads, splits, maps and de-duplicates records into batches of
// batch_rows store-ready rows, and has the store prepare each batch of voters
// (Store::PrepareVoters). That runs here, not on the storing thread, because Store calls
// are synchronous: with two cores, decoding and preparing the next batch overlaps with
// storing the last one. Owns the thread it runs on; joined by Finish() or the destructor.
class DecodeThread {
 public:
  DecodeThread(CsvReader reader, RowMapper mapper, std::optional<CsvRecord> first_data,
               size_t batch_rows, Store& store, bool residences)
      : reader_(std::move(reader)),
        mapper_(std::move(mapper)),
        batch_rows_(batch_rows),
        store_(store),
        residences_(residences),
        full_(1),
        free_(2) {
    thread_ =
        std::thread([this, first = std::move(first_data)]() mutable { Run(std::move(first)); });
  }
  ~DecodeThread() { Finish(); }
  DecodeThread(const DecodeThread&) = delete;
  DecodeThread& operator=(const DecodeThread&) = delete;

  // The next batch, or nothing once the input is exhausted.
  std::optional<BatchPtr> Next() { return full_.Pop(); }
  void Recycle(BatchPtr batch) { free_.TryPush(std::move(batch)); }

  // Stops the thread (if still running) and waits for it. After this, counties() holds
  // every county seen.
  void Finish() {
    full_.Close();
    free_.Close();
    if (thread_.joinable()) thread_.join();
  }
  const std::set<std::string>& counties() const { return counties_; }

 private:
  void Run(std::optional<CsvRecord> first) {
    BatchPtr batch = std::make_unique<MappedBatch>();
    ResetBatch(*batch);
    CsvRecord record;
    for (;;) {
      if (first) {
        record = std::move(*first);
        first.reset();
      } else {
        Result<bool> more = reader_.Next(record);
        if (!more.ok() || !*more) {
          if (!more.ok()) batch->status = more.status();
          batch->bytes_read = reader_.bytes_read();
          PrepareForStore(*batch);
          full_.Push(std::move(batch));
          break;
        }
      }
      Decode(record, *batch);
      if (batch->voter_count == batch_rows_ || batch->history.size() >= batch_rows_) {
        batch->bytes_read = reader_.bytes_read();
        PrepareForStore(*batch);
        if (!full_.Push(std::move(batch))) return;
        std::optional<BatchPtr> recycled = free_.TryPop();
        batch = recycled ? std::move(*recycled) : std::make_unique<MappedBatch>();
        ResetBatch(*batch);
      }
    }
    full_.Close();
  }

  void PrepareForStore(MappedBatch& batch) {
    if (batch.voter_count == 0) return;
    batch.prepared =
        store_.PrepareVoters(std::span<const Voter>(batch.voters.data(), batch.voter_count));
    if (residences_) {
      for (size_t i = 0; i < batch.voter_count; ++i) {
        batch.residences.push_back(ResidenceOf(batch.voters[i]));
      }
    }
  }

  void ResetBatch(MappedBatch& batch) {
    batch.Clear();
    if (mapper_.kind() == RecordKind::kVoters && batch.voters.size() < batch_rows_) {
      batch.voters.resize(batch_rows_);
    }
  }

  // A recycled batch of 20,000 voters is far larger than the caches, and its strings are
  // scattered over the heap: without help, mapping waits on memory for most of them.
  // Loads, in stages, the Voter three rows ahead, the extra/district arrays of the one two
  // ahead and the string buffers of the next one.
  static void PrefetchAhead(const MappedBatch& batch, size_t i) {
    const size_t n = batch.voters.size();
    if (i + 3 < n) {
      const char* p = reinterpret_cast<const char*>(&batch.voters[i + 3]);
      for (size_t k = 0; k < sizeof(Voter); k += 64) __builtin_prefetch(p + k, 1);
    }
    if (i + 2 < n) {
      const Voter& v = batch.voters[i + 2];
      for (const NamedValues* values : {&v.extra, &v.districts}) {
        const char* p = reinterpret_cast<const char*>(values->data());
        size_t bytes = values->size() * sizeof(NamedValues::value_type);
        for (size_t k = 0; k < bytes; k += 64) __builtin_prefetch(p + k, 1);
      }
    }
    if (i + 1 < n) {
      const Voter& v = batch.voters[i + 1];
      for (const NamedValues* values : {&v.extra, &v.districts}) {
        for (const auto& [key, value] : *values) {
          __builtin_prefetch(key.data());
          __builtin_prefetch(value.data(), 1);
        }
      }
    }
  }

  void Reject(MappedBatch& batch, const CsvRecord& record, std::string column, std::string reason) {
    batch.rejects.push_back(
        {record.line, std::move(column), std::move(reason), std::string(record.raw)});
  }

  void Decode(const CsvRecord& record, MappedBatch& batch) {
    ++batch.rows;
    if (!record.error.empty()) return Reject(batch, record, "", record.error);
    if (mapper_.kind() == RecordKind::kHistory) {
      VoteHistoryEntry& entry = batch.history.emplace_back();
      if (!mapper_.MapHistory(record.fields, entry, error_)) {
        batch.history.pop_back();
        Reject(batch, record, std::exchange(error_.column, {}), std::exchange(error_.reason, {}));
      }
      return;
    }
    if (mapper_.id_column() < record.fields.size()) {
      seen_.Prefetch(TrimAscii(record.fields[mapper_.id_column()]));  // overlaps MapVoter
    }
    PrefetchAhead(batch, batch.voter_count);
    Voter& voter = batch.voters[batch.voter_count];
    size_t history_before = batch.history.size();
    if (!mapper_.MapVoter(record.fields, voter, batch.history, error_)) {
      Reject(batch, record, std::exchange(error_.column, {}), std::exchange(error_.reason, {}));
      if (mapper_.id_column() < record.fields.size()) {
        batch.rejects.back().voter_id = TrimAscii(record.fields[mapper_.id_column()]);
      }
      return;
    }
    // A repeated id is rejected rather than silently overwriting the first one.
    if (std::optional<int64_t> first = seen_.Insert(voter.voter_id, record.line)) {
      batch.history.resize(history_before);
      return Reject(batch, record, std::string(mapper_.id_column_name()),
                    fmt::format("duplicate voter id, first seen at line {}", *first));
    }
    if (voter.county != last_county_) {
      counties_.insert(voter.county);
      last_county_ = voter.county;
    }
    ++batch.voter_count;
  }

  CsvReader reader_;
  RowMapper mapper_;
  const size_t batch_rows_;
  Store& store_;
  const bool residences_;  // normalise each voter's residence for UpsertResidences
  RowError error_;
  SeenIds seen_;
  std::set<std::string> counties_;  // read by the owner only after Finish()
  std::string last_county_;
  BoundedQueue<BatchPtr> full_;
  BoundedQueue<BatchPtr> free_;
  std::thread thread_;  // runs Run(); joined by Finish()
};

}  // namespace

Result<VoterFormat> ParseVoterFormat(std::string_view name) {
  for (VoterFormat f : {VoterFormat::kNcsbe, VoterFormat::kNcvhis, VoterFormat::kOhio,
                        VoterFormat::kFlorida, VoterFormat::kWashington, VoterFormat::kCsv}) {
    if (EqualsIgnoreCase(name, VoterFormatName(f))) return f;
  }
  return InvalidArgument(fmt::format(
      "unknown format '{}' (one of ncsbe, ncvhis, ohio, florida, washington, csv)", name));
}

std::string_view VoterFormatName(VoterFormat format) {
  switch (format) {
    case VoterFormat::kNcsbe: return "ncsbe";
    case VoterFormat::kNcvhis: return "ncvhis";
    case VoterFormat::kOhio: return "ohio";
    case VoterFormat::kFlorida: return "florida";
    case VoterFormat::kWashington: return "washington";
    case VoterFormat::kCsv: return "csv";
  }
  return "unknown";
}

std::string ImportSummary::ToJson() const {
  boost::json::object o;
  o["format"] = format;
  o["rows"] = rows;
  o["imported"] = imported;
  o["rejected"] = rejected;
  o["added"] = voters.added;
  o["changed"] = voters.changed;
  o["moved"] = voters.moved;
  o["unchanged"] = voters.unchanged;
  o["restored"] = voters.restored;
  o["removed"] = removed;
  o["history_rows"] = history_rows;
  o["placed_at_doors"] = residences.placed;
  o["without_door"] = residences.unplaced;
  // Whole milliseconds: Boost.JSON would print a double as "5E-2".
  o["milliseconds"] = static_cast<int64_t>(std::llround(seconds * 1000));
  o["rejects_path"] = rejects_path;
  return boost::json::serialize(o);
}

Result<ImportSummary> RunImport(Store& store, const ImportOptions& options,
                                ProgressSink* progress) {
  SystemClock clock;
  const auto started = clock.Monotonic();
  auto elapsed = [&] { return std::chrono::duration<double>(clock.Monotonic() - started).count(); };

  // Everything that can show the file is the wrong one happens before BeginImport.
  std::optional<CsvMapping> mapping;
  if (options.format == VoterFormat::kCsv) {
    if (options.mapping_path.empty()) {
      return InvalidArgument("the csv format needs a column-mapping file");
    }
    NARWHAL_ASSIGN_OR_RETURN(mapping, LoadCsvMapping(options.mapping_path));
  }
  const CsvMapping* mapping_ptr = mapping ? &*mapping : nullptr;
  FormatLayout layout = LayoutOf(options.format, mapping_ptr);

  NARWHAL_ASSIGN_OR_RETURN(std::unique_ptr<ByteSource> source, OpenFileSource(options.path));
  CsvOptions csv;
  csv.delimiter = layout.delimiter;
  csv.encoding = options.encoding;
  if (options.encoding == Encoding::kAuto && mapping) csv.encoding = mapping->encoding;
  CsvReader reader(std::move(source), csv);
  const int64_t total_bytes = reader.total_bytes();

  CsvRecord first;
  NARWHAL_ASSIGN_OR_RETURN(bool has_first, reader.Next(first));
  if (!has_first) return InvalidArgument("'" + options.path + "' is empty");
  if (!first.error.empty()) {
    return InvalidArgument(fmt::format("{}: the first record (line {}) is malformed: {}",
                                       VoterFormatName(options.format), first.line, first.error));
  }
  NARWHAL_ASSIGN_OR_RETURN(RowMapper mapper,
                           RowMapper::Create(options.format, first.fields, mapping_ptr));
  std::optional<CsvRecord> first_data;
  if (!layout.header) first_data = std::move(first);  // its views stay valid: see Next()

  ImportInfo info;
  info.kind = layout.kind == RecordKind::kVoters ? "voters" : "history";
  info.format = std::string(VoterFormatName(options.format));
  info.source = std::filesystem::path(options.path).filename().string();
  NARWHAL_ASSIGN_OR_RETURN(ImportId import, store.BeginImport(info));

  ImportSummary summary;
  summary.format = info.format;
  std::vector<std::string> rejected_voter_ids;
  RejectsFile rejects(options.rejects_path.empty() ? options.path + ".rejects.tsv"
                                                   : options.rejects_path);
  const auto batch_rows = static_cast<size_t>(std::max(1, options.batch_rows));
  HouseholdStore* households = options.households ? store.Households() : nullptr;
  DecodeThread decoder(std::move(reader), std::move(mapper), std::move(first_data), batch_rows,
                       store, households != nullptr);
  auto last_report = clock.Monotonic();
  int64_t bytes_read = 0;
  while (std::optional<BatchPtr> next = decoder.Next()) {
    MappedBatch& batch = **next;
    if (!batch.status.ok()) return batch.status.WithContext("reading '" + options.path + "'");
    summary.rows += batch.rows;
    bytes_read = batch.bytes_read;
    for (const MappedBatch::Reject& r : batch.rejects) {
      NARWHAL_RETURN_IF_ERROR(rejects.Add(r.line, r.column, r.reason, r.record));
      if (!r.voter_id.empty()) rejected_voter_ids.push_back(r.voter_id);
    }
    if (batch.voter_count > 0) {
      auto counts = store.UpsertPreparedVoters(
          import, std::span<const Voter>(batch.voters.data(), batch.voter_count),
          std::move(batch.prepared));
      if (!counts.ok()) return counts.status().WithContext("storing voters");
      summary.voters += *counts;
      summary.imported += static_cast<int64_t>(batch.voter_count);
    }
    if (!batch.residences.empty()) {
      // After the voters' commit: a crash in between leaves voters whose doors the next
      // import (or re-import) of the file writes.
      auto placed = households->UpsertResidences(batch.residences);
      if (!placed.ok()) return placed.status().WithContext("storing households");
      summary.residences.placed += placed->placed;
      summary.residences.unplaced += placed->unplaced;
    }
    if (!batch.history.empty()) {
      auto stored = store.UpsertHistory(import, batch.history);
      if (!stored.ok()) return stored.status().WithContext("storing vote history");
      summary.history_rows += static_cast<int64_t>(batch.history.size());
      if (layout.kind == RecordKind::kHistory) {
        summary.imported += static_cast<int64_t>(batch.history.size());
      }
    }
    if (progress != nullptr && clock.Monotonic() - last_report >= kProgressInterval) {
      last_report = clock.Monotonic();
      progress->Update({summary.rows, bytes_read, total_bytes, elapsed()});
    }
    decoder.Recycle(std::move(*next));
  }
  decoder.Finish();
  NARWHAL_RETURN_IF_ERROR(rejects.Close());

  FinishImportOptions finish;
  finish.full_refresh = options.full_refresh && layout.kind == RecordKind::kVoters;
  if (finish.full_refresh) {
    finish.covered_counties.assign(decoder.counties().begin(), decoder.counties().end());
    finish.rejected_voter_ids = std::move(rejected_voter_ids);
  }
  auto finished = store.FinishImport(import, finish);
  if (!finished.ok()) return finished.status().WithContext("finishing the import");

  summary.removed = finished->removed;
  summary.rejected = rejects.count();
  if (summary.rejected > 0) summary.rejects_path = rejects.path();
  summary.seconds = elapsed();
  if (progress != nullptr) {
    progress->Update({summary.rows, bytes_read, total_bytes, summary.seconds, true});
  }
  return summary;
}

}  // namespace narwhal

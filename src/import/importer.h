// Voter-file import: streams a state file into a Store.
//
// The pipeline (see docs/import.md): a decode thread reads the file, splits records,
// converts Latin-1 to UTF-8, maps each record to a Voter (or history rows) through the
// format's mapper, drops repeated voter ids and has the store prepare each batch
// (Store::PrepareVoters); the calling thread writes bad rows to the rejects file and hands
// each batch to Store::UpsertPreparedVoters / UpsertHistory. Mapping and preparing sit on
// the decode thread because store calls are synchronous: that work for the next batch then
// overlaps with storing the last. Memory is bounded by the batch size (three batches in
// flight) and the set of voter ids seen, never by the rest of the file.
//
// Thread-safety: RunImport may run concurrently with reads of the same store; two imports
// into one store at once are serialised by the store's writer.
#ifndef NARWHAL_IMPORT_IMPORTER_H_
#define NARWHAL_IMPORT_IMPORTER_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "storage/household_store.h"
#include "storage/store.h"

namespace narwhal {

enum class VoterFormat {
  kNcsbe,       // North Carolina ncvoter, 67- or 71-column layout, located by header names
  kNcvhis,      // North Carolina ncvhis vote history
  kOhio,        // Ohio statewide file, one column per past election
  kFlorida,     // Florida voter extract: tab-delimited, no header, 38 fields
  kWashington,  // Washington VRDB extract, tab-delimited with header
  kCsv,         // any CSV/TSV described by a column-mapping file
};

// "ncsbe", "ncvhis", "ohio", "florida", "washington", "csv"; kInvalidArgument otherwise.
Result<VoterFormat> ParseVoterFormat(std::string_view name);
std::string_view VoterFormatName(VoterFormat format);

enum class Encoding { kAuto, kUtf8, kLatin1 };

struct ImportOptions {
  VoterFormat format = VoterFormat::kNcsbe;
  std::string path;          // the file to import
  std::string mapping_path;  // kCsv only: the column-mapping file (docs/import.md)
  std::string rejects_path;  // where bad rows go; empty = "<path>.rejects.tsv"
  // kAuto: each field that is valid UTF-8 is taken as UTF-8, otherwise as Latin-1.
  Encoding encoding = Encoding::kAuto;
  // Voters of the counties in the file that the file does not contain are marked removed.
  bool full_refresh = false;
  int batch_rows = 20000;  // rows per store batch
  // Place each voter at her door (HouseholdStore::UpsertResidences) when the store keeps
  // households; false skips it (a file loaded for election day only).
  bool households = true;
};

struct ImportProgress {
  int64_t rows = 0;         // records read so far
  int64_t bytes = 0;        // bytes read so far
  int64_t total_bytes = 0;  // size of the file, 0 when unknown (a pipe)
  double elapsed_seconds = 0;
  bool done = false;  // the last update of the import: the input is exhausted
};

// Receives progress about every quarter second, on the importing thread.
class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  virtual void Update(const ImportProgress& progress) = 0;
};

struct ImportSummary {
  std::string format;
  int64_t rows = 0;            // data records read (header excluded)
  int64_t imported = 0;        // records stored
  int64_t rejected = 0;        // records written to the rejects file
  UpsertCounts voters;         // added / changed / moved / unchanged / restored
  int64_t removed = 0;         // marked removed by a full refresh
  int64_t history_rows = 0;    // vote-history rows stored (ncvhis, ohio)
  ResidenceCounts residences;  // voters placed at a door, and kept without one (a PO box)
  double seconds = 0;
  std::string rejects_path;  // empty when nothing was rejected

  // One line of JSON, for scripts: {"format":"ncsbe","rows":...}
  std::string ToJson() const;
};

// Runs one import. A file whose header is not the named format fails at once with
// kInvalidArgument and changes nothing; kNotFound when the file cannot be opened.
// Bad rows never stop the import: each goes to the rejects file with its line number,
// column and reason. `progress` may be null.
Result<ImportSummary> RunImport(Store& store, const ImportOptions& options, ProgressSink* progress);

}  // namespace narwhal

#endif  // NARWHAL_IMPORT_IMPORTER_H_

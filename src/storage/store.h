// Store: the narrow, domain-shaped interface to Narwhal's durable data.
//
// Every backend (SQLite now, PostgreSQL next) honours all of it; the conformance suite in
// tests/storage/store_conformance_test.cc proves that against each. Nothing backend-specific
// (SQL, file paths, connection strings) crosses this interface.
//
// Thread-safety: every method may be called from any thread at any time. Writes are
// serialised inside the store (one writer that commits in batches); reads run
// concurrently with each other and with writes and see committed data only. A write
// method returns only after its data is durably committed: an OK answer is an
// acknowledgement that survives kill -9.
//
// Errors: kUnavailable when the backend cannot be reached (safe to retry),
// kInvalidArgument for values the store refuses, kNotFound for unknown ids where the
// method says so, kInternal for bugs and library failures.
#ifndef NARWHAL_STORAGE_STORE_H_
#define NARWHAL_STORAGE_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "domain/voter.h"

namespace narwhal {

// Identifies one import run; assigned by BeginImport.
using ImportId = int64_t;

struct ImportInfo {
  std::string kind;    // "voters" or "history"
  std::string format;  // "ncsbe", "ohio", ...
  std::string source;  // file name, for the record
};

// What one UpsertVoters call did. added + changed + unchanged == rows given.
struct UpsertCounts {
  int64_t added = 0;      // voter id not in the store before
  int64_t changed = 0;    // fingerprint differed (includes moved)
  int64_t moved = 0;      // changed, and residence or precinct differed (IsMove)
  int64_t unchanged = 0;  // same fingerprint; only marked as seen by this import
  int64_t restored = 0;   // was marked removed, present again (also counted in changed)

  UpsertCounts& operator+=(const UpsertCounts& o) {
    added += o.added;
    changed += o.changed;
    moved += o.moved;
    unchanged += o.unchanged;
    restored += o.restored;
    return *this;
  }
};

struct FinishImportOptions {
  // When set, voters of `covered_counties` that this import did not see are marked
  // removed (status kRemoved, removed_at set). Never deleted.
  bool full_refresh = false;
  std::vector<std::string> covered_counties;
};

struct FinishImportResult {
  int64_t removed = 0;  // voters newly marked removed by the full refresh
};

// A voter search. At least one of text, registration_number, county is needed.
struct VoterQuery {
  // Name words, already folded with FoldForSearch. One word matches a last-name prefix;
  // several match "last first" or "first last" with the final word as a prefix.
  std::string name;
  std::string registration_number;  // exact county registration number
  std::string county;               // county code, empty for all
  std::string precinct;             // precinct code (needs county), empty for all
  bool include_removed = false;
  int limit = 50;      // 1..1000
  std::string cursor;  // opaque, from VoterPage::next_cursor; empty for the first page
};

// The fields of a voter a search result shows.
struct VoterSummary {
  std::string voter_id;
  std::string last_name;
  std::string first_name;
  std::string middle_name;
  std::string name_suffix;
  std::string county;
  std::string precinct;
  std::string registration_number;
  std::string street;
  std::string city;
  int birth_year = 0;
  std::string party;
  VoterStatus status = VoterStatus::kUnknown;
};

struct VoterPage {
  std::vector<VoterSummary> voters;  // ordered by last name key, first name key, voter id
  std::string next_cursor;           // empty when this is the last page
};

struct VoterRecord {
  Voter voter;
  std::vector<VoteHistoryEntry> history;  // newest election first
  std::string removed_at;                 // ISO time the voter was marked removed, or empty
  std::string updated_at;                 // ISO time of the last change
};

struct PrecinctSummary {
  std::string county;
  std::string county_name;
  std::string precinct;
  std::string precinct_name;
  int64_t voters = 0;  // registered voters not removed
};

struct StoreStats {
  int64_t voters = 0;  // not removed
  int64_t removed = 0;
  int64_t history_rows = 0;
  int64_t precincts = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // --- imports ----------------------------------------------------------------------
  // Starts an import run. A backend may switch to a bulk-load strategy when the store
  // is empty (deferring index builds to FinishImport); callers need not care.
  virtual Result<ImportId> BeginImport(const ImportInfo& info) = 0;

  // Inserts or updates `voters` (unique voter ids within one call), marking each as
  // seen by `import`. Durable on return.
  virtual Result<UpsertCounts> UpsertVoters(ImportId import, std::span<const Voter> voters) = 0;

  // Inserts vote-history rows; a row whose (voter_id, election_date) exists is replaced.
  // Rows of voters the store does not know are kept (history files run ahead of voter
  // files). Returns the number of rows that were new. Durable on return.
  virtual Result<int64_t> UpsertHistory(ImportId import,
                                        std::span<const VoteHistoryEntry> rows) = 0;

  // Ends an import run: applies a full refresh if asked, brings precinct counts and
  // indexes up to date, records the run. Durable on return.
  virtual Result<FinishImportResult> FinishImport(ImportId import,
                                                  const FinishImportOptions& options) = 0;

  // --- reads ------------------------------------------------------------------------
  // The voter with history; kNotFound when the id is unknown.
  virtual Result<VoterRecord> GetVoter(const std::string& voter_id) = 0;

  // kInvalidArgument for a bad cursor, limit or an empty query.
  virtual Result<VoterPage> SearchVoters(const VoterQuery& query) = 0;

  // Precincts with voter counts, ordered by county then precinct; `county` empty = all.
  virtual Result<std::vector<PrecinctSummary>> ListPrecincts(const std::string& county) = 0;

  virtual Result<StoreStats> Stats() = 0;

  // OK when the store can serve reads and writes right now.
  virtual Status Ping() = 0;
};

}  // namespace narwhal

#endif  // NARWHAL_STORAGE_STORE_H_

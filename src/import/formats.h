// Voter-file formats: how the columns of each state's file become a Voter or vote-history
// rows.
//
// One table-driven RowMapper serves every format. A format is a table of
// (column, target) pairs — a target being a Voter field ("last_name", "residence.street"),
// a district ("district.congressional"), a named extra ("extra.email") or a vote-history
// field ("history.election_date") — plus small hooks: Ohio-style election columns, a
// fixed header for the header-less Florida file, and the column-mapping file of the
// generic "csv" format (docs/import.md), which is parsed into the same kind of table.
// Several columns may feed one target; their non-empty values are joined in table order
// (street parts with " ", mailing lines with ", ", ZIP and ZIP+4 with "-"). Columns that no
// table names go to Voter::extra under their header name, so nothing is lost.
//
// Thread-safety: a RowMapper is immutable after Create except for internal scratch
// space; use one per thread.
#ifndef NARWHAL_IMPORT_FORMATS_H_
#define NARWHAL_IMPORT_FORMATS_H_

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "domain/voter.h"
#include "import/importer.h"

namespace narwhal {

// What a format's records are.
enum class RecordKind { kVoters, kHistory };

// The column-mapping file of the kCsv format, parsed. See docs/import.md.
struct CsvMapping {
  std::string state;   // two-letter state written to Voter::state
  char delimiter = 0;  // ',' or '\t'; 0 = detect from the first line
  bool header = true;  // false: columns are addressed by 0-based number
  Encoding encoding = Encoding::kAuto;
  // (target, column) pairs in file order; a column is a header name, or a decimal
  // number when header is false.
  std::vector<std::pair<std::string, std::string>> columns;
  std::string history_columns;  // ECMAScript regex over header names; empty = none
  bool keep_unmapped = true;    // unmapped non-empty columns go to Voter::extra
};

// Parses a mapping document (JSON). kInvalidArgument with the reason when malformed.
Result<CsvMapping> ParseCsvMapping(std::string_view json);
// Reads and parses a mapping file; kNotFound when it cannot be read.
Result<CsvMapping> LoadCsvMapping(const std::string& path);

// How a format's file is laid out, before any mapping.
struct FormatLayout {
  char delimiter = 0;  // 0 = detect from the first line
  bool header = true;  // whether the first record names the columns
  RecordKind kind = RecordKind::kVoters;
};

// `mapping` is needed (non-null) for kCsv only.
FormatLayout LayoutOf(VoterFormat format, const CsvMapping* mapping);

// A per-row failure: the column at fault (empty when the whole row is) and why.
struct RowError {
  std::string column;
  std::string reason;
};

class RowMapper {
 public:
  // Builds the mapper of `format` from the file's first record: the header, or for a
  // header-less format the first data row (checked for shape, not consumed). Fails with
  // kInvalidArgument and an explanation when the record is not that format's.
  // `mapping` must be non-null for kCsv.
  static Result<RowMapper> Create(VoterFormat format, std::span<const std::string_view> first,
                                  const CsvMapping* mapping);

  RowMapper(RowMapper&&) noexcept;
  RowMapper& operator=(RowMapper&&) noexcept;
  ~RowMapper();

  RecordKind kind() const;
  // The name of column `i` (header name, or the layout's name for header-less files).
  std::string_view column_name(size_t i) const;
  size_t column_count() const;
  // The column holding the voter id (the first one, if the mapping joins several).
  size_t id_column() const;
  std::string_view id_column_name() const;

  // kVoters: maps one data record into `voter` (overwritten; its string capacity is
  // reused, so callers can recycle Voter objects) and appends any vote-history rows the
  // record carries (Ohio election columns) to `history`. False with `error` on a bad row;
  // `voter` and `history` are then unspecified and untouched, respectively.
  bool MapVoter(std::span<const std::string_view> fields, Voter& voter,
                std::vector<VoteHistoryEntry>& history, RowError& error);

  // kHistory: maps one data record into `entry`. False with `error` on a bad row.
  bool MapHistory(std::span<const std::string_view> fields, VoteHistoryEntry& entry,
                  RowError& error);

 private:
  struct Impl;
  explicit RowMapper(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace narwhal

#endif  // NARWHAL_IMPORT_FORMATS_H_

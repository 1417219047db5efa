// CsvReader: a streaming reader of delimited text (CSV and TSV) as states publish voter
// files, and ByteSource, the one way it reaches bytes (a file, or memory for tests and the
// fuzzer).
//
// The reader pulls large blocks from its source and splits them into records whose fields
// are string_views, valid until the next call to Next(). A plain ASCII field is a view
// into the block buffer (no copy); only fields that need unquoting ("" inside quotes) or
// re-encoding (Latin-1 to UTF-8) are built in a per-record scratch buffer. Memory is
// bounded by the block size plus the longest record allowed (max_record_bytes).
//
// Malformed input never stops the reader: a record with an unterminated quote, junk
// after a closing quote, invalid UTF-8 (with Encoding::kUtf8) or more than
// max_record_bytes comes back with `error` set, covering only its first physical line,
// and reading resumes at the next line. Only I/O failures are returned as a Status.
//
// Thread-safety: a CsvReader is used by one thread at a time. It may be moved to, and
// used on, another thread (the importer's reader thread does that).
#ifndef NARWHAL_IMPORT_CSV_READER_H_
#define NARWHAL_IMPORT_CSV_READER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "import/importer.h"

namespace narwhal {

// Where the reader's bytes come from.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to `n` bytes into `buf`; 0 means end of input. kUnavailable on an I/O error.
  virtual Result<size_t> Read(char* buf, size_t n) = 0;
  // Total size in bytes when known (a regular file), 0 otherwise (a pipe).
  virtual int64_t Size() const = 0;
};

// Opens `path` for reading. kNotFound when it does not exist or cannot be opened.
Result<std::unique_ptr<ByteSource>> OpenFileSource(const std::string& path);

// A source over `data`, which must outlive it.
std::unique_ptr<ByteSource> MemorySource(std::string_view data);

struct CsvOptions {
  // ',' or '\t' (any single byte other than '"', CR or LF works). 0 = detect from the
  // first line: '\t' when it contains a tab, otherwise ','.
  char delimiter = 0;
  Encoding encoding = Encoding::kAuto;
  // Bytes requested from the source per read. Tests use tiny blocks to force records
  // across block boundaries.
  size_t block_size = size_t{1} << 20;
  // A record longer than this is an error (a runaway quote must not eat memory).
  size_t max_record_bytes = size_t{1} << 20;
};

struct CsvRecord {
  // The fields, UTF-8, unquoted; views valid until the next Next(). Empty when `error`.
  std::vector<std::string_view> fields;
  // The record as it was in the file, without its line ending, not re-encoded. For an
  // error record, its first physical line only (at most max_record_bytes).
  std::string_view raw;
  int64_t line = 0;    // 1-based number of the record's first physical line
  int64_t offset = 0;  // byte offset of the record's first byte in the source
  std::string error;   // non-empty when the record is malformed
};

class CsvReader {
 public:
  CsvReader(std::unique_ptr<ByteSource> source, CsvOptions options);
  CsvReader(CsvReader&&) noexcept;
  CsvReader& operator=(CsvReader&&) noexcept;
  ~CsvReader();

  // Reads the next record into `record`. Returns false at the end of input; an error
  // Status only when the source fails. Blank lines are skipped; a leading UTF-8 BOM is
  // ignored.
  Result<bool> Next(CsvRecord& record);

  // The delimiter in use (after detection, once the first record was read).
  char delimiter() const;
  // Bytes consumed from the source so far (including any BOM).
  int64_t bytes_read() const;
  // Size of the source when known, else 0.
  int64_t total_bytes() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace narwhal

#endif  // NARWHAL_IMPORT_CSV_READER_H_

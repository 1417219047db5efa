// RejectsFile: the rows an import could not take, one TSV line each (line, column,
// reason, the record as it was), so a data team can fix and re-import exactly those.
// The file is created on the first reject; Close removes one left by an earlier run of
// the same file when this run rejected nothing.
//
// Thread-safety: one thread at a time.
#ifndef NARWHAL_IMPORT_REJECTS_FILE_H_
#define NARWHAL_IMPORT_REJECTS_FILE_H_

#include <cstdint>
#include <fstream>
#include <string>
#include <string_view>

#include "base/status.h"

namespace narwhal {

class RejectsFile {
 public:
  explicit RejectsFile(std::string path) : path_(std::move(path)) {}

  // kUnavailable when the file cannot be created or written.
  Status Add(int64_t line, std::string_view column, std::string_view reason,
             std::string_view record);
  Status Close();

  int64_t count() const { return count_; }
  const std::string& path() const { return path_; }
  // The path when something was rejected, else empty (for summaries).
  std::string written_path() const { return count_ > 0 ? path_ : std::string(); }

 private:
  std::string path_;
  std::ofstream out_;
  int64_t count_ = 0;
};

// `text` with "\t", "\n", "\r" and "\\" escaped and Latin-1 bytes converted to UTF-8, so
// one reject is one line.
std::string EscapeTsv(std::string_view text);

}  // namespace narwhal

#endif  // NARWHAL_IMPORT_REJECTS_FILE_H_

// ZipWriter: writes a zip archive of in-memory files, the one adapter over libarchive.
//
// Zip because every field office computer opens one with a double click. The archive is
// written to "<path>.tmp" and renamed into place by Finish, so a reader never sees half an
// archive; one abandoned before Finish is deleted.
//
// Thread-safety: none; one writer per thread.
#ifndef NARWHAL_PAPER_ZIP_WRITER_H_
#define NARWHAL_PAPER_ZIP_WRITER_H_

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"

struct archive;

namespace narwhal {

class ZipWriter {
 public:
  // Starts an archive for `path`; every entry is stamped with `mtime`. kUnavailable when
  // the file cannot be created.
  static Result<ZipWriter> Create(const std::string& path,
                                  std::chrono::system_clock::time_point mtime);

  ZipWriter(ZipWriter&&) noexcept;
  ZipWriter& operator=(ZipWriter&&) noexcept;
  ~ZipWriter();  // abandons an unfinished archive and removes its temporary file

  // Adds a regular file `name` (a relative path, '/'-separated) holding `bytes`.
  // kUnavailable on a write error; the archive is then unusable.
  Status Add(const std::string& name, std::string_view bytes);

  // Completes the archive and moves it to its path. kUnavailable on a write error.
  Status Finish();

 private:
  struct ArchiveCloser {
    void operator()(archive* a) const;
  };
  ZipWriter(std::string path, std::chrono::system_clock::time_point mtime,
            std::unique_ptr<archive, ArchiveCloser> handle);
  Status Error(std::string_view what);

  std::string path_;
  std::chrono::system_clock::time_point mtime_;
  std::unique_ptr<archive, ArchiveCloser> archive_;  // null once finished
};

}  // namespace narwhal

#endif  // NARWHAL_PAPER_ZIP_WRITER_H_

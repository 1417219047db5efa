// TerminalProgress: the ProgressSink the command line uses. On a terminal it keeps one
// line on stderr up to date ("1,234,567 rows  412,000 rows/s  38%  00:12 left", rewritten
// with '\r'); when stderr is not a terminal (a log, a pipe) it prints nothing, so logs are
// not flooded (the command line prints its own summary at the end either way).
//
// Thread-safety: Update and Finish are called from the importing thread only.
#ifndef NARWHAL_IMPORT_PROGRESS_H_
#define NARWHAL_IMPORT_PROGRESS_H_

#include <cstdio>
#include <memory>
#include <string>

#include "import/importer.h"

namespace narwhal {

// "1,234,567 rows  412,000 rows/s  38%  00:12 left"; the percentage and time left only
// when the total size is known (and while the import is not done).
std::string FormatProgressLine(const ImportProgress& progress);

class TerminalProgress final : public ProgressSink {
 public:
  // Writes to `out` (stderr by default); `interactive` says whether it is a terminal.
  TerminalProgress();
  TerminalProgress(std::FILE* out, bool interactive);
  ~TerminalProgress() override;
  TerminalProgress(const TerminalProgress&) = delete;
  TerminalProgress& operator=(const TerminalProgress&) = delete;

  // Redraws the line; the final update (progress.done) also ends it with a newline.
  void Update(const ImportProgress& progress) override;
  // Ends the progress line (a newline) if one is drawn; the destructor calls it too, so
  // an import that fails half-way does not leave the cursor mid-line.
  void Finish();

 private:
  std::FILE* out_;
  bool interactive_;
  bool drawn_ = false;
  size_t last_width_ = 0;
};

// The sink the command line uses: a TerminalProgress on stderr, drawing only when stderr
// is a terminal.
std::unique_ptr<ProgressSink> MakeTerminalProgress();

}  // namespace narwhal

#endif  // NARWHAL_IMPORT_PROGRESS_H_

// The paper fallback of a county, ready ahead of election day: per precinct a strike list
// as PDF and as CSV, and one zip archive holding them all, to download once and print
// or open anywhere.
//
// Thread-safety: as safe as the Store; separate calls must use separate output
// directories.
#ifndef NARWHAL_PAPER_COUNTY_ARCHIVE_H_
#define NARWHAL_PAPER_COUNTY_ARCHIVE_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "storage/store.h"

namespace narwhal {

struct PaperArchiveRequest {
  std::string county;    // county code; required
  std::string precinct;  // only this precinct, and no archive; empty: every precinct
  std::string out_dir;   // created when missing; files of the same names are replaced
  std::chrono::system_clock::time_point printed_at;  // footer of every page, zip entry times
};

struct PaperArchiveSummary {
  std::vector<std::string> files;  // every path written, in precinct order, the archive last
  std::string archive;             // "<out>/<county>-poll-books.zip", or empty
  int64_t precincts = 0;
  int64_t voters = 0;
};

// Writes "<county>-<precinct>-strike-list.pdf" and ".csv" for each precinct of the county
// (file-name-safe codes, paper_list.h; two precincts whose safe codes meet get "-2",
// "-3" in precinct order), then "<county>-poll-books.zip" holding all of them. One
// precinct is in memory at a time. Every file is written to a temporary name and renamed,
// so a reader never sees half a file.
//
// kInvalidArgument for an empty county; kNotFound for a county or precinct the voter file
// does not have; kUnavailable when a file cannot be written; the store's errors.
Result<PaperArchiveSummary> WriteCountyArchive(Store& store, const PaperArchiveRequest& request);

}  // namespace narwhal

#endif  // NARWHAL_PAPER_COUNTY_ARCHIVE_H_

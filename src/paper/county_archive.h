// The paper fallback of a county, ready ahead of election day: per precinct a strike list
// as PDF and as CSV, for a named election its GOTV list too, and one zip archive holding
// them all, to download once and print or open anywhere.
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
  // "2026-11-03": also write each precinct's GOTV list for this election, as of the time
  // the archive is written. Empty: strike lists only.
  std::string election;
  std::chrono::system_clock::time_point printed_at;  // footer of every page, zip entry times
};

struct PaperArchiveSummary {
  std::vector<std::string> files;  // every path written, in precinct order, the archive last
  std::string archive;             // "<out>/<county>-poll-books.zip", or empty
  int64_t precincts = 0;
  int64_t voters = 0;
  int64_t gotv_voters = 0;  // supporters on the GOTV lists; 0 without an election
};

// Writes "<county>-<precinct>-strike-list.pdf" and ".csv" for each precinct of the county
// (file-name-safe codes, paper_list.h; two precincts whose safe codes meet get "-2",
// "-3" in precinct order), with an election also "<county>-<precinct>-gotv.pdf" and
// ".csv" (gotv_list.h), then "<county>-poll-books.zip" holding all of them. One precinct
// is in memory at a time. Every file is written to a temporary name and renamed, so a
// reader never sees half a file. The GOTV lists are read precinct by precinct while
// strikes may arrive: each is as of its own reading, a little after `printed_at`.
//
// kInvalidArgument for an empty county or an election that is not a date (YYYY-MM-DD);
// kNotFound for a county or precinct the voter file does not have; kUnavailable when a
// file cannot be written; the store's errors.
Result<PaperArchiveSummary> WriteCountyArchive(Store& store, const PaperArchiveRequest& request);

}  // namespace narwhal

#endif  // NARWHAL_PAPER_COUNTY_ARCHIVE_H_

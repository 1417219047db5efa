// Synthetic demo data: a realistic county in the North Carolina layouts (ncvoter 67
// columns, and ncvhis), written exactly as the state publishes them: tab-delimited,
// every field double-quoted, CRLF, Latin-1. Deterministic for a given seed.
//
// Realistic enough for demos and benchmarks: households (several voters at one address),
// streets with odd and even sides, dozens of precincts, party and age mixes, vote
// history over several elections, some accented names, and a small share of dirty rows
// (missing ncid, bad dates, short rows) that the importer must reject.
//
// Thread-safety: WriteDemoFiles keeps no state between calls; concurrent calls are safe
// as long as they write different paths.
#ifndef NARWHAL_DEMO_GENERATOR_H_
#define NARWHAL_DEMO_GENERATOR_H_

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"

namespace narwhal {

// A real address to place households at ("1400 Abercrombie Drive"), with its latitude,
// which orders the addresses into precincts (bands from south to north).
struct DemoAddress {
  std::string street_line;
  double lat = 0;
};

struct DemoOptions {
  int64_t voters = 40000;  // data rows in the voter file, 0 .. 26,000,000
  int precincts = 36;      // precincts in the county, 1 .. 792 (codes "01-01" .. "99-08")
  uint64_t seed = 2012;    // same seed, same files (on every platform and library)
  // Share of rows made deliberately bad, one of four kinds at random: empty ncid,
  // registr_dt "02/30/2019", a row of only 20 fields, birth_year "19X0".
  double dirty_fraction = 0.002;
  std::string county_id = "92";  // NC county_id; also picks the ncid letters
  std::string county_name = "WAKE";
  // Past elections in the history file, newest first from 11/05/2024; at most 16 are
  // known (back to 2012), more count as 16. 0 writes a history file with a header only.
  int elections = 6;
  // When not empty, households live at these addresses instead of generated streets: each
  // address takes one household, then the next round adds apartments (APT 2, 3, ...).
  // Street lines are written as voter files write them: upper case, mostly abbreviated
  // ("1400 ABERCROMBIE DR"), a few with a typo in the street (an address no point file
  // matches) and a few PO boxes (no door). Precincts are bands of latitude.
  std::vector<DemoAddress> addresses;
  std::string city = "KODIAK";  // with `addresses`: their town and ZIP
  std::string zip = "99615";
};

struct DemoFiles {
  int64_t voter_rows = 0;    // data rows written (== DemoOptions::voters)
  int64_t dirty_rows = 0;    // of which deliberately bad; they have no history rows
  int64_t history_rows = 0;  // data rows of the history file; 0 when none was asked for
};

// Writes the voter file to `voter_path` and, when `history_path` is not empty, the vote
// history to `history_path` (files are replaced). Streams: memory does not grow with
// options.voters. The voter file is the same bytes whether or not history is written.
// Errors: kInvalidArgument for options out of range, kUnavailable when a file cannot be
// created or written (a partial file may be left behind).
Result<DemoFiles> WriteDemoFiles(const DemoOptions& options, const std::string& voter_path,
                                 const std::string& history_path);

}  // namespace narwhal

#endif  // NARWHAL_DEMO_GENERATOR_H_

// Synthetic demo data: a realistic county in the North Carolina layouts (ncvoter 67
// columns, and ncvhis), written exactly as the state publishes them: tab-delimited,
// every field double-quoted, CRLF, Latin-1. Deterministic for a given seed.
//
// Realistic enough for demos and benchmarks: households (several voters at one address),
// streets with odd and even sides, dozens of precincts, party and age mixes, vote
// history over several elections, some accented names, and a small share of dirty rows
// (missing ncid, bad dates, short rows) that the importer must reject.
#ifndef NARWHAL_DEMO_GENERATOR_H_
#define NARWHAL_DEMO_GENERATOR_H_

#include <cstdint>
#include <string>

#include "base/status.h"

namespace narwhal {

struct DemoOptions {
  int64_t voters = 40000;        // data rows in the voter file
  int precincts = 36;            // precincts in the county
  uint64_t seed = 2012;          // same seed, same files
  double dirty_fraction = 0.002; // share of rows made deliberately bad
  std::string county_id = "92";  // NC county_id
  std::string county_name = "WAKE";
  int elections = 6;             // past elections in the history file; 0 for none
};

struct DemoFiles {
  int64_t voter_rows = 0;
  int64_t dirty_rows = 0;
  int64_t history_rows = 0;
};

// Writes the voter file to `voter_path` and, when `history_path` is not empty, the vote
// history to `history_path`. Streams: memory does not grow with options.voters.
Result<DemoFiles> WriteDemoFiles(const DemoOptions& options, const std::string& voter_path,
                                 const std::string& history_path);

}  // namespace narwhal

#endif  // NARWHAL_DEMO_GENERATOR_H_

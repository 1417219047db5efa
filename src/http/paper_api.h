// The paper fallback over HTTP: a precinct's poll book (strike list) as a PDF or CSV
// download, for an admin, an organizer of the county or a poll watcher of the precinct to
// print ahead of election day. The plain functions are tested against a Store without a
// server (tests/http/paper_api_test.cc); AddPaperRoutes puts the thin handlers into the
// route table.
//
// Thread-safety: stateless; safe from any thread as far as the Store and Clock are.
#ifndef NARWHAL_HTTP_PAPER_API_H_
#define NARWHAL_HTTP_PAPER_API_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "domain/access.h"
#include "domain/voter.h"
#include "http/router.h"
#include "storage/store.h"

namespace narwhal {

enum class PaperFormat { kPdf, kCsv };

struct PaperDownload {
  std::string content_type;  // "application/pdf", "text/csv; charset=utf-8"
  std::string file_name;     // "92-01-07-strike-list.pdf": safe in any file system
  std::string body;
  int64_t voters = 0;
};

// The {county} and {precinct} of a download path, checked like query codes (UTF-8, at
// most kMaxCodeChars, no control characters). kInvalidArgument naming the bad one.
Result<PrecinctKey> ParsePrecinctPath(std::string_view county, std::string_view precinct);

// The poll book of `precinct` rendered as `format`, when `principal` may see the
// precinct's voters (MaySeePrecinct). kPermissionDenied outside her scope (checked before
// the store is asked, so it does not tell whether the precinct exists); kNotFound for a
// precinct the voter file does not have; kInternal when rendering fails.
Result<PaperDownload> PollBookDownloadFor(Store& store, const PrecinctKey& precinct,
                                          PaperFormat format, const Principal& principal,
                                          std::chrono::system_clock::time_point printed_at);

// Appends GET /api/v1/precincts/{county}/{precinct}/poll-book.pdf and .csv (admins,
// organizers, poll watchers; scope by PollBookDownloadFor) to `routes`. Each read is
// audited as poll_book.read (target "county/precinct"), each refusal as
// poll_book.read_denied. `store` and `clock` must outlive the routes.
void AddPaperRoutes(std::vector<Route>& routes, Store& store, const Clock& clock);

}  // namespace narwhal

#endif  // NARWHAL_HTTP_PAPER_API_H_

// Election day over HTTP: strikes from poll watchers (POST /api/v1/strikes, with undo),
// live turnout for headquarters (GET /api/v1/turnout, and a long-polling change feed at
// GET /api/v1/turnout/changes), and GOTV lists of supporters who have not voted yet.
//
// The plain functions below are tested against a Store without a server
// (tests/http/election_api_test.cc); AddElectionRoutes puts the thin handlers into the
// route table.
//
// Durability: a strike is acknowledged only after Store::RecordStrikes returned, which is
// after its commit. Backpressure: at most ElectionOptions::max_inflight_strikes strike
// requests are handled at once; the next one is answered 429 with Retry-After at once
// rather than queued, so a surge never makes poll watchers' phones hang.
//
// Thread-safety: the functions are stateless; the routes share one ElectionState, whose
// members are atomics or guarded by its mutex.
#ifndef NARWHAL_HTTP_ELECTION_API_H_
#define NARWHAL_HTTP_ELECTION_API_H_

#include <atomic>
#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "domain/access.h"
#include "domain/election.h"
#include "http/router.h"
#include "storage/store.h"

namespace narwhal {

// What the election-day routes are configured with (ServerOptions carries them).
struct ElectionOptions {
  std::string election;  // ISO date of the election being run ("2026-11-03")
  // Strike requests handled at once; beyond this the answer is 429 (0 refuses all).
  int max_inflight_strikes = 256;
  // Long polls of the change feed allowed to wait at once; beyond this a poll answers at
  // once (possibly empty), so waiting clients never occupy every handler thread.
  int max_waiting_polls = 8;
  // Server-Sent Event streams of turnout open at once; beyond this the answer is 429. An
  // open stream holds no thread: it is looked at about once a second.
  int max_event_streams = 64;
  // Set by the server when it shuts down: waiting long polls then answer within a second
  // instead of holding a handler thread for the rest of their wait. Borrowed; may be null.
  const std::atomic<bool>* stopping = nullptr;
};

inline constexpr size_t kMaxStrikesPerRequest = 500;
inline constexpr int64_t kMaxChangesWaitSeconds = 25;
inline constexpr std::chrono::minutes kQuietAfter{60};

// The strikes of a POST /api/v1/strikes body: one object {"voter_id","idempotency_key"} or
// {"strikes":[...]} with 1..kMaxStrikesPerRequest such objects, each checked as strictly
// as ParseJsonBody checks a body. Sources are kPollWatcher. kInvalidArgument naming the
// field (and item) when the body is malformed; items are not validated further here.
Result<std::vector<StrikeRequest>> ParseStrikeBody(std::string_view content_type,
                                                   std::string_view body);

// The answer to one strike of a batch.
struct StrikeItemResult {
  StrikeRequest request;
  Status status;        // not OK: this item was refused (and not recorded)
  StrikeResult result;  // when status is OK
};

// Whether `principal` may act on each of `voter_ids` (strike her, record a contact with her):
// OK or kPermissionDenied per voter (an unknown voter is outside every assignment), in one
// read of the store. The outer error is the store's failure: then nothing may be
// acknowledged.
Result<std::vector<Status>> VoterScopeChecks(Store& store, std::span<const std::string> voter_ids,
                                             const Principal& principal);

// Checks each request (ValidateStrikeRequest, then the scope of `principal` against the
// voter's precinct: admins strike anyone, organizers voters of their counties, poll
// watchers voters of their precincts; an unknown voter is kPermissionDenied for a scoped
// caller so ids outside her scope are not probed), records the permitted ones in one
// RecordStrikes call as `principal.user_id` at `at`, and answers item by item in request
// order. Returns an error only when the store failed as a whole; nothing is acknowledged
// then.
Result<std::vector<StrikeItemResult>> RecordStrikesFor(Store& store, const std::string& election,
                                                       std::span<const StrikeRequest> requests,
                                                       const Principal& principal, TimePoint at);

// The "error" member of one item of a batch write: {"code", "status", "title", "detail"},
// as a problem+json body would say it.
boost::json::object ItemErrorJson(const Status& status);

// {"voter_id","idempotency_key","outcome","strike_id","struck_at"} or
// {"voter_id","idempotency_key","error":{"code","title","detail"}}.
boost::json::object StrikeItemJson(const StrikeItemResult& item);

// Takes back the strike of `voter_id` in `election` when `principal` may strike her.
// kInvalidArgument without a reason, kPermissionDenied outside the scope, kNotFound when
// she is not struck.
Status UndoStrikeFor(Store& store, const std::string& election, const std::string& voter_id,
                     const std::string& reason, const Principal& principal, TimePoint at);

// The turnout view of `election` for `principal` (admins and analysts: all or `county`;
// organizers: their counties, or `county` when it is one of them, else
// kPermissionDenied): overall sums, per county, per precinct, and the precincts with no
// strike since `now - kQuietAfter`.
Result<boost::json::value> TurnoutJson(Store& store, const std::string& election,
                                       const std::string& county, const Principal& principal,
                                       TimePoint now);

// Strike events after `after_id` that `principal` may see (organizers: their counties),
// at most `limit`. Voter ids only for admins and organizers; analysts see counts, not
// people. {"election","events":[...],"next_after"}.
Result<boost::json::value> TurnoutChangesJson(Store& store, const std::string& election,
                                              int64_t after_id, int limit,
                                              const Principal& principal);

// The GOTV list of `precinct` (supporters not struck in `election`, walk order) when
// `principal` may see the precinct's voters; kPermissionDenied otherwise (before the store
// is asked).
Result<std::vector<GotvEntry>> GotvListFor(Store& store, const std::string& election,
                                           const PrecinctKey& precinct, const Principal& principal);

boost::json::value GotvJson(const std::string& election, const PrecinctKey& precinct,
                            const std::vector<GotvEntry>& entries);
// The CSV and PDF of a GOTV list are written by the paper module (paper/gotv_list.h).

// Appends POST /api/v1/strikes, POST /api/v1/strikes/undo, GET /api/v1/turnout,
// GET /api/v1/turnout/changes, GET /api/v1/precincts/{county}/{precinct}/gotv,
// .../gotv.csv and .../gotv.pdf to `routes`. Every strike and undo is audited as a change (the
// response waits for the audit row); GOTV reads are audited as reads. `store` and `clock` must
// outlive the routes.
void AddElectionRoutes(std::vector<Route>& routes, Store& store, const Clock& clock,
                       const ElectionOptions& options);

}  // namespace narwhal

#endif  // NARWHAL_HTTP_ELECTION_API_H_

// Election day in the domain: strikes (a voter reported as having voted), their sources,
// and the turnout tallies headquarters watches.
//
// Plain values and pure functions; the store keeps strikes and maintains tallies as they
// arrive, the HTTP layer takes them from poll watchers.
#ifndef NARWHAL_DOMAIN_ELECTION_H_
#define NARWHAL_DOMAIN_ELECTION_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "domain/voter.h"

namespace narwhal {

enum class StrikeSource : uint8_t {
  kPollWatcher,  // tapped in the poll-watcher page
  kPaperEntry,   // keyed in from a handwritten list at a field office
  kStateFile,    // early-vote / absentee file from the state (ncvhis layout)
};
std::string_view StrikeSourceName(StrikeSource source);

// One report that a voter has voted, as a client sends it.
struct StrikeRequest {
  std::string voter_id;
  // Client-generated, unique per intended strike: a retry with the same key is the same
  // strike, never a second one. 8..100 characters of [A-Za-z0-9_-].
  std::string idempotency_key;
  StrikeSource source = StrikeSource::kPollWatcher;
};

// kInvalidArgument naming the field when the request is malformed.
Status ValidateStrikeRequest(const StrikeRequest& request);

// What became of one strike.
enum class StrikeOutcome : uint8_t {
  kStruck,         // the voter is now struck; this report counted
  kAlreadyStruck,  // someone struck her before: acknowledged, counted once
  kReplayed,       // the same idempotency key again: the original answer
};
std::string_view StrikeOutcomeName(StrikeOutcome outcome);

// Turnout of one precinct (or, summed, of a county or the whole file).
struct Turnout {
  int64_t registered = 0;  // voters not removed
  int64_t voted = 0;       // struck
  int64_t supporters = 0;  // voters whose support score makes them ours
  int64_t supporters_voted = 0;
  double expected = 0;         // expected voters from history and turnout scores
  std::string last_report_at;  // ISO time of the latest strike, empty when none

  int64_t supporters_to_go() const { return supporters - supporters_voted; }
  Turnout& operator+=(const Turnout& o);
};

}  // namespace narwhal

#endif  // NARWHAL_DOMAIN_ELECTION_H_

#include "domain/election.h"

#include <algorithm>

namespace narwhal {

std::string_view StrikeSourceName(StrikeSource source) {
  switch (source) {
    case StrikeSource::kPollWatcher: return "poll_watcher";
    case StrikeSource::kPaperEntry: return "paper_entry";
    case StrikeSource::kStateFile: return "state_file";
  }
  return "poll_watcher";
}

std::string_view StrikeOutcomeName(StrikeOutcome outcome) {
  switch (outcome) {
    case StrikeOutcome::kStruck: return "struck";
    case StrikeOutcome::kAlreadyStruck: return "already_struck";
    case StrikeOutcome::kReplayed: return "replayed";
  }
  return "struck";
}

Status ValidateStrikeRequest(const StrikeRequest& request) {
  if (request.voter_id.empty() || request.voter_id.size() > 64) {
    return InvalidArgument("voter_id: must be 1 to 64 characters");
  }
  const std::string& key = request.idempotency_key;
  if (key.size() < 8 || key.size() > 100) {
    return InvalidArgument("idempotency_key: must be 8 to 100 characters");
  }
  bool ok = std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  });
  if (!ok) return InvalidArgument("idempotency_key: only letters, digits, '-' and '_'");
  return Status::Ok();
}

Turnout& Turnout::operator+=(const Turnout& o) {
  registered += o.registered;
  voted += o.voted;
  supporters += o.supporters;
  supporters_voted += o.supporters_voted;
  expected += o.expected;
  last_report_at = std::max(last_report_at, o.last_report_at);
  return *this;
}

}  // namespace narwhal

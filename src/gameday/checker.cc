#include "gameday/checker.h"

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <unordered_map>

namespace narwhal::gameday {
namespace {

constexpr Millis kNever{std::numeric_limits<int64_t>::max()};

bool IsAck(const std::string& result) {
  return result == "struck" || result == "already_struck" || result == "replayed";
}

struct KeyFate {
  const Arrival* arrival = nullptr;
  Millis first_sent = kNever;
  Millis acked = kNever;
  int64_t acked_by = 0;
  bool maybe_applied = false;  // sent in a request that was answered or had no answer
  bool rejected = false;
};

// How many of the sorted times are <= t.
int64_t CountUpTo(const std::vector<Millis>& sorted, Millis t) {
  return std::upper_bound(sorted.begin(), sorted.end(), t) - sorted.begin();
}

}  // namespace

CheckResult Check(const History& history, Millis max_staleness) {
  CheckResult r;
  if (!history.final_state.error.empty()) {
    r.error = history.final_state.error;
    return r;
  }
  r.complete = true;
  r.arrivals = static_cast<int64_t>(history.arrivals.size());

  std::unordered_map<std::string, KeyFate> keys;
  keys.reserve(history.arrivals.size());
  for (const Arrival& a : history.arrivals) keys[a.key].arrival = &a;

  for (const StrikeRequest& req : history.strikes) {
    for (size_t i = 0; i < req.keys.size(); ++i) {
      auto it = keys.find(req.keys[i]);
      if (it == keys.end()) continue;  // not an arrival of this run: cannot happen
      KeyFate& k = it->second;
      k.first_sent = std::min(k.first_sent, req.sent);
      if (req.outcome == Outcome::kUnknown) k.maybe_applied = true;
      if (req.outcome != Outcome::kOk) continue;
      k.maybe_applied = true;
      if (i >= req.items.size()) continue;
      if (IsAck(req.items[i].result)) {
        if (req.done < k.acked) {
          k.acked = req.done;
          k.acked_by = req.id;
        }
      } else {
        k.rejected = true;
      }
    }
  }

  // Per voter: the first acknowledgment and the first send of any of her keys.
  struct VoterFate {
    std::string precinct;
    Millis acked = kNever;
    Millis sent = kNever;
    bool maybe_applied = false;
  };
  std::map<std::string, VoterFate> voters;
  const FinalState& end = history.final_state;
  for (const auto& [key, k] : keys) {
    const Arrival& a = *k.arrival;
    VoterFate& v = voters[a.voter];
    v.precinct = a.precinct;
    v.acked = std::min(v.acked, k.acked);
    v.sent = std::min(v.sent, k.first_sent);
    v.maybe_applied = v.maybe_applied || k.maybe_applied;
    bool present = end.struck.contains(a.voter);
    if (k.rejected) ++r.rejected;
    if (k.acked != kNever) {
      ++r.acknowledged;
      if (!present) r.lost.push_back({key, a.voter, a.precinct, k.acked_by, k.acked});
    } else if (present) {
      ++r.recovered;
    } else {
      ++r.not_recorded;
    }
  }
  std::sort(r.lost.begin(), r.lost.end(),
            [](const LostStrike& a, const LostStrike& b) { return a.acked_at < b.acked_at; });

  // The store's side: every struck voter must be one the workload could have struck, once.
  std::map<std::string, int64_t> struck_per_precinct;
  for (const auto& [voter, precinct] : end.struck) {
    ++r.voters_struck;
    ++struck_per_precinct[precinct];
    auto it = voters.find(voter);
    if (it == voters.end() || !it->second.maybe_applied) r.unexpected.push_back(voter);
  }
  for (const auto& [voter, events] : end.struck_events) {
    if (events > 1) r.doubled_voters.push_back(voter);
  }
  std::set<std::string> precincts;
  for (const auto& [p, n] : end.voted) precincts.insert(p);
  for (const auto& [p, n] : struck_per_precinct) precincts.insert(p);
  for (const std::string& p : precincts) {
    int64_t turnout = end.voted.contains(p) ? end.voted.at(p) : 0;
    int64_t struck = struck_per_precinct.contains(p) ? struck_per_precinct.at(p) : 0;
    if (turnout > struck) r.doubled_precincts.push_back({p, turnout, struck});
    if (turnout < struck) r.undercounted_precincts.push_back({p, turnout, struck});
  }

  // Turnout reads against what was acknowledged and what was sent.
  std::map<std::string, std::vector<Millis>> acked_times;
  std::map<std::string, std::vector<Millis>> sent_times;
  for (const auto& [voter, v] : voters) {
    if (v.acked != kNever) acked_times[v.precinct].push_back(v.acked);
    if (v.sent != kNever) sent_times[v.precinct].push_back(v.sent);
  }
  for (auto& [p, t] : acked_times) std::sort(t.begin(), t.end());
  for (auto& [p, t] : sent_times) std::sort(t.begin(), t.end());
  static const std::vector<Millis> kNone;
  for (const TurnoutRead& read : history.reads) {
    if (read.outcome != Outcome::kOk) continue;
    ++r.reads_checked;
    bool stale = false;
    // A read that declared itself stale is held to what was true when it says it was read.
    const Millis declared{read.stale_ms > 0 ? read.stale_ms : 0};
    if (read.stale_ms >= 0) ++r.declared_stale_reads;
    for (const auto& [p, seen] : read.voted) {
      const auto& acks = acked_times.contains(p) ? acked_times.at(p) : kNone;
      const auto& sends = sent_times.contains(p) ? sent_times.at(p) : kNone;
      int64_t low = CountUpTo(acks, read.sent - declared - max_staleness);
      int64_t high = CountUpTo(sends, read.done);
      if (seen < low || seen > high)
        r.bad_reads.push_back({read.id, p, read.sent, seen, low, high});
      int64_t acked_before = CountUpTo(acks, read.sent);
      if (seen < acked_before && seen >= 0) {
        stale = true;
        Millis age = read.sent - acks[static_cast<size_t>(seen)];
        if (age > r.max_staleness_seen) {
          r.max_staleness_seen = age;
          r.max_staleness_read = read.id;
        }
      }
    }
    if (stale) ++r.stale_reads;
  }
  return r;
}

}  // namespace narwhal::gameday

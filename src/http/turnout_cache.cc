#include "http/turnout_cache.h"

#include <utility>

namespace narwhal {

namespace {
// Elections and counties are few; a bound keeps a client probing county codes from
// growing the map without limit (unknown counties answer empty rows and are cached too).
constexpr size_t kMaxEntries = 4096;
}  // namespace

Result<std::shared_ptr<const TurnoutCache::Rows>> TurnoutCache::Get(
    const std::string& election, const std::string& county, uint64_t generation,
    std::chrono::steady_clock::time_point* read_at, bool* stale) {
  auto key = std::make_pair(election, county);
  const auto now = clock_.Monotonic();
  if (stale != nullptr) *stale = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(key);
    if (it != entries_.end() && it->second.generation == generation &&
        now - it->second.read_at < max_age_) {
      if (read_at != nullptr) *read_at = it->second.read_at;
      return it->second.rows;
    }
  }
  Result<Rows> rows = store_.GetTurnout(election, county);
  if (!rows.ok()) {
    ErrorCode code = rows.status().code();
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(key);
    if ((code == ErrorCode::kUnavailable || code == ErrorCode::kDeadlineExceeded) &&
        it != entries_.end()) {
      if (read_at != nullptr) *read_at = it->second.read_at;
      if (stale != nullptr) *stale = true;
      return it->second.rows;
    }
    return rows.status();
  }
  auto shared = std::make_shared<const Rows>(std::move(rows).value());
  std::lock_guard<std::mutex> lock(mu_);
  if (entries_.size() >= kMaxEntries) entries_.clear();
  entries_[std::move(key)] = Entry{shared, generation, now};
  if (read_at != nullptr) *read_at = now;
  return shared;
}

std::optional<std::string> TurnoutCache::Answer(const std::string& key, uint64_t generation) {
  const auto now = clock_.Monotonic();
  std::lock_guard<std::mutex> lock(mu_);
  auto it = answers_.find(key);
  if (it == answers_.end() || it->second.generation != generation ||
      now - it->second.read_at >= max_age_) {
    return std::nullopt;
  }
  return it->second.answer;
}

void TurnoutCache::KeepAnswer(const std::string& key, uint64_t generation,
                              std::chrono::steady_clock::time_point rows_read_at,
                              std::string answer) {
  std::lock_guard<std::mutex> lock(mu_);
  if (answers_.size() >= kMaxEntries) answers_.clear();
  answers_[key] = Answered{std::move(answer), generation, rows_read_at};
}

}  // namespace narwhal

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
    std::chrono::steady_clock::time_point* read_at) {
  auto key = std::make_pair(election, county);
  const auto now = clock_.Monotonic();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(key);
    if (it != entries_.end() && it->second.generation == generation &&
        now - it->second.read_at < max_age_) {
      if (read_at != nullptr) *read_at = it->second.read_at;
      return it->second.rows;
    }
  }
  NARWHAL_ASSIGN_OR_RETURN(Rows rows, store_.GetTurnout(election, county));
  auto shared = std::make_shared<const Rows>(std::move(rows));
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

#include "storage/strike_combiner.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

namespace narwhal {
namespace {

// Failures that say something about the call, not about a batch in it: the connection,
// the commit, the pool. Every caller of the call gets them and retries with its keys.
bool IsCallFailure(ErrorCode code) {
  return code == ErrorCode::kUnavailable || code == ErrorCode::kDeadlineExceeded ||
         code == ErrorCode::kResourceExhausted;
}

}  // namespace

struct StrikeCombiner::Waiter {
  std::span<const NewStrike> strikes;
  std::condition_variable cv;
  bool taken = false;  // in a call (led by itself or by another caller)
  bool done = false;
  std::optional<Result<std::vector<StrikeResult>>> result;
};

StrikeCombiner::StrikeCombiner(StrikeCombinerOptions options, RecordFn record)
    : options_{.max_calls = std::max(options.max_calls, 1),
               .max_strikes_per_call = std::max<size_t>(options.max_strikes_per_call, 1)},
      record_(std::move(record)) {}

Result<std::vector<StrikeResult>> StrikeCombiner::Record(std::span<const NewStrike> strikes) {
  if (strikes.empty()) return std::vector<StrikeResult>{};
  Waiter self;
  self.strikes = strikes;
  std::unique_lock<std::mutex> lock(mu_);
  queue_.push_back(&self);
  while (!self.done) {
    if (!self.taken && in_flight_ < options_.max_calls) {
      Lead(lock);
    } else {
      self.cv.wait(lock);  // until answered, or asked to lead the next call
    }
  }
  return std::move(*self.result);
}

void StrikeCombiner::Lead(std::unique_lock<std::mutex>& lock) {
  std::vector<Waiter*> batch;
  size_t total = 0;
  while (!queue_.empty()) {
    Waiter* next = queue_.front();
    if (!batch.empty() && total + next->strikes.size() > options_.max_strikes_per_call) break;
    next->taken = true;
    batch.push_back(next);
    total += next->strikes.size();
    queue_.pop_front();
  }
  ++in_flight_;
  lock.unlock();

  std::vector<std::optional<Result<std::vector<StrikeResult>>>> answers(batch.size());
  int64_t retried = 0;
  if (batch.size() == 1) {
    answers[0] = record_(batch[0]->strikes);
  } else {
    std::vector<NewStrike> all;
    all.reserve(total);
    for (const Waiter* w : batch) all.insert(all.end(), w->strikes.begin(), w->strikes.end());
    Result<std::vector<StrikeResult>> combined = record_(all);
    if (combined.ok() && combined->size() != total) {
      combined = Internal("the store answered " + std::to_string(combined->size()) + " of " +
                          std::to_string(total) + " strikes");
    }
    if (combined.ok()) {
      size_t at = 0;
      for (size_t i = 0; i < batch.size(); ++i) {
        const size_t n = batch[i]->strikes.size();
        std::vector<StrikeResult> own(std::make_move_iterator(combined->begin() + at),
                                      std::make_move_iterator(combined->begin() + at + n));
        answers[i] = std::move(own);
        at += n;
      }
    } else if (IsCallFailure(combined.status().code())) {
      for (auto& a : answers) a = combined.status();
    } else {
      for (size_t i = 0; i < batch.size(); ++i) answers[i] = record_(batch[i]->strikes);
      retried = static_cast<int64_t>(batch.size());
    }
  }

  lock.lock();
  --in_flight_;
  ++stats_.calls;
  stats_.batches += static_cast<int64_t>(batch.size());
  stats_.strikes += static_cast<int64_t>(total);
  stats_.largest = std::max(stats_.largest, static_cast<int64_t>(batch.size()));
  stats_.retried += retried;
  // Notified under the lock: a waiter cannot return (and take its condition variable
  // with it) before the lock is released.
  for (size_t i = 0; i < batch.size(); ++i) {
    batch[i]->result = std::move(answers[i]);
    batch[i]->done = true;
    batch[i]->cv.notify_one();
  }
  if (!queue_.empty()) queue_.front()->cv.notify_one();  // the next call's leader
}

StrikeCombinerStats StrikeCombiner::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  StrikeCombinerStats out = stats_;
  out.queued = static_cast<int64_t>(queue_.size());
  return out;
}

}  // namespace narwhal

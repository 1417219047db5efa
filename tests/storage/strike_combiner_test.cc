// StrikeCombiner: concurrent batches share calls, each caller gets its own answers, and a
// failed combined call is answered the way the guarantees need (the conformance
// suite checks the same through the PostgreSQL store).
#include "storage/strike_combiner.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace narwhal {
namespace {

NewStrike Strike(const std::string& voter, const std::string& key) {
  return {.election = "2026-11-03", .voter_id = voter, .idempotency_key = key};
}

// A record function that holds its first call until released, so that the callers
// arriving meanwhile queue up, and answers each strike with its voter id's number.
class GatedRecorder {
 public:
  Result<std::vector<StrikeResult>> operator()(std::span<const NewStrike> strikes) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      calls_.push_back(strikes.size());
      ++entered_;
      entered_cv_.notify_all();
      released_cv_.wait(lock, [&] { return released_; });
    }
    if (fail_with_ != ErrorCode::kOk) {
      for (const NewStrike& s : strikes) {
        if (s.voter_id == "bad" || fail_all_) return Status(fail_with_, "refused");
      }
    }
    std::vector<StrikeResult> out(strikes.size());
    for (size_t i = 0; i < strikes.size(); ++i) out[i].strike_id = std::stoll(strikes[i].voter_id);
    return out;
  }
  void WaitEntered(int n) {
    std::unique_lock<std::mutex> lock(mu_);
    entered_cv_.wait(lock, [&] { return entered_ >= n; });
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mu_);
    released_ = true;
    released_cv_.notify_all();
  }
  std::vector<size_t> calls() {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }

  ErrorCode fail_with_ = ErrorCode::kOk;
  bool fail_all_ = false;

 private:
  std::mutex mu_;
  std::condition_variable entered_cv_, released_cv_;
  int entered_ = 0;
  bool released_ = false;
  std::vector<size_t> calls_;
};

// Starts one caller holding `first` and, once its call is in flight, the callers of
// `rest`; returns each caller's answer in that order.
std::vector<Result<std::vector<StrikeResult>>> RunQueued(
    StrikeCombiner& combiner, GatedRecorder& recorder, std::vector<NewStrike> first,
    const std::vector<std::vector<NewStrike>>& rest) {
  std::vector<Result<std::vector<StrikeResult>>> answers(rest.size() + 1,
                                                         Status(ErrorCode::kInternal, "unset"));
  std::vector<std::thread> threads;
  threads.emplace_back([&] { answers[0] = combiner.Record(first); });
  recorder.WaitEntered(1);
  for (size_t i = 0; i < rest.size(); ++i) {
    threads.emplace_back([&, i] { answers[i + 1] = combiner.Record(rest[i]); });
  }
  while (combiner.stats().queued < static_cast<int64_t>(rest.size())) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  recorder.Release();
  for (std::thread& t : threads) t.join();
  return answers;
}

TEST(StrikeCombinerTest, AloneACallIsTheCallersOwn) {
  std::vector<size_t> sizes;
  StrikeCombiner combiner({.max_calls = 2}, [&](std::span<const NewStrike> strikes) {
    sizes.push_back(strikes.size());
    return Result<std::vector<StrikeResult>>(std::vector<StrikeResult>(strikes.size()));
  });
  std::vector<NewStrike> batch{Strike("1", "a"), Strike("2", "b")};
  ASSERT_TRUE(combiner.Record(batch).ok());
  ASSERT_TRUE(combiner.Record(std::span<const NewStrike>()).ok());
  EXPECT_EQ(sizes, (std::vector<size_t>{2}));
  EXPECT_EQ(combiner.stats().calls, 1);
}

TEST(StrikeCombinerTest, CallersArrivingWhileTheCallIsBusyShareTheNextCall) {
  GatedRecorder recorder;
  StrikeCombiner combiner({.max_calls = 1},
                          [&](std::span<const NewStrike> s) { return recorder(s); });
  std::vector<std::vector<NewStrike>> rest;
  for (int i = 0; i < 8; ++i) {
    rest.push_back({Strike(std::to_string(10 + i * 2), "k" + std::to_string(i * 2)),
                    Strike(std::to_string(11 + i * 2), "k" + std::to_string(i * 2 + 1))});
  }
  auto answers = RunQueued(combiner, recorder, {Strike("1", "first")}, rest);
  ASSERT_TRUE(answers[0].ok());
  EXPECT_EQ((*answers[0])[0].strike_id, 1);
  for (size_t i = 0; i < rest.size(); ++i) {
    ASSERT_TRUE(answers[i + 1].ok()) << answers[i + 1].status().ToString();
    ASSERT_EQ(answers[i + 1]->size(), 2u);
    EXPECT_EQ((*answers[i + 1])[0].strike_id, static_cast<int64_t>(10 + i * 2));
    EXPECT_EQ((*answers[i + 1])[1].strike_id, static_cast<int64_t>(11 + i * 2));
  }
  // The first call alone, then the eight queued batches in one call of 16 strikes.
  EXPECT_EQ(recorder.calls(), (std::vector<size_t>{1, 16}));
  const StrikeCombinerStats stats = combiner.stats();
  EXPECT_EQ(stats.calls, 2);
  EXPECT_EQ(stats.batches, 9);
  EXPECT_EQ(stats.largest, 8);
}

TEST(StrikeCombinerTest, ACombinedCallHoldsAtMostTheLimitOfStrikes) {
  GatedRecorder recorder;
  StrikeCombiner combiner({.max_calls = 1, .max_strikes_per_call = 4},
                          [&](std::span<const NewStrike> s) { return recorder(s); });
  std::vector<std::vector<NewStrike>> rest;
  for (int i = 0; i < 6; ++i) {
    rest.push_back({Strike(std::to_string(i), "a" + std::to_string(i)),
                    Strike(std::to_string(i), "b" + std::to_string(i))});
  }
  auto answers = RunQueued(combiner, recorder, {Strike("9", "first")}, rest);
  for (const auto& a : answers) ASSERT_TRUE(a.ok());
  const std::vector<size_t> calls = recorder.calls();
  ASSERT_EQ(calls.size(), 4u);  // 1, then 4 + 4 + 4
  for (size_t i = 1; i < calls.size(); ++i) EXPECT_LE(calls[i], 4u);
}

TEST(StrikeCombinerTest, ABadBatchFailsOnlyItsOwnCaller) {
  GatedRecorder recorder;
  recorder.fail_with_ = ErrorCode::kInvalidArgument;
  StrikeCombiner combiner({.max_calls = 1},
                          [&](std::span<const NewStrike> s) { return recorder(s); });
  auto answers = RunQueued(combiner, recorder, {Strike("1", "first")},
                           {{Strike("2", "a")}, {Strike("bad", "b")}, {Strike("3", "c")}});
  ASSERT_TRUE(answers[1].ok());
  EXPECT_EQ((*answers[1])[0].strike_id, 2);
  EXPECT_EQ(answers[2].status().code(), ErrorCode::kInvalidArgument);
  ASSERT_TRUE(answers[3].ok());
  EXPECT_EQ((*answers[3])[0].strike_id, 3);
  EXPECT_EQ(combiner.stats().retried, 3);
}

TEST(StrikeCombinerTest, ALostCommitIsEveryCallersOutcomeUnknown) {
  GatedRecorder recorder;
  recorder.fail_with_ = ErrorCode::kUnavailable;
  recorder.fail_all_ = true;
  StrikeCombiner combiner({.max_calls = 1},
                          [&](std::span<const NewStrike> s) { return recorder(s); });
  auto answers = RunQueued(combiner, recorder, {Strike("1", "first")},
                           {{Strike("2", "a")}, {Strike("3", "b")}});
  for (const auto& a : answers) EXPECT_EQ(a.status().code(), ErrorCode::kUnavailable);
  // Not retried: the combined call may have committed; its callers retry with their keys.
  EXPECT_EQ(recorder.calls().size(), 2u);
  EXPECT_EQ(combiner.stats().retried, 0);
}

TEST(StrikeCombinerTest, ManyThreadsEachGetTheirOwnAnswers) {
  std::atomic<int> in_flight{0}, most{0};
  StrikeCombiner combiner({.max_calls = 3}, [&](std::span<const NewStrike> strikes) {
    const int now = ++in_flight;
    int seen = most.load();
    while (now > seen && !most.compare_exchange_weak(seen, now)) {
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
    std::vector<StrikeResult> out(strikes.size());
    for (size_t i = 0; i < strikes.size(); ++i) out[i].strike_id = std::stoll(strikes[i].voter_id);
    --in_flight;
    return Result<std::vector<StrikeResult>>(std::move(out));
  });
  constexpr int kThreads = 16, kEach = 200;
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const int id = t * 100000 + i;
        std::vector<NewStrike> batch{Strike(std::to_string(id), "k"),
                                     Strike(std::to_string(id + 50000), "l")};
        Result<std::vector<StrikeResult>> r = combiner.Record(batch);
        if (!r.ok() || r->size() != 2 || (*r)[0].strike_id != id ||
            (*r)[1].strike_id != id + 50000) {
          ++wrong;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_LE(most.load(), 3);
  const StrikeCombinerStats stats = combiner.stats();
  EXPECT_EQ(stats.batches, kThreads * kEach);
  EXPECT_EQ(stats.strikes, 2 * kThreads * kEach);
  EXPECT_LT(stats.calls, stats.batches);  // 16 callers on 3 calls: some shared
}

}  // namespace
}  // namespace narwhal

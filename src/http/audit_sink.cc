#include "http/audit_sink.h"

#include <algorithm>
#include <iterator>

#include "base/log.h"

namespace narwhal {

StoreAuditSink::StoreAuditSink(Store& store, AuditSinkOptions options)
    : store_(store), options_(options), writer_([this] { Run(); }) {}

StoreAuditSink::~StoreAuditSink() {
  Status flushed = Flush();
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  work_cv_.notify_all();
  writer_.join();
  if (!flushed.ok()) LogError("audit: " + flushed.ToString());
}

Status StoreAuditSink::Record(std::vector<AuditEvent> events, bool wait_for_commit) {
  if (events.empty()) return Status::Ok();
  std::unique_lock<std::mutex> lock(mu_);
  const auto deadline = std::chrono::steady_clock::now() + options_.max_wait;
  const bool room = done_cv_.wait_until(lock, deadline, [&] {
    return stop_ || queue_.size() + events.size() <= std::max(options_.max_queued, events.size());
  });
  if (!room || stop_) return Unavailable("the audit log is not keeping up; try again");
  queue_.insert(queue_.end(), std::make_move_iterator(events.begin()),
                std::make_move_iterator(events.end()));
  queued_seq_ += events.size();
  const uint64_t mine = queued_seq_;
  work_cv_.notify_one();
  if (!wait_for_commit) return Status::Ok();
  if (!done_cv_.wait_until(lock, deadline, [&] { return written_seq_ >= mine; })) {
    return Unavailable("the audit log could not be written in time");
  }
  return Status::Ok();
}

Status StoreAuditSink::Flush() {
  std::unique_lock<std::mutex> lock(mu_);
  const uint64_t target = queued_seq_;
  if (!done_cv_.wait_for(lock, options_.max_wait, [&] { return written_seq_ >= target; })) {
    return Unavailable(std::to_string(target - written_seq_) +
                       " audit events could not be written");
  }
  return Status::Ok();
}

void StoreAuditSink::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    work_cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stop_ and nothing left
    const size_t n = std::min(queue_.size(), options_.max_batch);
    // Copied, not moved: a failed append leaves the queue as it was for the retry.
    std::vector<AuditEvent> batch(queue_.begin(), queue_.begin() + static_cast<long>(n));
    lock.unlock();
    Status appended = store_.AppendAudit(batch);
    lock.lock();
    if (appended.ok()) {
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<long>(n));
      written_seq_ += n;
      done_cv_.notify_all();
      continue;
    }
    LogError("audit: appending " + std::to_string(n) + " events failed: " + appended.ToString());
    if (stop_) {
      LogError("audit: shutting down with " + std::to_string(queue_.size()) + " events unwritten");
      return;
    }
    work_cv_.wait_for(lock, options_.retry_delay, [&] { return stop_; });
  }
}

}  // namespace narwhal

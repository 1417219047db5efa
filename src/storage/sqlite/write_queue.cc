#include "storage/sqlite/write_queue.h"

#include <pthread.h>

#include <string>
#include <utility>

namespace narwhal::sqlite {

WriteQueue::WriteQueue(std::unique_ptr<Connection> connection, const WriteQueueOptions& options)
    : options_(options), connection_(std::move(connection)), writer_([this] { Run(); }) {
  pthread_setname_np(writer_.native_handle(), "narwhal-writer");
}

WriteQueue::~WriteQueue() {
  state_.With([](State& s) { s.stopping = true; });
  work_ready_.notify_all();
  room_ready_.notify_all();
  writer_.join();
}

Status WriteQueue::Submit(Job job) {
  Pending pending{std::move(job), Status::Ok(), false, {}};
  auto locked = state_.Lock();
  bool has_room = room_ready_.wait_for(locked.lock(), options_.enqueue_timeout, [&] {
    return locked->stopping || locked->queue.size() < options_.max_queued_jobs;
  });
  if (locked->stopping) return Unavailable("store is shutting down");
  if (!has_room) {
    return ResourceExhausted("write queue full: " + std::to_string(options_.max_queued_jobs) +
                             " writes waiting");
  }
  locked->queue.push_back(&pending);
  locked->stats.queued = static_cast<int64_t>(locked->queue.size());
  work_ready_.notify_one();
  // `pending` lives on this stack frame; the writer touches it only until it sets done
  // under the lock, so returning after done is safe.
  pending.done_cv.wait(locked.lock(), [&] { return pending.done; });
  return pending.status;
}

WriteQueueStats WriteQueue::stats() {
  return state_.With([](State& s) { return s.stats; });
}

void WriteQueue::Run() {
  std::deque<Pending*> group;
  for (;;) {
    {
      auto locked = state_.Lock();
      work_ready_.wait(locked.lock(), [&] { return locked->stopping || !locked->queue.empty(); });
      if (locked->queue.empty()) return;  // stopping, and everything queued is done
      while (!locked->queue.empty() && group.size() < options_.max_group_jobs) {
        group.push_back(locked->queue.front());
        locked->queue.pop_front();
      }
      locked->stats.queued = static_cast<int64_t>(locked->queue.size());
    }
    room_ready_.notify_all();
    RunGroup(group);
    {
      auto locked = state_.Lock();
      locked->stats.transactions += 1;
      locked->stats.jobs += static_cast<int64_t>(group.size());
      for (Pending* p : group) {
        if (!p->status.ok()) locked->stats.failed_jobs += 1;
        p->done = true;
        p->done_cv.notify_one();
      }
    }
    group.clear();
  }
}

void WriteQueue::RunGroup(std::deque<Pending*>& group) {
  Connection& db = *connection_;
  Status begin = db.Exec("BEGIN IMMEDIATE");
  if (!begin.ok()) {
    for (Pending* p : group) p->status = begin.WithContext("starting write transaction");
    return;
  }
  // A lone job needs no savepoint: if it fails, rolling back the transaction is the same.
  const bool use_savepoints = group.size() > 1;
  for (Pending* p : group) {
    if (use_savepoints) {
      Status sp = db.Exec("SAVEPOINT job");
      if (!sp.ok()) {
        p->status = sp;
        continue;
      }
    }
    p->status = p->job(db);
    if (use_savepoints) {
      if (!p->status.ok()) {
        // ROLLBACK TO leaves the savepoint open; RELEASE closes it.
        (void)db.Exec("ROLLBACK TO job");
      }
      (void)db.Exec("RELEASE job");
    }
  }
  bool any_ok = false;
  for (Pending* p : group) any_ok = any_ok || p->status.ok();
  if (!any_ok) {
    (void)db.Exec("ROLLBACK");
    return;
  }
  Status commit = db.Exec("COMMIT");
  if (!commit.ok()) {
    // COMMIT failed, so nothing of the group is durable; every job reports it.
    if (db.InTransaction()) (void)db.Exec("ROLLBACK");
    for (Pending* p : group) {
      if (p->status.ok()) p->status = commit.WithContext("committing");
    }
  }
}

}  // namespace narwhal::sqlite

#include "storage/sqlite/checkpointer.h"

#include <pthread.h>

#include <string>
#include <utility>

#include "base/log.h"

namespace narwhal::sqlite {

Checkpointer::Checkpointer(std::unique_ptr<Connection> connection,
                           std::chrono::milliseconds interval)
    : connection_(std::move(connection)), interval_(interval), thread_([this] { Run(); }) {
  pthread_setname_np(thread_.native_handle(), "narwhal-ckpt");
}

Checkpointer::~Checkpointer() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void Checkpointer::Run() {
  bool warned = false;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (wake_.wait_for(lock, interval_, [this] { return stopping_; })) return;
    }
    // SQLITE_BUSY (another checkpoint, e.g. a second process's) only means "not now".
    Status s = connection_->Exec("PRAGMA wal_checkpoint(PASSIVE)");
    if (!s.ok() && !warned) {
      LogWarning("wal checkpoint: " + s.ToString() + " (retrying quietly)");
      warned = true;
    } else if (s.ok()) {
      warned = false;
    }
  }
}

}  // namespace narwhal::sqlite

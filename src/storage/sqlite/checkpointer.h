// Copies the write-ahead log back into the database file on a thread of its own, so the
// writer seldom does it inside a commit. SQLite's automatic checkpoint runs in the
// committing connection: every 4,096 pages one strike's commit would also copy and fsync
// 32 MiB, and every strike queued behind it would wait. This thread runs PASSIVE
// checkpoints (they never block the writer or readers) every `interval` on its own
// connection, so when the writer's automatic checkpoint comes due, nearly every page is
// already copied: it finishes the rest and the log starts over from its beginning (which
// only a checkpoint in the writing connection, between transactions, can make happen
// under a steady stream of writes).
//
// Thread-safety: constructed and destroyed by the store; no other methods.
#ifndef NARWHAL_STORAGE_SQLITE_CHECKPOINTER_H_
#define NARWHAL_STORAGE_SQLITE_CHECKPOINTER_H_

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "storage/sqlite/sqlite_db.h"

namespace narwhal::sqlite {

class Checkpointer {
 public:
  Checkpointer(std::unique_ptr<Connection> connection, std::chrono::milliseconds interval);
  ~Checkpointer();  // stops and joins the thread (a checkpoint under way finishes first)
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

 private:
  void Run();

  std::unique_ptr<Connection> connection_;  // used only by the thread
  const std::chrono::milliseconds interval_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;     // last: started once the members above exist
};

}  // namespace narwhal::sqlite

#endif  // NARWHAL_STORAGE_SQLITE_CHECKPOINTER_H_

// BoundedQueue<T>: a blocking FIFO of at most `capacity` items between threads, the
// backpressure between the importer's reader thread and its mapping thread.
//
// Thread-safety: every method may be called from any thread. Close() wakes every waiter:
// Push then fails, Pop drains what is left and then returns nothing.
#ifndef NARWHAL_IMPORT_BOUNDED_QUEUE_H_
#define NARWHAL_IMPORT_BOUNDED_QUEUE_H_

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <optional>
#include <utility>

#include "base/guarded.h"

namespace narwhal {

template <typename T>
class BoundedQueue {
 public:
  explicit BoundedQueue(size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  // Blocks while the queue is full. False (and `item` dropped) once closed.
  bool Push(T item) {
    auto locked = state_.Lock();
    not_full_.wait(locked.lock(),
                   [&] { return locked->closed || locked->items.size() < capacity_; });
    if (locked->closed) return false;
    locked->items.push_back(std::move(item));
    not_empty_.notify_one();
    return true;
  }

  // Never blocks; false when full or closed.
  bool TryPush(T item) {
    auto locked = state_.Lock();
    if (locked->closed || locked->items.size() >= capacity_) return false;
    locked->items.push_back(std::move(item));
    not_empty_.notify_one();
    return true;
  }

  // Blocks while the queue is empty and open. Nothing once closed and drained.
  std::optional<T> Pop() {
    auto locked = state_.Lock();
    not_empty_.wait(locked.lock(), [&] { return locked->closed || !locked->items.empty(); });
    return TakeFront(*locked);
  }

  // Never blocks; nothing when empty.
  std::optional<T> TryPop() {
    auto locked = state_.Lock();
    return TakeFront(*locked);
  }

  void Close() {
    state_.With([](State& s) { s.closed = true; });
    not_full_.notify_all();
    not_empty_.notify_all();
  }

 private:
  struct State {
    std::deque<T> items;
    bool closed = false;
  };

  std::optional<T> TakeFront(State& s) {
    if (s.items.empty()) return std::nullopt;
    std::optional<T> item(std::move(s.items.front()));
    s.items.pop_front();
    not_full_.notify_one();
    return item;
  }

  const size_t capacity_;  // constant after construction
  Guarded<State> state_;
  std::condition_variable not_full_;
  std::condition_variable not_empty_;
};

}  // namespace narwhal

#endif  // NARWHAL_IMPORT_BOUNDED_QUEUE_H_

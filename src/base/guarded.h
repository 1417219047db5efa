// Guarded<T>: data that can only be reached while holding its mutex.
//
//   Guarded<std::vector<int>> items;
//   items.With([](auto& v) { v.push_back(1); });
//   { auto locked = items.Lock(); locked->push_back(2); }
//
// Thread-safety: every access goes through the lock; the Locked handle must not outlive
// the Guarded it came from.
#ifndef NARWHAL_BASE_GUARDED_H_
#define NARWHAL_BASE_GUARDED_H_

#include <mutex>
#include <utility>

namespace narwhal {

template <typename T, typename Mutex = std::mutex>
class Guarded {
 public:
  template <typename... Args>
  explicit Guarded(Args&&... args) : value_(std::forward<Args>(args)...) {}

  class Locked {
   public:
    Locked(Mutex& mu, T& value) : lock_(mu), value_(value) {}
    T* operator->() { return &value_; }
    T& operator*() { return value_; }
    // For condition variables waiting on this data.
    std::unique_lock<Mutex>& lock() { return lock_; }

   private:
    std::unique_lock<Mutex> lock_;
    T& value_;
  };

  Locked Lock() { return Locked(mu_, value_); }

  template <typename Fn>
  decltype(auto) With(Fn&& fn) {
    std::lock_guard<Mutex> lock(mu_);
    return std::forward<Fn>(fn)(value_);
  }

 private:
  Mutex mu_;
  T value_;  // guarded by mu_
};

}  // namespace narwhal

#endif  // NARWHAL_BASE_GUARDED_H_

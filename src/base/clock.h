// Clock: the one way Narwhal reads time, injected so tests and game days can control it.
//
// Thread-safety: implementations must be safe to call from any thread.
#ifndef NARWHAL_BASE_CLOCK_H_
#define NARWHAL_BASE_CLOCK_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace narwhal {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time, for timestamps that people read and that are stored.
  virtual std::chrono::system_clock::time_point Now() const = 0;
  // Monotonic time, for durations, deadlines and rates.
  virtual std::chrono::steady_clock::time_point Monotonic() const = 0;
};

// The real clocks of the operating system.
class SystemClock final : public Clock {
 public:
  std::chrono::system_clock::time_point Now() const override {
    return std::chrono::system_clock::now();
  }
  std::chrono::steady_clock::time_point Monotonic() const override {
    return std::chrono::steady_clock::now();
  }
};

// A clock that moves only when told to; for tests.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::chrono::system_clock::time_point start = {})
      : nanos_(start.time_since_epoch().count()) {}
  std::chrono::system_clock::time_point Now() const override {
    return std::chrono::system_clock::time_point(
        std::chrono::system_clock::duration(nanos_.load()));
  }
  std::chrono::steady_clock::time_point Monotonic() const override {
    return std::chrono::steady_clock::time_point(
        std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            std::chrono::system_clock::duration(nanos_.load())));
  }
  void Advance(std::chrono::system_clock::duration d) { nanos_ += d.count(); }

 private:
  std::atomic<std::chrono::system_clock::rep> nanos_;
};

// Milliseconds since the Unix epoch, as stores keep leases and batches; and back.
inline int64_t UnixMillis(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
inline std::chrono::system_clock::time_point FromUnixMillis(int64_t ms) {
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
}

// `t` in UTC through a strftime format, e.g. "%H:%M UTC".
std::string FormatUtc(std::chrono::system_clock::time_point t, const char* strftime_format);

// "2026-11-03T14:05:09Z" (UTC, second precision).
inline std::string FormatIso8601(std::chrono::system_clock::time_point t) {
  return FormatUtc(t, "%Y-%m-%dT%H:%M:%SZ");
}

// "2026-11-03 14:05 UTC": how a person reads a time on paper or in a message.
inline std::string FormatHumanUtc(std::chrono::system_clock::time_point t) {
  return FormatUtc(t, "%Y-%m-%d %H:%M UTC");
}

}  // namespace narwhal

#endif  // NARWHAL_BASE_CLOCK_H_

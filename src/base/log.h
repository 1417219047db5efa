// Minimal structured logging to stderr: one line per event, "LEVEL message key=value".
//
// Thread-safety: lines from different threads never interleave.
#ifndef NARWHAL_BASE_LOG_H_
#define NARWHAL_BASE_LOG_H_

#include <string_view>

namespace narwhal {

enum class LogLevel { kDebug, kInfo, kWarning, kError };

// Lines below `level` are dropped. Default kInfo. Set once at start-up.
void SetLogLevel(LogLevel level);
void Log(LogLevel level, std::string_view message);

inline void LogInfo(std::string_view m) {
  Log(LogLevel::kInfo, m);
}
inline void LogWarning(std::string_view m) {
  Log(LogLevel::kWarning, m);
}
inline void LogError(std::string_view m) {
  Log(LogLevel::kError, m);
}

}  // namespace narwhal

#endif  // NARWHAL_BASE_LOG_H_

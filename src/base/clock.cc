#include "base/clock.h"

#include <ctime>

namespace narwhal {

std::string FormatUtc(std::chrono::system_clock::time_point t, const char* strftime_format) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  size_t n = std::strftime(buf, sizeof buf, strftime_format, &tm);
  return std::string(buf, n);
}

}  // namespace narwhal

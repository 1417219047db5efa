// TimePoint <-> bigint nanoseconds since the epoch, the form in which the PostgreSQL
// schema keeps the times of credentials and election day (they read back exactly).
#ifndef NARWHAL_STORAGE_POSTGRES_PG_TIME_H_
#define NARWHAL_STORAGE_POSTGRES_PG_TIME_H_

#include <chrono>
#include <cstdint>

#include "storage/store.h"

namespace narwhal::postgres {

inline int64_t ToNanos(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

inline TimePoint FromNanos(int64_t ns) {
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::nanoseconds(ns)));
}

}  // namespace narwhal::postgres

#endif  // NARWHAL_STORAGE_POSTGRES_PG_TIME_H_

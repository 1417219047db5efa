// Phone banks: call lists worked by many callers at once, each person held by one caller
// under a lease (storage/call_store.h), and what a call's result means for when the person
// is called again. The contact log (contact.h) keeps the calls themselves.
//
// Plain values and pure functions.
#ifndef NARWHAL_DOMAIN_CALL_H_
#define NARWHAL_DOMAIN_CALL_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "domain/field_book.h"

namespace narwhal {

// How long a caller holds a person she was given unless her page renews it.
inline constexpr std::chrono::seconds kDefaultLease{600};
// The longest lease a caller may ask for.
inline constexpr std::chrono::seconds kMaxLease{3600};

// When a person is called again after a call that did not finish her.
struct RetryRules {
  std::chrono::seconds after_no_answer{4 * 3600};  // no answer, busy: at least this later
  std::chrono::seconds after_message{24 * 3600};   // left a message
  std::chrono::seconds after_other{4 * 3600};      // any other retry result (call back...)
  int max_attempts = 3;                            // calls per person per list
};

// The time (milliseconds since the epoch) the person may be called again after a call at
// `now_ms` with `result` (its meaning `meaning`), her `attempts` calls on this list counting
// this one; nullopt when she is finished: reached (success), not to be contacted again
// (suppress), a wrong number (her only phone is bad), or out of attempts.
std::optional<int64_t> NextCallAt(std::string_view result, const ResultMeaning& meaning,
                                  int attempts, int64_t now_ms, const RetryRules& rules = {});

}  // namespace narwhal

#endif  // NARWHAL_DOMAIN_CALL_H_

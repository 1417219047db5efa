// Errors as application/problem+json (RFC 9457), mapped from ErrorCode in one table.
//
// Every error a client sees is built here: the status, the stable problem type
// ("https://narwhal.dev/problems/<code>") and title come from the table; the detail is the
// Status message, except for internal errors, whose message goes to the log and whose
// client detail is generic. Thread-safety: pure functions.
#ifndef NARWHAL_HTTP_PROBLEM_H_
#define NARWHAL_HTTP_PROBLEM_H_

#include <span>
#include <string_view>

#include "base/status.h"
#include "http/http_types.h"

namespace narwhal {

inline constexpr std::string_view kProblemTypeBase = "https://narwhal.dev/problems/";

// One row of the mapping table.
struct ProblemKind {
  ErrorCode code;
  int http_status;
  std::string_view title;
  bool retry_after;       // the response carries Retry-After
  bool www_authenticate;  // the response carries WWW-Authenticate: Bearer
};

// The whole table, for documentation and tests.
std::span<const ProblemKind> ProblemKinds();
const ProblemKind& ProblemKindFor(ErrorCode code);

// Seconds a client is told to wait on 429 and 503.
inline constexpr int kRetryAfterSeconds = 1;

// The problem response for a non-OK `status` of a request to `instance` (the path).
// Codes whose row says so carry Retry-After: `retry_after_seconds` (rate limits and
// lockouts know how long; others use kRetryAfterSeconds). kUnauthenticated carries
// WWW-Authenticate: Bearer.
HttpResponse ProblemResponse(const Status& status, std::string_view instance,
                             std::string_view request_id,
                             int retry_after_seconds = kRetryAfterSeconds);

// A problem that no ErrorCode names, raised by the transport or the router itself
// (405 method_not_allowed, 413 payload_too_large, 431 header_too_large, 400 bad_request).
HttpResponse TransportProblemResponse(int http_status, std::string_view code,
                                      std::string_view title, std::string_view detail,
                                      std::string_view instance, std::string_view request_id);

}  // namespace narwhal

#endif  // NARWHAL_HTTP_PROBLEM_H_

// Query-parameter validation shared by every handler: known names only, each at most once,
// valid UTF-8, bounded lengths, no control characters in codes. Every rejection is a
// kInvalidArgument whose message starts with the parameter's name ("limit: ...").
//
// Thread-safety: stateless functions; a QueryReader borrows its query for its lifetime.
#ifndef NARWHAL_HTTP_PARAMS_H_
#define NARWHAL_HTTP_PARAMS_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "domain/voter.h"

namespace narwhal {

// kInvalidArgument "<name>: <why>".
Status BadParam(std::string_view name, std::string_view why);
// kPermissionDenied with `why`.
Status PermissionDenied(std::string why);

// UTF-8 code points of a valid UTF-8 string.
size_t CodePoints(std::string_view utf8);

// States code precincts freely ("01-07", "1/7", "PR 12A"), so codes are only kept free of
// control characters; the store binds them as parameters.
bool IsCode(std::string_view s);
bool IsDigits(std::string_view s);

// A positive whole-number id from a path segment; kInvalidArgument "<name>: must be a
// positive whole number" otherwise.
Result<int64_t> ParsePositiveId(std::string_view name, std::string_view text);

// Reads decoded query pairs against a list of known names.
class QueryReader {
 public:
  QueryReader(const NamedValues& query, std::vector<std::string_view> known)
      : query_(query), known_(std::move(known)) {}

  // kInvalidArgument for an unknown or repeated name.
  Status CheckNames() const;

  // The trimmed value of `name`, "" when absent; UTF-8 and at most `max_chars`.
  Result<std::string> Get(std::string_view name, size_t max_chars) const;
  // The same, also free of control characters (county, precinct and other codes).
  Result<std::string> GetCode(std::string_view name, size_t max_chars) const;
  // A whole number in [min, max], or `fallback` when absent.
  Result<int64_t> GetInt(std::string_view name, int64_t min, int64_t max, int64_t fallback) const;
  // An ISO 8601 UTC time ("2026-11-03T14:05:09Z") or date ("2026-11-03", midnight UTC).
  Result<std::optional<std::chrono::system_clock::time_point>> GetTime(std::string_view name) const;

 private:
  const NamedValues& query_;
  const std::vector<std::string_view> known_;
};

// "2026-11-03T14:05:09Z" or "2026-11-03"; nullopt when it is neither or not a real date.
std::optional<std::chrono::system_clock::time_point> ParseIso8601(std::string_view text);

}  // namespace narwhal

#endif  // NARWHAL_HTTP_PARAMS_H_

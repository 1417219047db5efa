// Strict validation of JSON request bodies, the one helper every POST uses.
//
// A body must be one JSON object of at most kMaxJsonBodyBytes, nested at most
// kMaxJsonDepth deep, in valid UTF-8, holding only the declared fields, each of its
// declared type and within its length; required fields must be present. Every rejection
// is kInvalidArgument naming the field ("code: must be a string"), so clients can fix
// their request without reading the server log. Duplicate names keep the last value
// (Boost.JSON 1.81 cannot report them).
//
// Thread-safety: pure functions. Only Boost.JSON and base are used, so the libFuzzer
// target (fuzz/json_request_fuzz.cc) links this file alone.
#ifndef NARWHAL_HTTP_JSON_BODY_H_
#define NARWHAL_HTTP_JSON_BODY_H_

#include <boost/json/object.hpp>
#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace narwhal {

inline constexpr size_t kMaxJsonBodyBytes = 16 << 10;
inline constexpr size_t kMaxJsonDepth = 8;

// kObject: any JSON object (within the body's depth bound), read further by the handler
// (a universe's criteria).
enum class JsonKind { kString, kInteger, kBoolean, kStringArray, kIntegerArray, kObject };

struct JsonField {
  std::string_view name;
  JsonKind kind = JsonKind::kString;
  bool required = false;
  size_t max_chars = 256;  // strings (and each string of an array), in code points
  size_t max_items = 100;  // arrays
};

// Validates `body` against `fields`. An empty body (or only whitespace) is an empty
// object, so a POST that needs no fields accepts it.
// `max_bytes` bounds the body (kMaxJsonBodyBytes for a request; a batch's items are bounded
// by their batch).
Result<boost::json::object> ParseJsonBody(std::string_view body, std::span<const JsonField> fields,
                                          size_t max_bytes = kMaxJsonBodyBytes);

// The same for a request whose Content-Type is `content_type`: it must be
// application/json (any parameters) when the body is not empty.
Result<boost::json::object> ParseJsonRequest(std::string_view content_type, std::string_view body,
                                             std::span<const JsonField> fields,
                                             size_t max_bytes = kMaxJsonBodyBytes);

// A body that is one item, or {"<list>": [item, ...]} with 1..max_items items, each item
// validated against `fields` as ParseJsonBody does; the body at most `max_bytes`. Errors
// name the item ("strikes[3].voter_id: ...") or the body. For batch writes (strikes,
// contacts), whose items are answered one by one.
struct JsonItems {
  std::vector<boost::json::object> items;
  bool listed = false;  // the body held the list (errors about an item name its index)
};
Result<JsonItems> ParseItemsRequest(std::string_view content_type, std::string_view body,
                                    std::string_view list, std::span<const JsonField> fields,
                                    size_t max_items, size_t max_bytes);

}  // namespace narwhal

#endif  // NARWHAL_HTTP_JSON_BODY_H_

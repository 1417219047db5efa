// The opaque keyset cursors of the store's paged lists. A voter search's cursor is the
// sort key (last name key, first name key, voter id) of the last row of a page; the lists
// ordered by a store-assigned id (users, the audit log) use the id of the last row. Both
// are lower-case hex of a versioned, length-prefixed string, so that they are URL-safe,
// reveal nothing a client should rely on, and one kind is never mistaken for the other.
//
// Shared by every backend so that cursors mean the same thing whichever store made them.
// Pure functions; thread-safe.
#ifndef NARWHAL_STORAGE_SEARCH_CURSOR_H_
#define NARWHAL_STORAGE_SEARCH_CURSOR_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace narwhal {

struct SearchCursor {
  std::string last_key;
  std::string first_key;
  std::string voter_id;

  friend bool operator==(const SearchCursor&, const SearchCursor&) = default;
};

std::string EncodeSearchCursor(const SearchCursor& cursor);

// kInvalidArgument for anything EncodeSearchCursor did not produce.
Result<SearchCursor> DecodeSearchCursor(std::string_view text);

// The cursor after the row with `id` (> 0) of a list ordered by id.
std::string EncodeIdCursor(int64_t id);

// kInvalidArgument for anything EncodeIdCursor did not produce.
Result<int64_t> DecodeIdCursor(std::string_view text);

}  // namespace narwhal

#endif  // NARWHAL_STORAGE_SEARCH_CURSOR_H_

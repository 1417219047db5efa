// The opaque keyset cursor of a voter search: the sort key (last name key, first name
// key, voter id) of the last row of a page, encoded as lower-case hex of a length-
// prefixed string so that it is URL-safe and reveals nothing a client should rely on.
//
// Shared by every backend so that cursors mean the same thing whichever store made them.
// Pure functions; thread-safe.
#ifndef NARWHAL_STORAGE_SEARCH_CURSOR_H_
#define NARWHAL_STORAGE_SEARCH_CURSOR_H_

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

}  // namespace narwhal

#endif  // NARWHAL_STORAGE_SEARCH_CURSOR_H_

// NamedValues <-> a flat JSON object of strings ({"ward":"7","school":"N"}), the form in
// which stores keep a voter's districts and state-specific columns.
//
// Order is kept both ways. Only what EncodeNamedValues writes needs to be read back, but
// the decoder accepts any flat object of strings with standard JSON escapes.
//
// Pure functions; thread-safe.
#ifndef NARWHAL_STORAGE_NAMED_VALUES_JSON_H_
#define NARWHAL_STORAGE_NAMED_VALUES_JSON_H_

#include <string>
#include <string_view>

#include "base/status.h"
#include "domain/voter.h"

namespace narwhal {

// Appends the JSON object for `values` to `out` ("{}" when empty).
void EncodeNamedValues(const NamedValues& values, std::string& out);

// Parses a flat object of strings; "" reads as empty. kDataLoss on anything else,
// since the text came from the store.
Result<NamedValues> DecodeNamedValues(std::string_view json);

}  // namespace narwhal

#endif  // NARWHAL_STORAGE_NAMED_VALUES_JSON_H_

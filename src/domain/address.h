// Street addresses as canvassers walk them: house number, street, side of the street.
//
// Pure functions. Parsing is deliberately forgiving: "123 1/2 N MAIN ST APT 4", "PO BOX 5"
// and "" all parse; what cannot be read as a number goes to the end of its street.
#ifndef NARWHAL_DOMAIN_ADDRESS_H_
#define NARWHAL_DOMAIN_ADDRESS_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace narwhal {

struct ParsedStreetAddress {
  int64_t house_number = -1;  // -1 when the address has none
  std::string house_suffix;   // "1/2", "B"
  std::string street;         // folded street name without number and unit: "N MAIN ST"
  std::string unit;           // "APT 4", or empty
};

ParsedStreetAddress ParseStreetAddress(std::string_view street_line);

// The order in which a canvasser walks: by street, then one side of the street (odd
// numbers ascending) and back down the other (even numbers descending), then unit.
// Returns true when a comes before b.
bool WalkOrderLess(const ParsedStreetAddress& a, const ParsedStreetAddress& b);

// A sortable key with the same order as WalkOrderLess, for storing or SQL ORDER BY.
std::string WalkOrderKey(const ParsedStreetAddress& a);

}  // namespace narwhal

#endif  // NARWHAL_DOMAIN_ADDRESS_H_

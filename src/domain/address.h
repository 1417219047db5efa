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

// ---------------------------------------------------------------------------------------
// Normalised addresses: the identity of a building and of a door.
//
// A residential street line is read as USPS Publication 28 reads it: house number (with a
// letter or fraction suffix), pre-directional, street name, street type, post-directional,
// then a unit ("123 1/2 North Main Street Apartment 4B" -> 123 1/2 N MAIN ST, APT 4B).
// Words are standardised (Street -> ST, East -> E, Second -> 2ND, Highway -> HWY) so a
// voter file's "4844 E REZANOF DR" and an address-point file's "4844 East Rezanof Drive"
// are the same building. A line with no door to knock (a PO box, a rural-route box, no
// house number, no street) is not guessed at: it keeps its kind and a reason.

enum class AddressKind {
  kStreet,      // a house number on a street: a building, and a door in it
  kPoBox,       // "PO BOX 55", "P O BOX 55", "BOX 55", "DRAWER 7"
  kRuralRoute,  // "RR 2 BOX 15", "RURAL ROUTE 2", "HC 1 BOX 5"
  kUnparsed,    // empty, no house number, or no street name
};
std::string_view AddressKindName(AddressKind kind);  // "street", "po_box", ...

struct NormalizedAddress {
  AddressKind kind = AddressKind::kUnparsed;
  std::string problem;        // why there is no door ("PO box", ...); empty for kStreet
  int64_t house_number = -1;  // -1 when there is none
  std::string house_suffix;   // "A", "1/2", "-14"; empty when none
  std::string predir;         // N S E W NE NW SE SW, or empty
  std::string street_name;    // "MAIN", "MONASHKA BAY", "2ND", "HWY 55"
  std::string street_type;    // "ST", "DR", ... (USPS abbreviation), or empty
  std::string postdir;        // as predir
  std::string unit;           // "APT 4B", "UNIT 2", "REAR"; empty for the whole building
  std::string unit_id;        // the unit's identity within its building: "4B", "2", "REAR"
};

NormalizedAddress NormalizeAddress(std::string_view street_line);

// "E REZANOF DR": the street, without number or unit. Empty unless kStreet.
std::string StreetKey(const NormalizedAddress& a);

// "4844 E REZANOF DR", "12 1/2 ELM ST": the building on its street, without town. The key
// an address point and a voter's residence are matched on. Empty unless kStreet.
std::string BuildingMatchKey(const NormalizedAddress& a);

// The block face a building stands on: its street, its hundred-block and its side
// ("E REZANOF DR|48|0": 4800-4899, even side). Canvassers walk one face at a time.
std::string BlockFaceKey(const NormalizedAddress& a);

}  // namespace narwhal

#endif  // NARWHAL_DOMAIN_ADDRESS_H_

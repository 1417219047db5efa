// libFuzzer target: arbitrary bytes as a residential street line (NormalizeAddress).
//
// Besides "no crash, no leak, no UB", it checks the normaliser's promises: a line is a
// street address exactly when it has no problem; a street address has a number and a
// street, keys built from its parts, a unit exactly when it has a unit id; and the
// standard form of a line reads back as the same building and door.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "domain/address.h"

namespace {

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace narwhal;
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  const NormalizedAddress a = NormalizeAddress(line);
  Check((a.kind == AddressKind::kStreet) == a.problem.empty());
  if (a.kind != AddressKind::kStreet) {
    Check(BuildingMatchKey(a).empty() && StreetKey(a).empty() && BlockFaceKey(a).empty());
    return 0;
  }
  Check(a.house_number >= 0);
  Check(!StreetKey(a).empty());
  Check(a.unit.empty() == a.unit_id.empty());
  const std::string key = BuildingMatchKey(a);
  Check(!key.empty() && key[0] >= '0' && key[0] <= '9');
  // The standard form is a fixed point: it normalises to the same building and door.
  const std::string standard = a.unit.empty() ? key : key + " " + a.unit;
  const NormalizedAddress again = NormalizeAddress(standard);
  Check(again.kind == AddressKind::kStreet);
  Check(BuildingMatchKey(again) == key);
  Check(again.unit_id == a.unit_id);
  return 0;
}

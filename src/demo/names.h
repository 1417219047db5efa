// The word lists the demo generator draws from: common US first and last names, street
// names and the municipalities of a North Carolina county. Internal to src/demo.
//
// A handful of names carry accented letters; they are spelled here in Latin-1 bytes
// (0xD1 Ñ, 0xDC Ü, 0xC9 É, ...) because that is how the state's files carry them, and the
// generator writes them byte for byte. Immutable data; safe from any thread.
#ifndef NARWHAL_DEMO_NAMES_H_
#define NARWHAL_DEMO_NAMES_H_

#include <span>
#include <string_view>

namespace narwhal::demo {

// Ordered roughly from most to least common, so a skewed draw gives a realistic spread.
std::span<const std::string_view> LastNames();
std::span<const std::string_view> FemaleFirstNames();
std::span<const std::string_view> MaleFirstNames();

// Street name stems ("OAK", "SIX FORKS") and the street types they combine with ("DR").
std::span<const std::string_view> StreetStems();
std::span<const std::string_view> StreetTypes();

struct Municipality {
  std::string_view name;   // "RALEIGH"; also the precinct-name prefix and the city
  std::string_view abbrv;  // municipality_abbrv, "RAL"
  int zip_base;            // first residential ZIP code of the town
  int zip_count;           // its ZIP codes are zip_base .. zip_base + zip_count - 1
  int weight;              // relative share of the county's precincts
};
std::span<const Municipality> Municipalities();

}  // namespace narwhal::demo

#endif  // NARWHAL_DEMO_NAMES_H_

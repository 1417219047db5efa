// Walk lists on paper: one section per turf, its doors in walk order and behind each door
// its voters, with a box to tick and room to write the result code (docs/field.md).
//
// A canvasser holds one turf's pages; the heading says which turf of how many, the doors,
// voters, route and time it should take, and where to start. The last section lists the
// precinct's voters with no door to knock, for the organizer.
//
// Thread-safety: the functions are reentrant.
#ifndef NARWHAL_FIELD_WALK_LIST_H_
#define NARWHAL_FIELD_WALK_LIST_H_

#include <string>
#include <vector>

#include "domain/field_book.h"
#include "field/turf.h"
#include "print/table_pdf.h"
#include "storage/household_store.h"
#include "storage/turf_store.h"

namespace narwhal {

// A door as a canvasser reads it: "4844 E REZANOF DR APT 2", "12 1/2 OAK AVE".
std::string DoorAddress(const Door& door);

struct WalkListHeading {
  std::string county;
  std::string precinct;    // empty: the whole county
  std::string printed_at;  // "2026-12-04 17:05 UTC"
  int year = 0;            // for ages; 0 prints none
  // The list number of each turf when the cut was kept (turf_store.h), printed in its
  // heading for the canvasser to type on her phone; empty: none.
  std::vector<std::string> list_numbers;
  // The campaign's field book: its door script is printed before each turf's doors, its
  // choice questions get a column to write the answer's number in, its codes join the
  // core ones at the foot. Null: none.
  const FieldBook* book = nullptr;
};

// The result codes a walk list explains at the foot of every page, as the canvasser
// writes them in the Result column.
inline constexpr const char* kWalkListCodes =
    "Result: 1-5 support (1 = for us) · NH not home · RF refused · MV moved · IN no access · "
    "DC deceased";

// The document for `cut`, whose doors are `precinct.doors`. Doors of a turf print in walk
// order, each door's voters by name, the address once per door. With a field book that has
// a door script, each turf's first page reads the script out (choices numbered) and its
// first four choice questions get a column each (kMaxWalkListQuestions).
inline constexpr size_t kMaxWalkListQuestions = 4;
TableDocument WalkListPdf(const PrecinctDoors& precinct, const TurfCut& cut,
                          const WalkListHeading& heading);

// The cut as the store keeps it (TurfStore::SaveTurfCut): every turf's doors in walk order,
// each with its address, coordinates and the voters behind it. `county`, `precinct` and
// the rest of the cut's description are left to the caller.
NewTurfCut TurfsToKeep(const PrecinctDoors& precinct, const TurfCut& cut);

}  // namespace narwhal

#endif  // NARWHAL_FIELD_WALK_LIST_H_

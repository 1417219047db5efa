// Turfs: a precinct's doors cut into pieces one canvasser walks in a shift, and the order
// to walk each piece in.
//
// The unit of a cut is the block face: one side of one hundred-block of a street in a town
// ("E REZANOF DR", 4800-4899, even side). A block face is never split between turfs
// unless it alone exceeds the largest turf allowed; then it is split in house-number
// order. Doors are never dropped: a door without coordinates is cut with its street.
//
// The cut is deterministic (the same doors and options give the same turfs, in any input
// order) and works without coordinates:
//   - with coordinates, block faces are ordered along a Hilbert curve over the precinct
//     (neighbours on the curve are neighbours on the ground), a face without coordinates
//     taking those of the nearest face of its street;
//   - without, street by street: up the odd side, back down the even side.
// That sequence is then split into K consecutive turfs (K = round(doors / target) unless
// a count is asked for, so turfs average the target) by dynamic programming, minimising
// the squared deviation from the target size (heavily penalised outside the tolerance)
// plus, with coordinates, the deviation of each turf's estimated minutes from the mean.
//
// The walking model (WalkModel): 1.2 m/s between doors and 1.5 min at each door; a turf
// whose route is longer than the walking cap is a drive turf.
//
// Pure functions: no I/O, no clock.
#ifndef NARWHAL_FIELD_TURF_H_
#define NARWHAL_FIELD_TURF_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <unordered_set>
#include <vector>

#include "base/status.h"
#include "storage/household_store.h"

namespace narwhal {

struct WalkModel {
  double metres_per_second = 1.2;
  double minutes_per_door = 1.5;
  double walking_cap_metres = 5000;  // a longer route is a drive turf
};

struct TurfCutOptions {
  int target_doors = 50;   // the size of a turf, in doors
  double tolerance = 0.1;  // turfs within target * (1 +- tolerance) when the faces allow
  int turfs = 0;           // > 0: cut into exactly this many turfs instead (target ignored)
  WalkModel model;
};

struct Turf {
  int number = 0;            // 1, 2, ... in cut order
  std::vector<size_t> walk;  // indexes of its doors in the input, in walk order
  int64_t voters = 0;
  int block_faces = 0;  // block faces (or pieces of one) in the turf
  int doors_without_coordinates = 0;
  double route_metres = 0;  // along the walk, between doors with coordinates
  double minutes = 0;       // doors * minutes_per_door + route / metres_per_second
  bool drive = false;       // route_metres > walking_cap_metres
};

struct TurfCut {
  std::vector<Turf> turfs;
  int block_faces = 0;        // distinct block faces among the doors
  int block_faces_split = 0;  // faces larger than the largest turf allowed, split
  bool used_coordinates = false;
};

// `doors` narrowed to the voters of `voter_ids` (a universe's): other residents and other
// voters without a door are left out, each door counts the residents it keeps, and a door
// with none left is dropped. Order is kept.
PrecinctDoors KeepVoters(PrecinctDoors doors, const std::unordered_set<std::string>& voter_ids);

// Cuts `doors` into turfs. InvalidArgument for a target below 1, a tolerance outside
// [0, 1) or more turfs than doors. No doors: no turfs.
Result<TurfCut> CutTurfs(std::span<const Door> doors, const TurfCutOptions& options);

// The walk order of the doors `subset` (indexes into `doors`): each block face in
// house-number order, with coordinates the faces toured nearest-neighbour then improved
// by 2-opt, each face entered from the end nearer the last door; without, street by street
// up the odd side and back down the even side. Deterministic.
std::vector<size_t> WalkOrder(std::span<const Door> doors, std::span<const size_t> subset);

// Metres along `walk` between consecutive doors that have coordinates.
double RouteMetres(std::span<const Door> doors, std::span<const size_t> walk);

// Great-circle distance in metres.
double MetresBetween(double lat1, double lon1, double lat2, double lon2);

}  // namespace narwhal

#endif  // NARWHAL_FIELD_TURF_H_

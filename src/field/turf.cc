#include "field/turf.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numbers>
#include <optional>
#include <string>
#include <tuple>

namespace narwhal {
namespace {

// "APT 10" after "APT 9": digit runs compare as numbers.
bool NaturalLess(const std::string& a, const std::string& b) {
  size_t i = 0;
  size_t j = 0;
  while (i < a.size() && j < b.size()) {
    const bool da = a[i] >= '0' && a[i] <= '9';
    const bool db = b[j] >= '0' && b[j] <= '9';
    if (da && db) {
      size_t ei = i;
      size_t ej = j;
      while (ei < a.size() && a[ei] >= '0' && a[ei] <= '9') ++ei;
      while (ej < b.size() && b[ej] >= '0' && b[ej] <= '9') ++ej;
      std::string_view na(a.data() + i, ei - i);
      std::string_view nb(b.data() + j, ej - j);
      while (na.size() > 1 && na[0] == '0') na.remove_prefix(1);
      while (nb.size() > 1 && nb[0] == '0') nb.remove_prefix(1);
      if (na.size() != nb.size()) return na.size() < nb.size();
      if (na != nb) return na < nb;
      i = ei;
      j = ej;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

// Up the street: house number, its suffix, then the unit.
bool DoorLess(const Door& a, const Door& b) {
  if (a.house_number != b.house_number) return a.house_number < b.house_number;
  if (a.house_suffix != b.house_suffix) return NaturalLess(a.house_suffix, b.house_suffix);
  if (a.unit != b.unit) return NaturalLess(a.unit, b.unit);
  return a.door_key < b.door_key;
}

struct Point {
  double lat = 0;
  double lon = 0;
};

std::optional<Point> PointOf(const Door& d) {
  if (!d.lat || !d.lon) return std::nullopt;
  return Point{*d.lat, *d.lon};
}

double Metres(Point a, Point b) {
  return MetresBetween(a.lat, a.lon, b.lat, b.lon);
}

struct Face {
  std::string town;
  std::string street;
  int64_t hundred = 0;
  bool odd = false;
  std::vector<size_t> doors;  // up the street (DoorLess)
  bool own_point = false;     // from its own doors' coordinates
  std::optional<Point> at;    // its own, or borrowed from the nearest face of its street
  int with_coordinates = 0;
};

// The block faces of `subset`, ordered by town, street, hundred-block, odd side first.
std::vector<Face> FacesOf(std::span<const Door> doors, std::span<const size_t> subset) {
  std::map<std::tuple<std::string, std::string, int64_t, bool>, Face> by_key;
  for (size_t i : subset) {
    const Door& d = doors[i];
    const int64_t hundred = d.house_number / 100;
    const bool odd = d.house_number % 2 != 0;
    Face& f = by_key[{d.town, d.street_key, hundred, !odd}];
    f.town = d.town;
    f.street = d.street_key;
    f.hundred = hundred;
    f.odd = odd;
    f.doors.push_back(i);
  }
  std::vector<Face> faces;
  faces.reserve(by_key.size());
  for (auto& [key, f] : by_key) {
    std::sort(f.doors.begin(), f.doors.end(),
              [&](size_t a, size_t b) { return DoorLess(doors[a], doors[b]); });
    double lat = 0;
    double lon = 0;
    for (size_t i : f.doors) {
      if (std::optional<Point> p = PointOf(doors[i])) {
        lat += p->lat;
        lon += p->lon;
        ++f.with_coordinates;
      }
    }
    if (f.with_coordinates > 0) {
      f.at = Point{lat / f.with_coordinates, lon / f.with_coordinates};
      f.own_point = true;
    }
    faces.push_back(std::move(f));
  }
  // A face without coordinates stands where the nearest located face of its street does.
  for (Face& f : faces) {
    if (f.own_point) continue;
    int64_t best = std::numeric_limits<int64_t>::max();
    for (const Face& g : faces) {
      if (!g.own_point || g.town != f.town || g.street != f.street) continue;
      const int64_t distance = 2 * std::llabs(g.hundred - f.hundred) + (g.odd != f.odd ? 1 : 0);
      if (distance < best) {
        best = distance;
        f.at = g.at;
      }
    }
  }
  return faces;
}

// A face as walked: its index and whether it is walked down the street (numbers falling).
struct Leg {
  size_t face = 0;
  bool down = false;
};

// Street by street: up the odd side, back down the even side.
std::vector<Leg> StreetOrder(const std::vector<Face>& faces, std::span<const size_t> which) {
  std::vector<Leg> legs;
  size_t k = 0;
  while (k < which.size()) {
    size_t end = k;
    while (end < which.size() && faces[which[end]].town == faces[which[k]].town &&
           faces[which[end]].street == faces[which[k]].street) {
      ++end;
    }
    for (size_t m = k; m < end; ++m) {
      if (faces[which[m]].odd) legs.push_back({which[m], false});
    }
    for (size_t m = end; m > k; --m) {
      if (!faces[which[m - 1]].odd) legs.push_back({which[m - 1], true});
    }
    k = end;
  }
  return legs;
}

// The Hilbert-curve index of (x, y) in a 2^16 grid.
uint64_t HilbertIndex(uint32_t x, uint32_t y) {
  constexpr uint32_t kSide = 1u << 16;
  uint64_t d = 0;
  for (uint32_t s = kSide / 2; s > 0; s /= 2) {
    const uint32_t rx = (x & s) != 0 ? 1 : 0;
    const uint32_t ry = (y & s) != 0 ? 1 : 0;
    d += static_cast<uint64_t>(s) * s * ((3 * rx) ^ ry);
    if (ry == 0) {
      if (rx == 1) {
        x = kSide - 1 - x;
        y = kSide - 1 - y;
      }
      std::swap(x, y);
    }
  }
  return d;
}

// Located faces along a Hilbert curve over their bounding square, then the rest street
// by street.
std::vector<Leg> CurveOrder(const std::vector<Face>& faces) {
  std::vector<size_t> located;
  std::vector<size_t> rest;
  for (size_t f = 0; f < faces.size(); ++f) (faces[f].at ? located : rest).push_back(f);
  double min_lat = 90;
  double max_lat = -90;
  double min_lon = 180;
  double max_lon = -180;
  for (size_t f : located) {
    min_lat = std::min(min_lat, faces[f].at->lat);
    max_lat = std::max(max_lat, faces[f].at->lat);
    min_lon = std::min(min_lon, faces[f].at->lon);
    max_lon = std::max(max_lon, faces[f].at->lon);
  }
  const double cos_lat = std::cos((min_lat + max_lat) / 2 * std::numbers::pi / 180);
  const double side = std::max({(max_lat - min_lat), (max_lon - min_lon) * cos_lat, 1e-9});
  std::vector<std::pair<uint64_t, size_t>> keyed;
  for (size_t f : located) {
    auto cell = [&](double v) {
      return static_cast<uint32_t>(std::clamp(v / side * 65535.0, 0.0, 65535.0));
    };
    keyed.emplace_back(HilbertIndex(cell((faces[f].at->lon - min_lon) * cos_lat),
                                    cell(faces[f].at->lat - min_lat)),
                       f);
  }
  std::sort(keyed.begin(), keyed.end());
  std::vector<Leg> legs;
  for (const auto& [d, f] : keyed) legs.push_back({f, false});
  for (const Leg& l : StreetOrder(faces, rest)) legs.push_back(l);
  return legs;
}

// Where a canvasser stands at a door: the door's point, else its face's.
std::optional<Point> Where(std::span<const Door> doors, const Face& face, size_t door) {
  if (std::optional<Point> p = PointOf(doors[door])) return p;
  return face.at;
}

void AppendLeg(const Face& face, bool down, std::vector<size_t>& walk) {
  if (down) {
    walk.insert(walk.end(), face.doors.rbegin(), face.doors.rend());
  } else {
    walk.insert(walk.end(), face.doors.begin(), face.doors.end());
  }
}

// A located face as a leg of the walk: its ends, up the street (first door to last).
struct Ends {
  Point first;
  Point last;
};

// The walk through located faces: each face a leg walked up or down the street, the legs
// ordered to shorten the steps between them. Nearest neighbour from the face farthest
// from their centre, then 2-opt (reversing a run of legs reverses each leg in it; a run of
// one flips a face) and Or-opt (moving a run of up to three legs elsewhere, either way
// round), until neither finds a shorter walk.
std::vector<Leg> TourLegs(const std::vector<Ends>& ends) {
  const size_t n = ends.size();
  std::vector<Leg> tour;
  if (n == 0) return tour;
  // Where a leg is entered and left.
  auto entry = [&](const Leg& l) { return l.down ? ends[l.face].last : ends[l.face].first; };
  auto exit = [&](const Leg& l) { return l.down ? ends[l.face].first : ends[l.face].last; };
  Point centre;
  for (const Ends& e : ends) {
    centre.lat += (e.first.lat + e.last.lat) / (2.0 * static_cast<double>(n));
    centre.lon += (e.first.lon + e.last.lon) / (2.0 * static_cast<double>(n));
  }
  size_t start = 0;
  bool start_down = false;
  double far = -1;
  for (size_t f = 0; f < n; ++f) {
    for (bool down : {false, true}) {
      const double m = Metres(entry({f, down}), centre);
      if (m > far + 1e-9) {
        far = m;
        start = f;
        start_down = down;
      }
    }
  }
  std::vector<bool> used(n, false);
  tour.push_back({start, start_down});
  used[start] = true;
  for (size_t step = 1; step < n; ++step) {
    Leg best{};
    double best_m = std::numeric_limits<double>::max();
    const Point here = exit(tour.back());
    for (size_t f = 0; f < n; ++f) {
      if (used[f]) continue;
      for (bool down : {false, true}) {
        const double m = Metres(here, entry({f, down}));
        if (m < best_m - 1e-9) {
          best_m = m;
          best = {f, down};
        }
      }
    }
    used[best.face] = true;
    tour.push_back(best);
  }
  for (int pass = 0; pass < 50; ++pass) {
    bool improved = false;
    // 2-opt: reverse tour[i..j].
    for (size_t i = 0; i < n; ++i) {
      for (size_t j = i; j < n; ++j) {
        double before = 0;
        double after = 0;
        Leg ri = tour[i];
        Leg rj = tour[j];
        ri.down = !ri.down;
        rj.down = !rj.down;
        if (i > 0) {
          before += Metres(exit(tour[i - 1]), entry(tour[i]));
          after += Metres(exit(tour[i - 1]), entry(rj));
        }
        if (j + 1 < n) {
          before += Metres(exit(tour[j]), entry(tour[j + 1]));
          after += Metres(exit(ri), entry(tour[j + 1]));
        }
        if (after < before - 1e-6) {
          std::reverse(tour.begin() + static_cast<std::ptrdiff_t>(i),
                       tour.begin() + static_cast<std::ptrdiff_t>(j) + 1);
          for (size_t k = i; k <= j; ++k) tour[k].down = !tour[k].down;
          improved = true;
        }
      }
    }
    // Or-opt: move tour[i..i+len) between two other legs, as it is or reversed (the steps
    // inside the run keep their lengths either way).
    auto step = [&](const Leg& x, const Leg& y) { return Metres(exit(x), entry(y)); };
    for (size_t len = 1; len <= 3 && len < n; ++len) {
      for (size_t i = 0; i + len <= n; ++i) {
        const size_t after_run = i + len;
        double gain = 0;  // what taking the run out saves
        if (i > 0) gain += step(tour[i - 1], tour[i]);
        if (after_run < n) gain += step(tour[after_run - 1], tour[after_run]);
        if (i > 0 && after_run < n) gain -= step(tour[i - 1], tour[after_run]);
        auto rest = [&](size_t q) -> const Leg& { return q < i ? tour[q] : tour[q + len]; };
        const size_t rest_size = n - len;
        double best_cost = gain - 1e-6;
        size_t best_at = 0;
        bool best_reversed = false;
        bool found = false;
        for (size_t at = 0; at <= rest_size; ++at) {
          for (bool reversed : {false, true}) {
            if (at == i && !reversed) continue;  // where it came from
            Leg first = reversed ? tour[after_run - 1] : tour[i];
            Leg last = reversed ? tour[i] : tour[after_run - 1];
            if (reversed) {
              first.down = !first.down;
              last.down = !last.down;
            }
            double cost = 0;
            if (at > 0) cost += step(rest(at - 1), first);
            if (at < rest_size) cost += step(last, rest(at));
            if (at > 0 && at < rest_size) cost -= step(rest(at - 1), rest(at));
            if (cost < best_cost) {
              best_cost = cost;
              best_at = at;
              best_reversed = reversed;
              found = true;
            }
          }
        }
        if (!found) continue;
        std::vector<Leg> run(tour.begin() + static_cast<std::ptrdiff_t>(i),
                             tour.begin() + static_cast<std::ptrdiff_t>(after_run));
        if (best_reversed) {
          std::reverse(run.begin(), run.end());
          for (Leg& l : run) l.down = !l.down;
        }
        tour.erase(tour.begin() + static_cast<std::ptrdiff_t>(i),
                   tour.begin() + static_cast<std::ptrdiff_t>(after_run));
        tour.insert(tour.begin() + static_cast<std::ptrdiff_t>(best_at), run.begin(), run.end());
        improved = true;
      }
    }
    if (!improved) break;
  }
  return tour;
}

}  // namespace

double MetresBetween(double lat1, double lon1, double lat2, double lon2) {
  constexpr double kEarthRadius = 6371008.8;
  constexpr double kRad = std::numbers::pi / 180;
  const double dlat = (lat2 - lat1) * kRad;
  const double dlon = (lon2 - lon1) * kRad;
  const double h =
      std::sin(dlat / 2) * std::sin(dlat / 2) +
      std::cos(lat1 * kRad) * std::cos(lat2 * kRad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthRadius * std::asin(std::min(1.0, std::sqrt(h)));
}

double RouteMetres(std::span<const Door> doors, std::span<const size_t> walk) {
  double metres = 0;
  std::optional<Point> last;
  for (size_t i : walk) {
    std::optional<Point> p = PointOf(doors[i]);
    if (!p) continue;
    if (last) metres += Metres(*last, *p);
    last = p;
  }
  return metres;
}

std::vector<size_t> WalkOrder(std::span<const Door> doors, std::span<const size_t> subset) {
  const std::vector<Face> faces = FacesOf(doors, subset);
  std::vector<size_t> located;
  std::vector<size_t> rest;
  for (size_t f = 0; f < faces.size(); ++f) (faces[f].at ? located : rest).push_back(f);
  std::vector<Ends> ends;
  for (size_t f : located) {
    const Face& face = faces[f];
    ends.push_back(
        {*Where(doors, face, face.doors.front()), *Where(doors, face, face.doors.back())});
  }
  std::vector<size_t> walk;
  walk.reserve(subset.size());
  for (const Leg& leg : TourLegs(ends)) AppendLeg(faces[located[leg.face]], leg.down, walk);
  for (const Leg& leg : StreetOrder(faces, rest)) AppendLeg(faces[leg.face], leg.down, walk);
  return walk;
}

Result<TurfCut> CutTurfs(std::span<const Door> doors, const TurfCutOptions& options) {
  if (options.turfs <= 0 && options.target_doors < 1) {
    return InvalidArgument("a turf needs at least one door");
  }
  if (!(options.tolerance >= 0 && options.tolerance < 1)) {
    return InvalidArgument("the tolerance must be at least 0 and below 1");
  }
  if (options.turfs > 0 && static_cast<size_t>(options.turfs) > doors.size()) {
    return InvalidArgument("more turfs asked for than there are doors");
  }
  const WalkModel& model = options.model;
  if (!(model.metres_per_second > 0) || !(model.minutes_per_door >= 0)) {
    return InvalidArgument("the walking model needs a positive speed");
  }
  TurfCut cut;
  if (doors.empty()) return cut;

  std::vector<size_t> all(doors.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  const std::vector<Face> faces = FacesOf(doors, all);
  cut.block_faces = static_cast<int>(faces.size());
  int located_doors = 0;
  for (const Face& f : faces) located_doors += f.with_coordinates;
  cut.used_coordinates = located_doors * 2 >= static_cast<int>(doors.size());
  std::vector<size_t> every_face(faces.size());
  for (size_t f = 0; f < every_face.size(); ++f) every_face[f] = f;
  const std::vector<Leg> legs =
      cut.used_coordinates ? CurveOrder(faces) : StreetOrder(faces, every_face);

  const double total = static_cast<double>(doors.size());
  const double target =
      options.turfs > 0 ? total / options.turfs : static_cast<double>(options.target_doors);
  const double hi = std::max(1.0, std::floor(target * (1 + options.tolerance) + 1e-9));
  const double lo = std::ceil(target * (1 - options.tolerance) - 1e-9);

  // Pieces: whole faces, or a face too big for any turf cut in house-number order.
  struct Piece {
    std::vector<size_t> doors;
    std::optional<Point> at;
    double minutes = 0;
  };
  std::vector<Piece> pieces;
  const double metres_per_minute = model.metres_per_second * 60;
  for (const Leg& leg : legs) {
    const Face& face = faces[leg.face];
    std::vector<size_t> walk;
    AppendLeg(face, leg.down, walk);
    size_t chunks = 1;
    if (static_cast<double>(walk.size()) > hi) {
      chunks = static_cast<size_t>(std::ceil(static_cast<double>(walk.size()) / target));
      ++cut.block_faces_split;
    }
    for (size_t c = 0; c < chunks; ++c) {
      const size_t from = walk.size() * c / chunks;
      const size_t to = walk.size() * (c + 1) / chunks;
      Piece p;
      p.doors.assign(walk.begin() + static_cast<std::ptrdiff_t>(from),
                     walk.begin() + static_cast<std::ptrdiff_t>(to));
      p.at = face.at;
      p.minutes = static_cast<double>(p.doors.size()) * model.minutes_per_door +
                  RouteMetres(doors, p.doors) / metres_per_minute;
      pieces.push_back(std::move(p));
    }
  }

  // Prefix sums over the pieces: doors, minutes at and along them, walking between them.
  const size_t n = pieces.size();
  std::vector<double> sum_doors(n + 1, 0);
  std::vector<double> sum_minutes(n + 1, 0);
  std::vector<double> sum_links(n + 1, 0);  // sum_links[i]: links between pieces 0..i-1
  for (size_t i = 0; i < n; ++i) {
    sum_doors[i + 1] = sum_doors[i] + static_cast<double>(pieces[i].doors.size());
    sum_minutes[i + 1] = sum_minutes[i] + pieces[i].minutes;
    double link = 0;
    if (i > 0 && pieces[i].at && pieces[i - 1].at) {
      link = Metres(*pieces[i - 1].at, *pieces[i].at) / metres_per_minute;
    }
    sum_links[i + 1] = sum_links[i] + link;
  }
  auto minutes_of = [&](size_t j, size_t i) {  // pieces j..i-1 as one turf
    return sum_minutes[i] - sum_minutes[j] + (sum_links[i] - sum_links[j + 1]);
  };
  const double expected_turfs =
      options.turfs > 0 ? options.turfs : std::max(1.0, std::round(total / target));
  const double mean_minutes = std::max(1e-9, (sum_minutes[n] + sum_links[n]) / expected_turfs);
  auto cost = [&](size_t j, size_t i) {
    const double size = sum_doors[i] - sum_doors[j];
    const double dev = (size - target) / target;
    double c = dev * dev;
    if (size > hi) c += 10 + 100 * ((size - hi) / target) * ((size - hi) / target);
    if (size < lo) c += 10 + 100 * ((lo - size) / target) * ((lo - size) / target);
    if (cut.used_coordinates) {
      const double m = (minutes_of(j, i) - mean_minutes) / mean_minutes;
      c += 0.5 * m * m;
    }
    return c;
  };
  // Turfs larger than three targets are never the best answer: bound the search.
  auto window_open = [&](size_t j, size_t i) {
    return j + 1 == i || sum_doors[i] - sum_doors[j] <= 3 * target;
  };
  // Exactly K turfs (round(doors / target) when no count is asked for, so the turfs
  // average the target): best[t][i] for the first i pieces in t turfs.
  constexpr double kInf = std::numeric_limits<double>::infinity();
  const size_t turfs = std::min(static_cast<size_t>(expected_turfs), n);
  std::vector<std::vector<double>> best(turfs + 1, std::vector<double>(n + 1, kInf));
  std::vector<std::vector<size_t>> from(turfs + 1, std::vector<size_t>(n + 1, 0));
  best[0][0] = 0;
  for (size_t t = 1; t <= turfs; ++t) {
    for (size_t i = t; i <= n; ++i) {
      if (t == turfs && i != n) continue;  // the last turf ends with the last piece
      for (size_t j = i; j-- > t - 1;) {
        // The last turf may have to take what is left, however large.
        if (!window_open(j, i) && t < turfs) break;
        if (best[t - 1][j] == kInf) continue;
        const double c = best[t - 1][j] + cost(j, i);
        if (c < best[t][i]) {
          best[t][i] = c;
          from[t][i] = j;
        }
      }
    }
  }
  std::vector<size_t> bounds;  // piece indexes where turfs end, last first
  for (size_t t = turfs, i = n; t > 0; --t) {
    bounds.push_back(i);
    i = from[t][i];
  }
  std::reverse(bounds.begin(), bounds.end());

  size_t start = 0;
  for (size_t end : bounds) {
    Turf turf;
    turf.number = static_cast<int>(cut.turfs.size()) + 1;
    std::vector<size_t> members;
    for (size_t p = start; p < end; ++p) {
      members.insert(members.end(), pieces[p].doors.begin(), pieces[p].doors.end());
    }
    turf.block_faces = static_cast<int>(end - start);
    start = end;
    turf.walk = WalkOrder(doors, members);
    for (size_t i : turf.walk) {
      turf.voters += doors[i].voters;
      if (!PointOf(doors[i])) ++turf.doors_without_coordinates;
    }
    turf.route_metres = RouteMetres(doors, turf.walk);
    turf.minutes = static_cast<double>(turf.walk.size()) * model.minutes_per_door +
                   turf.route_metres / metres_per_minute;
    turf.drive = turf.route_metres > model.walking_cap_metres;
    cut.turfs.push_back(std::move(turf));
  }
  return cut;
}

PrecinctDoors KeepVoters(PrecinctDoors doors, const std::unordered_set<std::string>& voter_ids) {
  std::map<std::string, int64_t> kept;  // residents kept, by door key
  std::erase_if(doors.residents,
                [&](const Resident& r) { return !voter_ids.contains(r.voter_id); });
  for (const Resident& r : doors.residents) ++kept[r.door_key];
  std::erase_if(doors.doors, [&](Door& d) {
    auto it = kept.find(d.door_key);
    d.voters = it == kept.end() ? 0 : it->second;
    return d.voters == 0;
  });
  std::erase_if(doors.unplaced, [&](const HouseholdSummary::Problem& p) {
    return !voter_ids.contains(p.voter_id);
  });
  return doors;
}

}  // namespace narwhal

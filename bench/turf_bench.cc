// Turf cutting and walk order (field/turf.h) beside the anchor every other tool gives an
// organizer: doors sorted by street name then house number and chopped into equal
// consecutive pieces, walked in that order. Same doors, same run.
//
//   turf_bench [DATABASE [DOORS_PER_TURF]]
//
// Always: a generated 2,000-door precinct (streets on a grid 80 m apart, both sides, block
// faces of 4 to 16 houses, with coordinates; and the same doors without them). With DATABASE (a
// store with households and address points, e.g. `narwhal demo --addresses` on the Kodiak points):
// every precinct of it. For each: turfs, balance (coefficient of variation of doors and of
// estimated minutes), metres walked per door, compactness (mean distance of a turf's doors from its
// centre), cut time (median of 21 runs), and the walk inside our turfs against the
// Held-Karp lower bound on any walk through the same doors and against street-then-number
// order.
#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "field/turf.h"
#include "storage/sqlite/sqlite_store.h"

namespace narwhal {
namespace {

struct Measure {
  size_t turfs = 0;
  double doors_cv = 0;
  double minutes_cv = 0;
  double metres_per_door = 0;
  double radius = 0;  // mean distance of a door from its turf's centre, metres
};

double Cv(const std::vector<double>& v) {
  double mean = 0;
  for (double x : v) mean += x / static_cast<double>(v.size());
  double var = 0;
  for (double x : v) var += (x - mean) * (x - mean) / static_cast<double>(v.size());
  return mean > 0 ? std::sqrt(var) / mean : 0;
}

// Balance, length and compactness of turfs given as walks.
Measure MeasureWalks(const std::vector<Door>& doors, const std::vector<std::vector<size_t>>& walks,
                     const WalkModel& model) {
  Measure m;
  m.turfs = walks.size();
  std::vector<double> sizes;
  std::vector<double> minutes;
  double metres = 0;
  double radius_sum = 0;
  size_t located = 0;
  for (const auto& walk : walks) {
    const double route = RouteMetres(doors, walk);
    metres += route;
    sizes.push_back(static_cast<double>(walk.size()));
    minutes.push_back(static_cast<double>(walk.size()) * model.minutes_per_door +
                      route / (model.metres_per_second * 60));
    double lat = 0;
    double lon = 0;
    size_t n = 0;
    for (size_t i : walk) {
      if (!doors[i].lat) continue;
      lat += *doors[i].lat;
      lon += *doors[i].lon;
      ++n;
    }
    if (n == 0) continue;
    lat /= static_cast<double>(n);
    lon /= static_cast<double>(n);
    for (size_t i : walk) {
      if (doors[i].lat) radius_sum += MetresBetween(lat, lon, *doors[i].lat, *doors[i].lon);
    }
    located += n;
  }
  m.doors_cv = Cv(sizes);
  m.minutes_cv = Cv(minutes);
  m.metres_per_door = located > 0 ? metres / static_cast<double>(located) : 0;
  m.radius = located > 0 ? radius_sum / static_cast<double>(located) : 0;
  return m;
}

bool StreetThenNumber(const Door& a, const Door& b) {
  if (a.street_key != b.street_key) return a.street_key < b.street_key;
  if (a.house_number != b.house_number) return a.house_number < b.house_number;
  return a.unit < b.unit;
}

// The anchor: street name, then number, chopped into `turfs` equal pieces.
std::vector<std::vector<size_t>> AnchorCut(const std::vector<Door>& doors, size_t turfs) {
  std::vector<size_t> order(doors.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return StreetThenNumber(doors[a], doors[b]); });
  std::vector<std::vector<size_t>> out;
  for (size_t t = 0; t < turfs; ++t) {
    out.emplace_back(order.begin() + static_cast<std::ptrdiff_t>(order.size() * t / turfs),
                     order.begin() + static_cast<std::ptrdiff_t>(order.size() * (t + 1) / turfs));
  }
  return out;
}

// The Held-Karp lower bound on any walk through the turf's distinct located points (the
// open path: a tour through one more point at distance 0 from all): the best 1-tree under
// Lagrangian node penalties, found by subgradient steps (Held and Karp, 1971). With no
// penalties it is the minimum spanning tree; each step can only raise the best bound.
// `upper` is a known walk's length, which sizes the steps.
double HeldKarpBound(const std::vector<Door>& doors, const std::vector<size_t>& walk,
                     double upper) {
  std::vector<std::pair<double, double>> points;
  for (size_t i : walk) {
    if (doors[i].lat) points.emplace_back(*doors[i].lat, *doors[i].lon);
  }
  std::sort(points.begin(), points.end());
  points.erase(std::unique(points.begin(), points.end()), points.end());
  const size_t n = points.size();
  if (n < 2) return 0;
  std::vector<double> dist(n * n);
  for (size_t a = 0; a < n; ++a) {
    for (size_t b = 0; b < n; ++b) {
      dist[a * n + b] =
          MetresBetween(points[a].first, points[a].second, points[b].first, points[b].second);
    }
  }
  std::vector<double> pi(n + 1, 0);  // n: the extra point
  double best_bound = 0;
  double lambda = 2;
  int since_better = 0;
  std::vector<int> degree(n + 1);
  std::vector<double> key(n);
  std::vector<size_t> parent(n);
  std::vector<bool> in(n);
  for (int iteration = 0; iteration < 300; ++iteration) {
    // Minimum spanning tree of the real points under the penalties (Prim).
    std::fill(degree.begin(), degree.end(), 0);
    std::fill(key.begin(), key.end(), 1e300);
    std::fill(in.begin(), in.end(), false);
    key[0] = 0;
    double tree = 0;
    for (size_t step = 0; step < n; ++step) {
      size_t u = n;
      for (size_t k = 0; k < n; ++k) {
        if (!in[k] && (u == n || key[k] < key[u])) u = k;
      }
      in[u] = true;
      tree += key[u];
      if (step > 0) {
        ++degree[u];
        ++degree[parent[u]];
      }
      for (size_t k = 0; k < n; ++k) {
        const double c = dist[u * n + k] + pi[u] + pi[k];
        if (!in[k] && c < key[k]) {
          key[k] = c;
          parent[k] = u;
        }
      }
    }
    // The extra point joins the two real points cheapest to reach under the penalties.
    size_t first = n;
    size_t second = n;
    for (size_t k = 0; k < n; ++k) {
      if (first == n || pi[k] < pi[first]) {
        second = first;
        first = k;
      } else if (second == n || pi[k] < pi[second]) {
        second = k;
      }
    }
    tree += 2 * pi[n] + pi[first] + pi[second];
    ++degree[first];
    ++degree[second];
    degree[n] = 2;
    double penalties = 0;
    for (double p : pi) penalties += p;
    const double bound = tree - 2 * penalties;
    if (bound > best_bound + 1e-9) {
      best_bound = bound;
      since_better = 0;
    } else if (++since_better >= 20) {
      lambda /= 2;
      since_better = 0;
    }
    double norm = 0;
    for (int d : degree) norm += (d - 2) * (d - 2);
    if (norm == 0) break;  // the 1-tree is a tour: the bound is exact
    const double t = lambda * std::max(upper - bound, 1e-3) / norm;
    for (size_t k = 0; k <= n; ++k) pi[k] += t * (degree[k] - 2);
  }
  return best_bound;
}

double Quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(q * static_cast<double>(v.size() - 1))];
}

void Row(const std::string& what, const Measure& m, double ms) {
  fmt::print("  {:<34} {:>5} {:>9.1f}% {:>11.1f}% {:>9.1f} {:>9.0f} {:>9}\n", what, m.turfs,
             m.doors_cv * 100, m.minutes_cv * 100, m.metres_per_door, m.radius,
             ms < 0 ? std::string("-") : fmt::format("{:.2f}", ms));
}

void Compare(const std::string& name, const std::vector<Door>& doors, int target) {
  TurfCutOptions options;
  options.target_doors = target;
  std::vector<double> times;
  Result<TurfCut> cut = CutTurfs(doors, options);
  for (int run = 0; run < 21; ++run) {
    const auto t0 = std::chrono::steady_clock::now();
    cut = CutTurfs(doors, options);
    times.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  if (!cut.ok()) {
    fmt::print("{}: {}\n", name, cut.status().ToString());
    return;
  }
  std::vector<std::vector<size_t>> ours;
  for (const Turf& t : cut->turfs) ours.push_back(t.walk);
  const Measure mine = MeasureWalks(doors, ours, options.model);
  const Measure anchor = MeasureWalks(doors, AnchorCut(doors, ours.size()), options.model);
  int64_t min_doors = 1 << 30;
  int64_t max_doors = 0;
  for (const auto& w : ours) {
    min_doors = std::min<int64_t>(min_doors, static_cast<int64_t>(w.size()));
    max_doors = std::max<int64_t>(max_doors, static_cast<int64_t>(w.size()));
  }
  fmt::print("\n{}: {} doors, {} block faces ({} split), {}, target {} doors\n", name, doors.size(),
             cut->block_faces, cut->block_faces_split,
             cut->used_coordinates ? "with coordinates" : "no coordinates", target);
  fmt::print("  {:<34} {:>5} {:>10} {:>12} {:>9} {:>9} {:>9}\n", "", "turfs", "doors cv",
             "minutes cv", "m/door", "radius m", "cut ms");
  Row("narwhal turf cut", mine, Quantile(times, 0.5));
  Row("anchor: street then number, chopped", anchor, -1);
  int within = 0;
  for (const auto& w : ours) {
    const double size = static_cast<double>(w.size());
    within += size >= target * 0.9 - 1e-9 && size <= target * 1.1 + 1e-9 ? 1 : 0;
  }
  fmt::print("  doors per turf {}..{}, {} of {} turfs within {} +- 10%", min_doors, max_doors,
             within, ours.size(), target);
  if (mine.metres_per_door > 0) {
    fmt::print("; anchor walks {:.2f}x our metres per door, radius {:.2f}x",
               anchor.metres_per_door / mine.metres_per_door, anchor.radius / mine.radius);
  }
  fmt::print("\n");
  if (!cut->used_coordinates) return;
  // Inside our turfs: our walk against the Held-Karp bound and against the same doors in
  // street-then-number order.
  std::vector<double> over_bound;
  std::vector<double> naive_ratio;
  std::vector<double> walk_ms;
  for (const auto& w : ours) {
    const double route = RouteMetres(doors, w);
    const double bound = HeldKarpBound(doors, w, route);
    if (bound > 0) over_bound.push_back(route / bound);
    std::vector<size_t> naive = w;
    std::sort(naive.begin(), naive.end(),
              [&](size_t a, size_t b) { return StreetThenNumber(doors[a], doors[b]); });
    if (route > 0) naive_ratio.push_back(RouteMetres(doors, naive) / route);
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<size_t> again = WalkOrder(doors, w);
    walk_ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  fmt::print(
      "  walk order: route / Held-Karp bound median {:.3f}, p90 {:.3f}; street-then-number "
      "walks {:.2f}x (median) our route; {:.3f} ms per turf (median)\n",
      Quantile(over_bound, 0.5), Quantile(over_bound, 0.9), Quantile(naive_ratio, 0.5),
      Quantile(walk_ms, 0.5));
}

// 2,000 doors on a grid of streets 80 m apart, houses 10 m apart on each side, block
// faces of 4 to 16 houses (a fixed pattern, so every run cuts the same precinct).
std::vector<Door> GeneratedPrecinct(bool located) {
  std::vector<Door> doors;
  for (int s = 0; doors.size() < 2000; ++s) {
    const std::string street = fmt::format("STREET {:02}", s);
    for (int hundred = 1; hundred <= 10 && doors.size() < 2000; ++hundred) {
      for (int odd = 1; odd >= 0 && doors.size() < 2000; --odd) {
        const int houses = 4 + (s * 7 + hundred * 5 + odd * 3) % 13;
        for (int h = 0; h < houses && doors.size() < 2000; ++h) {
          Door d;
          d.town = "00000";
          d.street_key = street;
          d.house_number = hundred * 100 + 2 * h + odd;
          d.building_key = fmt::format("{} {}", d.house_number, street);
          d.door_key = d.building_key + "|";
          d.voters = 2;
          if (located) {
            const double along = (hundred - 1) * 200.0 + h * 200.0 / houses;
            const double side = odd != 0 ? 8 : -8;
            d.lat = 57.79 + (s * 80 + side) / 111000.0;
            d.lon = -152.40 + along / (111000.0 * 0.534);
          }
          doors.push_back(std::move(d));
        }
      }
    }
  }
  return doors;
}

int Main(int argc, char** argv) {
  const int target = argc > 2 ? std::stoi(argv[2]) : 50;
  Compare("generated precinct", GeneratedPrecinct(true), target);
  Compare("generated precinct", GeneratedPrecinct(false), target);
  if (argc < 2) return 0;
  SqliteOptions options;
  options.path = argv[1];
  auto store = OpenSqliteStore(options);
  if (!store.ok()) {
    fmt::print(stderr, "{}\n", store.status().ToString());
    return 1;
  }
  auto precincts = (*store)->ListPrecincts("");
  if (!precincts.ok()) {
    fmt::print(stderr, "{}\n", precincts.status().ToString());
    return 1;
  }
  for (const auto& p : *precincts) {
    Result<PrecinctDoors> listed = (*store)->Households()->ListDoors({p.county, p.precinct});
    if (!listed.ok()) {
      fmt::print(stderr, "{}\n", listed.status().ToString());
      return 1;
    }
    Compare(fmt::format("county {} precinct {}", p.county, p.precinct), listed->doors, target);
  }
  return 0;
}

}  // namespace
}  // namespace narwhal

int main(int argc, char** argv) {
  return narwhal::Main(argc, argv);
}

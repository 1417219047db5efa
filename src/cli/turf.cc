// narwhal turf cut (docs/field.md).
#include "field/turf.h"

#include <fmt/core.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>

#include "base/clock.h"
#include "cli/commands.h"
#include "field/walk_list.h"
#include "http/turf_api.h"
#include "storage/contact_store.h"
#include "storage/household_store.h"
#include "storage/turf_store.h"
#include "storage/universe_store.h"

namespace narwhal {
namespace {

namespace json = boost::json;

struct Spread {
  double min = 0;
  double mean = 0;
  double max = 0;
  double cv = 0;  // standard deviation over the mean
};

template <typename F>
Spread SpreadOf(const std::vector<Turf>& turfs, F value) {
  Spread s;
  if (turfs.empty()) return s;
  s.min = value(turfs[0]);
  s.max = s.min;
  double sum = 0;
  for (const Turf& t : turfs) {
    const double v = value(t);
    s.min = std::min(s.min, v);
    s.max = std::max(s.max, v);
    sum += v;
  }
  s.mean = sum / static_cast<double>(turfs.size());
  double var = 0;
  for (const Turf& t : turfs) var += (value(t) - s.mean) * (value(t) - s.mean);
  var /= static_cast<double>(turfs.size());
  s.cv = s.mean > 0 ? std::sqrt(var) / s.mean : 0;
  return s;
}

json::object ToJson(const Spread& s) {
  return {{"min", s.min}, {"mean", s.mean}, {"max", s.max}, {"cv", s.cv}};
}

// The doors of `all` whose voters are in the universe `args.universe` (its place narrowed to
// the cut's precinct when it names none, so the ids read stay few); `universe_id` is set to
// its id.
Result<PrecinctDoors> UniverseDoors(Store& store, const TurfCutArgs& args, PrecinctDoors all,
                                    int64_t& universe_id) {
  UniverseStore* universes = store.Universes();
  if (universes == nullptr) return FailedPrecondition("this store keeps no universes");
  NARWHAL_ASSIGN_OR_RETURN(Universe u, universes->FindUniverse(args.universe));
  universe_id = u.id;
  UniverseCriteria criteria = u.criteria;
  if (criteria.counties.empty() && criteria.precincts.empty()) {
    if (args.precinct.empty()) {
      criteria.counties = {args.county};
    } else {
      criteria.precincts = {{args.county, args.precinct}};
    }
  }
  NARWHAL_ASSIGN_OR_RETURN(std::vector<std::string> ids, universes->UniverseVoterIds(criteria));
  const size_t residents = all.residents.size();
  PrecinctDoors kept = KeepVoters(std::move(all), {ids.begin(), ids.end()});
  fmt::print(stderr, "universe '{}': {} of the {} voters at a door\n", u.name,
             kept.residents.size(), residents);
  return kept;
}

// Keeps the cut with a list number per turf, audited as the command line's.
Result<std::vector<TurfSummary>> SaveCut(Store& store, const TurfCutArgs& args,
                                         const PrecinctDoors& doors, const TurfCut& cut,
                                         int64_t universe_id) {
  TurfStore* kept = store.Turfs();
  if (kept == nullptr) return FailedPrecondition("this store keeps no turfs");
  const SystemClock clock;
  NewTurfCut saved = TurfsToKeep(doors, cut);
  saved.county = args.county;
  saved.precinct = args.precinct;
  saved.universe_id = universe_id;
  saved.options = args.options.turfs > 0
                      ? fmt::format("{} turfs", args.options.turfs)
                      : fmt::format("{} doors ± {:.0f}%", args.options.target_doors,
                                    args.options.tolerance * 100);
  if (!args.universe.empty()) saved.options += ", universe '" + args.universe + "'";
  saved.at = clock.Now();
  NARWHAL_ASSIGN_OR_RETURN(std::vector<TurfSummary> out, kept->SaveTurfCut(saved));
  json::array numbers;
  for (const TurfSummary& t : out) numbers.push_back(json::string(t.list_number));
  AuditCliAction(store, clock, "turf cut", "turf.cut",
                 out.empty() ? "" : std::to_string(out.front().cut_id),
                 json::serialize(json::object{{"county", args.county},
                                              {"precinct", args.precinct},
                                              {"options", saved.options},
                                              {"list_numbers", std::move(numbers)}}));
  fmt::print(stderr, "kept {} turfs (cut {}); canvassers load one by its list number\n", out.size(),
             out.empty() ? 0 : out.front().cut_id);
  return out;
}

}  // namespace

int RunTurfCut(const TurfCutArgs& args) {
  auto store = OpenStore(args.common);
  if (!store.ok()) {
    fmt::print(stderr, "narwhal turf cut: {}\n", store.status().message());
    return kExitUnavailable;
  }
  HouseholdStore* households = (*store)->Households();
  if (households == nullptr) {
    fmt::print(stderr, "narwhal turf cut: this store keeps no households\n");
    return kExitFailure;
  }
  Result<PrecinctDoors> listed = households->ListDoors({args.county, args.precinct});
  if (!listed.ok()) {
    fmt::print(stderr, "narwhal turf cut: {}\n", listed.status().message());
    return listed.status().code() == ErrorCode::kInvalidArgument ? kExitUsage : kExitFailure;
  }
  int64_t universe_id = 0;
  if (!args.universe.empty()) {
    Result<PrecinctDoors> kept =
        UniverseDoors(**store, args, std::move(listed).value(), universe_id);
    if (!kept.ok()) {
      fmt::print(stderr, "narwhal turf cut: {}\n", kept.status().message());
      return kept.status().code() == ErrorCode::kNotFound ? kExitFailure : kExitUsage;
    }
    listed = std::move(kept);
  }
  const std::vector<Door>& doors = listed->doors;
  if (doors.empty()) {
    fmt::print(stderr,
               "narwhal turf cut: no doors in county {}{} (is the voter file imported, "
               "with its households?)\n",
               args.county, args.precinct.empty() ? "" : ", precinct " + args.precinct);
    return kExitBadInput;
  }
  const auto started = std::chrono::steady_clock::now();
  Result<TurfCut> cut = CutTurfs(doors, args.options);
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  if (!cut.ok()) {
    fmt::print(stderr, "narwhal turf cut: {}\n", cut.status().message());
    return kExitUsage;
  }
  const std::vector<Turf>& turfs = cut->turfs;
  int64_t voters = 0;
  for (const Door& d : doors) voters += d.voters;
  double metres = 0;
  size_t located = 0;
  for (const Turf& t : turfs) {
    metres += t.route_metres;
    located += t.walk.size() - static_cast<size_t>(t.doors_without_coordinates);
  }
  const Spread by_doors = SpreadOf(turfs, [](const Turf& t) { return double(t.walk.size()); });
  const Spread by_minutes = SpreadOf(turfs, [](const Turf& t) { return t.minutes; });
  std::map<std::string, int64_t> unplaced_by_reason;
  for (const auto& p : listed->unplaced) ++unplaced_by_reason[p.reason];
  fmt::print(stderr, "cut {} doors into {} turfs in {:.1f} ms\n", doors.size(), turfs.size(), ms);
  std::vector<std::string> list_numbers;  // of each turf, when kept
  if (args.save) {
    Result<std::vector<TurfSummary>> kept = SaveCut(**store, args, *listed, *cut, universe_id);
    if (!kept.ok()) {
      fmt::print(stderr, "narwhal turf cut: keeping the turfs: {}\n", kept.status().message());
      return kExitFailure;
    }
    for (const TurfSummary& t : *kept) list_numbers.push_back(t.list_number);
  }
  if (!args.pdf.empty()) {
    // The campaign's door script and questions go on paper too, when it has a field book.
    SavedFieldBook book;
    if (ContactStore* log = (*store)->Contacts(); log != nullptr) {
      Result<SavedFieldBook> saved = log->CurrentFieldBook();
      if (!saved.ok()) {
        fmt::print(stderr, "narwhal turf cut: the field book: {}\n", saved.status().message());
        return kExitFailure;
      }
      book = *std::move(saved);
    }
    const auto now = std::chrono::system_clock::now();
    WalkListHeading heading{
        args.county,
        args.precinct,
        FormatHumanUtc(now),
        static_cast<int>(
            std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(now)).year()),
        list_numbers,
        &book.book};
    Status written = WriteTablePdf(WalkListPdf(*listed, *cut, heading), args.pdf);
    if (!written.ok()) {
      fmt::print(stderr, "narwhal turf cut: writing {}: {}\n", args.pdf, written.message());
      return kExitFailure;
    }
    fmt::print(stderr, "wrote the walk lists of {} turfs to {}\n", turfs.size(), args.pdf);
  }

  if (args.json) {
    json::object o;
    o["county"] = args.county;
    o["precinct"] = args.precinct;
    o["doors"] = doors.size();
    o["voters"] = voters;
    o["block_faces"] = cut->block_faces;
    o["block_faces_split"] = cut->block_faces_split;
    o["used_coordinates"] = cut->used_coordinates;
    o["doors_per_turf"] = ToJson(by_doors);
    o["minutes_per_turf"] = ToJson(by_minutes);
    o["metres_per_door"] = located > 0 ? metres / static_cast<double>(located) : 0.0;
    o["cut_ms"] = ms;
    json::array out;
    for (const Turf& t : turfs) {
      json::object turf;
      turf["number"] = t.number;
      if (!list_numbers.empty()) turf["list_number"] = list_numbers[t.number - 1];
      turf["doors"] = t.walk.size();
      turf["voters"] = t.voters;
      turf["block_faces"] = t.block_faces;
      turf["route_metres"] = std::round(t.route_metres);
      turf["minutes"] = std::round(t.minutes * 10) / 10;
      turf["drive"] = t.drive;
      turf["doors_without_coordinates"] = t.doors_without_coordinates;
      json::array walk;
      for (size_t i : t.walk) {
        const Door& d = doors[i];
        json::object door{{"door", d.door_key}, {"address", DoorAddress(d)}, {"voters", d.voters}};
        if (d.lat && d.lon) {
          door["lat"] = *d.lat;
          door["lon"] = *d.lon;
        }
        walk.push_back(std::move(door));
      }
      turf["walk"] = std::move(walk);
      out.push_back(std::move(turf));
    }
    o["turfs"] = std::move(out);
    json::array unplaced;
    for (const auto& p : listed->unplaced) {
      unplaced.push_back(
          {{"voter_id", p.voter_id}, {"street_line", p.street_line}, {"reason", p.reason}});
    }
    o["cannot_place"] = std::move(unplaced);
    fmt::print("{}\n", json::serialize(o));
    return kExitOk;
  }

  fmt::print("county {}{}: {} doors ({} voters) on {} block faces, cut into {} turfs{}\n",
             args.county, args.precinct.empty() ? "" : ", precinct " + args.precinct, doors.size(),
             voters, cut->block_faces, turfs.size(),
             cut->used_coordinates ? " along the ground (coordinates)" : " street by street");
  if (cut->block_faces_split > 0) {
    fmt::print("{} block faces larger than a turf were split in house-number order\n",
               cut->block_faces_split);
  }
  fmt::print("\n turf{} doors voters faces route_m minutes  first door -> last door\n",
             list_numbers.empty() ? " " : "   list  ");
  for (const Turf& t : turfs) {
    fmt::print("{:>5}{} {:>6} {:>6} {:>5} {:>7.0f} {:>7.1f}  {} -> {}{}\n", t.number,
               list_numbers.empty() ? "" : "  " + list_numbers[t.number - 1], t.walk.size(),
               t.voters, t.block_faces, t.route_metres, t.minutes,
               DoorAddress(doors[t.walk.front()]), DoorAddress(doors[t.walk.back()]),
               t.drive ? "  [drive turf]" : "");
    if (args.walk) {
      for (size_t k = 0; k < t.walk.size(); ++k) {
        const Door& d = doors[t.walk[k]];
        fmt::print("        {:>3}. {} ({} voter{})\n", k + 1, DoorAddress(d), d.voters,
                   d.voters == 1 ? "" : "s");
      }
    }
  }
  fmt::print(
      "\ndoors per turf: {:.0f} to {:.0f}, mean {:.1f} (cv {:.1f}%); minutes: {:.0f} to "
      "{:.0f} (cv {:.1f}%)",
      by_doors.min, by_doors.max, by_doors.mean, by_doors.cv * 100, by_minutes.min, by_minutes.max,
      by_minutes.cv * 100);
  if (located > 0) fmt::print("; {:.1f} m walked per door", metres / static_cast<double>(located));
  fmt::print("\n");
  if (!listed->unplaced.empty()) {
    fmt::print("cannot place (no door to knock): {} voters;", listed->unplaced.size());
    for (const auto& [reason, n] : unplaced_by_reason) fmt::print(" {} {}", reason, n);
    fmt::print(" (--json lists them)\n");
  }
  return kExitOk;
}

int RunTurfList(const TurfListArgs& args) {
  OpenedPart<TurfStore> o = OpenStorePart(args.common, "turf list", &Store::Turfs, "turfs");
  if (o.part == nullptr) return o.exit_code;
  TurfStore* kept = o.part;
  Result<std::vector<TurfSummary>> turfs = kept->ListTurfs({args.county, args.precinct, 5000});
  if (!turfs.ok()) {
    fmt::print(stderr, "narwhal turf list: {}\n", turfs.status().message());
    return turfs.status().code() == ErrorCode::kInvalidArgument ? kExitUsage : kExitFailure;
  }
  if (args.json) {
    json::array out;
    for (const TurfSummary& t : *turfs) out.push_back(TurfSummaryJson(t));
    fmt::print("{}\n", json::serialize(json::object{{"turfs", std::move(out)}}));
    return kExitOk;
  }
  if (turfs->empty()) {
    fmt::print("no turfs kept yet (narwhal turf cut --save keeps a cut)\n");
    return kExitOk;
  }
  fmt::print("  list   cut county precinct  turf  doors voters  knocked contacted  created\n");
  for (const TurfSummary& t : *turfs) {
    fmt::print("{} {:>5} {:>6} {:>8} {:>2}/{:<2} {:>6} {:>6} {:>8} {:>9}  {}{}\n", t.list_number,
               t.cut_id, t.county, t.precinct, t.number, t.of, t.doors, t.voters, t.doors_contacted,
               t.voters_contacted, t.created_at, t.drive ? "  [drive]" : "");
  }
  return kExitOk;
}

}  // namespace narwhal

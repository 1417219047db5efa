// narwhal import addresses, narwhal households (docs/field.md).
#include <fmt/core.h>

#include <boost/json.hpp>
#include <cstdio>
#include <string>

#include "cli/commands.h"
#include "storage/household_store.h"

namespace narwhal {
namespace {

namespace json = boost::json;

// The store's households, or a message and null when the store has none.
HouseholdStore* HouseholdsOf(Store& store, std::string_view command) {
  HouseholdStore* h = store.Households();
  if (h == nullptr) fmt::print(stderr, "narwhal {}: this store keeps no households\n", command);
  return h;
}

std::string Percent(int64_t part, int64_t whole) {
  return whole == 0 ? "-"
                    : fmt::format("{:.1f}%",
                                  100.0 * static_cast<double>(part) / static_cast<double>(whole));
}

json::object ToJson(const HouseholdSummary& s) {
  json::object o;
  o["voters"] = s.voters;
  o["placed"] = s.placed;
  json::object reasons;
  for (const auto& [reason, n] : s.unplaced_by_reason) reasons[reason] = n;
  o["unplaced_by_reason"] = std::move(reasons);
  o["buildings"] = s.buildings;
  o["doors"] = s.doors;
  o["multi_door_buildings"] = s.multi_door_buildings;
  o["sites"] = s.sites;
  o["buildings_matched"] = s.buildings_matched;
  o["buildings_ambiguous"] = s.buildings_ambiguous;
  o["buildings_unmatched"] = s.buildings_unmatched;
  o["voters_with_coordinates"] = s.voters_with_coordinates;
  json::array problems;
  for (const auto& p : s.problems) {
    problems.push_back(
        {{"voter_id", p.voter_id}, {"street_line", p.street_line}, {"reason", p.reason}});
  }
  o["problems"] = std::move(problems);
  for (bool ambiguous : {false, true}) {
    json::array rows;
    for (const auto& b : ambiguous ? s.ambiguous : s.unmatched) {
      rows.push_back(
          {{"address", b.match_key}, {"city", b.city}, {"zip", b.zip}, {"voters", b.voters}});
    }
    o[ambiguous ? "ambiguous" : "unmatched"] = std::move(rows);
  }
  return o;
}

void PrintMatch(const HouseholdSummary& s) {
  fmt::print(
      "buildings with coordinates: {} of {} ({}); {} ambiguous, {} unmatched; voters with "
      "coordinates: {} of {} ({})\n",
      s.buildings_matched, s.buildings, Percent(s.buildings_matched, s.buildings),
      s.buildings_ambiguous, s.buildings_unmatched, s.voters_with_coordinates, s.voters,
      Percent(s.voters_with_coordinates, s.voters));
}

void PrintSummary(const HouseholdSummary& s) {
  fmt::print("voters: {}; at a door: {} ({}); without a door: {}\n", s.voters, s.placed,
             Percent(s.placed, s.voters), s.voters - s.placed);
  fmt::print("buildings: {}; doors: {}; buildings with more than one door: {}\n", s.buildings,
             s.doors, s.multi_door_buildings);
  if (!s.unplaced_by_reason.empty()) {
    fmt::print("\nwithout a door, by reason:\n");
    for (const auto& [reason, n] : s.unplaced_by_reason) fmt::print("  {:>8}  {}\n", n, reason);
    fmt::print("\nfor example:\n");
    for (const auto& p : s.problems) {
      fmt::print("  {:<14} {:<40} {}\n", p.voter_id,
                 p.street_line.empty() ? "(empty)" : p.street_line, p.reason);
    }
  }
  fmt::print("\n");
  if (s.sites == 0) {
    fmt::print(
        "no address points loaded: no building has coordinates "
        "(narwhal import addresses --format openaddresses FILE)\n");
    return;
  }
  fmt::print("address sites: {}\n", s.sites);
  PrintMatch(s);
  for (bool ambiguous : {false, true}) {
    const auto& rows = ambiguous ? s.ambiguous : s.unmatched;
    if (rows.empty()) continue;
    fmt::print("\n{} buildings, most voters first:\n", ambiguous ? "ambiguous" : "unmatched");
    for (const auto& b : rows) {
      fmt::print("  {:>5} voters  {}, {} {}\n", b.voters, b.match_key, b.city, b.zip);
    }
  }
}

}  // namespace

int RunImportAddresses(const ImportAddressesArgs& args) {
  auto store = OpenStore(args.common);
  if (!store.ok()) {
    fmt::print(stderr, "narwhal import addresses: {}\n", store.status().message());
    return kExitUnavailable;
  }
  HouseholdStore* households = HouseholdsOf(**store, "import addresses");
  if (households == nullptr) return kExitFailure;
  Result<AddressPointSummary> loaded = RunImportAddressPoints(*households, args.options);
  if (!loaded.ok()) {
    fmt::print(stderr, "narwhal import addresses: {}\n", loaded.status().message());
    switch (loaded.status().code()) {
      case ErrorCode::kInvalidArgument:
      case ErrorCode::kNotFound: return kExitBadInput;
      case ErrorCode::kUnavailable: return kExitUnavailable;
      default: return kExitFailure;
    }
  }
  const AddressPointSummary& l = *loaded;
  fmt::print(stderr,
             "loaded {} of {} address points in {:.1f}s ({} rejected{}); {} points of every "
             "source in {} sites, {} ambiguous\n",
             l.stored, l.rows, l.seconds, l.rejected,
             l.rejected > 0 ? fmt::format(", see {}", l.rejects_path) : std::string(),
             l.sites.points, l.sites.sites, l.sites.ambiguous);
  Result<HouseholdSummary> summary = households->SummarizeHouseholds({});
  if (!summary.ok()) {
    fmt::print(stderr, "narwhal import addresses: {}\n", summary.status().message());
    return kExitFailure;
  }
  PrintMatch(*summary);
  json::object o = json::parse(l.ToJson()).as_object();
  o["buildings"] = summary->buildings;
  o["buildings_matched"] = summary->buildings_matched;
  o["buildings_ambiguous"] = summary->buildings_ambiguous;
  o["buildings_unmatched"] = summary->buildings_unmatched;
  o["voters_with_coordinates"] = summary->voters_with_coordinates;
  fmt::print("{}\n", json::serialize(o));
  return kExitOk;
}

int RunHouseholds(const HouseholdsArgs& args) {
  auto store = OpenStore(args.common);
  if (!store.ok()) {
    fmt::print(stderr, "narwhal households: {}\n", store.status().message());
    return kExitUnavailable;
  }
  HouseholdStore* households = HouseholdsOf(**store, "households");
  if (households == nullptr) return kExitFailure;
  HouseholdQuery query;
  query.county = args.county;
  query.sample_limit = args.limit;
  Result<HouseholdSummary> s = households->SummarizeHouseholds(query);
  if (!s.ok()) {
    fmt::print(stderr, "narwhal households: {}\n", s.status().message());
    return s.status().code() == ErrorCode::kInvalidArgument ? kExitUsage : kExitFailure;
  }
  if (args.json) {
    fmt::print("{}\n", json::serialize(ToJson(*s)));
  } else {
    PrintSummary(*s);
  }
  return kExitOk;
}

}  // namespace narwhal

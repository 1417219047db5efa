// HouseholdStore: buildings, doors and the voters behind them, and the address points
// that give buildings their coordinates. The first of the field-organizing interfaces
// that stand beside Store (one interface per capability, not more methods on one).
//
// A voter's residence is normalised (domain/address.h) into a building (house number on
// a street, in a town) and a door (the unit in it; "" for a house); an apartment block is
// one building with many doors. A residence with no door to knock (a PO box, a rural-route
// box, no house number) is kept with its reason, never dropped: it is listed in the
// summary and will be in every turf's "cannot place" list.
//
// Address points (an OpenAddresses file, for instance) are grouped into sites by their
// BuildingMatchKey; a building takes its site's coordinates when the site's points agree
// (all within kSiteSpreadMetres of their mean) and its postcode does not contradict the
// building's ZIP; a site whose points disagree is ambiguous and gives no coordinates.
//
// Thread-safety and errors: as Store. Writes return once durably committed.
#ifndef NARWHAL_STORAGE_HOUSEHOLD_STORE_H_
#define NARWHAL_STORAGE_HOUSEHOLD_STORE_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "domain/address.h"
#include "domain/voter.h"

namespace narwhal {

// Points of one site further than this from their mean make the site ambiguous.
inline constexpr double kSiteSpreadMetres = 150;

// One voter's residence, as the household tables keep it.
struct VoterResidence {
  std::string voter_id;
  std::string county;
  std::string city;         // folded ("KODIAK")
  std::string zip;          // the first five digits, or empty
  std::string street_line;  // as the voter file has it, for the problem list
  NormalizedAddress address;
};

// The residence of `voter` (its address normalised).
VoterResidence ResidenceOf(const Voter& voter);

// The identity of a building: county, town (ZIP, or the city when there is none) and
// BuildingMatchKey. Empty unless the address is kStreet.
std::string BuildingKey(const VoterResidence& residence);
// The identity of a door: its building's key and the unit id.
std::string DoorKey(const VoterResidence& residence);

struct ResidenceCounts {
  int64_t placed = 0;    // residences at a door
  int64_t unplaced = 0;  // residences kept with a reason instead
  friend bool operator==(const ResidenceCounts&, const ResidenceCounts&) = default;
};

// One row of an address-point file, its street already normalised by the caller.
struct AddressPoint {
  int64_t line = 0;       // in its file, for reports
  std::string match_key;  // BuildingMatchKey of NUMBER + STREET
  std::string unit;       // as given, may be empty
  std::string postcode;   // five digits, or empty
  double lon = 0;
  double lat = 0;
};

struct AddressSitesSummary {
  int64_t points = 0;     // points stored, every source
  int64_t sites = 0;      // distinct match keys
  int64_t ambiguous = 0;  // sites whose points disagree
};

struct HouseholdQuery {
  std::string county;     // empty: every county
  int sample_limit = 20;  // rows of each sample list
};

struct HouseholdSummary {
  int64_t voters = 0;  // voters not removed that have a residence row
  int64_t placed = 0;  // of those, at a door
  std::vector<std::pair<std::string, int64_t>> unplaced_by_reason;  // most first
  int64_t buildings = 0;                                            // with at least one such voter
  int64_t doors = 0;                                                // likewise
  int64_t multi_door_buildings = 0;  // buildings with more than one door
  // Only meaningful once address points are loaded (sites > 0).
  int64_t sites = 0;
  int64_t buildings_matched = 0;    // a site that agrees: coordinates
  int64_t buildings_ambiguous = 0;  // a site whose points disagree
  int64_t buildings_unmatched = 0;  // no site
  int64_t voters_with_coordinates = 0;

  struct Problem {
    std::string voter_id;
    std::string street_line;
    std::string reason;
    friend bool operator==(const Problem&, const Problem&) = default;
  };
  std::vector<Problem> problems;  // by voter id, at most sample_limit
  struct BuildingRow {
    std::string match_key;
    std::string city;
    std::string zip;
    int64_t voters = 0;
  };
  std::vector<BuildingRow> unmatched;  // most voters first, at most sample_limit
  std::vector<BuildingRow> ambiguous;  // likewise
};

// The doors of one precinct (or a whole county), for cutting turfs.
struct DoorQuery {
  std::string county;    // required
  std::string precinct;  // empty: every precinct of the county
};

// One door with the voters behind it (not removed), and where its building stands.
struct Door {
  std::string door_key;
  std::string building_key;
  std::string town;        // the building's ZIP, or its city when it has none
  std::string street_key;  // "E REZANOF DR"
  int64_t house_number = 0;
  std::string house_suffix;
  std::string unit;  // "APT 4B"; empty for a house
  int64_t voters = 0;
  // The building's site when one matches and agrees (HouseholdSummary::buildings_matched).
  std::optional<double> lat;
  std::optional<double> lon;
  friend bool operator==(const Door&, const Door&) = default;
};

// A voter behind a door (not removed), as a walk list prints her.
struct Resident {
  std::string door_key;
  std::string voter_id;
  std::string last_name;
  std::string first_name;
  std::string middle_name;
  std::string name_suffix;
  int64_t birth_year = 0;  // 0 when unknown
  std::string gender;
  std::string party;
  friend bool operator==(const Resident&, const Resident&) = default;
};

struct PrecinctDoors {
  std::vector<Door> doors;  // by door key
  // The voters at those doors: by door key, then last and first name and voter id.
  std::vector<Resident> residents;
  // Voters of the query with no door to knock, with their reason: every turf cut from
  // these doors lists them as "cannot place" rather than losing them. By voter id.
  std::vector<HouseholdSummary::Problem> unplaced;
};

class HouseholdStore {
 public:
  virtual ~HouseholdStore() = default;

  // Places each voter at her door (creating the building and door on first sight) or
  // records why she has none; a voter placed before is moved to her new door. Voters the
  // store does not hold are skipped. Returns what was written.
  virtual Result<ResidenceCounts> UpsertResidences(std::span<const VoterResidence> residences) = 0;

  // Loads address points from one source ("kodiak_island_borough.csv"): Begin removes the
  // source's earlier points, Append adds a batch, Finish regroups every source's points
  // into sites. Until Finish, buildings keep the coordinates of the last finished load.
  virtual Status BeginAddressPoints(const std::string& source) = 0;
  virtual Status AppendAddressPoints(const std::string& source,
                                     std::span<const AddressPoint> points) = 0;
  virtual Result<AddressSitesSummary> FinishAddressPoints() = 0;

  virtual Result<HouseholdSummary> SummarizeHouseholds(const HouseholdQuery& query) = 0;

  // The doors, the voters at each, and the voters without one, of a precinct, from one
  // snapshot.
  virtual Result<PrecinctDoors> ListDoors(const DoorQuery& query) = 0;
};

}  // namespace narwhal

#endif  // NARWHAL_STORAGE_HOUSEHOLD_STORE_H_

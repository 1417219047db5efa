#include "storage/household_store.h"

#include "base/text.h"

namespace narwhal {
namespace {

std::string Zip5(std::string_view zip) {
  std::string out;
  for (char c : zip) {
    if (c < '0' || c > '9') break;
    out.push_back(c);
  }
  return out.size() >= 5 ? out.substr(0, 5) : std::string();
}

}  // namespace

VoterResidence ResidenceOf(const Voter& voter) {
  VoterResidence r;
  r.voter_id = voter.voter_id;
  r.county = voter.county;
  r.city = FoldForSearch(voter.residence.city);
  r.zip = Zip5(voter.residence.zip);
  r.street_line = voter.residence.street;
  r.address = NormalizeAddress(voter.residence.street);
  return r;
}

std::string BuildingKey(const VoterResidence& residence) {
  std::string match = BuildingMatchKey(residence.address);
  if (match.empty()) return {};
  return residence.county + "|" + (residence.zip.empty() ? residence.city : residence.zip) + "|" +
         match;
}

std::string DoorKey(const VoterResidence& residence) {
  std::string building = BuildingKey(residence);
  if (building.empty()) return {};
  return building + "|" + residence.address.unit_id;
}

}  // namespace narwhal

// SiteGrouper: address points, read in match-key order, grouped into sites — the one
// rule both backends apply when they finish loading address points.
//
// A site is every point with one BuildingMatchKey. Its position is their mean; its spread
// the largest distance of a point from that mean (equirectangular metres, exact enough
// over a few hundred metres); it is ambiguous when the spread exceeds kSiteSpreadMetres.
// Its postcode is the points' common postcode, empty when they have none or several.
//
// Thread-safety: one grouper per thread.
#ifndef NARWHAL_STORAGE_ADDRESS_SITES_H_
#define NARWHAL_STORAGE_ADDRESS_SITES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace narwhal {

struct AddressSite {
  std::string match_key;
  std::string postcode;
  double lon = 0;
  double lat = 0;
  int64_t points = 0;
  double spread_m = 0;
  bool ambiguous = false;
};

class SiteGrouper {
 public:
  // Adds one point (keys in ascending order); returns the previous site once `match_key`
  // starts a new one.
  std::optional<AddressSite> Add(std::string_view match_key, std::string_view postcode, double lon,
                                 double lat);
  // The last site, if any point was added since the last one was returned.
  std::optional<AddressSite> Finish();

 private:
  std::string key_;
  std::string postcode_;
  bool mixed_postcodes_ = false;
  std::vector<std::pair<double, double>> points_;  // lon, lat
};

// Distance in metres between two nearby WGS84 positions (equirectangular).
double ApproxMetres(double lon1, double lat1, double lon2, double lat2);

}  // namespace narwhal

#endif  // NARWHAL_STORAGE_ADDRESS_SITES_H_

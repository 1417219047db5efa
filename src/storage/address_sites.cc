#include "storage/address_sites.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "storage/household_store.h"

namespace narwhal {

double ApproxMetres(double lon1, double lat1, double lon2, double lat2) {
  constexpr double kMetresPerDegree = 6371008.8 * std::numbers::pi / 180;
  const double mean_lat = (lat1 + lat2) / 2 * std::numbers::pi / 180;
  const double dx = (lon2 - lon1) * std::cos(mean_lat) * kMetresPerDegree;
  const double dy = (lat2 - lat1) * kMetresPerDegree;
  return std::hypot(dx, dy);
}

std::optional<AddressSite> SiteGrouper::Add(std::string_view match_key, std::string_view postcode,
                                            double lon, double lat) {
  std::optional<AddressSite> done;
  if (!points_.empty() && match_key != key_) done = Finish();
  if (points_.empty()) {
    key_ = std::string(match_key);
    postcode_ = std::string(postcode);
    mixed_postcodes_ = false;
  } else if (postcode != postcode_) {
    if (postcode_.empty()) {
      postcode_ = std::string(postcode);
    } else if (!postcode.empty()) {
      mixed_postcodes_ = true;
    }
  }
  points_.emplace_back(lon, lat);
  return done;
}

std::optional<AddressSite> SiteGrouper::Finish() {
  if (points_.empty()) return std::nullopt;
  AddressSite site;
  site.match_key = key_;
  site.postcode = mixed_postcodes_ ? "" : postcode_;
  site.points = static_cast<int64_t>(points_.size());
  for (const auto& [lon, lat] : points_) {
    site.lon += lon;
    site.lat += lat;
  }
  site.lon /= static_cast<double>(points_.size());
  site.lat /= static_cast<double>(points_.size());
  for (const auto& [lon, lat] : points_) {
    site.spread_m = std::max(site.spread_m, ApproxMetres(site.lon, site.lat, lon, lat));
  }
  site.ambiguous = site.spread_m > kSiteSpreadMetres;
  points_.clear();
  return site;
}

}  // namespace narwhal

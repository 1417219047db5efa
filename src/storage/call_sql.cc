#include "storage/call_sql.h"

#include <chrono>
#include <map>
#include <string>
#include <tuple>

#include "base/text.h"
#include "domain/call.h"
#include "domain/calling_hours.h"

namespace narwhal::call_sql {

CallClaim NewClaim(int64_t list_id, int64_t position, int64_t now_ms, int64_t lease_ms) {
  CallClaim c;
  c.list_id = list_id;
  c.position = position;
  c.lease_until_ms = now_ms + lease_ms;
  return c;
}

std::string QueueSql(const QueueQuery& q, std::string_view lock) {
  std::string sql = "SELECT position FROM call_targets ";
  if (lock.empty()) sql += "INDEXED BY " + std::string(q.index) + " ";
  sql += "WHERE " + std::string(q.where);
  sql += lock;
  return sql;
}

std::vector<ZoneUpdate> PlanZones(const std::vector<TargetPlace>& places) {
  using County = std::tuple<std::string, std::string, std::string>;
  std::map<County, std::vector<const TargetPlace*>> counties;
  for (const TargetPlace& p : places) counties[{p.state, p.county, p.county_name}].push_back(&p);
  std::vector<ZoneUpdate> out;
  for (const auto& [county, in] : counties) {
    // The whole county first, then the ZIP codes that say better, in that order.
    const TargetPlace& first = *in.front();
    ZoneUpdate whole{ZoneOf(first.state, first.county, first.county_name, ""), first};
    whole.place.zip.clear();
    if (whole.zone != 0) out.push_back(whole);
    if (!ZipDecidesZone(first.state, first.county, first.county_name)) continue;
    for (const TargetPlace* p : in) {
      if (p->zip.empty()) continue;
      ZoneUpdate u{ZoneOf(p->state, p->county, p->county_name, p->zip), *p};
      if (u.zone != whole.zone) out.push_back(std::move(u));
    }
  }
  return out;
}

Status ValidateName(std::string_view name) {
  if (name.empty() || name.size() > 100 || !IsValidUtf8(name)) {
    return InvalidArgument("name: 1 to 100 bytes of UTF-8");
  }
  return Status::Ok();
}

Status ValidateLease(int64_t lease_ms) {
  const int64_t max = std::chrono::duration_cast<std::chrono::milliseconds>(kMaxLease).count();
  if (lease_ms < 1000 || lease_ms > max) {
    return InvalidArgument("lease: 1 second to " + std::to_string(max / 60000) + " minutes");
  }
  return Status::Ok();
}

Status FinishRefused(bool found, bool done, int64_t holder, int64_t caller) {
  if (!found) return NotFound("nobody at that place on the call list");
  if (done && holder == caller) return Status::Ok();
  return FailedPrecondition(
      "this person is no longer yours: your time with her ran out and another caller has her, "
      "or her call was finished; the call is kept in her contact history");
}

}  // namespace narwhal::call_sql

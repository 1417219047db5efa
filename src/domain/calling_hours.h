// Calling hours: in which time zone a voter lives, and whether it is a lawful and decent
// hour to call her there now.
//
// A person's zone comes from the voter file: her state, then her county in the states that
// span two zones (Florida's panhandle is on Central time, Tennessee is split east and
// middle, ...), then her ZIP code in the one county known to be split (Gulf County,
// Florida). Where the file does not say enough — a split state without a county we know, a
// county that is itself split (Idaho County, Dunn County ND, Malheur County OR), Arizona's
// counties with Navajo Nation land that keeps daylight time — she gets a *compound* zone:
// both candidates, and she is callable only while it is inside the window in both. So no
// uncertainty ever leads to a call outside the window; it only narrows it.
//
// Zones are numbered (CallZone) because call lists store the number beside each person and
// claims filter on a bit mask of the zones open now. The numbers are stored: append, never
// renumber. Daylight-saving rules are the IANA database's, read through ICU.
//
// Thread-safety: all functions are safe from any thread.
#ifndef NARWHAL_DOMAIN_CALLING_HOURS_H_
#define NARWHAL_DOMAIN_CALLING_HOURS_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "base/status.h"

namespace narwhal {

// The hours a call may begin, in minutes after local midnight: [from, until). The law and
// the campaign's rules allow no call before 8:00 or from 21:00 on.
struct CallingWindow {
  int from_minute = 9 * 60;
  int until_minute = 21 * 60;

  friend bool operator==(const CallingWindow&, const CallingWindow&) = default;
};

inline constexpr int kEarliestCallMinute = 8 * 60;
inline constexpr int kLatestCallMinute = 21 * 60;

// kInvalidArgument unless 8:00 <= from < until <= 21:00.
Status ValidateWindow(const CallingWindow& window);

// "09:00" -> 540. kInvalidArgument for anything but H:MM or HH:MM, 00:00..24:00.
Result<int> ParseClockMinute(std::string_view text);
// 540 -> "09:00".
std::string FormatClockMinute(int minute);

// A zone a person can be in: one IANA zone, or two when we cannot tell which.
struct CallZone {
  int id = 0;
  std::string_view name;                 // "America/Chicago", "America/New_York+America/Chicago"
  std::string_view label;                // "Central", "Eastern or Central"
  std::span<const std::string_view> tz;  // 1 or 2 IANA zone names
};

// Every zone, by id (zone 0, unknown, is the four zones of the contiguous states).
std::span<const CallZone> AllCallZones();
// kNotFound for an id out of range.
Result<CallZone> CallZoneById(int id);

// The zone of a person by her state (two letters), county code and name as the file gives
// them (either may be empty; names in any case, with or without " County"), and ZIP code.
int ZoneOf(std::string_view state, std::string_view county, std::string_view county_name,
           std::string_view zip);

// Whether some voter in `zip` of this county could be in another zone than ZoneOf gives
// without the ZIP: the counties where the ZIP decides.
bool ZipDecidesZone(std::string_view state, std::string_view county, std::string_view county_name);

// The minute after local midnight in IANA zone `tz` at `at_ms` (ms since the epoch).
int LocalMinute(std::string_view tz, int64_t at_ms);

// Bit z set when zone z is inside `window` at `at_ms` (in every one of its IANA zones).
uint64_t OpenZones(const CallingWindow& window, int64_t at_ms);

}  // namespace narwhal

#endif  // NARWHAL_DOMAIN_CALLING_HOURS_H_

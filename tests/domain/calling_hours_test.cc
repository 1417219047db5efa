#include "domain/calling_hours.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <random>
#include <string>

namespace narwhal {
namespace {

// The local minute by the C library's reading of the system's zoneinfo files: a second,
// independent reading of the IANA rules to check ICU's against.
int LibcLocalMinute(std::string_view tz, int64_t at_ms) {
  setenv("TZ", std::string(tz).c_str(), 1);
  tzset();
  const std::time_t t = static_cast<std::time_t>(at_ms / 1000);
  std::tm local{};
  localtime_r(&t, &local);
  return local.tm_hour * 60 + local.tm_min;
}

bool LibcOpen(const CallZone& zone, const CallingWindow& w, int64_t at_ms) {
  for (std::string_view tz : zone.tz) {
    const int m = LibcLocalMinute(tz, at_ms);
    if (m < w.from_minute || m >= w.until_minute) return false;
  }
  return true;
}

constexpr int64_t kMinute = 60'000;
constexpr int64_t k2026 = 1'767'225'600'000;  // 2026-01-01T00:00:00Z

// Every zone, through the whole of 2026 and minute by minute around both daylight-saving
// changes: a zone is open exactly when it is inside the window in each of its IANA zones
// by the C library's clock, so no claim is ever made outside the window.
TEST(CallingHoursProperty, OpenZonesAgreeWithZoneinfoAllYear) {
  const char* saved = std::getenv("TZ");
  const std::string saved_tz = saved ? saved : "";
  std::mt19937_64 rng(20261107);
  std::vector<int64_t> times;
  for (int64_t t = k2026; t < k2026 + 365 * 24 * 60 * kMinute; t += 97 * kMinute) {
    times.push_back(t);
  }
  // 2026-03-08 and 2026-11-01, 04:00Z to 16:00Z: every zone's change, and the morning after.
  for (int64_t day : {k2026 + 66 * 24 * 60 * kMinute, k2026 + 304 * 24 * 60 * kMinute}) {
    for (int64_t t = day + 4 * 60 * kMinute; t < day + 16 * 60 * kMinute; t += kMinute) {
      times.push_back(t);
    }
  }
  for (int64_t t : times) {
    CallingWindow w;
    if (t % 3 == 0) {
      std::uniform_int_distribution<int> from(kEarliestCallMinute, kLatestCallMinute - 1);
      w.from_minute = from(rng);
      std::uniform_int_distribution<int> until(w.from_minute + 1, kLatestCallMinute);
      w.until_minute = until(rng);
    }
    ASSERT_TRUE(ValidateWindow(w).ok());
    const uint64_t open = OpenZones(w, t);
    for (const CallZone& z : AllCallZones()) {
      const bool icu = ((open >> z.id) & 1) != 0;
      ASSERT_EQ(icu, LibcOpen(z, w, t))
          << z.name << " at " << t << " window " << w.from_minute << "-" << w.until_minute;
    }
  }
  if (saved) {
    setenv("TZ", saved_tz.c_str(), 1);
  } else {
    unsetenv("TZ");
  }
  tzset();
}

TEST(CallingHours, ArizonaKeepsStandardTimeAndTheNavajoNationDoesNot) {
  // 2026-07-01 16:00Z: 09:00 in Phoenix (MST all year), 10:00 in Denver (MDT).
  const int64_t t = 1'782'921'600'000;
  EXPECT_EQ(LocalMinute("America/Phoenix", t), 9 * 60);
  EXPECT_EQ(LocalMinute("America/Denver", t), 10 * 60);
  // 2026-01-15 16:00Z: both 09:00.
  const int64_t winter = 1'768'492'800'000;
  EXPECT_EQ(LocalMinute("America/Phoenix", winter), 9 * 60);
  EXPECT_EQ(LocalMinute("America/Denver", winter), 9 * 60);
  EXPECT_EQ(ZoneOf("AZ", "", "MARICOPA", "85004"), ZoneOf("AZ", "", "Pima County", ""));
  EXPECT_EQ(CallZoneById(ZoneOf("AZ", "", "MARICOPA", ""))->name, "America/Phoenix");
  EXPECT_EQ(CallZoneById(ZoneOf("AZ", "", "Apache County", ""))->label, "Arizona or Navajo Nation");
}

TEST(CallingHours, EasternZonesOpenFirstInTheMorning) {
  // 2026-10-20 13:00Z: 09:00 in New York, 08:00 in Chicago.
  const int64_t t = 1'792'501'200'000;
  const uint64_t open = OpenZones(CallingWindow{}, t);
  auto is_open = [&](std::string_view name) {
    for (const CallZone& z : AllCallZones()) {
      if (z.name == name) return ((open >> z.id) & 1) != 0;
    }
    ADD_FAILURE() << name;
    return false;
  };
  EXPECT_TRUE(is_open("America/New_York"));
  EXPECT_FALSE(is_open("America/Chicago"));
  EXPECT_FALSE(is_open("America/New_York+America/Chicago"));  // not until both are
  EXPECT_FALSE(is_open("America/Los_Angeles"));
  // An hour later Chicago and the compound open.
  const uint64_t later = OpenZones(CallingWindow{}, t + 60 * kMinute);
  EXPECT_NE(later & (uint64_t{1} << ZoneOf("IL", "", "COOK", "")), 0u);
  EXPECT_NE(later & (uint64_t{1} << ZoneOf("FL", "", "", "")), 0u);
}

TEST(CallingHours, FloridaPanhandleAndGulfCounty) {
  const auto name = [](int zone) { return std::string(CallZoneById(zone)->name); };
  EXPECT_EQ(name(ZoneOf("FL", "ESC", "", "32501")), "America/Chicago");
  EXPECT_EQ(name(ZoneOf("FL", "", "Santa Rosa County", "")), "America/Chicago");
  EXPECT_EQ(name(ZoneOf("FL", "LEO", "", "32301")), "America/New_York");  // Leon, Tallahassee
  EXPECT_EQ(name(ZoneOf("FL", "DAD", "", "33101")), "America/New_York");
  EXPECT_EQ(name(ZoneOf("FL", "GUL", "", "32465")), "America/Chicago");        // Wewahitchka
  EXPECT_EQ(name(ZoneOf("FL", "GUL", "", "32456-1234")), "America/New_York");  // Port St. Joe
  EXPECT_EQ(name(ZoneOf("FL", "GUL", "", "")), "America/New_York+America/Chicago");
  EXPECT_TRUE(ZipDecidesZone("fl", "GUL", ""));
  EXPECT_FALSE(ZipDecidesZone("FL", "ESC", ""));
  EXPECT_EQ(name(ZoneOf("FL", "", "", "")), "America/New_York+America/Chicago");
}

TEST(CallingHours, SplitStatesByCountyAndUnknownsNarrowTheWindow) {
  const auto name = [](int zone) { return std::string(CallZoneById(zone)->name); };
  EXPECT_EQ(name(ZoneOf("TN", "", "KNOX", "")), "America/New_York");
  EXPECT_EQ(name(ZoneOf("TN", "", "DAVIDSON", "")), "America/Chicago");
  EXPECT_EQ(name(ZoneOf("TN", "47", "", "")), "America/New_York+America/Chicago");
  EXPECT_EQ(name(ZoneOf("IN", "", "Lake", "")), "America/Chicago");
  EXPECT_EQ(name(ZoneOf("IN", "", "Marion", "")), "America/New_York");
  EXPECT_EQ(name(ZoneOf("MI", "", "Gogebic County", "")), "America/Chicago");
  EXPECT_EQ(name(ZoneOf("TX", "", "El Paso", "")), "America/Denver");
  EXPECT_EQ(name(ZoneOf("TX", "", "Harris", "")), "America/Chicago");
  EXPECT_EQ(name(ZoneOf("ID", "", "Idaho", "")), "America/Denver+America/Los_Angeles");
  EXPECT_EQ(name(ZoneOf("AK", "", "Aleutians West Census Area", "")), "America/Adak");
  EXPECT_EQ(name(ZoneOf("NC", "92", "WAKE", "")), "America/New_York");
  EXPECT_EQ(name(ZoneOf("WA", "", "", "")), "America/Los_Angeles");
  EXPECT_EQ(name(ZoneOf("HI", "", "", "")), "Pacific/Honolulu");
  EXPECT_EQ(name(ZoneOf("", "", "", "")), "unknown");
  EXPECT_EQ(name(ZoneOf("ZZ", "", "", "")), "unknown");
  // Unknown is open only while all four contiguous zones are.
  const int64_t t = 1'792'501'200'000 + 3 * 60 * kMinute;  // 12:00 New York, 09:00 LA
  EXPECT_NE(OpenZones(CallingWindow{}, t) & 1, 0u);
  EXPECT_EQ(OpenZones(CallingWindow{}, t - kMinute) & 1, 0u);
}

TEST(CallingHours, WindowsAndClockTimes) {
  EXPECT_TRUE(ValidateWindow({8 * 60, 21 * 60}).ok());
  EXPECT_FALSE(ValidateWindow({7 * 60 + 59, 21 * 60}).ok());
  EXPECT_FALSE(ValidateWindow({9 * 60, 21 * 60 + 1}).ok());
  EXPECT_FALSE(ValidateWindow({12 * 60, 12 * 60}).ok());
  EXPECT_EQ(*ParseClockMinute("9:00"), 540);
  EXPECT_EQ(*ParseClockMinute("20:30"), 1230);
  EXPECT_FALSE(ParseClockMinute("9").ok());
  EXPECT_FALSE(ParseClockMinute("9:60").ok());
  EXPECT_FALSE(ParseClockMinute("25:00").ok());
  EXPECT_FALSE(ParseClockMinute("a9:00").ok());
  EXPECT_EQ(FormatClockMinute(1260), "21:00");
}

}  // namespace
}  // namespace narwhal

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "gameday/driver.h"

namespace narwhal::gameday {
namespace {

// Two precincts, two watchers each; watchers of one precinct share its voters.
std::vector<WatcherPlan> Plans() {
  std::vector<WatcherPlan> plans(4);
  for (int w = 0; w < 4; ++w) {
    plans[w].precinct = w % 2 == 0 ? "92/01" : "92/02";
    for (int v = 0; v < 500; ++v) plans[w].voters.push_back("V" + std::to_string(w * 1000 + v));
  }
  return plans;
}

Timeline TwoPhases() {
  Timeline t;
  t.phases = {{"calm", Millis(0), Millis(20'000), 10, 2},
              {"spike", Millis(20'000), Millis(30'000), 40, 0}};
  t.end = Millis(30'000);
  return t;
}

TEST(ScheduleTest, TheSameSeedGivesTheSameDay) {
  Workload w;
  Schedule a = MakeSchedule(TwoPhases(), w, Plans(), 5);
  Schedule b = MakeSchedule(TwoPhases(), w, Plans(), 5);
  Schedule c = MakeSchedule(TwoPhases(), w, Plans(), 6);
  ASSERT_EQ(a.arrivals.size(), b.arrivals.size());
  for (size_t i = 0; i < a.arrivals.size(); ++i) {
    EXPECT_EQ(a.arrivals[i].key, b.arrivals[i].key);
    EXPECT_EQ(a.arrivals[i].voter, b.arrivals[i].voter);
    EXPECT_EQ(a.arrivals[i].at, b.arrivals[i].at);
  }
  EXPECT_NE(a.arrivals.size() == c.arrivals.size() && a.arrivals[0].at == c.arrivals[0].at, true);
}

TEST(ScheduleTest, ArrivalsFollowEachPhasesRate) {
  Workload w;
  Schedule s = MakeSchedule(TwoPhases(), w, Plans(), 11);
  int calm = 0, spike = 0;
  Millis last{0};
  for (const Arrival& a : s.arrivals) {
    EXPECT_GE(a.at, last) << "by time";
    last = a.at;
    (a.at < Millis(20'000) ? calm : spike)++;
  }
  // Poisson: 200 and 400 expected; five standard deviations either way.
  EXPECT_NEAR(calm, 200, 5 * 14.2);
  EXPECT_NEAR(spike, 400, 5 * 20);
  EXPECT_NEAR(static_cast<double>(s.reads.size()), 40, 5 * 6.4);
  for (const ReadSlot& r : s.reads) EXPECT_LT(r.at, Millis(20'000)) << "no reads in the spike";
}

TEST(ScheduleTest, KeysAreUniqueAndValidAndSecondReportsStayInThePrecinct) {
  Workload w;
  w.second_reports = 0.2;
  std::vector<WatcherPlan> plans = Plans();
  Schedule s = MakeSchedule(TwoPhases(), w, plans, 3);
  std::set<std::string> keys;
  std::map<std::string, std::set<int>> reporters;
  std::map<std::string, std::string> precinct_of;
  for (const WatcherPlan& p : plans) {
    for (const std::string& v : p.voters) precinct_of[v] = p.precinct;
  }
  for (const Arrival& a : s.arrivals) {
    EXPECT_TRUE(keys.insert(a.key).second) << a.key;
    EXPECT_GE(a.key.size(), 8u);
    EXPECT_EQ(
        a.key.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"),
        std::string::npos);
    EXPECT_EQ(precinct_of[a.voter], a.precinct) << "a watcher reports only voters of her precinct";
    EXPECT_EQ(plans[static_cast<size_t>(a.watcher)].precinct, a.precinct);
    EXPECT_TRUE(reporters[a.voter].insert(a.watcher).second) << "one watcher reports a voter once";
  }
  int twice = 0;
  for (const auto& [voter, by] : reporters) twice += by.size() > 1 ? 1 : 0;
  EXPECT_GT(twice, 20) << "second reports happen";
}

TEST(ScheduleTest, AWatcherWithNobodyLeftSkipsTheArrival) {
  Workload w;
  w.second_reports = 0;
  std::vector<WatcherPlan> plans(1);
  plans[0].precinct = "92/01";
  plans[0].voters = {"V1", "V2"};
  Schedule s = MakeSchedule(TwoPhases(), w, plans, 1);
  EXPECT_EQ(s.arrivals.size(), 2u);
  EXPECT_GT(s.exhausted, 100);
}

}  // namespace
}  // namespace narwhal::gameday

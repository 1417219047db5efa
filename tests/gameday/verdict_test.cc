#include "gameday/verdict.h"

#include <gtest/gtest.h>

namespace narwhal::gameday {
namespace {

Scenario OnePhase() {
  Result<Scenario> s = ParseScenario(
      "name = \"t\"\n[checks]\nack_deadline = \"5s\"\nmin_strike_availability = 0.8\n"
      "[[phase]]\nname = \"a\"\nduration = \"20s\"\nstrikes_per_second = 1\n",
      "t.toml");
  EXPECT_TRUE(s.ok()) << s.status().message();
  return *s;
}

// One strike a second for 20 s; the server is down from 5 s to 12 s: the strikes that
// arrive then are acknowledged at 12.1 s, after failed attempts every 250 ms.
History Outage() {
  History h;
  h.info.scenario = "t";
  h.timeline.phases = {{"a", Millis(0), Millis(20'000), 1, 0}};
  h.timeline.end = Millis(20'000);
  h.timeline.faults = {{1, "a", FaultKind::kKill, "app[1]", Millis(5000), Millis(12'000), false}};
  h.faults = {{1, "a", FaultKind::kKill, "app[1]", "pid 1", Millis(5000), Millis(12'000), true,
               "pid 1 ended by signal 9", true, "restarted"}};
  int64_t id = 1;
  for (int i = 0; i < 20; ++i) {
    std::string key = "gd1-w0-" + std::to_string(i);
    std::string voter = "V" + std::to_string(i);
    Millis at(1000 * i);
    h.arrivals.push_back({key, voter, "92/01", 0, at});
    h.final_state.struck[voter] = "92/01";
    h.final_state.struck_events[voter] = 1;
    Millis t = at;
    if (at >= Millis(5000) && at < Millis(12'000)) {
      for (; t < Millis(12'000); t += Millis(250)) {
        h.strikes.push_back(
            {id++, 0, t, t + Millis(1), Outcome::kFailed, 0, "connect: refused", {key}, {}});
      }
      t = Millis(12'100);
    }
    h.strikes.push_back(
        {id++, 0, t, t + Millis(10), Outcome::kOk, 200, "", {key}, {{key, "struck"}}});
  }
  h.final_state.voted["92/01"] = 20;
  return h;
}

TEST(VerdictTest, AvailabilityCountsStrikesAcknowledgedInTimeNotAttempts) {
  Verdict v = Evaluate(OnePhase(), Outage());
  EXPECT_EQ(v.overall.arrivals, 20);
  // Arrivals at 5, 6 and 7 s waited more than 5 s (acknowledged at 12.11 s); 8..11 s did not.
  EXPECT_EQ(v.overall.arrivals_in_time, 17);
  EXPECT_DOUBLE_EQ(v.overall.strike_availability(), 17.0 / 20.0);
  EXPECT_LT(v.overall.request_availability(), 0.3) << "every refused retry counts as a request";
  EXPECT_TRUE(v.passed) << (v.reasons.empty() ? "" : v.reasons[0]);
  EXPECT_EQ(v.exit_code, 0);
  ASSERT_EQ(v.faults.size(), 1u);
  // The first request sent after the kill that succeeded: the 12 s arrival's, done at 12.01 s.
  EXPECT_EQ(v.faults[0].first_success, Millis(7010));
  // Nothing answered between the 4 s arrival's acknowledgment (4.01 s) and 12.01 s.
  EXPECT_EQ(v.faults[0].longest_outage, Millis(8000));
  EXPECT_EQ(v.faults[0].drained, Millis(110));
  EXPECT_EQ(v.longest_outage, Millis(8000));
  ASSERT_EQ(v.phases.size(), 1u);
  EXPECT_EQ(v.phases[0].worst_window.start, Millis(0))
      << "the window holding the 5 and 6 s arrivals";
}

TEST(VerdictTest, ExitCodesSayWhatWentWrong) {
  History h = Outage();
  h.faults[0].effective = false;
  Verdict v = Evaluate(OnePhase(), h);
  EXPECT_FALSE(v.passed);
  EXPECT_EQ(v.exit_code, 4);
  h = Outage();
  h.final_state.struck.erase("V3");
  h.final_state.struck_events.erase("V3");
  h.final_state.voted["92/01"] = 19;
  v = Evaluate(OnePhase(), h);
  EXPECT_EQ(v.exit_code, 1);
  EXPECT_EQ(v.reasons[0], "1 acknowledged strikes LOST");
  h = Outage();
  h.info.aborted = true;
  h.info.abort_reason = "interrupted (Ctrl-C)";
  v = Evaluate(OnePhase(), h);
  EXPECT_EQ(v.exit_code, 2);
  h = Outage();
  h.lag.p99_ms = 900;
  v = Evaluate(OnePhase(), h);
  EXPECT_EQ(v.exit_code, 2) << "a driver that fell behind gives no verdict";
  h = Outage();
  h.leftovers = {"mount /tmp/x/data"};
  v = Evaluate(OnePhase(), h);
  EXPECT_EQ(v.exit_code, 1);
}

TEST(VerdictTest, TheReportAndVerdictJsonCarryTheVerdictAndTheLostKeys) {
  History h = Outage();
  h.final_state.struck.erase("V3");
  h.final_state.struck_events.erase("V3");
  h.final_state.voted["92/01"] = 19;
  Verdict v = Evaluate(OnePhase(), h);
  std::string json = VerdictJson(v, h);
  EXPECT_NE(json.find("\"schema\":\"narwhal.gameday.verdict/1\""), std::string::npos);
  EXPECT_NE(json.find("\"lost\":[{\"key\":\"gd1-w0-3\""), std::string::npos) << json.substr(0, 400);
  std::string html = ReportHtml(v, h);
  EXPECT_NE(html.find("FAILED"), std::string::npos);
  EXPECT_NE(html.find("key gd1-w0-3 · voter V3"), std::string::npos);
  EXPECT_EQ(html.find("<script src"), std::string::npos) << "self-contained: nothing fetched";
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_NE(html.find("uPlot"), std::string::npos) << "the charts' library is inlined";
}

}  // namespace
}  // namespace narwhal::gameday

// The checker must be able to fail: every test plants one kind of damage in an otherwise
// clean history and expects exactly that damage to be found (and the clean one to pass).
#include "gameday/checker.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "gameday/history.h"

namespace narwhal::gameday {
namespace {

// Three voters of precinct 92/01 reported by watcher 0, each acknowledged in its own
// request; the store holds all three, turnout says 3.
History Clean() {
  History h;
  for (int i = 0; i < 3; ++i) {
    std::string key = "gd1-w0-" + std::to_string(i);
    std::string voter = "V" + std::to_string(i);
    h.arrivals.push_back({key, voter, "92/01", 0, Millis(1000 * i)});
    StrikeRequest r;
    r.id = i + 1;
    r.sent = Millis(1000 * i + 10);
    r.done = Millis(1000 * i + 20);
    r.outcome = Outcome::kOk;
    r.http_status = 200;
    r.keys = {key};
    r.items = {{key, "struck"}};
    h.strikes.push_back(r);
    h.final_state.struck[voter] = "92/01";
    h.final_state.struck_events[voter] = 1;
  }
  h.final_state.voted["92/01"] = 3;
  h.final_state.voted["92/02"] = 0;
  return h;
}

TEST(CheckerTest, ACleanHistoryPasses) {
  CheckResult r = Check(Clean(), Millis(2000));
  EXPECT_TRUE(r.Passed());
  EXPECT_EQ(r.arrivals, 3);
  EXPECT_EQ(r.acknowledged, 3);
  EXPECT_EQ(r.voters_struck, 3);
}

TEST(CheckerTest, AnAcknowledgedStrikeMissingFromTheStoreIsLost) {
  History h = Clean();
  h.final_state.struck.erase("V1");
  h.final_state.struck_events.erase("V1");
  h.final_state.voted["92/01"] = 2;
  CheckResult r = Check(h, Millis(2000));
  EXPECT_FALSE(r.Passed());
  ASSERT_EQ(r.lost.size(), 1u);
  EXPECT_EQ(r.lost[0].key, "gd1-w0-1");
  EXPECT_EQ(r.lost[0].voter, "V1");
  EXPECT_EQ(r.lost[0].request_id, 2);
  EXPECT_TRUE(r.unexpected.empty());
}

TEST(CheckerTest, AnUnansweredStrikeThatLandedIsRecoveredAndOneThatDidNotIsNotALoss) {
  History h = Clean();
  h.strikes[1].outcome = Outcome::kUnknown;
  h.strikes[1].items.clear();
  CheckResult r = Check(h, Millis(2000));
  EXPECT_TRUE(r.Passed());
  EXPECT_EQ(r.recovered, 1);
  h.final_state.struck.erase("V1");
  h.final_state.struck_events.erase("V1");
  h.final_state.voted["92/01"] = 2;
  r = Check(h, Millis(2000));
  EXPECT_TRUE(r.Passed());
  EXPECT_EQ(r.not_recorded, 1);
}

TEST(CheckerTest, AVoterStruckThatNobodyReportedIsUnexpected) {
  History h = Clean();
  h.final_state.struck["STRANGER"] = "92/01";
  h.final_state.struck_events["STRANGER"] = 1;
  h.final_state.voted["92/01"] = 4;
  CheckResult r = Check(h, Millis(2000));
  EXPECT_FALSE(r.Passed());
  ASSERT_EQ(r.unexpected.size(), 1u);
  EXPECT_EQ(r.unexpected[0], "STRANGER");
}

TEST(CheckerTest, AVoterStruckAlthoughEveryRequestWasRefusedIsUnexpected) {
  History h = Clean();
  h.strikes[2].outcome = Outcome::kFailed;  // e.g. 429: the server said it did nothing
  h.strikes[2].http_status = 429;
  h.strikes[2].items.clear();
  CheckResult r = Check(h, Millis(2000));
  EXPECT_FALSE(r.Passed());
  ASSERT_EQ(r.unexpected.size(), 1u);
  EXPECT_EQ(r.unexpected[0], "V2");
}

TEST(CheckerTest, TwoStruckEventsForOneVoterAreDoubleCounted) {
  History h = Clean();
  h.final_state.struck_events["V0"] = 2;
  CheckResult r = Check(h, Millis(2000));
  EXPECT_FALSE(r.Passed());
  ASSERT_EQ(r.doubled_voters.size(), 1u);
  EXPECT_EQ(r.doubled_voters[0], "V0");
}

TEST(CheckerTest, TurnoutAboveTheVotersStruckIsDoubleCountedAndBelowIsAnUndercount) {
  History h = Clean();
  h.final_state.voted["92/01"] = 4;
  CheckResult r = Check(h, Millis(2000));
  EXPECT_FALSE(r.Passed());
  ASSERT_EQ(r.doubled_precincts.size(), 1u);
  EXPECT_EQ(r.doubled_precincts[0].turnout, 4);
  EXPECT_EQ(r.doubled_precincts[0].struck, 3);
  h.final_state.voted["92/01"] = 2;
  r = Check(h, Millis(2000));
  EXPECT_FALSE(r.Passed());
  ASSERT_EQ(r.undercounted_precincts.size(), 1u);
}

TEST(CheckerTest, ASecondWatchersReportOfTheSameVoterCountsOnce) {
  History h = Clean();
  h.arrivals.push_back({"gd1-w1-0", "V0", "92/01", 1, Millis(2500)});
  StrikeRequest r;
  r.id = 9;
  r.watcher = 1;
  r.sent = Millis(2510);
  r.done = Millis(2520);
  r.outcome = Outcome::kOk;
  r.keys = {"gd1-w1-0"};
  r.items = {{"gd1-w1-0", "already_struck"}};
  h.strikes.push_back(r);
  CheckResult c = Check(h, Millis(2000));
  EXPECT_TRUE(c.Passed());
  EXPECT_EQ(c.acknowledged, 4);
  EXPECT_EQ(c.voters_struck, 3);
}

TEST(CheckerTest, TurnoutReadsMustLieBetweenAcknowledgedAndSent) {
  History h = Clean();
  // By 2.5 s all three were acknowledged (at 0.02, 1.02 and 2.02 s).
  TurnoutRead ok{1, 0, Millis(2500), Millis(2510), Outcome::kOk, 200, "", {{"92/01", 3}}};
  TurnoutRead stale{2, 0, Millis(2500), Millis(2510), Outcome::kOk, 200, "", {{"92/01", 1}}};
  TurnoutRead phantom{3, 0, Millis(1500), Millis(1510), Outcome::kOk, 200, "", {{"92/01", 3}}};
  TurnoutRead blind{4, 0, Millis(9000), Millis(9010), Outcome::kOk, 200, "", {{"92/01", 0}}};
  h.reads = {ok, stale};
  CheckResult r = Check(h, Millis(2000));
  EXPECT_TRUE(r.Passed())
      << "one read missed V1 and V2, the older acknowledged 1.48 s before: within 2 s";
  EXPECT_EQ(r.stale_reads, 1);
  EXPECT_EQ(r.max_staleness_seen, Millis(1480));
  h.reads = {phantom};
  r = Check(h, Millis(2000));
  EXPECT_FALSE(r.Passed()) << "3 voters seen when only 2 had been sent";
  ASSERT_EQ(r.bad_reads.size(), 1u);
  EXPECT_EQ(r.bad_reads[0].high, 2);
  h.reads = {blind};
  r = Check(h, Millis(2000));
  EXPECT_FALSE(r.Passed()) << "0 seen, 3 acknowledged more than 2 s before";
  ASSERT_EQ(r.bad_reads.size(), 1u);
  EXPECT_EQ(r.bad_reads[0].low, 3);
}

TEST(CheckerTest, AReadThatSaysItIsStaleIsHeldToWhatWasTrueWhenItWasRead) {
  History h = Clean();
  // At 9 s the database is away; the app node serves what it read 8 s before: 1 voter.
  TurnoutRead old{1, 0, Millis(9000), Millis(9010), Outcome::kOk, 200, "", {{"92/01", 1}}, 8000};
  h.reads = {old};
  CheckResult r = Check(h, Millis(2000));
  EXPECT_TRUE(r.Passed()) << "1 voter was acknowledged by 1 s, when the numbers were read";
  EXPECT_EQ(r.declared_stale_reads, 1);
  h.reads[0].stale_ms = -1;  // the same numbers, claimed fresh: out of bounds
  r = Check(h, Millis(2000));
  EXPECT_FALSE(r.Passed());
  EXPECT_EQ(r.bad_reads.size(), 1u);
}

TEST(CheckerTest, AFinalStateThatCouldNotBeReadGivesNoVerdict) {
  History h = Clean();
  h.final_state.error = "database is locked";
  CheckResult r = Check(h, Millis(2000));
  EXPECT_FALSE(r.complete);
  EXPECT_FALSE(r.Passed());
}

TEST(CheckerTest, APlantedLossSurvivesTheTripThroughHistoryJsonl) {
  History h = Clean();
  h.final_state.struck.erase("V2");
  h.final_state.struck_events.erase("V2");
  h.final_state.voted["92/01"] = 2;
  std::string path = ::testing::TempDir() + "/history-roundtrip.jsonl";
  {
    auto w = HistoryWriter::Open(path);
    ASSERT_TRUE(w.ok());
    RunInfo info;
    info.scenario = "t";
    (*w)->Write(info, Timeline{});
    for (const Arrival& a : h.arrivals) (*w)->Write(a);
    for (const StrikeRequest& r : h.strikes) (*w)->Write(r);
    (*w)->Write(h.final_state);
  }
  Result<History> back = ReadHistory(path);
  ASSERT_TRUE(back.ok()) << back.status().message();
  CheckResult r = Check(*back, Millis(2000));
  ASSERT_EQ(r.lost.size(), 1u);
  EXPECT_EQ(r.lost[0].voter, "V2");
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace narwhal::gameday

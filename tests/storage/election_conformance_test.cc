// The election-day part of the store conformance suite: strikes, turnout aggregates,
// scores, the strike log and GOTV lists, written against Store alone and run against every
// backend (store_factory.h). The SQLite kill -9 test at the end is backend-specific.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <ostream>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "kill_child.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/sqlite_store_impl.h"
#include "storage/store.h"
#include "store_factory.h"
#include "temp_dir.h"

namespace narwhal::testing {

namespace {

constexpr char kElection[] = "2026-11-03";

// Whole seconds, so every backend keeps the instant exactly.
TimePoint At(int seconds) {
  return TimePoint(std::chrono::seconds(1'793'800'000 + seconds));
}

Voter MakeVoter(std::string id, std::string precinct, std::string street = "1 MAIN ST",
                std::string last = "SMITH") {
  Voter v;
  v.voter_id = std::move(id);
  v.state = "NC";
  v.county = "92";
  v.county_name = "WAKE";
  v.precinct = std::move(precinct);
  v.precinct_name = "PRECINCT " + v.precinct;
  v.registration_number = "R" + v.voter_id;
  v.last_name = std::move(last);
  v.first_name = "ANN";
  v.residence = Address{std::move(street), "RALEIGH", "NC", "27601"};
  v.party = "UNA";
  v.status = VoterStatus::kActive;
  v.birth_year = 1980;
  v.phone = "919555" + v.voter_id;
  return v;
}

NewStrike Strike(std::string voter_id, std::string key, TimePoint at = At(0)) {
  NewStrike s;
  s.election = kElection;
  s.voter_id = std::move(voter_id);
  s.idempotency_key = std::move(key);
  s.user_id = 7;
  s.at = at;
  return s;
}

class ElectionConformanceTest : public BackendTest {
 protected:
  void Import(const std::vector<Voter>& voters, FinishImportOptions finish = {}) {
    Result<ImportId> id = store().BeginImport({"voters", "test", "test.txt"});
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    Result<UpsertCounts> counts = store().UpsertVoters(*id, voters);
    ASSERT_TRUE(counts.ok()) << counts.status().ToString();
    Result<FinishImportResult> done = store().FinishImport(*id, finish);
    ASSERT_TRUE(done.ok()) << done.status().ToString();
  }

  // Three precincts: 01-01 (A1..A4), 01-02 (B1, B2), 02-01 (C1). Supporters: A1 (80),
  // A2 (60, exactly the threshold), B1; A3 is just below, A4 and the rest unscored.
  void ImportThreePrecincts() {
    Import({MakeVoter("A1", "01-01"), MakeVoter("A2", "01-01"), MakeVoter("A3", "01-01"),
            MakeVoter("A4", "01-01"), MakeVoter("B1", "01-02"), MakeVoter("B2", "01-02"),
            MakeVoter("C1", "02-01")});
    Result<int64_t> stored = store().UpsertScores(std::vector<VoterScore>{
        {"A1", 80, 70}, {"A2", 60, 50}, {"A3", 59, -1}, {"B1", 90, 100}, {"NOPE", 80, 80}});
    ASSERT_TRUE(stored.ok()) << stored.status().ToString();
    EXPECT_EQ(*stored, 4) << "the unknown voter is counted, not stored";
  }

  std::vector<StrikeResult> Record(std::vector<NewStrike> strikes) {
    Result<std::vector<StrikeResult>> r = store().RecordStrikes(strikes);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return {};
    EXPECT_EQ(r->size(), strikes.size());
    return *r;
  }

  std::map<std::string, PrecinctTurnout> Turnouts(const std::string& county = "") {
    Result<std::vector<PrecinctTurnout>> rows = store().GetTurnout(kElection, county);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    std::map<std::string, PrecinctTurnout> by_precinct;
    if (!rows.ok()) return by_precinct;
    for (const PrecinctTurnout& t : *rows) by_precinct[t.precinct.precinct] = t;
    return by_precinct;
  }

  std::vector<StrikeEvent> AllEvents(int page = 1000) {
    std::vector<StrikeEvent> all;
    int64_t after = 0;
    for (;;) {
      Result<std::vector<StrikeEvent>> events = store().StrikesSince(kElection, after, page);
      EXPECT_TRUE(events.ok()) << events.status().ToString();
      if (!events.ok() || events->empty()) break;
      for (const StrikeEvent& e : *events) {
        EXPECT_GT(e.id, after) << "events come oldest first, after the cursor";
        after = e.id;
        all.push_back(e);
      }
    }
    return all;
  }
};

TEST_P(ElectionConformanceTest, ReplayedKeyIsOneStrike) {
  ImportThreePrecincts();
  std::vector<StrikeResult> first = Record({Strike("A1", "key-0001", At(10))});
  ASSERT_EQ(first.size(), 1u);
  ASSERT_TRUE(first[0].status.ok()) << first[0].status.ToString();
  EXPECT_EQ(first[0].outcome, StrikeOutcome::kStruck);
  EXPECT_GT(first[0].strike_id, 0);
  EXPECT_EQ(first[0].struck_at, At(10));

  std::vector<StrikeResult> again = Record({Strike("A1", "key-0001", At(20))});
  ASSERT_EQ(again.size(), 1u);
  ASSERT_TRUE(again[0].status.ok()) << again[0].status.ToString();
  EXPECT_EQ(again[0].outcome, StrikeOutcome::kReplayed);
  EXPECT_EQ(again[0].strike_id, first[0].strike_id);
  EXPECT_EQ(again[0].struck_at, At(10));

  // The same key twice inside one batch is one strike too.
  std::vector<StrikeResult> batch =
      Record({Strike("B1", "key-0002", At(30)), Strike("B1", "key-0002", At(30))});
  ASSERT_EQ(batch.size(), 2u);
  EXPECT_EQ(batch[0].outcome, StrikeOutcome::kStruck);
  EXPECT_EQ(batch[1].outcome, StrikeOutcome::kReplayed);
  EXPECT_EQ(batch[1].strike_id, batch[0].strike_id);

  // A key sent again with another voter is still the first strike: nothing changes.
  std::vector<StrikeResult> confused = Record({Strike("A2", "key-0001", At(40))});
  ASSERT_EQ(confused.size(), 1u);
  EXPECT_TRUE(!confused[0].status.ok() || confused[0].outcome == StrikeOutcome::kReplayed)
      << StrikeOutcomeName(confused[0].outcome);

  auto t = Turnouts();
  EXPECT_EQ(t["01-01"].turnout.voted, 1);
  EXPECT_EQ(t["01-02"].turnout.voted, 1);
  EXPECT_EQ(AllEvents().size(), 2u);
}

TEST_P(ElectionConformanceTest, DoubleStrikeWithTwoKeysCountsOnce) {
  ImportThreePrecincts();
  std::vector<StrikeResult> first = Record({Strike("A1", "watcher-1-aaaa", At(10))});
  std::vector<StrikeResult> second = Record({Strike("A1", "watcher-2-bbbb", At(15))});
  ASSERT_EQ(second.size(), 1u);
  ASSERT_TRUE(second[0].status.ok()) << second[0].status.ToString();
  EXPECT_EQ(second[0].outcome, StrikeOutcome::kAlreadyStruck);
  EXPECT_EQ(second[0].strike_id, first[0].strike_id);
  EXPECT_EQ(second[0].struck_at, At(10));
  auto t = Turnouts();
  EXPECT_EQ(t["01-01"].turnout.voted, 1);
  EXPECT_EQ(t["01-01"].turnout.supporters_voted, 1);
  // Replaying the second key gives the counting strike again.
  std::vector<StrikeResult> replay = Record({Strike("A1", "watcher-2-bbbb", At(99))});
  EXPECT_EQ(replay[0].outcome, StrikeOutcome::kReplayed);
  EXPECT_EQ(replay[0].strike_id, first[0].strike_id);
}

TEST_P(ElectionConformanceTest, TwoWatchersInOneBatchCountOnce) {
  ImportThreePrecincts();
  // Two watchers' reports of A1 reach the server in one batch (a paper list keyed in
  // twice, say), beside a strike of B1.
  std::vector<StrikeResult> r =
      Record({Strike("A1", "watcher-1-cccc", At(10)), Strike("B1", "watcher-1-dddd", At(11)),
              Strike("A1", "watcher-2-eeee", At(12))});
  ASSERT_EQ(r.size(), 3u);
  for (const StrikeResult& x : r) EXPECT_TRUE(x.status.ok()) << x.status.ToString();
  const int counted =
      (r[0].outcome == StrikeOutcome::kStruck) + (r[2].outcome == StrikeOutcome::kStruck);
  EXPECT_EQ(counted, 1) << "one report of A1 counts";
  EXPECT_EQ(r[0].strike_id, r[2].strike_id) << "both answer with the strike that counts";
  EXPECT_EQ(r[1].outcome, StrikeOutcome::kStruck);
  auto t = Turnouts();
  EXPECT_EQ(t["01-01"].turnout.voted, 1);
  EXPECT_EQ(t["01-01"].turnout.supporters_voted, 1);
  EXPECT_EQ(t["01-02"].turnout.voted, 1);
  EXPECT_EQ(AllEvents().size(), 2u);
}

// One batch of 500, the most a request carries, with everything a phone's backlog can hold
// at once: new strikes, keys repeated inside the batch, second reports of a voter under
// other keys, replays of an earlier batch, unknown voters, a malformed item and a second
// election.
TEST_P(ElectionConformanceTest, ABatchOf500MixesEveryKindOfItem) {
  constexpr int kVoters = 430;
  std::vector<Voter> voters;
  for (int i = 0; i < kVoters; ++i) {
    voters.push_back(MakeVoter("M" + std::to_string(i), "2" + std::to_string(i % 3) + "-01"));
  }
  Import(voters);
  const std::vector<StrikeResult> earlier =
      Record({Strike("M0", "mix-earlier-0", At(1)), Strike("M1", "mix-earlier-1", At(1))});
  ASSERT_EQ(earlier.size(), 2u);

  std::vector<NewStrike> batch;
  for (int i = 2; i < kVoters; ++i) {  // 428 new strikes
    batch.push_back(Strike("M" + std::to_string(i), "mix-new-" + std::to_string(i), At(5)));
  }
  for (int i = 2; i < 32; ++i) {  // 30 keys repeated inside the batch
    batch.push_back(Strike("M" + std::to_string(i), "mix-new-" + std::to_string(i), At(6)));
  }
  for (int i = 32; i < 62; ++i) {  // 30 second reports under other keys
    batch.push_back(Strike("M" + std::to_string(i), "mix-second-" + std::to_string(i), At(7)));
  }
  batch.push_back(Strike("M0", "mix-earlier-0", At(8)));  // replays of the earlier batch
  batch.push_back(Strike("M1", "mix-earlier-1", At(8)));
  for (int i = 0; i < 7; ++i) {  // unknown voters
    batch.push_back(Strike("NOBODY" + std::to_string(i), "mix-nobody-" + std::to_string(i), At(9)));
  }
  batch.push_back(Strike("M5", "", At(9)));  // malformed: no key
  NewStrike other = Strike("M7", "mix-other-election", At(9));
  other.election = "2027-03-05";
  batch.push_back(other);
  batch.push_back(Strike("M8", "mix-last-second", At(9)));
  ASSERT_EQ(batch.size(), 500u);

  const std::vector<StrikeResult> r = Record(batch);
  ASSERT_EQ(r.size(), batch.size());
  std::map<std::string, int> by_kind;
  std::map<std::string, int64_t> counting;  // voter -> strike id that counts
  for (size_t i = 0; i < r.size(); ++i) {
    if (!r[i].status.ok()) {
      ++by_kind[std::string(ErrorCodeName(r[i].status.code()))];
      continue;
    }
    ++by_kind[std::string(StrikeOutcomeName(r[i].outcome))];
    if (batch[i].election != kElection) continue;
    auto [it, fresh] = counting.emplace(batch[i].voter_id, r[i].strike_id);
    EXPECT_TRUE(fresh || it->second == r[i].strike_id)
        << "every answer for " << batch[i].voter_id << " names the one strike that counts";
  }
  EXPECT_EQ(by_kind[std::string(StrikeOutcomeName(StrikeOutcome::kStruck))], 428 + 1);
  EXPECT_EQ(by_kind[std::string(StrikeOutcomeName(StrikeOutcome::kReplayed))], 30 + 2);
  EXPECT_EQ(by_kind[std::string(StrikeOutcomeName(StrikeOutcome::kAlreadyStruck))], 30 + 1);
  EXPECT_EQ(by_kind[std::string(ErrorCodeName(ErrorCode::kNotFound))], 7);
  EXPECT_EQ(by_kind[std::string(ErrorCodeName(ErrorCode::kInvalidArgument))], 1);
  EXPECT_EQ(counting["M0"], earlier[0].strike_id);
  EXPECT_EQ(counting["M1"], earlier[1].strike_id);

  int64_t voted = 0;
  for (const auto& [precinct, t] : Turnouts()) voted += t.turnout.voted;
  EXPECT_EQ(voted, kVoters) << "every voter of the file counted once";
  EXPECT_EQ(AllEvents(7).size(), static_cast<size_t>(kVoters));
  Result<std::vector<StrikeEvent>> other_feed = store().StrikesSince("2027-03-05", 0, 10);
  ASSERT_TRUE(other_feed.ok()) << other_feed.status().ToString();
  ASSERT_EQ(other_feed->size(), 1u);
  EXPECT_EQ(other_feed->front().voter_id, "M7");
}

TEST_P(ElectionConformanceTest, UnknownVoterFailsAloneInItsBatch) {
  ImportThreePrecincts();
  std::vector<StrikeResult> r =
      Record({Strike("A1", "batch-key-1", At(1)), Strike("NOBODY", "batch-key-2", At(1)),
              Strike("B2", "batch-key-3", At(1))});
  ASSERT_EQ(r.size(), 3u);
  EXPECT_TRUE(r[0].status.ok()) << r[0].status.ToString();
  EXPECT_EQ(r[1].status.code(), ErrorCode::kNotFound) << r[1].status.ToString();
  EXPECT_TRUE(r[2].status.ok()) << r[2].status.ToString();
  EXPECT_EQ(r[2].outcome, StrikeOutcome::kStruck);
  auto t = Turnouts();
  EXPECT_EQ(t["01-01"].turnout.voted, 1);
  EXPECT_EQ(t["01-02"].turnout.voted, 1);
  EXPECT_EQ(t["01-02"].turnout.supporters_voted, 0) << "B2 has no score";
}

TEST_P(ElectionConformanceTest, TurnoutBeforeAnyStrikeListsEveryPrecinct) {
  ImportThreePrecincts();
  auto t = Turnouts();
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t["01-01"].precinct.county, "92");
  EXPECT_EQ(t["01-01"].precinct_name, "PRECINCT 01-01");
  EXPECT_EQ(t["01-01"].turnout.registered, 4);
  EXPECT_EQ(t["01-01"].turnout.voted, 0);
  EXPECT_EQ(t["01-01"].turnout.supporters, 2);
  EXPECT_DOUBLE_EQ(t["01-01"].turnout.expected, 1.2);
  EXPECT_EQ(t["01-01"].turnout.last_report_at, "");
  EXPECT_EQ(t["01-02"].turnout.registered, 2);
  EXPECT_EQ(t["01-02"].turnout.supporters, 1);
  EXPECT_EQ(t["02-01"].turnout.registered, 1);
  EXPECT_EQ(t["02-01"].turnout.supporters, 0);
  EXPECT_TRUE(Turnouts("93").empty());
}

TEST_P(ElectionConformanceTest, TurnoutFollowsStrikesAndUndo) {
  ImportThreePrecincts();
  Record({Strike("A1", "turnout-key-1", At(10)), Strike("A3", "turnout-key-2", At(20))});
  Record({Strike("B1", "turnout-key-3", At(30))});
  auto t = Turnouts("92");
  ASSERT_EQ(t.size(), 3u) << "precincts without strikes are present";
  const Turnout& a = t["01-01"].turnout;
  EXPECT_EQ(a.registered, 4);
  EXPECT_EQ(a.voted, 2);
  EXPECT_EQ(a.supporters, 2);
  EXPECT_EQ(a.supporters_voted, 1);
  EXPECT_EQ(a.supporters_to_go(), 1);
  EXPECT_EQ(a.last_report_at, FormatIso8601(At(20)));
  const Turnout& b = t["01-02"].turnout;
  EXPECT_EQ(b.voted, 1);
  EXPECT_EQ(b.supporters_voted, 1);
  EXPECT_EQ(b.last_report_at, FormatIso8601(At(30)));
  const Turnout& c = t["02-01"].turnout;
  EXPECT_EQ(c.registered, 1);
  EXPECT_EQ(c.voted, 0);
  EXPECT_EQ(c.last_report_at, "");
  EXPECT_EQ(t["01-01"].precinct_name, "PRECINCT 01-01");

  EXPECT_EQ(store().UndoStrike(kElection, "A1", "", 7, At(40)).code(), ErrorCode::kInvalidArgument)
      << "a reason is required";
  ASSERT_TRUE(store().UndoStrike(kElection, "A1", "wrong voter tapped", 7, At(40)).ok());
  EXPECT_EQ(store().UndoStrike(kElection, "A1", "again", 7, At(41)).code(), ErrorCode::kNotFound);
  EXPECT_EQ(store().UndoStrike(kElection, "C1", "never struck", 7, At(41)).code(),
            ErrorCode::kNotFound);
  t = Turnouts();
  EXPECT_EQ(t["01-01"].turnout.voted, 1);
  EXPECT_EQ(t["01-01"].turnout.supporters_voted, 0);
  EXPECT_EQ(t["01-02"].turnout.voted, 1);

  // Struck again after the undo (a new key): counts again, as a new strike.
  std::vector<StrikeResult> again = Record({Strike("A1", "turnout-key-4", At(50))});
  EXPECT_EQ(again[0].outcome, StrikeOutcome::kStruck);
  t = Turnouts();
  EXPECT_EQ(t["01-01"].turnout.voted, 2);
  EXPECT_EQ(t["01-01"].turnout.supporters_voted, 1);

  // Another election is counted apart.
  NewStrike other = Strike("A1", "turnout-key-5", At(60));
  other.election = "2027-03-05";
  Record({other});
  EXPECT_EQ(Turnouts()["01-01"].turnout.voted, 2);
}

TEST_P(ElectionConformanceTest, ScoresChangeSupporters) {
  ImportThreePrecincts();
  Record({Strike("A3", "scores-key-1", At(10))});
  auto t = Turnouts();
  EXPECT_EQ(t["01-01"].turnout.supporters, 2);
  EXPECT_EQ(t["01-01"].turnout.supporters_voted, 0);

  // A3 becomes a supporter after she was struck; A1 stops being one.
  Result<int64_t> stored =
      store().UpsertScores(std::vector<VoterScore>{{"A3", 70, 40}, {"A1", 10, 70}});
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(*stored, 2);
  t = Turnouts();
  EXPECT_EQ(t["01-01"].turnout.supporters, 2) << "A2 and A3";
  EXPECT_EQ(t["01-01"].turnout.supporters_voted, 1) << "A3";
  EXPECT_DOUBLE_EQ(t["01-01"].turnout.expected, 1.6);
  EXPECT_EQ(t["01-02"].turnout.supporters, 1) << "other precincts unchanged";

  // Undoing a supporter's strike takes her from supporters_voted.
  ASSERT_TRUE(store().UndoStrike(kElection, "A3", "duplicate name", 7, At(20)).ok());
  t = Turnouts();
  EXPECT_EQ(t["01-01"].turnout.supporters_voted, 0);
  EXPECT_EQ(t["01-01"].turnout.voted, 0);
}

TEST_P(ElectionConformanceTest, GotvListIsUnstruckSupportersInWalkOrder) {
  std::vector<Voter> voters = {
      MakeVoter("G1", "05-05", "4 OAK ST"),  MakeVoter("G2", "05-05", "1 OAK ST"),
      MakeVoter("G3", "05-05", "2 OAK ST"),  MakeVoter("G4", "05-05", "5 OAK ST"),
      MakeVoter("G5", "05-05", "3 OAK ST"),  MakeVoter("G6", "05-05", "7 OAK ST"),
      MakeVoter("G7", "05-05", "9 OAK ST"),  MakeVoter("G8", "05-05", "11 OAK ST"),
      MakeVoter("G9", "05-06", "13 OAK ST"), MakeVoter("GX", "05-05", "15 OAK ST"),
  };
  Import(voters);
  ASSERT_TRUE(store()
                  .UpsertScores(std::vector<VoterScore>{{"G1", 100, 50},
                                                        {"G2", 75, 50},
                                                        {"G3", 60, -1},
                                                        {"G4", 90, 90},
                                                        {"G5", 80, 20},
                                                        {"G6", 59, 90},   // not a supporter
                                                        {"G7", 95, 90},   // struck below
                                                        {"G9", 95, 90},   // other precinct
                                                        {"GX", 95, 90}})  // removed below
                  .ok());
  // A full refresh without GX marks her removed.
  voters.pop_back();
  FinishImportOptions refresh;
  refresh.full_refresh = true;
  refresh.covered_counties = {"92"};
  Import(voters, refresh);
  Record({Strike("G7", "gotv-key-0001", At(5))});

  Result<std::vector<GotvEntry>> list = store().GotvList(kElection, PrecinctKey{"92", "05-05"});
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  std::vector<std::string> ids;
  for (const GotvEntry& e : *list) ids.push_back(e.voter.voter_id);
  // Odd side up (1, 3, 5), even side back down (4, 2).
  EXPECT_EQ(ids, (std::vector<std::string>{"G2", "G5", "G4", "G1", "G3"}));
  ASSERT_FALSE(list->empty());
  const GotvEntry& first = list->front();
  EXPECT_EQ(first.support, 75);
  EXPECT_EQ(first.turnout, 50);
  EXPECT_EQ(first.phone, "919555G2");
  EXPECT_EQ(first.voter.street, "1 OAK ST");
  EXPECT_EQ(first.voter.precinct, "05-05");

  // In another election nobody is struck yet.
  Result<std::vector<GotvEntry>> other = store().GotvList("2027-03-05", PrecinctKey{"92", "05-05"});
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  EXPECT_EQ(other->size(), 6u);
}

TEST_P(ElectionConformanceTest, StrikesSinceIsOrderedAndResumes) {
  ImportThreePrecincts();
  Record({Strike("A1", "since-key-1", At(1)), Strike("A2", "since-key-2", At(2))});
  Record({Strike("A1", "since-key-3", At(3))});  // already struck: no event
  Record({Strike("B1", "since-key-4", At(4)), Strike("B2", "since-key-5", At(5))});
  NewStrike other = Strike("C1", "since-key-6", At(6));
  other.election = "2027-03-05";
  Record({other});

  std::vector<StrikeEvent> all = AllEvents();
  ASSERT_EQ(all.size(), 4u);
  std::vector<std::string> voters;
  for (const StrikeEvent& e : all) {
    voters.push_back(e.voter_id);
    EXPECT_EQ(e.election, kElection);
    EXPECT_FALSE(e.undone);
  }
  EXPECT_EQ(voters, (std::vector<std::string>{"A1", "A2", "B1", "B2"}));
  EXPECT_EQ(all[2].precinct, (PrecinctKey{"92", "01-02"}));
  EXPECT_EQ(all[2].at, At(4));

  // Paging by two visits the same events.
  std::vector<StrikeEvent> paged = AllEvents(2);
  ASSERT_EQ(paged.size(), all.size());
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(paged[i].id, all[i].id);

  // Resuming after the last seen event shows only what came later, the undo included.
  const int64_t last = all.back().id;
  ASSERT_TRUE(store().UndoStrike(kElection, "A2", "wrong row on paper", 7, At(7)).ok());
  Record({Strike("A4", "since-key-7", At(8))});
  std::vector<StrikeEvent> after = AllEvents();
  bool saw_undo = false;
  for (const StrikeEvent& e : after) {
    if (e.voter_id == "A2" && e.undone) saw_undo = true;
  }
  EXPECT_TRUE(saw_undo) << "the undo of A2 is visible in the log";
  Result<std::vector<StrikeEvent>> since = store().StrikesSince(kElection, last, 100);
  ASSERT_TRUE(since.ok()) << since.status().ToString();
  ASSERT_FALSE(since->empty());
  EXPECT_EQ(since->back().voter_id, "A4");
  for (const StrikeEvent& e : *since) EXPECT_GT(e.id, last);

  EXPECT_EQ(store().StrikesSince(kElection, 0, 0).status().code(), ErrorCode::kInvalidArgument);
}

TEST_P(ElectionConformanceTest, ConcurrentStrikesCountEachVoterOnce) {
  constexpr int kVoters = 120;
  constexpr int kThreads = 8;
  constexpr int kBatches = 10;
  constexpr int kBatch = 6;
  std::vector<Voter> voters;
  for (int i = 0; i < kVoters; ++i) {
    voters.push_back(MakeVoter("V" + std::to_string(i), i % 2 == 0 ? "10-01" : "10-02"));
  }
  Import(voters);
  std::vector<std::vector<StrikeResult>> results(kThreads);
  std::vector<std::vector<std::string>> struck_voters(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int b = 0; b < kBatches; ++b) {
        std::vector<NewStrike> batch;
        for (int i = 0; i < kBatch; ++i) {
          // Threads overlap on voters, so many reports are double strikes.
          const int n = (t * 7 + b * kBatch + i) % kVoters;
          batch.push_back(Strike(
              "V" + std::to_string(n),
              "conc-" + std::to_string(t) + "-" + std::to_string(b) + "-" + std::to_string(i),
              At(b)));
        }
        Result<std::vector<StrikeResult>> r = store().RecordStrikes(batch);
        if (!r.ok()) {
          ADD_FAILURE() << r.status().ToString();
          return;
        }
        for (size_t i = 0; i < r->size(); ++i) {
          results[t].push_back((*r)[i]);
          if ((*r)[i].outcome == StrikeOutcome::kStruck) {
            struck_voters[t].push_back(batch[i].voter_id);
          }
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();

  std::multiset<std::string> counted;
  std::set<int64_t> strike_ids;
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_EQ(results[t].size(), static_cast<size_t>(kBatches * kBatch));
    for (const StrikeResult& r : results[t]) {
      EXPECT_TRUE(r.status.ok()) << r.status.ToString();
      strike_ids.insert(r.strike_id);
    }
    counted.insert(struck_voters[t].begin(), struck_voters[t].end());
  }
  const std::set<std::string> distinct(counted.begin(), counted.end());
  EXPECT_EQ(counted.size(), distinct.size()) << "no voter counted twice";
  EXPECT_EQ(strike_ids.size(), distinct.size()) << "one counting strike per voter";
  auto turnout = Turnouts();
  EXPECT_EQ(turnout["10-01"].turnout.voted + turnout["10-02"].turnout.voted,
            static_cast<int64_t>(distinct.size()));
  EXPECT_EQ(AllEvents().size(), distinct.size());
}

// The same batch sent by many callers at once (a phone retrying on several connections),
// with an unknown voter in it: whether the store records the copies one by one or
// together, the batch counts once, every copy gets the first answer, and the unknown
// voter fails alone in each copy.
TEST_P(ElectionConformanceTest, ConcurrentCopiesOfABatchAnswerAlike) {
  ImportThreePrecincts();
  ASSERT_EQ(Record({Strike("A4", "taken")})[0].outcome, StrikeOutcome::kStruck);
  const std::vector<NewStrike> batch{Strike("A1", "copy-1"), Strike("NOPE", "copy-2"),
                                     Strike("B1", "copy-3")};
  constexpr int kThreads = 12;
  std::vector<std::vector<StrikeResult>> answers(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Result<std::vector<StrikeResult>> r = store().RecordStrikes(batch);
      if (r.ok()) answers[t] = *r;
    });
  }
  for (std::thread& th : threads) th.join();
  int struck = 0;
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_EQ(answers[t].size(), batch.size()) << "copy " << t;
    EXPECT_EQ(answers[t][0].strike_id, answers[0][0].strike_id);
    EXPECT_EQ(answers[t][2].strike_id, answers[0][2].strike_id);
    EXPECT_EQ(answers[t][1].status.code(), ErrorCode::kNotFound);
    if (answers[t][0].outcome == StrikeOutcome::kStruck) ++struck;
    EXPECT_NE(answers[t][0].outcome, StrikeOutcome::kAlreadyStruck) << "one key, one strike";
  }
  EXPECT_EQ(struck, 1);
  auto turnout = Turnouts();
  EXPECT_EQ(turnout["01-01"].turnout.voted, 2);  // A4 and A1
  EXPECT_EQ(turnout["01-02"].turnout.voted, 1);
  EXPECT_EQ(turnout["02-01"].turnout.voted, 0);
  EXPECT_EQ(AllEvents().size(), 3u);
}

TEST_P(ElectionConformanceTest, StrikesSurviveReopen) {
  ImportThreePrecincts();
  std::vector<StrikeResult> r =
      Record({Strike("A1", "durable-key-1", At(10)), Strike("B1", "durable-key-2", At(11))});
  ASSERT_TRUE(store().UndoStrike(kElection, "B1", "mistake", 3, At(12)).ok());
  Reopen();
  std::vector<StrikeResult> replay = Record({Strike("A1", "durable-key-1", At(50))});
  EXPECT_EQ(replay[0].outcome, StrikeOutcome::kReplayed);
  EXPECT_EQ(replay[0].strike_id, r[0].strike_id);
  auto t = Turnouts();
  EXPECT_EQ(t["01-01"].turnout.voted, 1);
  EXPECT_EQ(t["01-01"].turnout.last_report_at, FormatIso8601(At(10)));
  EXPECT_EQ(t["01-02"].turnout.voted, 0);
  EXPECT_EQ(t["01-02"].turnout.supporters, 1) << "scores survive too";
  Result<std::vector<GotvEntry>> gotv = store().GotvList(kElection, PrecinctKey{"92", "01-01"});
  ASSERT_TRUE(gotv.ok());
  ASSERT_EQ(gotv->size(), 1u);
  EXPECT_EQ(gotv->front().voter.voter_id, "A2");
}

TEST_P(ElectionConformanceTest, BadStrikesAreInvalidArgumentPerItem) {
  ImportThreePrecincts();
  std::vector<StrikeResult> r = Record({Strike("A1", "", At(1)), Strike("", "bad-key-0001", At(1)),
                                        Strike("A2", "good-key-0001", At(1))});
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].status.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(r[1].status.code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(r[2].status.ok()) << r[2].status.ToString();
  EXPECT_EQ(Turnouts()["01-01"].turnout.voted, 1);
}

TEST_P(ElectionConformanceTest, ImportDuringTheElectionKeepsTurnoutInStep) {
  ImportThreePrecincts();
  Record({Strike("A1", "import-key-1", At(10))});
  Import({MakeVoter("A1", "01-01"), MakeVoter("A2", "01-01"), MakeVoter("A3", "01-01"),
          MakeVoter("A4", "01-01"), MakeVoter("A5", "01-01"), MakeVoter("B1", "01-02"),
          MakeVoter("B2", "01-02"), MakeVoter("C1", "02-01"), MakeVoter("D1", "03-01")});
  auto t = Turnouts();
  EXPECT_EQ(t["01-01"].turnout.registered, 5);
  EXPECT_EQ(t["01-01"].turnout.voted, 1);
  ASSERT_EQ(t.count("03-01"), 1u) << "a precinct new in the voter file is listed";
  EXPECT_EQ(t["03-01"].turnout.registered, 1);
  EXPECT_EQ(t["03-01"].turnout.voted, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, ElectionConformanceTest, ::testing::ValuesIn(AllBackends()),
                         BackendName);

// --- SQLite: one transaction per batch -------------------------------------------------

TEST(SqliteElectionBatch, ABatchIsOneJobOfTheWriter) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  SqliteOptions options;
  options.path = dir.File("batch.db");
  Result<std::unique_ptr<sqlite::SqliteStore>> store = sqlite::SqliteStore::Open(options);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  std::vector<Voter> voters;
  for (int i = 0; i < 201; ++i) voters.push_back(MakeVoter("P" + std::to_string(i), "30-01"));
  Result<ImportId> id = (*store)->BeginImport({"voters", "test", "batch"});
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE((*store)->UpsertVoters(*id, voters).ok());
  ASSERT_TRUE((*store)->FinishImport(*id, {}).ok());
  // Times one call; the first strike of the election also creates its turnout rows.
  auto timed = [&](int first, int count) {
    std::vector<NewStrike> batch;
    for (int i = first; i < first + count; ++i) {
      batch.push_back(Strike("P" + std::to_string(i), "batch-key-" + std::to_string(i), At(i)));
    }
    const sqlite::WriteQueueStats before = (*store)->write_stats();
    const auto start = std::chrono::steady_clock::now();
    Result<std::vector<StrikeResult>> r = (*store)->RecordStrikes(batch);
    const auto took = std::chrono::steady_clock::now() - start;
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    const sqlite::WriteQueueStats after = (*store)->write_stats();
    EXPECT_EQ(after.jobs - before.jobs, 1);
    EXPECT_EQ(after.transactions - before.transactions, 1);
    return static_cast<long long>(
        std::chrono::duration_cast<std::chrono::microseconds>(took).count());
  };
  const long long first = timed(0, 100);
  const long long one = timed(100, 1);
  const long long hundred = timed(101, 100);
  std::printf("RecordStrikes: first batch of 100 %lld us, 1 strike %lld us, 100 strikes %lld us\n",
              first, one, hundred);
}

// --- SQLite: kill -9 while strikes stream in --------------------------------------------

constexpr int kKillVoters = 300;

// The child records strikes from four threads, in batches, and reports each acknowledged
// key with its voter on `fd` ("key voter\n"); it never returns.
[[noreturn]] void StrikeUntilKilled(const std::string& path, int fd) {
  SqliteOptions options;
  options.path = path;
  Result<std::unique_ptr<Store>> store = OpenSqliteStore(options);
  if (!store.ok()) _exit(3);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int b = 0;; ++b) {
        std::vector<NewStrike> batch;
        for (int i = 0; i < 5; ++i) {
          const int n = (t * 13 + b * 5 + i) % kKillVoters;
          batch.push_back(Strike(
              "K" + std::to_string(n),
              "kill-" + std::to_string(t) + "-" + std::to_string(b) + "-" + std::to_string(i),
              At(b)));
        }
        Result<std::vector<StrikeResult>> r = (*store)->RecordStrikes(batch);
        if (!r.ok()) _exit(5);
        std::string lines;
        for (const NewStrike& s : batch) lines += s.idempotency_key + " " + s.voter_id + "\n";
        // Under PIPE_BUF, so lines from different threads never interleave.
        if (write(fd, lines.data(), lines.size()) != static_cast<ssize_t>(lines.size())) {
          _exit(6);
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  _exit(0);
}

TEST(SqliteElectionDurability, Kill9LosesNoAcknowledgedStrike) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string path = dir.File("strikes.db");
  {
    SqliteOptions options;
    options.path = path;
    Result<std::unique_ptr<Store>> store = OpenSqliteStore(options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    std::vector<Voter> voters;
    for (int i = 0; i < kKillVoters; ++i) {
      voters.push_back(MakeVoter("K" + std::to_string(i), i % 3 == 0 ? "20-01" : "20-02"));
    }
    Result<ImportId> id = (*store)->BeginImport({"voters", "test", "seed"});
    ASSERT_TRUE(id.ok());
    ASSERT_TRUE((*store)->UpsertVoters(*id, voters).ok());
    ASSERT_TRUE((*store)->FinishImport(*id, {}).ok());
  }
  const std::vector<std::string> lines =
      KillMidStream([&](int fd) { StrikeUntilKilled(path, fd); }, 400);
  ASSERT_FALSE(::testing::Test::HasFailure());
  std::map<std::string, std::string> acknowledged;  // key -> voter
  for (const std::string& line : lines) {
    const size_t space = line.find(' ');
    acknowledged[line.substr(0, space)] = line.substr(space + 1);
  }

  SqliteOptions options;
  options.path = path;
  Result<std::unique_ptr<Store>> reopened = OpenSqliteStore(options);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  Store& store = **reopened;

  // Every counted strike, from the log: each voter at most once.
  std::map<std::string, int64_t> struck;  // voter -> counting strike id
  int64_t after = 0;
  for (;;) {
    Result<std::vector<StrikeEvent>> events = store.StrikesSince(kElection, after, 1000);
    ASSERT_TRUE(events.ok()) << events.status().ToString();
    if (events->empty()) break;
    for (const StrikeEvent& e : *events) {
      EXPECT_FALSE(e.undone);
      EXPECT_TRUE(struck.emplace(e.voter_id, e.id).second) << e.voter_id << " counted twice";
      after = e.id;
    }
  }
  // Every acknowledged key is there exactly once: replaying it changes nothing and
  // names the strike that counts for its voter.
  std::vector<NewStrike> replays;
  for (const auto& [key, voter] : acknowledged) replays.push_back(Strike(voter, key, At(0)));
  Result<std::vector<StrikeResult>> r = store.RecordStrikes(replays);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  int missing = 0;
  for (size_t i = 0; i < replays.size(); ++i) {
    const StrikeResult& result = (*r)[i];
    if (result.outcome != StrikeOutcome::kReplayed) ++missing;
    auto it = struck.find(replays[i].voter_id);
    ASSERT_NE(it, struck.end()) << replays[i].voter_id << " acknowledged but not struck";
    EXPECT_EQ(result.strike_id, it->second);
  }
  EXPECT_EQ(missing, 0) << "of " << acknowledged.size() << " acknowledged strikes";
  Result<std::vector<PrecinctTurnout>> turnout = store.GetTurnout(kElection, "");
  ASSERT_TRUE(turnout.ok()) << turnout.status().ToString();
  int64_t voted = 0;
  for (const PrecinctTurnout& t : *turnout) voted += t.turnout.voted;
  EXPECT_EQ(voted, static_cast<int64_t>(struck.size()));
}

}  // namespace
}  // namespace narwhal::testing

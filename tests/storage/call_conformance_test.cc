// Call lists of the store conformance suite (storage/call_store.h): a list made from a
// voter list's members with a phone; claims in order, a caller's claim given back to her,
// lapsed leases first, retries only once due, finishing and its refusals; and many callers
// claiming at once, with leases lapsing under them, never holding one person twice and
// losing nobody — against every backend (store_factory.h).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "storage/call_store.h"
#include "storage/household_store.h"
#include "storage/store.h"
#include "storage/suppression_store.h"
#include "storage/universe_store.h"
#include "store_factory.h"

namespace narwhal::testing {
namespace {

constexpr int64_t kMinute = 60000;
// 2026-10-20 13:30Z: 09:30 in New York, 08:30 in Chicago.
constexpr int64_t kMorning = 1'792'503'000'000;

Voter MakeVoter(int n, bool phone) {
  Voter v;
  v.voter_id = "C" + std::to_string(1000 + n);
  v.state = "NC";
  v.county = "92";
  v.county_name = "WAKE";
  v.precinct = "01";
  v.precinct_name = "P 01";
  v.registration_number = "R" + v.voter_id;
  v.last_name = "CALLER";
  v.first_name = v.voter_id;
  v.residence = Address{std::to_string(n) + " OAK ST", "RALEIGH", "NC", "27601"};
  v.party = "DEM";
  v.status = VoterStatus::kActive;
  v.birth_year = 1980;
  if (phone) v.phone = "919555" + std::to_string(1000 + n);
  return v;
}

class CallConformanceTest : public BackendTest {
 protected:
  CallStore& calls() {
    CallStore* c = store().Calls();
    EXPECT_NE(c, nullptr);
    return *c;
  }

  // `voters` voters, every fourth without a phone; a voter list of all of them.
  int64_t LoadList(int voters) {
    std::vector<Voter> all;
    for (int i = 0; i < voters; ++i) all.push_back(MakeVoter(i, i % 4 != 3));
    return LoadVoters(all, {"92"});
  }

  // A voter list of `all`, who live in `counties`.
  int64_t LoadVoters(const std::vector<Voter>& all, std::vector<std::string> counties) {
    Result<ImportId> id = store().BeginImport({"voters", "test", "test.txt"});
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    EXPECT_TRUE(store().UpsertVoters(*id, all).ok());
    EXPECT_TRUE(store().FinishImport(*id, {}).ok());
    UniverseStore& universes = *store().Universes();
    UniverseCriteria everyone;
    everyone.counties = std::move(counties);
    Result<Universe> u =
        universes.SaveUniverse({"everyone", "", everyone, 0, std::chrono::system_clock::now()});
    EXPECT_TRUE(u.ok()) << u.status().ToString();
    NewVoterList list;
    list.universe_id = u->id;
    list.at = std::chrono::system_clock::now();
    Result<VoterList> made = universes.MakeList(list);
    EXPECT_TRUE(made.ok()) << made.status().ToString();
    return made.ok() ? made->id : 0;
  }

  CallList Make(int64_t voter_list, std::string name = "evening calls") {
    Result<CallList> list = calls().CreateCallList({std::move(name), voter_list, "", 9, 1000});
    EXPECT_TRUE(list.ok()) << list.status().ToString();
    return list.ok() ? *list : CallList{};
  }

  std::optional<CallClaim> Claim(int64_t list, int64_t caller, int64_t now,
                                 int64_t lease = 10 * kMinute) {
    Result<std::optional<CallClaim>> c = calls().ClaimNext(list, caller, now, lease);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? *c : std::nullopt;
  }
};

TEST_P(CallConformanceTest, AListHoldsTheVotersWithAPhoneInListOrder) {
  const int64_t voter_list = LoadList(8);
  const CallList list = Make(voter_list);
  EXPECT_EQ(list.people, 6);  // two of eight have no phone
  EXPECT_EQ(list.voter_list_id, voter_list);
  EXPECT_EQ(list.done, 0);
  EXPECT_EQ(calls().CreateCallList({"evening calls", voter_list, "", 9, 1000}).status().code(),
            ErrorCode::kAlreadyExists);
  EXPECT_EQ(calls().CreateCallList({"other", 987654, "", 9, 1000}).status().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(calls().CreateCallList({"", voter_list, "", 9, 1000}).status().code(),
            ErrorCode::kInvalidArgument);
  Result<std::vector<CallList>> all = calls().ListCallLists(2000);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].name, "evening calls");
  EXPECT_EQ(calls().GetCallList(987654, 0).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(calls().ClaimNext(987654, 1, 0, kMinute).status().code(), ErrorCode::kNotFound);
}

TEST_P(CallConformanceTest, ClaimsLeasesRenewalsRetriesAndFinishing) {
  const CallList list = Make(LoadList(4));  // three people: C1000, C1001, C1002
  ASSERT_EQ(list.people, 3);
  const int64_t t0 = kMorning;
  std::optional<CallClaim> ann = Claim(list.id, 1, t0);
  ASSERT_TRUE(ann);
  EXPECT_EQ(ann->voter_id, "C1000");
  EXPECT_EQ(ann->phone, "9195551000");
  EXPECT_EQ(ann->lease_until_ms, t0 + 10 * kMinute);
  // Asking again (a reload of her page) gives her the same person, the lease renewed.
  std::optional<CallClaim> again = Claim(list.id, 1, t0 + kMinute);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->position, ann->position);
  EXPECT_EQ(again->lease_until_ms, t0 + 11 * kMinute);
  std::optional<CallClaim> bob = Claim(list.id, 2, t0);
  ASSERT_TRUE(bob);
  EXPECT_EQ(bob->voter_id, "C1001");
  EXPECT_EQ(calls().GetCallList(list.id, t0)->held, 2);

  // Bob's lease lapses: his person goes to the head of the queue, before C1002.
  std::optional<CallClaim> cy = Claim(list.id, 3, t0 + 10 * kMinute + 1);
  ASSERT_TRUE(cy);
  EXPECT_EQ(cy->voter_id, "C1001");
  // Bob can neither renew nor finish her now; his call is kept in the contact log.
  EXPECT_EQ(
      calls().RenewClaim(list.id, bob->position, 2, t0 + 11 * kMinute, kMinute).status().code(),
      ErrorCode::kFailedPrecondition);
  EXPECT_EQ(calls().FinishCall(list.id, bob->position, 2, std::nullopt, "NA", 1).code(),
            ErrorCode::kFailedPrecondition);
  // Ann renews hers, then finishes it: no answer, again in four hours.
  Result<CallClaim> renewed =
      calls().RenewClaim(list.id, ann->position, 1, t0 + 2 * kMinute, 10 * kMinute);
  ASSERT_TRUE(renewed.ok()) << renewed.status().ToString();
  EXPECT_EQ(renewed->voter_id, "C1000");
  const int64_t later = t0 + 3 * kMinute + 4 * 60 * kMinute;
  ASSERT_TRUE(calls().FinishCall(list.id, ann->position, 1, later, "NA", 1).ok());
  EXPECT_EQ(calls().GetCallList(list.id, t0 + 3 * kMinute)->waiting, 1);
  // Her next claim is C1002; then nobody is left until C1000 is due.
  std::optional<CallClaim> next = Claim(list.id, 1, t0 + 4 * kMinute);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->voter_id, "C1002");
  EXPECT_FALSE(Claim(list.id, 4, t0 + 5 * kMinute));
  // Both reached; had their leases lapsed instead, they would come before C1000.
  ASSERT_TRUE(calls().FinishCall(list.id, next->position, 1, std::nullopt, "NA", 1).ok());
  ASSERT_TRUE(calls().FinishCall(list.id, cy->position, 3, std::nullopt, "NA", 1).ok());
  std::optional<CallClaim> due = Claim(list.id, 4, later);
  ASSERT_TRUE(due);
  EXPECT_EQ(due->voter_id, "C1000");
  EXPECT_EQ(due->attempts, 1);
  // Finished with: done, and finishing again is harmless; another caller cannot.
  ASSERT_TRUE(calls().FinishCall(list.id, due->position, 4, std::nullopt, "NA", 1).ok());
  EXPECT_TRUE(calls().FinishCall(list.id, due->position, 4, std::nullopt, "NA", 1).ok());
  EXPECT_EQ(calls().FinishCall(list.id, due->position, 1, std::nullopt, "NA", 1).code(),
            ErrorCode::kFailedPrecondition);
  EXPECT_EQ(calls().FinishCall(list.id, 99999, 1, std::nullopt, "NA", 1).code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(calls().GetCallList(list.id, later)->done, 3);
  EXPECT_EQ(calls().ClaimNext(list.id, 1, later, 0).status().code(), ErrorCode::kInvalidArgument);
}

// Many callers at once, each looping claim → finish (one call in five abandoned, as a
// closed tab, so its lease must lapse), on a list of 150 people: every person is finished
// exactly once, and no two callers' leases on one person overlap (in the store's time, the
// `now` each call passed).
TEST_P(CallConformanceTest, ManyCallersNeverShareAPersonAndLoseNobody) {
  const CallList list = Make(LoadList(200));  // 150 with a phone
  ASSERT_EQ(list.people, 150);
  constexpr int kCallers = 8;
  struct Lease {
    int64_t caller, from, until;
  };
  std::atomic<int64_t> clock{kMorning};
  std::mutex mu;
  std::map<int64_t, std::vector<Lease>> leases;  // position -> every lease given on her
  std::map<int64_t, int> finished;               // position -> times finished
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int caller = 1; caller <= kCallers; ++caller) {
    threads.emplace_back([&, caller] {
      for (int round = 0; round < 200; ++round) {
        const int64_t now = clock.fetch_add(1000);
        Result<std::optional<CallClaim>> c = calls().ClaimNext(list.id, caller, now, 5000);
        if (!c.ok()) {
          ++errors;
          continue;
        }
        if (!c->has_value()) return;  // nobody left to call
        const CallClaim claim = **c;
        {
          std::lock_guard lock(mu);
          leases[claim.position].push_back({caller, now, claim.lease_until_ms});
        }
        if ((round + caller) % 5 == 0) continue;  // abandoned
        Status st = calls().FinishCall(list.id, claim.position, caller, std::nullopt, "NA", 1);
        std::lock_guard lock(mu);
        if (st.ok()) {
          ++finished[claim.position];
        } else if (st.code() != ErrorCode::kFailedPrecondition) {
          ++errors;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  int overlaps = 0;
  for (const auto& [position, given] : leases) {
    for (size_t i = 0; i < given.size(); ++i) {
      for (size_t j = i + 1; j < given.size(); ++j) {
        const Lease& a = given[i];
        const Lease& b = given[j];
        if (a.caller != b.caller && a.from < b.until && b.from < a.until) ++overlaps;
      }
    }
  }
  EXPECT_EQ(overlaps, 0) << "two callers held one person at once";
  EXPECT_EQ(finished.size(), 150u) << "every person finished";
  for (const auto& [position, times] : finished) EXPECT_EQ(times, 1) << "position " << position;
  Result<CallList> after = calls().GetCallList(list.id, clock.load());
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->done, 150);
}

// Florida's panhandle is an hour behind the peninsula, and Gulf County is split: each
// person's zone is set from her county and ZIP when the list is made, and a claim hands out
// only people whose zone is inside the list's calling hours.
TEST_P(CallConformanceTest, ClaimsKeepEachPersonsCallingHours) {
  struct Place {
    std::string county, zip;
  };
  const std::vector<Place> places = {
      {"ESC", "32501"}, {"DAD", "33101"}, {"GUL", "32465"}, {"GUL", "32456"}, {"GUL", ""}};
  std::vector<Voter> voters;
  for (size_t i = 0; i < places.size(); ++i) {
    Voter v = MakeVoter(static_cast<int>(i), true);
    v.state = "FL";
    v.county = places[i].county;
    v.county_name = "";
    v.residence = Address{"1 BAY ST", "TOWN", "FL", places[i].zip};
    voters.push_back(std::move(v));
  }
  const int64_t voter_list = LoadVoters(voters, {"ESC", "DAD", "GUL"});
  NewCallList made{"florida", voter_list, "", 9, 1000};
  Result<CallList> list = calls().CreateCallList(made);
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_EQ(list->window, CallingWindow{});
  std::map<std::string, std::string> zone_of;  // voter id -> zone name
  for (int64_t position = 1; position <= 5; ++position) {
    Result<CallTarget> t = calls().GetCallTarget(list->id, position);
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    zone_of[t->voter_id] = std::string(CallZoneById(t->zone)->name);
  }
  EXPECT_EQ(zone_of["C1000"], "America/Chicago");
  EXPECT_EQ(zone_of["C1001"], "America/New_York");
  EXPECT_EQ(zone_of["C1002"], "America/Chicago");
  EXPECT_EQ(zone_of["C1003"], "America/New_York");
  EXPECT_EQ(zone_of["C1004"], "America/New_York+America/Chicago");
  EXPECT_EQ(calls().GetCallTarget(list->id, 99).status().code(), ErrorCode::kNotFound);

  // 09:30 Eastern, 08:30 Central: only the Eastern two.
  std::set<std::string> early;
  for (int64_t caller = 1; caller <= 3; ++caller) {
    if (std::optional<CallClaim> c = Claim(list->id, caller, kMorning)) {
      early.insert(c->voter_id);
      ASSERT_TRUE(calls().FinishCall(list->id, c->position, caller, std::nullopt, "NA", 1).ok());
    }
  }
  EXPECT_EQ(early, (std::set<std::string>{"C1001", "C1003"}));
  Result<std::vector<CallZoneCount>> left = calls().CallListZones(list->id);
  ASSERT_TRUE(left.ok());
  int64_t total = 0;
  for (const CallZoneCount& z : *left) total += z.left;
  EXPECT_EQ(total, 3);
  // An hour later Central opens, and with it the person who may be in either.
  std::set<std::string> later;
  for (int64_t caller = 1; caller <= 4; ++caller) {
    if (std::optional<CallClaim> c = Claim(list->id, caller, kMorning + 60 * kMinute)) {
      later.insert(c->voter_id);
    }
  }
  EXPECT_EQ(later, (std::set<std::string>{"C1000", "C1002", "C1004"}));

  // A list called 10:00 to 20:00 has nobody at 09:30 Eastern; a window outside 8-21 is refused.
  made.name = "late";
  made.window = {10 * 60, 20 * 60};
  Result<CallList> late = calls().CreateCallList(made);
  ASSERT_TRUE(late.ok()) << late.status().ToString();
  EXPECT_EQ(late->window.from_minute, 600);
  EXPECT_FALSE(Claim(late->id, 1, kMorning));
  EXPECT_TRUE(Claim(late->id, 1, kMorning + 31 * kMinute));
  made.name = "too early";
  made.window = {7 * 60, 20 * 60};
  EXPECT_EQ(calls().CreateCallList(made).status().code(), ErrorCode::kInvalidArgument);
}

TEST_P(CallConformanceTest, PhoneBankersAreAssignedToLists) {
  const int64_t voter_list = LoadList(4);
  const CallList a = Make(voter_list, "a");
  const CallList b = Make(voter_list, "b");
  ASSERT_TRUE(calls().SetCallers(a.id, {7, 8, 7}).ok());
  ASSERT_TRUE(calls().SetCallers(b.id, {8}).ok());
  EXPECT_EQ(*calls().CallersOf(a.id), (std::vector<int64_t>{7, 8}));
  EXPECT_EQ(*calls().CallListsOf(8), (std::vector<int64_t>{b.id, a.id}));
  ASSERT_TRUE(calls().SetCallers(a.id, {9}).ok());  // replaced whole
  EXPECT_EQ(*calls().CallersOf(a.id), (std::vector<int64_t>{9}));
  EXPECT_EQ(*calls().CallListsOf(7), (std::vector<int64_t>{}));
  EXPECT_EQ(calls().SetCallers(987654, {1}).code(), ErrorCode::kNotFound);
  EXPECT_EQ(calls().CallListZones(987654).status().code(), ErrorCode::kNotFound);
}

// A household in one call: the caller who holds a person is leased the others of the list
// at her door too — not those another caller has or the do-not-contact list holds back.
TEST_P(CallConformanceTest, AHouseholdIsHandledInOneCall) {
  std::vector<Voter> all;
  for (int i = 0; i < 5; ++i) {
    Voter v = MakeVoter(i, i != 3);  // the fourth has no phone: not on the call list
    if (i < 4) v.residence.street = "5 ELM ST APT 2";
    all.push_back(v);
  }
  const CallList list = Make(LoadVoters(all, {"92"}));
  ASSERT_EQ(list.people, 4);
  std::vector<VoterResidence> residences;
  for (const Voter& v : all) residences.push_back(ResidenceOf(v));
  ASSERT_TRUE(store().Households()->UpsertResidences(residences).ok());
  ASSERT_TRUE(store()
                  .Suppressions()
                  ->AddSuppressions({"asked",
                                     "",
                                     SuppressionScope::kPerson,
                                     ChannelBit(ContactChannel::kPhone),
                                     {"v:C1002"},
                                     1,
                                     1})
                  .ok());

  std::optional<CallClaim> ann = Claim(list.id, 1, kMorning);
  ASSERT_TRUE(ann);
  EXPECT_EQ(ann->voter_id, "C1000");
  EXPECT_EQ(
      calls().ClaimHousehold(list.id, ann->position, 2, kMorning, 10 * kMinute).status().code(),
      ErrorCode::kFailedPrecondition);  // not hers
  Result<std::vector<CallClaim>> household =
      calls().ClaimHousehold(list.id, ann->position, 1, kMorning, 10 * kMinute);
  ASSERT_TRUE(household.ok()) << household.status().ToString();
  ASSERT_EQ(household->size(), 1u);  // C1002 is held back, C1003 has no phone
  EXPECT_EQ((*household)[0].voter_id, "C1001");
  EXPECT_EQ((*household)[0].lease_until_ms, kMorning + 10 * kMinute);
  // Another caller gets the person elsewhere, and no household.
  std::optional<CallClaim> bob = Claim(list.id, 2, kMorning);
  ASSERT_TRUE(bob);
  EXPECT_EQ(bob->voter_id, "C1004");
  EXPECT_TRUE(calls().ClaimHousehold(list.id, bob->position, 2, kMorning, kMinute)->empty());
  EXPECT_FALSE(Claim(list.id, 3, kMorning));  // C1001 is Ann's
  // Ann records both; asking again gives nobody new.
  ASSERT_TRUE(
      calls().FinishCall(list.id, (*household)[0].position, 1, std::nullopt, "C", kMorning).ok());
  EXPECT_TRUE(
      calls().ClaimHousehold(list.id, ann->position, 1, kMorning + kMinute, kMinute)->empty());
  EXPECT_EQ(calls().GetCallList(list.id, kMorning)->dropped, 1);
}

// How a list is being worked: callers holding someone, calls finished lately, each
// person's last result.
TEST_P(CallConformanceTest, TheListsActivity) {
  const CallList list = Make(LoadList(4));  // three people
  const int64_t t0 = kMorning;
  std::optional<CallClaim> ann = Claim(list.id, 1, t0);
  std::optional<CallClaim> bob = Claim(list.id, 2, t0);
  ASSERT_TRUE(ann && bob);
  Result<CallActivity> before = calls().CallListActivity(list.id, t0, t0 - 10 * kMinute);
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  EXPECT_EQ(before->callers_holding, 2);
  EXPECT_EQ(before->called, 0);
  ASSERT_TRUE(calls().FinishCall(list.id, ann->position, 1, std::nullopt, "C", t0 + kMinute).ok());
  ASSERT_TRUE(calls()
                  .FinishCall(list.id, bob->position, 2, t0 + 300 * kMinute, "NA", t0 + 2 * kMinute)
                  .ok());
  Result<CallActivity> after = calls().CallListActivity(list.id, t0 + 3 * kMinute, t0 + 90 * 1000);
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(after->callers_holding, 0);
  EXPECT_EQ(after->finished_since, 1);  // bob's, after the time asked
  EXPECT_EQ(after->called, 2);
  EXPECT_EQ(after->last_results,
            (std::vector<std::pair<std::string, int64_t>>{{"C", 1}, {"NA", 1}}));
  EXPECT_EQ(calls().CallListActivity(987654, t0, t0).status().code(), ErrorCode::kNotFound);
}

// The do-not-contact list: batches added, found by any key and channel, exported, undone.
TEST_P(CallConformanceTest, DoNotContactBatchesAreAddedFoundExportedAndUndone) {
  SuppressionStore& dnc = *store().Suppressions();
  const ChannelMask phone = ChannelBit(ContactChannel::kPhone);
  const ChannelMask door = ChannelBit(ContactChannel::kDoor);
  NewSuppressions numbers{"opt-outs.csv",
                          "texted STOP",
                          SuppressionScope::kPhone,
                          phone | ChannelBit(ContactChannel::kText),
                          {"p:9195550001", "p:9195550002", "p:9195550001"},
                          7,
                          1000};
  Result<SuppressionBatch> first = dnc.AddSuppressions(numbers);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->entries, 2);  // a number given twice counts once
  EXPECT_EQ(first->source, "opt-outs.csv");
  EXPECT_EQ(first->added_by, 7);
  EXPECT_EQ(first->undone_at_ms, 0);
  Result<SuppressionBatch> second = dnc.AddSuppressions(
      {"by hand", "", SuppressionScope::kPerson, kEveryChannel, {"v:C1"}, 8, 2000});
  ASSERT_TRUE(second.ok()) << second.status().ToString();

  const std::vector<std::string> keys = {"v:C9", "p:9195550002"};
  Result<std::optional<SuppressionEntry>> hit = dnc.FindSuppression(keys, phone);
  ASSERT_TRUE(hit.ok() && hit->has_value());
  EXPECT_EQ((*hit)->key, "p:9195550002");
  EXPECT_EQ((*hit)->batch_id, first->id);
  EXPECT_FALSE(dnc.FindSuppression(keys, door)->has_value());  // not closed to canvassers
  EXPECT_TRUE(dnc.FindSuppression(std::vector<std::string>{"v:C1"}, door)->has_value());

  std::vector<std::string> exported;
  ASSERT_TRUE(dnc.ExportSuppressions(phone,
                                     [&](const SuppressionEntry& e) {
                                       exported.push_back(e.key);
                                       return Status::Ok();
                                     })
                  .ok());
  EXPECT_EQ(exported, (std::vector<std::string>{"p:9195550001", "p:9195550002", "v:C1"}));
  Result<std::vector<SuppressionBatch>> batches = dnc.ListSuppressionBatches();
  ASSERT_TRUE(batches.ok());
  ASSERT_EQ(batches->size(), 2u);
  EXPECT_EQ((*batches)[0].id, second->id);  // newest first

  Result<SuppressionBatch> undone = dnc.UndoSuppressions(first->id, 9, 3000);
  ASSERT_TRUE(undone.ok()) << undone.status().ToString();
  EXPECT_EQ(undone->undone_by, 9);
  EXPECT_EQ(undone->undone_at_ms, 3000);
  EXPECT_EQ(undone->entries, 2);  // the record keeps what it had
  EXPECT_FALSE(dnc.FindSuppression(keys, phone)->has_value());
  EXPECT_EQ(dnc.UndoSuppressions(first->id, 9, 4000).status().code(),
            ErrorCode::kFailedPrecondition);
  EXPECT_EQ(dnc.UndoSuppressions(987654, 9, 4000).status().code(), ErrorCode::kNotFound);
  // Adding the same numbers again is a new batch, in force.
  ASSERT_TRUE(dnc.AddSuppressions(numbers).ok());
  EXPECT_TRUE(dnc.FindSuppression(keys, phone)->has_value());

  NewSuppressions bad = numbers;
  bad.keys.clear();
  EXPECT_EQ(dnc.AddSuppressions(bad).status().code(), ErrorCode::kInvalidArgument);
  bad.keys = {"v:C1"};  // a person in a batch of phone numbers
  EXPECT_EQ(dnc.AddSuppressions(bad).status().code(), ErrorCode::kInvalidArgument);
  bad = numbers;
  bad.channels = 0;
  EXPECT_EQ(dnc.AddSuppressions(bad).status().code(), ErrorCode::kInvalidArgument);
  bad = numbers;
  bad.source.clear();
  EXPECT_EQ(dnc.AddSuppressions(bad).status().code(), ErrorCode::kInvalidArgument);
}

// A claim checks the person it is about to hand out against the do-not-contact list, by
// her phone, herself and her door, for calls only; whoever it holds back is dropped from
// the list, and undoing the batch puts her back.
TEST_P(CallConformanceTest, ClaimsDropWhomTheDoNotContactListHoldsBack) {
  const CallList list = Make(LoadList(4));  // C1000, C1001, C1002 with phones
  SuppressionStore& dnc = *store().Suppressions();
  const ChannelMask phone = ChannelBit(ContactChannel::kPhone);
  Result<SuppressionBatch> numbers = dnc.AddSuppressions(
      {"opt-outs", "", SuppressionScope::kPhone, phone, {"p:9195551000"}, 1, 1});
  ASSERT_TRUE(numbers.ok()) << numbers.status().ToString();
  ASSERT_TRUE(dnc.AddSuppressions({"no knocking",
                                   "",
                                   SuppressionScope::kPerson,
                                   ChannelBit(ContactChannel::kDoor),
                                   {"v:C1001"},
                                   1,
                                   1})
                  .ok());
  ASSERT_TRUE(
      dnc.AddSuppressions(
             {"moved out", "", SuppressionScope::kAddress, phone, {"a:27601|2 OAK ST|"}, 1, 1})
          .ok());
  std::optional<CallClaim> first = Claim(list.id, 1, kMorning);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->voter_id, "C1001");        // C1000's number is closed; C1001 only to doors
  EXPECT_FALSE(Claim(list.id, 2, kMorning));  // C1002's address is closed to calls
  Result<CallList> after = calls().GetCallList(list.id, kMorning);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->dropped, 2);
  EXPECT_EQ(after->done, 0);

  // The opt-out file was the wrong one: undone, C1000 is called again; C1002 is not.
  ASSERT_TRUE(dnc.UndoSuppressions(numbers->id, 1, 2).ok());
  std::optional<CallClaim> back = Claim(list.id, 2, kMorning + kMinute);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->voter_id, "C1000");
  EXPECT_FALSE(Claim(list.id, 3, kMorning + kMinute));
  EXPECT_EQ(calls().GetCallList(list.id, kMorning + kMinute)->dropped, 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, CallConformanceTest, ::testing::ValuesIn(AllBackends()),
                         BackendName);

}  // namespace
}  // namespace narwhal::testing

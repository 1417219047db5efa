// The contact log of the store conformance suite (storage/contact_store.h): contacts
// appended with idempotency keys, the timeline, and voter lists that drop whoever a
// suppressing result reached, against every backend (store_factory.h).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "storage/contact_store.h"
#include "storage/household_store.h"
#include "storage/store.h"
#include "storage/universe_store.h"
#include "store_factory.h"

namespace narwhal::testing {
namespace {

Voter MakeVoter(std::string id, std::string street) {
  Voter v;
  v.voter_id = std::move(id);
  v.state = "NC";
  v.county = "92";
  v.county_name = "WAKE";
  v.precinct = "01";
  v.precinct_name = "P 01";
  v.registration_number = "R" + v.voter_id;
  v.last_name = "DOE";
  v.first_name = v.voter_id;
  v.residence = Address{std::move(street), "RALEIGH", "NC", "27601"};
  v.party = "DEM";
  v.status = VoterStatus::kActive;
  v.birth_year = 1980;
  return v;
}

ContactReport Report(std::string voter, std::string key, std::string result) {
  ContactReport r;
  r.voter_id = std::move(voter);
  r.idempotency_key = std::move(key);
  r.result = std::move(result);
  return r;
}

class ContactConformanceTest : public BackendTest {
 protected:
  ContactStore& log() {
    ContactStore* c = store().Contacts();
    EXPECT_NE(c, nullptr);
    return *c;
  }

  // V1 and V2 share a door at 10 OAK ST, V3 and V4 live alone.
  void Load() {
    std::vector<Voter> voters = {MakeVoter("V1", "10 OAK ST"), MakeVoter("V2", "10 OAK ST"),
                                 MakeVoter("V3", "12 OAK ST"), MakeVoter("V4", "14 OAK ST")};
    Result<ImportId> id = store().BeginImport({"voters", "test", "test.txt"});
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    ASSERT_TRUE(store().UpsertVoters(*id, voters).ok());
    std::vector<VoterResidence> residences;
    for (const Voter& v : voters) residences.push_back(ResidenceOf(v));
    ASSERT_TRUE(store().Households()->UpsertResidences(residences).ok());
    ASSERT_TRUE(store().FinishImport(*id, {}).ok());
  }

  // Records the reports, checked against `book` when one is given (as the API does).
  std::vector<ContactResult> Record(std::vector<ContactReport> reports, int64_t user = 7,
                                    const FieldBook* book = nullptr) {
    std::vector<NewContact> contacts;
    for (ContactReport& r : reports) {
      NewContact c{std::move(r), user, std::chrono::system_clock::now(), std::nullopt};
      if (book != nullptr) {
        Result<BookCheck> checked = CheckAgainstBook(c.report, *book);
        EXPECT_TRUE(checked.ok()) << checked.status().ToString();
        if (checked.ok()) c.checked = *checked;
      }
      contacts.push_back(std::move(c));
    }
    Result<std::vector<ContactResult>> out = log().RecordContacts(contacts);
    EXPECT_TRUE(out.ok()) << out.status().ToString();
    return out.ok() ? *out : std::vector<ContactResult>{};
  }
};

TEST_P(ContactConformanceTest, ContactsAreAppendedOnceAndReadNewestFirst) {
  Load();
  ContactReport first = Report("V1", "contact-0001", "NH");
  first.channel = ContactChannel::kDoor;
  first.client_at = "2026-10-03T14:05:09Z";
  first.list_id = 3;
  ContactReport second = Report("V1", "contact-0002", "C");
  second.support = 2;
  second.answers = {{"top_issue", "schools"}, {"vote_plan", "early"}};
  second.note = "Asked for a yard sign";
  std::vector<ContactResult> r =
      Record({first, second, Report("NOBODY", "contact-0003", "NH"),
              Report("V2", "contact-0004", "XX"), Report("V1", "contact-0001", "NH")});
  ASSERT_EQ(r.size(), 5u);
  EXPECT_TRUE(r[0].status.ok());
  EXPECT_FALSE(r[0].replayed);
  EXPECT_TRUE(r[1].status.ok());
  EXPECT_GT(r[1].contact_id, r[0].contact_id);
  EXPECT_EQ(r[2].status.code(), ErrorCode::kNotFound);
  EXPECT_EQ(r[3].status.code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(r[4].replayed);  // the same key in the same batch
  EXPECT_EQ(r[4].contact_id, r[0].contact_id);

  // Again later: replayed; the key for another voter is refused.
  std::vector<ContactResult> again =
      Record({Report("V1", "contact-0002", "C"), Report("V2", "contact-0001", "NH")});
  EXPECT_TRUE(again[0].replayed);
  EXPECT_EQ(again[0].contact_id, r[1].contact_id);
  EXPECT_EQ(again[1].status.code(), ErrorCode::kInvalidArgument);

  Reopen();
  Result<std::vector<ContactRecord>> timeline = log().ContactsOf("V1", 10);
  ASSERT_TRUE(timeline.ok()) << timeline.status().ToString();
  ASSERT_EQ(timeline->size(), 2u);
  EXPECT_EQ((*timeline)[0].report, second);
  EXPECT_EQ((*timeline)[1].report, first);
  EXPECT_EQ((*timeline)[0].user_id, 7);
  EXPECT_FALSE((*timeline)[0].at.empty());
  EXPECT_EQ(log().ContactsOf("V1", 1)->size(), 1u);
  EXPECT_TRUE(log().ContactsOf("V3", 10)->empty());
  EXPECT_EQ(log().ContactsOf("V1", 0).status().code(), ErrorCode::kInvalidArgument);
}

TEST_P(ContactConformanceTest, ListsDropWhoeverASuppressingResultReached) {
  Load();
  UniverseStore& universes = *store().Universes();
  Result<Universe> u = universes.SaveUniverse({"All", "", {}, 0, std::chrono::system_clock::now()});
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  Result<VoterList> list = universes.MakeList({u->id, "", "", 0, std::chrono::system_clock::now()});
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->voters, 4);
  // Not home drops nobody; refused drops her alone; moved at V3's door drops the door.
  Record({Report("V4", "contact-1001", "NH"), Report("V1", "contact-1002", "RF"),
          Report("V3", "contact-1003", "MV")});
  Result<ListVotersPage> page = universes.ListVoters({list->id, 100, ""});
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->voters.size(), 2u);
  EXPECT_EQ(page->voters[0].voter_id, "V2");  // V1 refused at her shared door: only V1
  EXPECT_EQ(page->voters[1].voter_id, "V4");
  EXPECT_EQ(page->dropped_suppressed, 2);
  // Wrong address at the shared door: both of it.
  Record({Report("V2", "contact-1004", "WA")});
  page = universes.ListVoters({list->id, 100, ""});
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->voters.size(), 1u);
  EXPECT_EQ(page->voters[0].voter_id, "V4");
  EXPECT_EQ(page->dropped_suppressed, 3);

  // "Moved" marked V3's door then, not V3: at her new door she is a target again, and
  // whoever registers at the old one is not.
  std::vector<Voter> voters = {MakeVoter("V3", "30 PINE ST"), MakeVoter("V5", "12 OAK ST")};
  Result<ImportId> id = store().BeginImport({"voters", "test", "again.txt"});
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(store().UpsertVoters(*id, voters).ok());
  std::vector<VoterResidence> residences;
  for (const Voter& v : voters) residences.push_back(ResidenceOf(v));
  ASSERT_TRUE(store().Households()->UpsertResidences(residences).ok());
  ASSERT_TRUE(store().FinishImport(*id, {}).ok());
  Result<VoterList> fresh =
      universes.MakeList({u->id, "", "", 0, std::chrono::system_clock::now()});
  ASSERT_TRUE(fresh.ok());
  page = universes.ListVoters({fresh->id, 100, ""});
  ASSERT_TRUE(page.ok());
  std::vector<std::string> ids;
  for (const VoterSummary& v : page->voters) ids.push_back(v.voter_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"V3", "V4"}));  // V5 lives at the moved door
}

TEST_P(ContactConformanceTest, UniversesSelectByTheContactLog) {
  Load();
  ContactReport v1 = Report("V1", "rule-0001", "C");
  v1.support = 1;
  ContactReport v3_first = Report("V3", "rule-0003", "RF");
  ContactReport v3_later = Report("V3", "rule-0004", "C");
  v3_later.support = 4;
  ContactReport v3_last = Report("V3", "rule-0005", "NH");  // no support ID this time
  Record({v1, Report("V2", "rule-0002", "NH"), v3_first, v3_later, v3_last});
  UniverseStore& universes = *store().Universes();
  auto count = [&](ContactRule rule) {
    UniverseCriteria c;
    c.contact = std::move(rule);
    EXPECT_TRUE(ValidateUniverseCriteria(c).ok()) << ValidateUniverseCriteria(c).ToString();
    Result<UniverseCount> n = universes.CountUniverse(c);
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    return n.ok() ? n->voters : -1;
  };
  EXPECT_EQ(count({.ever = true}), 3);
  EXPECT_EQ(count({.ever = false}), 1);                        // V4
  EXPECT_EQ(count({.last_results = {"NH"}}), 2);               // V2, and V3's latest
  EXPECT_EQ(count({.last_results = {"RF"}}), 0);               // V3 said more since
  EXPECT_EQ(count({.support = {1, 2}}), 1);                    // V1
  EXPECT_EQ(count({.support = {3, -1}}), 1);                   // V3's latest support ID, 4
  EXPECT_EQ(count({.ever = true, .since = "2090-01-01"}), 0);  // nothing counts yet
  EXPECT_EQ(count({.ever = false, .since = "2090-01-01"}), 4);
  UniverseCriteria c;
  c.contact = ContactRule{.ever = true};
  Result<std::vector<std::string>> ids = universes.UniverseVoterIds(c);
  ASSERT_TRUE(ids.ok()) << ids.status().ToString();
  std::sort(ids->begin(), ids->end());
  EXPECT_EQ(*ids, (std::vector<std::string>{"V1", "V2", "V3"}));
}

FieldBook Book() {
  FieldBook b;
  b.result_codes.push_back({"YS", "Yard sign", ResultCategory::kSuccess, ResultScope::kPerson});
  b.result_codes.push_back(
      {"GONE", "Demolished", ResultCategory::kSuppress, ResultScope::kAddress});
  b.questions.push_back({"plan",
                         "Plan",
                         "How will you vote?",
                         QuestionKind::kSingle,
                         {{"early", "Early"}, {"day", "On the day"}, {"unsure", "Not sure"}}});
  b.questions.push_back({"issues",
                         "Issues",
                         "Which issues?",
                         QuestionKind::kMulti,
                         {{"jobs", "Jobs"}, {"schools", "Schools"}}});
  b.tags.push_back({"yard_sign", "Yard sign"});
  b.tags.push_back({"needs_ride", "Needs a ride"});
  return b;
}

TEST_P(ContactConformanceTest, TheFieldBookIsVersionedAndAStaleSaveIsRefused) {
  Result<SavedFieldBook> none = log().CurrentFieldBook();
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_EQ(none->version, 0);
  EXPECT_TRUE(none->book.questions.empty());
  const auto now = std::chrono::system_clock::now();
  Result<int64_t> v1 = log().SaveFieldBook(Book(), 0, 3, now);
  ASSERT_TRUE(v1.ok()) << v1.status().ToString();
  EXPECT_EQ(*v1, 1);
  EXPECT_EQ(*log().SaveFieldBook(Book(), 0, 3, now), 1);  // the same book again: no new version
  FieldBook changed = Book();
  changed.tags.push_back({"spanish", "Prefers Spanish"});
  EXPECT_EQ(log().SaveFieldBook(changed, 0, 4, now).status().code(),
            ErrorCode::kFailedPrecondition);
  EXPECT_EQ(*log().SaveFieldBook(changed, 1, 4, now), 2);
  Result<SavedFieldBook> current = log().CurrentFieldBook();
  ASSERT_TRUE(current.ok());
  EXPECT_EQ(current->version, 2);
  EXPECT_EQ(current->book, changed);
  EXPECT_EQ(current->saved_by, 4);
  FieldBook broken = Book();
  broken.questions[1].choices.clear();
  EXPECT_EQ(log().SaveFieldBook(broken, 2, 4, now).status().code(), ErrorCode::kInvalidArgument);
}

TEST_P(ContactConformanceTest, UniversesSelectByCurrentAnswersAndTags) {
  Load();
  const FieldBook book = Book();
  auto answer = [](std::string voter, std::string key, NamedValues answers,
                   std::vector<std::string> tags = {}) {
    ContactReport r = Report(std::move(voter), std::move(key), "");
    r.answers = std::move(answers);
    r.tags = std::move(tags);
    return r;
  };
  std::vector<ContactResult> results =
      Record({Report("V1", "ans-0001", "YS"), answer("V1", "ans-0002", {{"plan", "unsure"}}),
              answer("V1", "ans-0003", {{"issues", "schools;jobs"}}, {"yard_sign"}),
              answer("V2", "ans-0004", {{"plan", "unsure"}}),
              answer("V2", "ans-0005", {{"plan", "early"}}),
              answer("V3", "ans-0006", {{"issues", "jobs"}}, {"needs_ride"}),
              Report("V4", "ans-0007", "GONE")},
             7, &book);
  for (const ContactResult& r : results) EXPECT_TRUE(r.status.ok()) << r.status.ToString();
  // A campaign code without the book's word on it is refused.
  EXPECT_EQ(Record({Report("V1", "ans-0008", "YS")})[0].status.code(), ErrorCode::kInvalidArgument);
  UniverseStore& universes = *store().Universes();
  auto count = [&](std::vector<AnswerRule> answers, std::vector<std::string> tags = {}) {
    UniverseCriteria c;
    c.statuses = {VoterStatus::kActive};
    c.answers = std::move(answers);
    c.tags = std::move(tags);
    EXPECT_TRUE(ValidateUniverseCriteria(c).ok()) << ValidateUniverseCriteria(c).ToString();
    Result<UniverseCount> n = universes.CountUniverse(c);
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    return n.ok() ? n->voters : -1;
  };
  EXPECT_EQ(count({{"plan", {"unsure"}}}), 1);  // V1; V2 changed her mind
  EXPECT_EQ(count({{"plan", {"unsure", "early"}}}), 2);
  EXPECT_EQ(count({{"issues", {"jobs"}}}), 2);  // V1 (of two) and V3
  EXPECT_EQ(count({{"issues", {"jobs"}}, {"plan", {"unsure"}}}), 1);
  EXPECT_EQ(count({}, {"yard_sign", "needs_ride"}), 2);
  EXPECT_EQ(count({}, {"needs_ride"}), 1);
  // The campaign's suppressing code at an address drops V4 from lists as a core one would.
  Result<std::vector<ContactRecord>> v4 = log().ContactsOf("V4", 10);
  ASSERT_TRUE(v4.ok());
  ASSERT_EQ(v4->size(), 1u);
  EXPECT_EQ((*v4)[0].report.result, "GONE");
  // The timeline keeps answers and tags as reported.
  Result<std::vector<ContactRecord>> v1 = log().ContactsOf("V1", 10);
  ASSERT_TRUE(v1.ok());
  ASSERT_EQ(v1->size(), 3u);
  EXPECT_EQ((*v1)[0].report.answers, (NamedValues{{"issues", "jobs;schools"}}));
  EXPECT_EQ((*v1)[0].report.tags, (std::vector<std::string>{"yard_sign"}));
  // Answers added to a visit are not results: the latest result is still the visit's.
  UniverseCriteria last;
  last.contact = ContactRule{.last_results = {"YS"}};
  EXPECT_EQ(universes.CountUniverse(last)->voters, 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, ContactConformanceTest, ::testing::ValuesIn(AllBackends()),
                         BackendName);

}  // namespace
}  // namespace narwhal::testing

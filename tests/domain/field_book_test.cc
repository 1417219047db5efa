#include "domain/field_book.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

namespace narwhal {
namespace {

FieldBook SmallBook() {
  FieldBook b;
  b.result_codes.push_back(
      {"YS", "Yard sign requested", ResultCategory::kSuccess, ResultScope::kPerson});
  b.questions.push_back({"plan",
                         "Plan",
                         "How will you vote?",
                         QuestionKind::kSingle,
                         {{"early", "Early"}, {"day", "On the day"}, {"unsure", "Not sure"}}});
  b.questions.push_back({"issues",
                         "Issues",
                         "Which issues?",
                         QuestionKind::kMulti,
                         {{"jobs", "Jobs"}, {"schools", "Schools"}, {"roads", "Roads"}}});
  b.questions.push_back({"said", "Said", "Anything else?", QuestionKind::kText, {}});
  b.tags.push_back({"yard_sign", "Yard sign"});
  Script s;
  s.key = "door";
  s.title = "Door";
  s.channels = {ContactChannel::kDoor};
  s.steps = {{"hi", "Hello!", "", {}, "plan"},
             {"plan", "", "plan", {{"unsure", "help"}}, "issues"},
             {"help", "Early voting opens soon.", "", {}, "issues"},
             {"issues", "", "issues", {}, ""}};
  b.scripts.push_back(s);
  return b;
}

std::string ErrorOf(const FieldBook& b) {
  Status s = ValidateFieldBook(b);
  EXPECT_FALSE(s.ok());
  return s.message();
}

TEST(FieldBookTest, AValidBookRoundTripsThroughItsJson) {
  const FieldBook b = SmallBook();
  ASSERT_TRUE(ValidateFieldBook(b).ok()) << ValidateFieldBook(b).message();
  Result<FieldBook> back = ParseFieldBook(FieldBookJson(b));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(*back, b);
  EXPECT_EQ(ParseFieldBook("{}")->questions.size(), 0u);
}

TEST(FieldBookTest, TheExampleBookIsValid) {
  std::ifstream in(std::string(NARWHAL_SOURCE_DIR) + "/examples/field-book.json");
  std::stringstream text;
  text << in.rdbuf();
  Result<FieldBook> b = ParseFieldBook(text.str());
  ASSERT_TRUE(b.ok()) << b.status().message();
  ASSERT_NE(b->ScriptFor(ContactChannel::kDoor), nullptr);
  EXPECT_EQ(b->ScriptFor(ContactChannel::kMail), nullptr);
}

TEST(FieldBookTest, ValidationNamesWhatIsWrong) {
  FieldBook b = SmallBook();
  b.result_codes[0].code = "NH";
  EXPECT_EQ(ErrorOf(b), "result_codes[0].code: 'NH' is a core result code");
  b = SmallBook();
  b.questions[1].key = "plan";
  EXPECT_EQ(ErrorOf(b), "questions[1].key: 'plan' is repeated");
  b = SmallBook();
  b.questions[0].choices.resize(1);
  EXPECT_EQ(ErrorOf(b), "questions[0].choices: a choice question needs 2 to 50 choices");
  b = SmallBook();
  b.questions[0].key = "Plan!";
  EXPECT_EQ(ErrorOf(b).substr(0, 30), "questions[0].key: 'Plan!' is n");
  b = SmallBook();
  b.scripts[0].steps[1].question = "nope";
  EXPECT_EQ(ErrorOf(b), "scripts[0].steps[1].question: no question 'nope'");
  b = SmallBook();
  b.scripts[0].steps[1].branches = {{"maybe", "help"}};
  EXPECT_EQ(ErrorOf(b), "scripts[0].steps[1].branches: question 'plan' has no choice 'maybe'");
  b = SmallBook();
  b.scripts[0].steps[3].branches = {{"jobs", "hi"}};
  EXPECT_EQ(ErrorOf(b),
            "scripts[0].steps[3].branches: only a single-choice question's answers branch");
  b = SmallBook();
  b.scripts[0].steps[2].next = "gone";
  EXPECT_EQ(ErrorOf(b), "scripts[0].steps[2].next: no step 'gone'");
  b = SmallBook();
  b.scripts[0].steps[3].next = "hi";  // back to the start
  EXPECT_EQ(ErrorOf(b), "scripts[0].steps: the steps can loop; a script must end");
  b = SmallBook();
  b.scripts[0].steps[0].say.clear();
  EXPECT_EQ(ErrorOf(b), "scripts[0].steps[0].say: is required");
}

TEST(FieldBookTest, ParsingIsStrict) {
  EXPECT_EQ(ParseFieldBook(R"({"questionz": []})").status().message(),
            "field_book.questionz: is not a known member");
  EXPECT_EQ(ParseFieldBook(R"({"questions": [{"key": "a", "kind": "scale"}]})").status().message(),
            "field_book.questions[0].kind: expected single, multi or text");
  EXPECT_EQ(ParseFieldBook(R"({"result_codes": [{"code": "X", "name": "X", "category": "maybe"}]})")
                .status()
                .message(),
            "field_book.result_codes[0].category: expected success, retry or suppress");
  EXPECT_FALSE(ParseFieldBook("[1]").ok());
  EXPECT_FALSE(ParseFieldBook("{").ok());
}

TEST(FieldBookTest, ScriptsBranchOnAnswers) {
  const Script s = SmallBook().scripts[0];
  EXPECT_EQ(NextStep(s, "hi", ""), "plan");
  EXPECT_EQ(NextStep(s, "plan", "unsure"), "help");
  EXPECT_EQ(NextStep(s, "plan", "early"), "issues");
  EXPECT_EQ(NextStep(s, "issues", "jobs"), "");
  EXPECT_EQ(NextStep(s, "nowhere", ""), "");
}

TEST(FieldBookTest, ReportsAreCheckedAgainstTheBook) {
  const FieldBook b = SmallBook();
  ContactReport r;
  r.voter_id = "NC1";
  r.idempotency_key = "device-1-event-1";
  r.result = "YS";
  Result<BookCheck> m = CheckAgainstBook(r, b);
  ASSERT_TRUE(m.ok());
  ASSERT_TRUE(m->meaning.has_value());
  EXPECT_EQ(m->meaning->category, ResultCategory::kSuccess);
  r.result = "NH";
  EXPECT_EQ(CheckAgainstBook(r, b)->meaning->scope, ResultScope::kHousehold);
  r.result = "";  // an answer added to the visit
  r.answers = {{"issues", "roads;jobs;jobs"}, {"said", "call me; after 5"}};
  r.tags = {"yard_sign"};
  ASSERT_TRUE(ValidateContactReport(r).ok());
  m = CheckAgainstBook(r, b);
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_FALSE(m->meaning.has_value());
  EXPECT_EQ(r.answers[0].second, "jobs;roads");  // the book's order, once each
  EXPECT_EQ(m->choices, (NamedValues{{"issues", "jobs"}, {"issues", "roads"}}));
  EXPECT_EQ(r.answers[1].second, "call me; after 5");
  auto error = [&](auto change) {
    ContactReport bad = r;
    change(bad);
    return CheckAgainstBook(bad, b).status().message();
  };
  EXPECT_EQ(error([](ContactReport& x) { x.result = "ZZ"; }), "result: unknown result code 'ZZ'");
  EXPECT_EQ(error([](ContactReport& x) {
              x.answers = {{"plan", "early;day"}};
            }),
            "answers: 'plan' takes one choice");
  EXPECT_EQ(error([](ContactReport& x) {
              x.answers = {{"plan", "soon"}};
            }),
            "answers: 'plan' has no choice 'soon'");
  EXPECT_EQ(error([](ContactReport& x) {
              x.answers = {{"mood", "good"}};
            }),
            "answers: no question 'mood'");
  EXPECT_EQ(error([](ContactReport& x) { x.tags = {"vip"}; }), "tags: no tag 'vip'");
}

TEST(FieldBookTest, AnEmptyResultNeedsSomethingElse) {
  ContactReport r;
  r.voter_id = "NC1";
  r.idempotency_key = "device-1-event-1";
  EXPECT_EQ(ValidateContactReport(r).message(),
            "result: required unless answers, support, tags or a note are given");
  r.support = 2;
  EXPECT_TRUE(ValidateContactReport(r).ok());
  r.tags = {"Yard Sign"};
  EXPECT_EQ(ValidateContactReport(r).message(), "tags: 'Yard Sign' is not a tag key");
}

}  // namespace
}  // namespace narwhal

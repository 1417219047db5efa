// The campaign's field book: what its volunteers record beyond the core result codes. Its
// own result codes (each with a category and scope, as the core ones), the survey questions
// (single choice, multiple choice, free text; a short name for paper and a long text to
// read out), the tags an organizer wants marked (yard sign, volunteer prospect), and the
// scripts that walk a volunteer through a conversation at the door or on the phone, with
// branches on the answers. Doors and phones use the same book; a question asked at both
// is one question, so its answers are comparable and a universe can select on them.
//
// The book is one document, saved whole and versioned by the contact log
// (storage/contact_store.h); its JSON form is documented in docs/field.md ("The field
// book"). Answers in the log are history: the current answer to a question is the latest.
//
// Plain values and pure functions.
#ifndef NARWHAL_DOMAIN_FIELD_BOOK_H_
#define NARWHAL_DOMAIN_FIELD_BOOK_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "domain/contact.h"
#include "domain/universe.h"

namespace narwhal {

// A campaign's own result code ("YS": yard sign requested, success, person).
struct CampaignResultCode {
  std::string code;  // 1-8 upper-case letters and digits, not a core code
  std::string name;
  ResultCategory category = ResultCategory::kSuccess;
  ResultScope scope = ResultScope::kPerson;
  friend bool operator==(const CampaignResultCode&, const CampaignResultCode&) = default;
};

enum class QuestionKind : uint8_t { kSingle, kMulti, kText };
std::string_view QuestionKindName(QuestionKind kind);  // "single", "multi", "text"

struct Choice {
  std::string key;    // as recorded: lower case letters, digits, '_' (1-40)
  std::string label;  // as shown
  friend bool operator==(const Choice&, const Choice&) = default;
};

struct SurveyQuestion {
  std::string key;         // as recorded and as universes name it: like a choice's key
  std::string short_name;  // a column on paper: "Top issue"
  std::string text;        // as read out: "What is the most important issue to you?"
  QuestionKind kind = QuestionKind::kSingle;
  std::vector<Choice> choices;  // 2-50 for single and multi; none for text
  friend bool operator==(const SurveyQuestion&, const SurveyQuestion&) = default;
};

struct TagDef {
  std::string key;  // like a choice's key
  std::string label;
  friend bool operator==(const TagDef&, const TagDef&) = default;
};

// One step of a script: something to say, and optionally a question to ask. After it comes
// the branch for the answer given, else `next`; an empty `next` ends the script.
struct ScriptStep {
  std::string id;  // like a choice's key, unique in its script
  std::string say;
  std::string question;  // a question's key; empty for a step that only says something
  std::vector<std::pair<std::string, std::string>> branches;  // choice key -> step id
  std::string next;
  friend bool operator==(const ScriptStep&, const ScriptStep&) = default;
};

struct Script {
  std::string key;  // like a choice's key
  std::string title;
  std::vector<ContactChannel> channels;  // where it is used: door, phone, ...
  std::vector<ScriptStep> steps;         // the first step starts it
  friend bool operator==(const Script&, const Script&) = default;
};

struct FieldBook {
  std::vector<CampaignResultCode> result_codes;
  std::vector<SurveyQuestion> questions;
  std::vector<TagDef> tags;
  std::vector<Script> scripts;

  const SurveyQuestion* Question(std::string_view key) const;
  const TagDef* Tag(std::string_view key) const;
  // The first script used on `channel`, or null.
  const Script* ScriptFor(ContactChannel channel) const;
  friend bool operator==(const FieldBook&, const FieldBook&) = default;
};

// What a result code means: a core code, else one of the book's.
struct ResultMeaning {
  std::string name;
  ResultCategory category = ResultCategory::kRetry;
  ResultScope scope = ResultScope::kPerson;
};
std::optional<ResultMeaning> MeaningOf(const FieldBook& book, std::string_view code);

// kInvalidArgument naming the member ("questions[2].choices: a single-choice question needs
// 2 to 50 choices") for a book that is not whole: keys malformed or repeated, a campaign
// code that is a core one, a step asking an unknown question, a branch on a choice the
// question does not have or to a step that does not exist, a script that can loop, sizes
// beyond 30 codes, 200 questions, 50 choices, 500 tags, 50 scripts of 100 steps.
Status ValidateFieldBook(const FieldBook& book);

// Strict JSON (unknown members are errors), validated. kInvalidArgument naming the member.
Result<FieldBook> ParseFieldBook(std::string_view json);
// The book as one JSON object; ParseFieldBook(FieldBookJson(b)) == b for a valid book.
std::string FieldBookJson(const FieldBook& book);

// The step after `step_id` in `script` given the answer (a choice key, or "" for none): the
// branch for the answer, else the step's next; "" at the end or for an unknown step.
std::string NextStep(const Script& script, std::string_view step_id, std::string_view answer);

// Separates the choices of a multiple-choice answer as the log keeps it ("jobs;schools").
inline constexpr char kChoiceSeparator = ';';

// What the book says of a report.
struct BookCheck {
  std::optional<ResultMeaning> meaning;  // nullopt for an empty result
  NamedValues choices;  // (question, choice key) for each choice answered, as universes read them
};

// Checks a report against the book: its result a core or campaign code (an empty result is
// allowed when the report adds answers, support, tags or a note to the visit), every answer
// to a known question with known choices, every tag known. Puts a multiple-choice answer in
// the book's choice order. kInvalidArgument naming the field otherwise.
Result<BookCheck> CheckAgainstBook(ContactReport& report, const FieldBook& book);

// Checks a universe's criteria against the book: every result code in contact.last_result
// a core or campaign one, every answer rule on a choice question of the book with its
// choices, every tag the book's. kInvalidArgument naming the criterion otherwise, so a
// misspelt answer never silently empties a universe.
Status CheckCriteriaAgainstBook(const UniverseCriteria& criteria, const FieldBook& book);

}  // namespace narwhal

#endif  // NARWHAL_DOMAIN_FIELD_BOOK_H_

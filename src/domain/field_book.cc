#include "domain/field_book.h"

#include <algorithm>
#include <boost/json.hpp>
#include <map>
#include <set>

#include "base/text.h"
#include "domain/json_reader.h"

namespace narwhal {
namespace {

namespace json = boost::json;

constexpr size_t kMaxBookBytes = 1 << 20;
constexpr size_t kMaxCodes = 30;
constexpr size_t kMaxQuestions = 200;
constexpr size_t kMaxChoices = 50;
constexpr size_t kMaxTagDefs = 500;
constexpr size_t kMaxScripts = 50;
constexpr size_t kMaxSteps = 100;
constexpr size_t kMaxLabel = 200;
constexpr size_t kMaxSay = 4000;

Status Bad(const std::string& path, std::string_view what) {
  return InvalidArgument(path + ": " + std::string(what));
}

Status CheckKey(const std::string& path, std::string_view key) {
  if (IsFieldKey(key)) return Status::Ok();
  return Bad(path, "'" + std::string(key.substr(0, 40)) +
                       "' is not a key (1-40 of lower-case letters, digits and '_')");
}

Status CheckText(const std::string& path, std::string_view text, size_t max, bool required) {
  if (required && text.empty()) return Bad(path, "is required");
  if (text.size() > max || !IsValidUtf8(text)) {
    return Bad(path, "over " + std::to_string(max) + " bytes or not UTF-8");
  }
  return Status::Ok();
}

bool IsCode(std::string_view code) {
  return !code.empty() && code.size() <= 8 && std::all_of(code.begin(), code.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  });
}

std::optional<ResultCategory> CategoryFromName(std::string_view name) {
  for (ResultCategory c :
       {ResultCategory::kSuccess, ResultCategory::kRetry, ResultCategory::kSuppress}) {
    if (ResultCategoryName(c) == name) return c;
  }
  return std::nullopt;
}

std::optional<ResultScope> ScopeFromName(std::string_view name) {
  for (ResultScope s : {ResultScope::kPerson, ResultScope::kHousehold, ResultScope::kAddress}) {
    if (ResultScopeName(s) == name) return s;
  }
  return std::nullopt;
}

std::optional<QuestionKind> KindFromName(std::string_view name) {
  for (QuestionKind k : {QuestionKind::kSingle, QuestionKind::kMulti, QuestionKind::kText}) {
    if (QuestionKindName(k) == name) return k;
  }
  return std::nullopt;
}

// True when the steps' graph (next and branches) has a cycle reachable from any step.
bool HasLoop(const Script& script) {
  std::map<std::string_view, size_t> index;
  for (size_t i = 0; i < script.steps.size(); ++i) index[script.steps[i].id] = i;
  enum Mark : uint8_t { kNew, kOpen, kDone };
  std::vector<Mark> mark(script.steps.size(), kNew);
  // Depth-first, iterative: (step, next edge to look at).
  for (size_t root = 0; root < script.steps.size(); ++root) {
    if (mark[root] != kNew) continue;
    std::vector<std::pair<size_t, size_t>> stack{{root, 0}};
    mark[root] = kOpen;
    while (!stack.empty()) {
      auto& [at, edge] = stack.back();
      const ScriptStep& step = script.steps[at];
      std::string_view target;
      if (edge < step.branches.size()) {
        target = step.branches[edge].second;
      } else if (edge == step.branches.size()) {
        target = step.next;
      } else {
        mark[at] = kDone;
        stack.pop_back();
        continue;
      }
      ++edge;
      auto it = index.find(target);
      if (target.empty() || it == index.end()) continue;
      if (mark[it->second] == kOpen) return true;
      if (mark[it->second] == kNew) {
        mark[it->second] = kOpen;
        stack.emplace_back(it->second, 0);
      }
    }
  }
  return false;
}

Status ValidateScript(const FieldBook& book, const Script& s, const std::string& path) {
  NARWHAL_RETURN_IF_ERROR(CheckKey(path + ".key", s.key));
  NARWHAL_RETURN_IF_ERROR(CheckText(path + ".title", s.title, kMaxLabel, true));
  if (s.steps.empty() || s.steps.size() > kMaxSteps) {
    return Bad(path + ".steps", "a script has 1 to 100 steps");
  }
  std::set<std::string_view> ids;
  for (const ScriptStep& step : s.steps) ids.insert(step.id);
  std::set<std::string_view> seen;
  for (size_t i = 0; i < s.steps.size(); ++i) {
    const ScriptStep& step = s.steps[i];
    const std::string at = path + ".steps[" + std::to_string(i) + "]";
    NARWHAL_RETURN_IF_ERROR(CheckKey(at + ".id", step.id));
    if (!seen.insert(step.id).second) return Bad(at + ".id", "'" + step.id + "' is repeated");
    NARWHAL_RETURN_IF_ERROR(CheckText(at + ".say", step.say, kMaxSay, step.question.empty()));
    const SurveyQuestion* q = nullptr;
    if (!step.question.empty()) {
      q = book.Question(step.question);
      if (q == nullptr) return Bad(at + ".question", "no question '" + step.question + "'");
    }
    std::set<std::string_view> branched;
    for (const auto& branch : step.branches) {
      const std::string& choice = branch.first;  // named, not bound: lambdas capture it
      const std::string& target = branch.second;
      if (q == nullptr || q->kind != QuestionKind::kSingle) {
        return Bad(at + ".branches", "only a single-choice question's answers branch");
      }
      const bool known = std::any_of(q->choices.begin(), q->choices.end(),
                                     [&](const Choice& c) { return c.key == choice; });
      if (!known)
        return Bad(at + ".branches", "question '" + q->key + "' has no choice '" + choice + "'");
      if (!branched.insert(choice).second) {
        return Bad(at + ".branches", "choice '" + choice + "' branches twice");
      }
      if (!ids.contains(target)) return Bad(at + ".branches", "no step '" + target + "'");
    }
    if (!step.next.empty() && !ids.contains(step.next)) {
      return Bad(at + ".next", "no step '" + step.next + "'");
    }
  }
  if (HasLoop(s)) return Bad(path + ".steps", "the steps can loop; a script must end");
  return Status::Ok();
}

// The choices of a multiple-choice answer, split on kChoiceSeparator.
std::vector<std::string_view> SplitChoices(std::string_view answer) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    const size_t end = answer.find(kChoiceSeparator, start);
    out.push_back(answer.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return out;
    start = end + 1;
  }
}

json::array Strings(const std::vector<std::string>& values) {
  json::array a;
  for (const std::string& v : values) a.emplace_back(v);
  return a;
}

Status ReadBook(const json::object& root, FieldBook& book) {
  JsonReader r(root, "field_book");
  NARWHAL_RETURN_IF_ERROR(r.CheckOnly({"result_codes", "questions", "tags", "scripts"}));
  NARWHAL_RETURN_IF_ERROR(r.Objects("result_codes", [&](const JsonReader& c) -> Status {
    NARWHAL_RETURN_IF_ERROR(c.CheckOnly({"code", "name", "category", "scope"}));
    CampaignResultCode code;
    std::string category, scope;
    NARWHAL_RETURN_IF_ERROR(c.String("code", code.code));
    NARWHAL_RETURN_IF_ERROR(c.String("name", code.name));
    NARWHAL_RETURN_IF_ERROR(c.String("category", category));
    NARWHAL_RETURN_IF_ERROR(c.String("scope", scope));
    std::optional<ResultCategory> cat = CategoryFromName(category);
    if (!cat) return c.Error("category", "expected success, retry or suppress");
    std::optional<ResultScope> sc = scope.empty() ? ResultScope::kPerson : ScopeFromName(scope);
    if (!sc) return c.Error("scope", "expected person, household or address");
    code.category = *cat;
    code.scope = *sc;
    book.result_codes.push_back(std::move(code));
    return Status::Ok();
  }));
  NARWHAL_RETURN_IF_ERROR(r.Objects("questions", [&](const JsonReader& q) -> Status {
    NARWHAL_RETURN_IF_ERROR(q.CheckOnly({"key", "short_name", "text", "kind", "choices"}));
    SurveyQuestion question;
    std::string kind;
    NARWHAL_RETURN_IF_ERROR(q.String("key", question.key));
    NARWHAL_RETURN_IF_ERROR(q.String("short_name", question.short_name));
    NARWHAL_RETURN_IF_ERROR(q.String("text", question.text));
    NARWHAL_RETURN_IF_ERROR(q.String("kind", kind));
    std::optional<QuestionKind> k = kind.empty() ? QuestionKind::kSingle : KindFromName(kind);
    if (!k) return q.Error("kind", "expected single, multi or text");
    question.kind = *k;
    NARWHAL_RETURN_IF_ERROR(q.Objects("choices", [&](const JsonReader& c) -> Status {
      NARWHAL_RETURN_IF_ERROR(c.CheckOnly({"key", "label"}));
      Choice choice;
      NARWHAL_RETURN_IF_ERROR(c.String("key", choice.key));
      NARWHAL_RETURN_IF_ERROR(c.String("label", choice.label));
      question.choices.push_back(std::move(choice));
      return Status::Ok();
    }));
    book.questions.push_back(std::move(question));
    return Status::Ok();
  }));
  NARWHAL_RETURN_IF_ERROR(r.Objects("tags", [&](const JsonReader& t) -> Status {
    NARWHAL_RETURN_IF_ERROR(t.CheckOnly({"key", "label"}));
    TagDef tag;
    NARWHAL_RETURN_IF_ERROR(t.String("key", tag.key));
    NARWHAL_RETURN_IF_ERROR(t.String("label", tag.label));
    book.tags.push_back(std::move(tag));
    return Status::Ok();
  }));
  return r.Objects("scripts", [&](const JsonReader& s) -> Status {
    NARWHAL_RETURN_IF_ERROR(s.CheckOnly({"key", "title", "channels", "steps"}));
    Script script;
    NARWHAL_RETURN_IF_ERROR(s.String("key", script.key));
    NARWHAL_RETURN_IF_ERROR(s.String("title", script.title));
    std::vector<std::string> channels;
    NARWHAL_RETURN_IF_ERROR(s.Strings("channels", channels));
    for (const std::string& name : channels) {
      std::optional<ContactChannel> c = ContactChannelFromName(name);
      if (!c) return s.Error("channels", "unknown channel '" + name + "'");
      script.channels.push_back(*c);
    }
    NARWHAL_RETURN_IF_ERROR(s.Objects("steps", [&](const JsonReader& p) -> Status {
      NARWHAL_RETURN_IF_ERROR(p.CheckOnly({"id", "say", "question", "branches", "next"}));
      ScriptStep step;
      NARWHAL_RETURN_IF_ERROR(p.String("id", step.id));
      NARWHAL_RETURN_IF_ERROR(p.String("say", step.say));
      NARWHAL_RETURN_IF_ERROR(p.String("question", step.question));
      NARWHAL_RETURN_IF_ERROR(p.String("next", step.next));
      NARWHAL_ASSIGN_OR_RETURN(const json::object* branches, p.Object("branches"));
      if (branches != nullptr) {
        for (const auto& member : *branches) {
          if (!member.value().is_string()) {
            return p.Error("branches", "expected choice -> step id, as strings");
          }
          step.branches.emplace_back(std::string(member.key()),
                                     std::string(member.value().as_string()));
        }
      }
      script.steps.push_back(std::move(step));
      return Status::Ok();
    }));
    book.scripts.push_back(std::move(script));
    return Status::Ok();
  });
}

}  // namespace

std::string_view QuestionKindName(QuestionKind kind) {
  switch (kind) {
    case QuestionKind::kSingle: return "single";
    case QuestionKind::kMulti: return "multi";
    case QuestionKind::kText: return "text";
  }
  return "single";
}

const SurveyQuestion* FieldBook::Question(std::string_view key) const {
  for (const SurveyQuestion& q : questions) {
    if (q.key == key) return &q;
  }
  return nullptr;
}

const TagDef* FieldBook::Tag(std::string_view key) const {
  for (const TagDef& t : tags) {
    if (t.key == key) return &t;
  }
  return nullptr;
}

const Script* FieldBook::ScriptFor(ContactChannel channel) const {
  for (const Script& s : scripts) {
    if (std::find(s.channels.begin(), s.channels.end(), channel) != s.channels.end()) return &s;
  }
  return nullptr;
}

std::optional<ResultMeaning> MeaningOf(const FieldBook& book, std::string_view code) {
  if (const ResultCode* core = FindResultCode(code); core != nullptr) {
    return ResultMeaning{std::string(core->name), core->category, core->scope};
  }
  for (const CampaignResultCode& c : book.result_codes) {
    if (c.code == code) return ResultMeaning{c.name, c.category, c.scope};
  }
  return std::nullopt;
}

Status ValidateFieldBook(const FieldBook& book) {
  if (book.result_codes.size() > kMaxCodes) return Bad("result_codes", "more than 30");
  if (book.questions.size() > kMaxQuestions) return Bad("questions", "more than 200");
  if (book.tags.size() > kMaxTagDefs) return Bad("tags", "more than 500");
  if (book.scripts.size() > kMaxScripts) return Bad("scripts", "more than 50");
  std::set<std::string_view> codes;
  for (size_t i = 0; i < book.result_codes.size(); ++i) {
    const CampaignResultCode& c = book.result_codes[i];
    const std::string at = "result_codes[" + std::to_string(i) + "]";
    if (!IsCode(c.code)) return Bad(at + ".code", "1-8 upper-case letters and digits");
    if (FindResultCode(c.code) != nullptr) {
      return Bad(at + ".code", "'" + c.code + "' is a core result code");
    }
    if (!codes.insert(c.code).second) return Bad(at + ".code", "'" + c.code + "' is repeated");
    NARWHAL_RETURN_IF_ERROR(CheckText(at + ".name", c.name, kMaxLabel, true));
  }
  std::set<std::string_view> keys;
  for (size_t i = 0; i < book.questions.size(); ++i) {
    const SurveyQuestion& q = book.questions[i];
    const std::string at = "questions[" + std::to_string(i) + "]";
    NARWHAL_RETURN_IF_ERROR(CheckKey(at + ".key", q.key));
    if (!keys.insert(q.key).second) return Bad(at + ".key", "'" + q.key + "' is repeated");
    NARWHAL_RETURN_IF_ERROR(CheckText(at + ".short_name", q.short_name, 40, true));
    NARWHAL_RETURN_IF_ERROR(CheckText(at + ".text", q.text, kMaxSay, true));
    if (q.kind == QuestionKind::kText) {
      if (!q.choices.empty()) return Bad(at + ".choices", "a text question has no choices");
      continue;
    }
    if (q.choices.size() < 2 || q.choices.size() > kMaxChoices) {
      return Bad(at + ".choices", "a choice question needs 2 to 50 choices");
    }
    std::set<std::string_view> choices;
    for (size_t j = 0; j < q.choices.size(); ++j) {
      const std::string c = at + ".choices[" + std::to_string(j) + "]";
      NARWHAL_RETURN_IF_ERROR(CheckKey(c + ".key", q.choices[j].key));
      if (!choices.insert(q.choices[j].key).second) {
        return Bad(c + ".key", "'" + q.choices[j].key + "' is repeated");
      }
      NARWHAL_RETURN_IF_ERROR(CheckText(c + ".label", q.choices[j].label, kMaxLabel, true));
    }
  }
  std::set<std::string_view> tags;
  for (size_t i = 0; i < book.tags.size(); ++i) {
    const std::string at = "tags[" + std::to_string(i) + "]";
    NARWHAL_RETURN_IF_ERROR(CheckKey(at + ".key", book.tags[i].key));
    if (!tags.insert(book.tags[i].key).second) {
      return Bad(at + ".key", "'" + book.tags[i].key + "' is repeated");
    }
    NARWHAL_RETURN_IF_ERROR(CheckText(at + ".label", book.tags[i].label, kMaxLabel, true));
  }
  std::set<std::string_view> scripts;
  for (size_t i = 0; i < book.scripts.size(); ++i) {
    const std::string at = "scripts[" + std::to_string(i) + "]";
    NARWHAL_RETURN_IF_ERROR(ValidateScript(book, book.scripts[i], at));
    if (!scripts.insert(book.scripts[i].key).second) {
      return Bad(at + ".key", "'" + book.scripts[i].key + "' is repeated");
    }
  }
  return Status::Ok();
}

Result<FieldBook> ParseFieldBook(std::string_view text) {
  if (text.size() > kMaxBookBytes) return InvalidArgument("field_book: larger than 1 MiB");
  json::parse_options options;
  options.max_depth = 10;
  std::error_code ec;
  json::value root = json::parse(text, ec, {}, options);
  if (ec) return InvalidArgument("field_book: not JSON (" + ec.message() + ")");
  if (!root.is_object()) return InvalidArgument("field_book: expected a JSON object");
  FieldBook book;
  NARWHAL_RETURN_IF_ERROR(ReadBook(root.as_object(), book));
  NARWHAL_RETURN_IF_ERROR(ValidateFieldBook(book));
  return book;
}

std::string FieldBookJson(const FieldBook& book) {
  json::array codes;
  for (const CampaignResultCode& c : book.result_codes) {
    codes.push_back(json::object{{"code", c.code},
                                 {"name", c.name},
                                 {"category", ResultCategoryName(c.category)},
                                 {"scope", ResultScopeName(c.scope)}});
  }
  json::array questions;
  for (const SurveyQuestion& q : book.questions) {
    json::object o{{"key", q.key},
                   {"short_name", q.short_name},
                   {"text", q.text},
                   {"kind", QuestionKindName(q.kind)}};
    if (!q.choices.empty()) {
      json::array choices;
      for (const Choice& c : q.choices) {
        choices.push_back(json::object{{"key", c.key}, {"label", c.label}});
      }
      o["choices"] = std::move(choices);
    }
    questions.push_back(std::move(o));
  }
  json::array tags;
  for (const TagDef& t : book.tags)
    tags.push_back(json::object{{"key", t.key}, {"label", t.label}});
  json::array scripts;
  for (const Script& s : book.scripts) {
    std::vector<std::string> channels;
    for (ContactChannel c : s.channels) channels.emplace_back(ContactChannelName(c));
    json::array steps;
    for (const ScriptStep& step : s.steps) {
      json::object o{{"id", step.id}};
      if (!step.say.empty()) o["say"] = step.say;
      if (!step.question.empty()) o["question"] = step.question;
      if (!step.branches.empty()) {
        json::object branches;
        for (const auto& [choice, target] : step.branches) branches[choice] = target;
        o["branches"] = std::move(branches);
      }
      if (!step.next.empty()) o["next"] = step.next;
      steps.push_back(std::move(o));
    }
    scripts.push_back(json::object{{"key", s.key},
                                   {"title", s.title},
                                   {"channels", Strings(channels)},
                                   {"steps", std::move(steps)}});
  }
  return json::serialize(json::object{{"result_codes", std::move(codes)},
                                      {"questions", std::move(questions)},
                                      {"tags", std::move(tags)},
                                      {"scripts", std::move(scripts)}});
}

std::string NextStep(const Script& script, std::string_view step_id, std::string_view answer) {
  for (const ScriptStep& step : script.steps) {
    if (step.id != step_id) continue;
    for (const auto& [choice, target] : step.branches) {
      if (choice == answer) return target;
    }
    return step.next;
  }
  return "";
}

Result<BookCheck> CheckAgainstBook(ContactReport& report, const FieldBook& book) {
  BookCheck check;
  if (!report.result.empty()) {
    check.meaning = MeaningOf(book, report.result);
    if (!check.meaning) {
      return InvalidArgument("result: unknown result code '" + report.result.substr(0, 16) + "'");
    }
  }
  for (auto& [key, answer] : report.answers) {
    const SurveyQuestion* q = book.Question(key);
    if (q == nullptr) return InvalidArgument("answers: no question '" + key.substr(0, 40) + "'");
    if (q->kind == QuestionKind::kText) continue;
    std::vector<std::string_view> given = SplitChoices(answer);
    if (q->kind == QuestionKind::kSingle && given.size() != 1) {
      return InvalidArgument("answers: '" + key + "' takes one choice");
    }
    std::string canonical;
    for (const Choice& c : q->choices) {
      if (std::find(given.begin(), given.end(), c.key) == given.end()) continue;
      if (!canonical.empty()) canonical += kChoiceSeparator;
      canonical += c.key;
      check.choices.emplace_back(key, c.key);
    }
    for (std::string_view g : given) {
      const bool known = std::any_of(q->choices.begin(), q->choices.end(),
                                     [&](const Choice& c) { return c.key == g; });
      if (!known) {
        return InvalidArgument("answers: '" + key + "' has no choice '" +
                               std::string(g.substr(0, 40)) + "'");
      }
    }
    answer = std::move(canonical);
  }
  for (const std::string& tag : report.tags) {
    if (book.Tag(tag) == nullptr) return InvalidArgument("tags: no tag '" + tag + "'");
  }
  return check;
}

Status CheckCriteriaAgainstBook(const UniverseCriteria& criteria, const FieldBook& book) {
  if (criteria.contact) {
    for (const std::string& code : criteria.contact->last_results) {
      if (!MeaningOf(book, code)) {
        return InvalidArgument("criteria.contact.last_result: unknown result code '" + code + "'");
      }
    }
  }
  for (const AnswerRule& rule : criteria.answers) {
    const SurveyQuestion* q = book.Question(rule.question);
    if (q == nullptr) {
      return InvalidArgument("criteria.answers: no question '" + rule.question + "'");
    }
    if (q->kind == QuestionKind::kText) {
      return InvalidArgument("criteria.answers: '" + rule.question +
                             "' is a text question; only choices can be selected on");
    }
    for (const std::string& choice : rule.any) {
      const bool known = std::any_of(q->choices.begin(), q->choices.end(),
                                     [&](const Choice& c) { return c.key == choice; });
      if (!known) {
        return InvalidArgument("criteria.answers: '" + rule.question + "' has no choice '" +
                               choice + "'");
      }
    }
  }
  for (const std::string& tag : criteria.tags) {
    if (book.Tag(tag) == nullptr) return InvalidArgument("criteria.tags: no tag '" + tag + "'");
  }
  return Status::Ok();
}

}  // namespace narwhal

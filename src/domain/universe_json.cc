#include "domain/universe_json.h"

#include <tuple>
#include <utility>

#include "domain/json_reader.h"

namespace narwhal {
namespace {

namespace json = boost::json;

constexpr size_t kMaxCriteriaBytes = 256 << 10;

using Reader = JsonReader;
constexpr std::string_view kNotCriterion = "is not a criterion";

Status ReadScore(const Reader& r, std::string_view name, std::optional<ScoreRange>& out) {
  NARWHAL_ASSIGN_OR_RETURN(const json::object* o, r.Object(name));
  if (o == nullptr) return Status::Ok();
  Reader s(*o, r.Path(name), kNotCriterion);
  NARWHAL_RETURN_IF_ERROR(s.CheckOnly({"min", "max"}));
  std::optional<int> min, max;
  NARWHAL_RETURN_IF_ERROR(s.Int("min", min));
  NARWHAL_RETURN_IF_ERROR(s.Int("max", max));
  out = ScoreRange{min.value_or(-1), max.value_or(-1)};
  return Status::Ok();
}

Status ReadCriteria(const json::object& root, int default_year, UniverseCriteria& c) {
  Reader r(root, "criteria", kNotCriterion);
  NARWHAL_RETURN_IF_ERROR(
      r.CheckOnly({"counties", "precincts", "districts", "parties", "statuses", "genders", "age",
                   "registered", "vote_history", "support", "turnout", "election_day", "has_phone",
                   "contact", "answers", "tags"}));
  NARWHAL_RETURN_IF_ERROR(r.Strings("counties", c.counties));
  NARWHAL_RETURN_IF_ERROR(r.Strings("parties", c.parties));
  NARWHAL_RETURN_IF_ERROR(r.Strings("genders", c.genders));
  for (const auto& [field, pairs, first, second] :
       {std::tuple{"precincts", 0, "county", "precinct"},
        std::tuple{"districts", 1, "name", "value"}}) {
    const json::value* list = r.Find(field);
    if (list == nullptr) continue;
    if (!list->is_array()) return r.Error(field, "expected an array of objects");
    for (const json::value& item : list->as_array()) {
      if (!item.is_object()) return r.Error(field, "expected an array of objects");
      Reader p(item.as_object(), r.Path(field), kNotCriterion);
      NARWHAL_RETURN_IF_ERROR(p.CheckOnly({first, second}));
      std::string a, b;
      NARWHAL_RETURN_IF_ERROR(p.String(first, a));
      NARWHAL_RETURN_IF_ERROR(p.String(second, b));
      if (a.empty() || b.empty()) {
        return r.Error(field, "each needs " + std::string(first) + " and " + std::string(second));
      }
      if (pairs == 0) {
        c.precincts.push_back({std::move(a), std::move(b)});
      } else {
        c.districts.emplace_back(std::move(a), std::move(b));
      }
    }
  }
  std::vector<std::string> statuses;
  NARWHAL_RETURN_IF_ERROR(r.Strings("statuses", statuses));
  for (const std::string& s : statuses) {
    const VoterStatus status = VoterStatusFromName(s);
    if (status == VoterStatus::kUnknown) return r.Error("statuses", "unknown status '" + s + "'");
    c.statuses.push_back(status);
  }
  NARWHAL_ASSIGN_OR_RETURN(const json::object* age, r.Object("age"));
  if (age != nullptr) {
    Reader a(*age, r.Path("age"), kNotCriterion);
    NARWHAL_RETURN_IF_ERROR(a.CheckOnly({"min", "max", "as_of_year"}));
    NARWHAL_RETURN_IF_ERROR(a.Int("min", c.min_age));
    NARWHAL_RETURN_IF_ERROR(a.Int("max", c.max_age));
    std::optional<int> year;
    NARWHAL_RETURN_IF_ERROR(a.Int("as_of_year", year));
    if (c.min_age || c.max_age) c.as_of_year = year.value_or(default_year);
  }
  NARWHAL_ASSIGN_OR_RETURN(const json::object* registered, r.Object("registered"));
  if (registered != nullptr) {
    Reader g(*registered, r.Path("registered"), kNotCriterion);
    NARWHAL_RETURN_IF_ERROR(g.CheckOnly({"after", "before"}));
    NARWHAL_RETURN_IF_ERROR(g.String("after", c.registered_after));
    NARWHAL_RETURN_IF_ERROR(g.String("before", c.registered_before));
  }
  NARWHAL_ASSIGN_OR_RETURN(const json::object* history, r.Object("vote_history"));
  if (history != nullptr) {
    Reader h(*history, r.Path("vote_history"), kNotCriterion);
    NARWHAL_RETURN_IF_ERROR(h.CheckOnly({"kind", "last", "elections", "min", "max"}));
    VoteHistoryRule rule;
    std::string kind;
    NARWHAL_RETURN_IF_ERROR(h.String("kind", kind));
    if (!kind.empty() && kind != "any") {
      rule.kind = ElectionKindFromName(kind);
      if (!rule.kind) {
        return h.Error("kind", "expected general, primary, municipal, other or any");
      }
    }
    std::optional<int> last, min, max;
    NARWHAL_RETURN_IF_ERROR(h.Int("last", last));
    NARWHAL_RETURN_IF_ERROR(h.Int("min", min));
    NARWHAL_RETURN_IF_ERROR(h.Int("max", max));
    NARWHAL_RETURN_IF_ERROR(h.Strings("elections", rule.dates));
    if (last && !rule.dates.empty()) return h.Error("last", "goes with kind, not with elections");
    rule.last = last.value_or(rule.last);
    rule.min = min.value_or(rule.min);
    rule.max = max.value_or(-1);
    c.history = std::move(rule);
  }
  NARWHAL_RETURN_IF_ERROR(ReadScore(r, "support", c.support));
  NARWHAL_RETURN_IF_ERROR(ReadScore(r, "turnout", c.turnout));
  NARWHAL_ASSIGN_OR_RETURN(const json::object* day, r.Object("election_day"));
  if (day != nullptr) {
    Reader d(*day, r.Path("election_day"), kNotCriterion);
    NARWHAL_RETURN_IF_ERROR(d.CheckOnly({"election", "voted"}));
    NARWHAL_RETURN_IF_ERROR(d.String("election", c.election));
    if (c.election.empty()) return d.Error("election", "is required");
    std::optional<bool> voted;
    NARWHAL_RETURN_IF_ERROR(d.Bool("voted", voted));
    c.voted = voted.value_or(false);
  }
  NARWHAL_RETURN_IF_ERROR(r.Bool("has_phone", c.has_phone));
  NARWHAL_ASSIGN_OR_RETURN(const json::object* contact, r.Object("contact"));
  if (contact != nullptr) {
    Reader k(*contact, r.Path("contact"), kNotCriterion);
    NARWHAL_RETURN_IF_ERROR(k.CheckOnly({"ever", "last_result", "support", "since"}));
    ContactRule rule;
    NARWHAL_RETURN_IF_ERROR(k.Bool("ever", rule.ever));
    NARWHAL_RETURN_IF_ERROR(k.Strings("last_result", rule.last_results));
    std::optional<ScoreRange> support;
    NARWHAL_RETURN_IF_ERROR(ReadScore(k, "support", support));
    if (support) {
      if (support->min < 0 && support->max < 0) {
        return k.Error("support", "needs a min or a max");
      }
      rule.support = *support;
    }
    NARWHAL_RETURN_IF_ERROR(k.String("since", rule.since));
    c.contact = std::move(rule);
  }
  NARWHAL_RETURN_IF_ERROR(r.Objects("answers", [&](const Reader& a) -> Status {
    NARWHAL_RETURN_IF_ERROR(a.CheckOnly({"question", "any"}));
    AnswerRule rule;
    NARWHAL_RETURN_IF_ERROR(a.String("question", rule.question));
    NARWHAL_RETURN_IF_ERROR(a.Strings("any", rule.any));
    c.answers.push_back(std::move(rule));
    return Status::Ok();
  }));
  return r.Strings("tags", c.tags);
}

json::array StringArray(const std::vector<std::string>& values) {
  json::array a;
  for (const std::string& v : values) a.emplace_back(v);
  return a;
}

json::object Range(const ScoreRange& range) {
  json::object o;
  if (range.min >= 0) o["min"] = range.min;
  if (range.max >= 0) o["max"] = range.max;
  return o;
}

}  // namespace

Result<UniverseCriteria> ParseUniverseCriteria(std::string_view text, int default_year) {
  if (text.size() > kMaxCriteriaBytes) return InvalidArgument("criteria: larger than 256 KiB");
  json::parse_options options;
  options.max_depth = 8;
  std::error_code ec;
  json::value root = json::parse(text, ec, {}, options);
  if (ec) return InvalidArgument("criteria: not JSON (" + ec.message() + ")");
  if (!root.is_object()) return InvalidArgument("criteria: expected a JSON object");
  UniverseCriteria c;
  NARWHAL_RETURN_IF_ERROR(ReadCriteria(root.as_object(), default_year, c));
  NARWHAL_RETURN_IF_ERROR(ValidateUniverseCriteria(c));
  return c;
}

std::string UniverseCriteriaJson(const UniverseCriteria& c) {
  json::object o;
  if (!c.counties.empty()) o["counties"] = StringArray(c.counties);
  if (!c.precincts.empty()) {
    json::array a;
    for (const PrecinctKey& p : c.precincts) {
      a.push_back(json::object{{"county", p.county}, {"precinct", p.precinct}});
    }
    o["precincts"] = std::move(a);
  }
  if (!c.districts.empty()) {
    json::array a;
    for (const auto& [name, value] : c.districts) {
      a.push_back(json::object{{"name", name}, {"value", value}});
    }
    o["districts"] = std::move(a);
  }
  if (!c.parties.empty()) o["parties"] = StringArray(c.parties);
  if (!c.statuses.empty()) {
    json::array a;
    for (VoterStatus s : c.statuses) a.emplace_back(VoterStatusName(s));
    o["statuses"] = std::move(a);
  }
  if (!c.genders.empty()) o["genders"] = StringArray(c.genders);
  if (c.min_age || c.max_age) {
    json::object age;
    if (c.min_age) age["min"] = *c.min_age;
    if (c.max_age) age["max"] = *c.max_age;
    age["as_of_year"] = c.as_of_year;
    o["age"] = std::move(age);
  }
  if (!c.registered_after.empty() || !c.registered_before.empty()) {
    json::object g;
    if (!c.registered_after.empty()) g["after"] = c.registered_after;
    if (!c.registered_before.empty()) g["before"] = c.registered_before;
    o["registered"] = std::move(g);
  }
  if (c.history) {
    json::object h;
    h["kind"] = c.history->kind ? ElectionKindName(*c.history->kind) : "any";
    if (c.history->dates.empty()) {
      h["last"] = c.history->last;
    } else {
      h["elections"] = StringArray(c.history->dates);
    }
    h["min"] = c.history->min;
    if (c.history->max >= 0) h["max"] = c.history->max;
    o["vote_history"] = std::move(h);
  }
  if (c.support) o["support"] = Range(*c.support);
  if (c.turnout) o["turnout"] = Range(*c.turnout);
  if (!c.election.empty()) {
    o["election_day"] = json::object{{"election", c.election}, {"voted", c.voted}};
  }
  if (c.has_phone) o["has_phone"] = *c.has_phone;
  if (c.contact) {
    json::object k;
    if (c.contact->ever) k["ever"] = *c.contact->ever;
    if (!c.contact->last_results.empty()) k["last_result"] = StringArray(c.contact->last_results);
    if (c.contact->support.min >= 0 || c.contact->support.max >= 0) {
      k["support"] = Range(c.contact->support);
    }
    if (!c.contact->since.empty()) k["since"] = c.contact->since;
    o["contact"] = std::move(k);
  }
  if (!c.answers.empty()) {
    json::array a;
    for (const AnswerRule& rule : c.answers) {
      a.push_back(json::object{{"question", rule.question}, {"any", StringArray(rule.any)}});
    }
    o["answers"] = std::move(a);
  }
  if (!c.tags.empty()) o["tags"] = StringArray(c.tags);
  return json::serialize(o);
}

}  // namespace narwhal

// narwhal universe ..., narwhal list ... (docs/field.md, "Universes").
#include <fmt/core.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "base/clock.h"
#include "base/text.h"
#include "cli/commands.h"
#include "domain/field_book.h"
#include "domain/universe_json.h"
#include "storage/contact_store.h"
#include "storage/universe_store.h"

namespace narwhal {
namespace {

namespace json = boost::json;

int CurrentYear() {
  return static_cast<int>(std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(
                                                          std::chrono::system_clock::now()))
                              .year());
}

json::array Strings(const std::vector<std::string>& values) {
  json::array a;
  for (const std::string& v : values) a.emplace_back(v);
  return a;
}

// A "LEFT<sep>RIGHT" flag value split in two, both non-empty.
Result<std::pair<std::string, std::string>> SplitPair(std::string_view flag, std::string_view value,
                                                      char sep) {
  const size_t at = value.find(sep);
  if (at == std::string_view::npos || at == 0 || at + 1 == value.size()) {
    return InvalidArgument(std::string(flag) + ": expected " +
                           (sep == ':' ? "COUNTY:PRECINCT" : "NAME=VALUE") + ", got '" +
                           std::string(value) + "'");
  }
  return std::pair{std::string(value.substr(0, at)), std::string(value.substr(at + 1))};
}

Result<int64_t> Whole(std::string_view flag, std::string_view text) {
  long long n = 0;
  if (!ParseInt64(text, n)) {
    return InvalidArgument(std::string(flag) + ": '" + std::string(text) + "' is not a number");
  }
  return static_cast<int64_t>(n);
}

// --voted KIND:MIN/LAST or MIN/LAST.
Result<json::object> VotedRule(std::string_view text) {
  std::string kind = "any";
  std::string_view rest = text;
  if (const size_t colon = text.find(':'); colon != std::string_view::npos) {
    kind = std::string(text.substr(0, colon));
    rest = text.substr(colon + 1);
  }
  const size_t slash = rest.find('/');
  if (slash == std::string_view::npos) {
    return InvalidArgument("--voted: expected KIND:MIN/LAST (general:2/4), got '" +
                           std::string(text) + "'");
  }
  NARWHAL_ASSIGN_OR_RETURN(int64_t min, Whole("--voted", rest.substr(0, slash)));
  NARWHAL_ASSIGN_OR_RETURN(int64_t last, Whole("--voted", rest.substr(slash + 1)));
  return json::object{{"kind", kind}, {"min", min}, {"last", last}};
}

json::object Range(const std::optional<int>& min, const std::optional<int>& max) {
  json::object o;
  if (min) o["min"] = *min;
  if (max) o["max"] = *max;
  return o;
}

Result<UniverseCriteria> CriteriaOf(const CriteriaFlags& flags) {
  NARWHAL_ASSIGN_OR_RETURN(std::string text, CriteriaJsonFromFlags(flags));
  return ParseUniverseCriteria(text, CurrentYear());
}

// Opens the store's universes; prints why not and returns the exit code otherwise.
using Opened = OpenedPart<UniverseStore>;
Opened OpenUniverses(const CommonArgs& common, std::string_view command) {
  return OpenStorePart(common, command, &Store::Universes, "universes");
}

// kInvalidArgument when the criteria name codes, questions, choices or tags the store's
// field book does not have.
Status CheckAgainstFieldBook(Store& store, const UniverseCriteria& criteria) {
  ContactStore* log = store.Contacts();
  if (log == nullptr) return Status::Ok();
  NARWHAL_ASSIGN_OR_RETURN(SavedFieldBook book, log->CurrentFieldBook());
  return CheckCriteriaAgainstBook(criteria, book.book);
}

void PrintCount(const UniverseCount& count, double ms) {
  fmt::print("{} voters", count.voters);
  std::string parties;
  for (const auto& [party, n] : count.by_party) {
    parties +=
        fmt::format("{}{} {}", parties.empty() ? "" : ", ", party.empty() ? "(none)" : party, n);
  }
  if (!parties.empty()) fmt::print(" ({})", parties);
  fmt::print("\n");
  if (!count.elections.empty()) {
    std::string dates;
    for (const std::string& d : count.elections) dates += (dates.empty() ? "" : ", ") + d;
    fmt::print("vote history counted over: {}\n", dates);
  }
  if (ms > 0) fmt::print(stderr, "counted in {:.0f} ms\n", ms);
}

json::object CountJson(const UniverseCount& count) {
  json::array parties;
  for (const auto& [party, n] : count.by_party)
    parties.push_back({{"party", party}, {"voters", n}});
  return {{"voters", count.voters}, {"by_party", parties}, {"elections", Strings(count.elections)}};
}

}  // namespace

Result<std::string> CriteriaJsonFromFlags(const CriteriaFlags& flags) {
  json::object o;
  if (!flags.criteria_json.empty()) {
    std::string text = flags.criteria_json;
    if (text[0] == '@') {
      std::ifstream in(text.substr(1), std::ios::binary);
      if (!in) return InvalidArgument("--criteria: cannot read " + text.substr(1));
      std::stringstream all;
      all << in.rdbuf();
      text = all.str();
    }
    std::error_code ec;
    json::value v = json::parse(text, ec);
    if (ec || !v.is_object()) return InvalidArgument("--criteria: not a JSON object");
    o = std::move(v.as_object());
  }
  auto add_list = [&](std::string_view key, const std::vector<std::string>& values) {
    if (values.empty()) return;
    json::array& a = o[key].is_array() ? o[key].as_array() : o[key].emplace_array();
    for (const std::string& v : values) a.emplace_back(v);
  };
  add_list("counties", flags.counties);
  add_list("parties", flags.parties);
  add_list("statuses", flags.statuses);
  add_list("genders", flags.genders);
  for (const auto& [flag, key, values, sep, first, second] :
       {std::tuple{"--precinct", "precincts", &flags.precincts, ':', "county", "precinct"},
        std::tuple{"--district", "districts", &flags.districts, '=', "name", "value"}}) {
    for (const std::string& value : *values) {
      NARWHAL_ASSIGN_OR_RETURN(auto pair, SplitPair(flag, value, sep));
      json::array& a = o[key].is_array() ? o[key].as_array() : o[key].emplace_array();
      a.push_back(json::object{{first, pair.first}, {second, pair.second}});
    }
  }
  if (flags.min_age || flags.max_age) o["age"] = Range(flags.min_age, flags.max_age);
  if (!flags.voted.empty()) {
    NARWHAL_ASSIGN_OR_RETURN(json::object rule, VotedRule(flags.voted));
    o["vote_history"] = std::move(rule);
  }
  if (flags.support_min || flags.support_max) {
    o["support"] = Range(flags.support_min, flags.support_max);
  }
  if (flags.turnout_min || flags.turnout_max) {
    o["turnout"] = Range(flags.turnout_min, flags.turnout_max);
  }
  if (!flags.registered_after.empty() || !flags.registered_before.empty()) {
    json::object r;
    if (!flags.registered_after.empty()) r["after"] = flags.registered_after;
    if (!flags.registered_before.empty()) r["before"] = flags.registered_before;
    o["registered"] = std::move(r);
  }
  if (!flags.not_voted_in.empty()) {
    o["election_day"] = json::object{{"election", flags.not_voted_in}, {"voted", false}};
  }
  if (flags.has_phone) o["has_phone"] = true;
  if (flags.contacted || flags.not_contacted || !flags.last_results.empty() ||
      flags.support_id_min || flags.support_id_max || !flags.contacted_since.empty()) {
    if (flags.contacted && flags.not_contacted) {
      return InvalidArgument("--contacted and --not-contacted contradict each other");
    }
    json::object& k =
        o["contact"].is_object() ? o["contact"].as_object() : o["contact"].emplace_object();
    if (flags.contacted || flags.not_contacted) k["ever"] = flags.contacted;
    if (!flags.last_results.empty()) {
      json::array a;
      for (const std::string& code : flags.last_results) a.emplace_back(code);
      k["last_result"] = std::move(a);
    }
    if (flags.support_id_min || flags.support_id_max) {
      k["support"] = Range(flags.support_id_min, flags.support_id_max);
    }
    if (!flags.contacted_since.empty()) k["since"] = flags.contacted_since;
  }
  for (const std::string& value : flags.answers) {
    NARWHAL_ASSIGN_OR_RETURN(auto pair, SplitPair("--answer", value, '='));
    json::array any;
    for (size_t start = 0; start <= pair.second.size();) {
      const size_t comma = std::min(pair.second.find(',', start), pair.second.size());
      any.emplace_back(pair.second.substr(start, comma - start));
      start = comma + 1;
    }
    json::array& a =
        o["answers"].is_array() ? o["answers"].as_array() : o["answers"].emplace_array();
    a.push_back(json::object{{"question", pair.first}, {"any", std::move(any)}});
  }
  add_list("tags", flags.tags);
  return json::serialize(o);
}

int RunUniverseElections(const UniverseArgs& args) {
  Opened o = OpenUniverses(args.common, "universe elections");
  if (o.part == nullptr) return o.exit_code;
  Result<std::vector<ElectionInfo>> elections = o.part->ListElections();
  if (!elections.ok()) return CommandFailed("universe elections", elections.status());
  json::array out;
  for (const ElectionInfo& e : *elections) {
    if (args.json) {
      out.push_back({{"date", e.date},
                     {"description", e.description},
                     {"kind", ElectionKindName(e.kind)},
                     {"voters", e.voters}});
    } else {
      fmt::print("{}  {:<9}  {:>9} voters  {}\n", e.date, ElectionKindName(e.kind), e.voters,
                 e.description);
    }
  }
  if (args.json) fmt::print("{}\n", json::serialize(json::object{{"elections", out}}));
  return kExitOk;
}

int RunUniverseCount(const UniverseArgs& args) {
  Result<UniverseCriteria> criteria = CriteriaOf(args.criteria);
  if (!criteria.ok()) return CommandFailed("universe count", criteria.status());
  Opened o = OpenUniverses(args.common, "universe count");
  if (o.part == nullptr) return o.exit_code;
  if (Status st = CheckAgainstFieldBook(*o.store, *criteria); !st.ok()) {
    return CommandFailed("universe count", st);
  }
  const auto started = std::chrono::steady_clock::now();
  Result<UniverseCount> count = o.part->CountUniverse(*criteria);
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  if (!count.ok()) return CommandFailed("universe count", count.status());
  if (args.json) {
    json::object out = CountJson(*count);
    out["criteria"] = json::parse(UniverseCriteriaJson(*criteria));
    out["ms"] = ms;
    fmt::print("{}\n", json::serialize(out));
  } else {
    PrintCount(*count, ms);
  }
  return kExitOk;
}

int RunUniverseSave(const UniverseArgs& args) {
  SystemClock clock;
  Result<UniverseCriteria> criteria = CriteriaOf(args.criteria);
  if (!criteria.ok()) return CommandFailed("universe save", criteria.status());
  Opened o = OpenUniverses(args.common, "universe save");
  if (o.part == nullptr) return o.exit_code;
  if (Status st = CheckAgainstFieldBook(*o.store, *criteria); !st.ok()) {
    return CommandFailed("universe save", st);
  }
  Result<Universe> saved = o.part->SaveUniverse(
      {args.name, args.description, *criteria, 0, std::chrono::system_clock::now()});
  if (!saved.ok()) return CommandFailed("universe save", saved.status());
  Result<UniverseCount> count = o.part->CountUniverse(saved->criteria);
  if (!count.ok()) return CommandFailed("universe save", count.status());
  AuditCliAction(*o.store, clock, "universe save", "universe.save", std::to_string(saved->id),
                 json::serialize(json::object{
                     {"name", saved->name},
                     {"criteria", json::parse(UniverseCriteriaJson(saved->criteria))}}));
  fmt::print(stderr, "saved universe {} '{}'\n", saved->id, saved->name);
  fmt::print("{}\n", json::serialize(json::object{
                         {"id", saved->id},
                         {"name", saved->name},
                         {"criteria", json::parse(UniverseCriteriaJson(saved->criteria))},
                         {"count", CountJson(*count)}}));
  return kExitOk;
}

int RunUniverseShow(const UniverseArgs& args) {
  Opened o = OpenUniverses(args.common, "universe show");
  if (o.part == nullptr) return o.exit_code;
  Result<Universe> u = o.part->FindUniverse(args.name);
  if (!u.ok()) return CommandFailed("universe show", u.status());
  Result<UniverseCount> count = o.part->CountUniverse(u->criteria);
  if (!count.ok()) return CommandFailed("universe show", count.status());
  Result<std::vector<VoterList>> lists = o.part->ListsOf(u->id);
  if (!lists.ok()) return CommandFailed("universe show", lists.status());
  fmt::print("universe {} '{}': {}\n", u->id, u->name, UniverseCriteriaJson(u->criteria));
  if (!u->description.empty()) fmt::print("{}\n", u->description);
  PrintCount(*count, 0);
  for (const VoterList& l : *lists) {
    fmt::print("list {}: {} voters, made {}{}\n", l.id, l.voters, l.created_at,
               l.election.empty() ? "" : ", drops who voted on " + l.election);
  }
  return kExitOk;
}

int RunUniverseList(const UniverseArgs& args) {
  Opened o = OpenUniverses(args.common, "universe list");
  if (o.part == nullptr) return o.exit_code;
  Result<std::vector<Universe>> all = o.part->ListUniverses();
  if (!all.ok()) return CommandFailed("universe list", all.status());
  for (const Universe& u : *all) {
    fmt::print("{:>4}  {:<30}  {}\n", u.id, u.name, UniverseCriteriaJson(u.criteria));
  }
  return kExitOk;
}

int RunListMake(const UniverseArgs& args) {
  SystemClock clock;
  Opened o = OpenUniverses(args.common, "list make");
  if (o.part == nullptr) return o.exit_code;
  Result<Universe> u = o.part->FindUniverse(args.name);
  if (!u.ok()) return CommandFailed("list make", u.status());
  const auto started = std::chrono::steady_clock::now();
  Result<VoterList> made = o.part->MakeList(
      {u->id, args.election, args.idempotency_key, 0, std::chrono::system_clock::now()});
  if (!made.ok()) return CommandFailed("list make", made.status());
  const double s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  AuditCliAction(*o.store, clock, "list make", "list.create", std::to_string(made->id),
                 json::serialize(json::object{{"universe_id", u->id}, {"voters", made->voters}}));
  fmt::print(stderr, "made list {} of '{}': {} voters in {:.2f} s\n", made->id, u->name,
             made->voters, s);
  fmt::print("{}\n", json::serialize(json::object{{"id", made->id},
                                                  {"universe", u->name},
                                                  {"voters", made->voters},
                                                  {"election", made->election}}));
  return kExitOk;
}

int RunListVoters(const UniverseArgs& args) {
  Opened o = OpenUniverses(args.common, "list voters");
  if (o.part == nullptr) return o.exit_code;
  Result<ListVotersPage> page = o.part->ListVoters({args.list_id, args.limit, args.cursor});
  if (!page.ok()) return CommandFailed("list voters", page.status());
  // Names and addresses: the read is on the record, as a page read over HTTP is.
  json::array ids;
  for (const VoterSummary& v : page->voters) ids.emplace_back(v.voter_id);
  AuditCliAction(*o.store, SystemClock(), "list voters", "list.read", std::to_string(args.list_id),
                 json::serialize(json::object{{"count", static_cast<int64_t>(page->voters.size())},
                                              {"voter_ids", ids}}));
  for (const VoterSummary& v : page->voters) {
    fmt::print("{}\t{}, {}\t{}\t{}/{}\t{}\n", v.voter_id, v.last_name, v.first_name, v.party,
               v.county, v.precinct, v.street);
  }
  fmt::print(stderr,
             "{} voters; dropped since the list was made: {} voted, {} moved, {} removed, {} "
             "not to be contacted{}\n",
             page->voters.size(), page->dropped_voted, page->dropped_moved, page->dropped_removed,
             page->dropped_suppressed,
             page->next_cursor.empty() ? "" : "; next page: --cursor " + page->next_cursor);
  return kExitOk;
}

}  // namespace narwhal

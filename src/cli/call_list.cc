// narwhal call-list make | show | assign: phone banks' call lists (storage/call_store.h)
// from the command line, as organizers make them over HTTP (http/call_api.h).
#include <fmt/core.h>

#include <boost/json.hpp>
#include <chrono>

#include "base/clock.h"
#include "cli/commands.h"
#include "domain/calling_hours.h"
#include "http/call_api.h"
#include "storage/call_store.h"

namespace narwhal {
namespace {

namespace json = boost::json;

OpenedPart<CallStore> OpenCalls(const CommonArgs& common, std::string_view command) {
  return OpenStorePart(common, command, &Store::Calls, "call lists");
}

int64_t NowMs() {
  return UnixMillis(std::chrono::system_clock::now());
}

void PrintList(const CallList& l) {
  fmt::print("{:>4}  {:<30}  list {:<5} {}-{}  {} people, {} done, {} held, {} waiting\n", l.id,
             l.name, l.voter_list_id, FormatClockMinute(l.window.from_minute),
             FormatClockMinute(l.window.until_minute), l.people, l.done, l.held, l.waiting);
}

}  // namespace

int RunCallListMake(const CallListArgs& args) {
  constexpr std::string_view kCommand = "call-list make";
  NewCallList list;
  list.name = args.name;
  list.voter_list_id = args.list_id;
  list.script = args.script;
  for (auto [text, minute] : {std::pair{&args.from, &list.window.from_minute},
                              std::pair{&args.until, &list.window.until_minute}}) {
    if (text->empty()) continue;
    Result<int> m = ParseClockMinute(*text);
    if (!m.ok()) return CommandFailed(kCommand, m.status());
    *minute = *m;
  }
  OpenedPart<CallStore> o = OpenCalls(args.common, kCommand);
  if (o.part == nullptr) return o.exit_code;
  list.at_ms = NowMs();
  Result<CallList> made = o.part->CreateCallList(list);
  if (!made.ok()) return CommandFailed(kCommand, made.status());
  AuditCliAction(*o.store, SystemClock(), kCommand, "call_list.create", std::to_string(made->id),
                 json::serialize(json::object{{"voter_list_id", made->voter_list_id},
                                              {"people", made->people}}));
  fmt::print("{}\n", json::serialize(CallListJson(*made)));
  return kExitOk;
}

int RunCallListShow(const CallListArgs& args) {
  constexpr std::string_view kCommand = "call-list show";
  OpenedPart<CallStore> o = OpenCalls(args.common, kCommand);
  if (o.part == nullptr) return o.exit_code;
  const int64_t now = NowMs();
  if (args.list_id == 0) {
    Result<std::vector<CallList>> all = o.part->ListCallLists(now);
    if (!all.ok()) return CommandFailed(kCommand, all.status());
    json::array out;
    for (const CallList& l : *all) {
      if (args.json) {
        out.push_back(CallListJson(l));
      } else {
        PrintList(l);
      }
    }
    if (args.json) fmt::print("{}\n", json::serialize(json::object{{"call_lists", out}}));
    return kExitOk;
  }
  Result<CallList> list = o.part->GetCallList(args.list_id, now);
  if (!list.ok()) return CommandFailed(kCommand, list.status());
  Result<std::vector<CallZoneCount>> zones = o.part->CallListZones(args.list_id);
  if (!zones.ok()) return CommandFailed(kCommand, zones.status());
  Result<std::vector<int64_t>> callers = o.part->CallersOf(args.list_id);
  if (!callers.ok()) return CommandFailed(kCommand, callers.status());
  json::object out = CallListJson(*list);
  out["zones"] = CallZonesJson(*zones, list->window, now);
  Result<json::object> activity =
      ReadCallActivityJson(*o.store, *o.part, args.list_id, now, out.at("left").as_int64());
  if (!activity.ok()) return CommandFailed(kCommand, activity.status());
  out["activity"] = std::move(*activity);
  out["callers"] = json::array(callers->begin(), callers->end());
  if (args.json) {
    fmt::print("{}\n", json::serialize(out));
    return kExitOk;
  }
  PrintList(*list);
  for (const json::value& z : out["zones"].as_array()) {
    fmt::print("      {:<28} {:>7} left  {} ({} there)\n",
               std::string_view(z.at("label").as_string()), z.at("left").as_int64(),
               z.at("open_now").as_bool() ? "open now" : "closed now",
               std::string_view(z.at("local_time").as_string()));
  }
  const json::object& a = out["activity"].as_object();
  fmt::print(
      "      {} callers holding someone; {} calls in the last {} minutes; {} called, {} reached\n",
      a.at("callers_holding").as_int64(), a.at("calls_finished").as_int64(),
      a.at("minutes").as_int64(), a.at("called").as_int64(), a.at("reached").as_int64());
  for (const json::value& r : a.at("results").as_array()) {
    fmt::print("      {:<4} {:<24} {:>7} people\n", std::string_view(r.at("code").as_string()),
               std::string_view(r.at("name").as_string()), r.at("people").as_int64());
  }
  fmt::print("      callers: {}\n",
             callers->empty() ? "none assigned" : json::serialize(out["callers"]));
  return kExitOk;
}

int RunCallListAssign(const CallListArgs& args) {
  constexpr std::string_view kCommand = "call-list assign";
  OpenedPart<CallStore> o = OpenCalls(args.common, kCommand);
  if (o.part == nullptr) return o.exit_code;
  for (int64_t id : args.users) {
    Result<User> user = o.store->GetUser(id);
    if (!user.ok() || user->role != Role::kPhoneBanker) {
      return CommandFailed(kCommand, "user " + std::to_string(id) + " is not a phone banker",
                           kExitUsage);
    }
  }
  Status st = o.part->SetCallers(args.list_id, args.users);
  if (!st.ok()) return CommandFailed(kCommand, st);
  const json::array ids(args.users.begin(), args.users.end());
  AuditCliAction(*o.store, SystemClock(), kCommand, "call_list.callers",
                 std::to_string(args.list_id), json::serialize(json::object{{"user_ids", ids}}));
  fmt::print("{}\n", json::serialize(json::object{{"list_id", args.list_id}, {"user_ids", ids}}));
  return kExitOk;
}

}  // namespace narwhal

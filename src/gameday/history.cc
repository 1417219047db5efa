#include "gameday/history.h"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <fstream>

namespace narwhal::gameday {
namespace json = boost::json;
namespace {

Result<FaultKind> KindFromName(std::string_view name) {
  for (FaultKind k : {FaultKind::kKill, FaultKind::kPause, FaultKind::kDiskFull}) {
    if (FaultKindName(k) == name) return k;
  }
  return InvalidArgument(fmt::format("unknown fault kind {}", name));
}

Outcome OutcomeFromName(std::string_view name) {
  if (name == "ok") return Outcome::kOk;
  if (name == "unknown") return Outcome::kUnknown;
  return Outcome::kFailed;
}

int64_t Int(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return 0;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64()) return static_cast<int64_t>(v->as_uint64());
  if (v->is_double()) return static_cast<int64_t>(v->as_double());
  return 0;
}
double Double(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return 0;
  if (v->is_double()) return v->as_double();
  return static_cast<double>(Int(o, key));
}
std::string Str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}
bool Bool(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_bool() && v->as_bool();
}
Millis Ms(const json::object& o, std::string_view key) {
  return Millis(Int(o, key));
}

json::object CountsToJson(const std::map<std::string, int64_t>& m) {
  json::object o;
  for (const auto& [k, v] : m) o[k] = v;
  return o;
}
std::map<std::string, int64_t> CountsFromJson(const json::object& o, std::string_view key) {
  std::map<std::string, int64_t> m;
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_object()) return m;
  for (const auto& [k, n] : v->as_object()) {
    m[std::string(k)] = n.is_int64() ? n.as_int64() : static_cast<int64_t>(n.to_number<double>());
  }
  return m;
}

}  // namespace

std::string_view OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kOk: return "ok";
    case Outcome::kFailed: return "failed";
    case Outcome::kUnknown: return "unknown";
  }
  return "?";
}

Result<std::unique_ptr<HistoryWriter>> HistoryWriter::Open(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) return Unavailable(fmt::format("cannot write {}", path));
  return std::unique_ptr<HistoryWriter>(new HistoryWriter(f));
}

HistoryWriter::~HistoryWriter() {
  std::fclose(file_);
}

void HistoryWriter::Line(const std::string& json) {
  std::lock_guard lock(mu_);
  std::fwrite(json.data(), 1, json.size(), file_);
  std::fputc('\n', file_);
  std::fflush(file_);
}

void HistoryWriter::Write(const RunInfo& info, const Timeline& timeline) {
  json::array phases;
  for (const PhaseWindow& p : timeline.phases) {
    phases.push_back(json::object{{"name", p.name},
                                  {"start_ms", p.start.count()},
                                  {"end_ms", p.end.count()},
                                  {"strikes_per_second", p.strikes_per_second},
                                  {"reads_per_second", p.reads_per_second}});
  }
  json::array faults;
  for (const PlannedFault& f : timeline.faults) {
    faults.push_back(json::object{{"id", f.id},
                                  {"phase", f.phase},
                                  {"kind", FaultKindName(f.kind)},
                                  {"target", f.target},
                                  {"start_ms", f.start.count()},
                                  {"heal_ms", f.heal.count()},
                                  {"random", f.random}});
  }
  Line(json::serialize(json::object{{"type", "run"},
                                    {"scenario", info.scenario},
                                    {"seed", info.seed},
                                    {"started_at_ms", info.started_at_ms},
                                    {"git_commit", info.git_commit},
                                    {"version", info.version},
                                    {"host", info.host},
                                    {"scenario_text", info.scenario_text},
                                    {"startup_ms", info.startup_ms},
                                    {"end_ms", timeline.end.count()},
                                    {"phases", std::move(phases)},
                                    {"faults", std::move(faults)}}));
}

void HistoryWriter::Write(const Arrival& a) {
  Line(json::serialize(json::object{{"type", "arrival"},
                                    {"key", a.key},
                                    {"voter", a.voter},
                                    {"precinct", a.precinct},
                                    {"watcher", a.watcher},
                                    {"at_ms", a.at.count()}}));
}

void HistoryWriter::Write(const StrikeRequest& r) {
  json::array keys;
  for (const std::string& k : r.keys) keys.push_back(json::string(k));
  json::array items;
  for (const ItemResult& i : r.items)
    items.push_back(json::array{json::string(i.key), json::string(i.result)});
  Line(json::serialize(json::object{{"type", "strike"},
                                    {"id", r.id},
                                    {"watcher", r.watcher},
                                    {"sent_ms", r.sent.count()},
                                    {"done_ms", r.done.count()},
                                    {"outcome", OutcomeName(r.outcome)},
                                    {"http", r.http_status},
                                    {"error", r.error},
                                    {"keys", std::move(keys)},
                                    {"items", std::move(items)}}));
}

void HistoryWriter::Write(const TurnoutRead& r) {
  Line(json::serialize(json::object{{"type", "read"},
                                    {"id", r.id},
                                    {"reader", r.reader},
                                    {"sent_ms", r.sent.count()},
                                    {"done_ms", r.done.count()},
                                    {"outcome", OutcomeName(r.outcome)},
                                    {"http", r.http_status},
                                    {"error", r.error},
                                    {"voted", CountsToJson(r.voted)},
                                    {"stale_ms", r.stale_ms}}));
}

void HistoryWriter::Write(const FaultRecord& f) {
  Line(json::serialize(json::object{{"type", "fault"},
                                    {"id", f.id},
                                    {"phase", f.phase},
                                    {"kind", FaultKindName(f.kind)},
                                    {"target", f.target},
                                    {"resolved", f.resolved},
                                    {"start_ms", f.start.count()},
                                    {"healed_ms", f.healed.count()},
                                    {"effective", f.effective},
                                    {"proof", f.proof},
                                    {"heal_ok", f.heal_ok},
                                    {"heal_proof", f.heal_proof}}));
}

void HistoryWriter::Write(const FinalState& s) {
  json::object struck;
  for (const auto& [voter, precinct] : s.struck) struck[voter] = precinct;
  Line(json::serialize(json::object{{"type", "final"},
                                    {"struck", std::move(struck)},
                                    {"struck_events", CountsToJson(s.struck_events)},
                                    {"voted", CountsToJson(s.voted)},
                                    {"error", s.error}}));
}

void HistoryWriter::Write(const DriverLag& lag) {
  Line(json::serialize(json::object{
      {"type", "lag"}, {"samples", lag.samples}, {"p99_ms", lag.p99_ms}, {"max_ms", lag.max_ms}}));
}

void HistoryWriter::WriteLeftovers(const std::vector<std::string>& leftovers) {
  json::array a;
  for (const std::string& l : leftovers) a.push_back(json::string(l));
  Line(json::serialize(json::object{{"type", "teardown"}, {"leftovers", std::move(a)}}));
}

void HistoryWriter::WriteAbort(const std::string& reason) {
  Line(json::serialize(json::object{{"type", "abort"}, {"reason", reason}}));
}

Result<History> ReadHistory(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFound(fmt::format("no history at {}", path));
  History h;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty()) continue;
    boost::system::error_code ec;
    json::value v = json::parse(line, ec);
    if (ec || !v.is_object()) {
      return DataLoss(fmt::format("{}:{}: not a JSON object ({})", path, n, ec.message()));
    }
    const json::object& o = v.as_object();
    std::string type = Str(o, "type");
    if (type == "run") {
      h.info.scenario = Str(o, "scenario");
      h.info.seed = static_cast<uint64_t>(Int(o, "seed"));
      h.info.started_at_ms = Int(o, "started_at_ms");
      h.info.git_commit = Str(o, "git_commit");
      h.info.version = Str(o, "version");
      h.info.host = Str(o, "host");
      h.info.scenario_text = Str(o, "scenario_text");
      h.info.startup_ms = Int(o, "startup_ms");
      h.timeline.seed = h.info.seed;
      h.timeline.end = Ms(o, "end_ms");
      if (const json::value* ps = o.if_contains("phases"); ps != nullptr && ps->is_array()) {
        for (const json::value& p : ps->as_array()) {
          const json::object& po = p.as_object();
          h.timeline.phases.push_back({Str(po, "name"), Ms(po, "start_ms"), Ms(po, "end_ms"),
                                       Double(po, "strikes_per_second"),
                                       Double(po, "reads_per_second")});
        }
      }
      if (const json::value* fs = o.if_contains("faults"); fs != nullptr && fs->is_array()) {
        for (const json::value& f : fs->as_array()) {
          const json::object& fo = f.as_object();
          NARWHAL_ASSIGN_OR_RETURN(FaultKind kind, KindFromName(Str(fo, "kind")));
          h.timeline.faults.push_back({static_cast<int>(Int(fo, "id")), Str(fo, "phase"), kind,
                                       Str(fo, "target"), Ms(fo, "start_ms"), Ms(fo, "heal_ms"),
                                       Bool(fo, "random")});
        }
      }
    } else if (type == "arrival") {
      h.arrivals.push_back({Str(o, "key"), Str(o, "voter"), Str(o, "precinct"),
                            static_cast<int>(Int(o, "watcher")), Ms(o, "at_ms")});
    } else if (type == "strike") {
      StrikeRequest r;
      r.id = Int(o, "id");
      r.watcher = static_cast<int>(Int(o, "watcher"));
      r.sent = Ms(o, "sent_ms");
      r.done = Ms(o, "done_ms");
      r.outcome = OutcomeFromName(Str(o, "outcome"));
      r.http_status = static_cast<int>(Int(o, "http"));
      r.error = Str(o, "error");
      if (const json::value* ks = o.if_contains("keys"); ks != nullptr && ks->is_array()) {
        for (const json::value& k : ks->as_array()) r.keys.emplace_back(k.as_string());
      }
      if (const json::value* is = o.if_contains("items"); is != nullptr && is->is_array()) {
        for (const json::value& i : is->as_array()) {
          const json::array& pair = i.as_array();
          r.items.push_back(
              {std::string(pair.at(0).as_string()), std::string(pair.at(1).as_string())});
        }
      }
      h.strikes.push_back(std::move(r));
    } else if (type == "read") {
      TurnoutRead r;
      r.id = Int(o, "id");
      r.reader = static_cast<int>(Int(o, "reader"));
      r.sent = Ms(o, "sent_ms");
      r.done = Ms(o, "done_ms");
      r.outcome = OutcomeFromName(Str(o, "outcome"));
      r.http_status = static_cast<int>(Int(o, "http"));
      r.error = Str(o, "error");
      r.voted = CountsFromJson(o, "voted");
      r.stale_ms = o.contains("stale_ms") ? Int(o, "stale_ms") : -1;
      h.reads.push_back(std::move(r));
    } else if (type == "fault") {
      FaultRecord f;
      f.id = static_cast<int>(Int(o, "id"));
      f.phase = Str(o, "phase");
      NARWHAL_ASSIGN_OR_RETURN(f.kind, KindFromName(Str(o, "kind")));
      f.target = Str(o, "target");
      f.resolved = Str(o, "resolved");
      f.start = Ms(o, "start_ms");
      f.healed = Ms(o, "healed_ms");
      f.effective = Bool(o, "effective");
      f.proof = Str(o, "proof");
      f.heal_ok = Bool(o, "heal_ok");
      f.heal_proof = Str(o, "heal_proof");
      h.faults.push_back(std::move(f));
    } else if (type == "final") {
      if (const json::value* s = o.if_contains("struck"); s != nullptr && s->is_object()) {
        for (const auto& [voter, precinct] : s->as_object()) {
          h.final_state.struck[std::string(voter)] = std::string(precinct.as_string());
        }
      }
      h.final_state.struck_events = CountsFromJson(o, "struck_events");
      h.final_state.voted = CountsFromJson(o, "voted");
      h.final_state.error = Str(o, "error");
    } else if (type == "lag") {
      h.lag = {Int(o, "samples"), Double(o, "p99_ms"), Double(o, "max_ms")};
    } else if (type == "teardown") {
      if (const json::value* l = o.if_contains("leftovers"); l != nullptr && l->is_array()) {
        for (const json::value& x : l->as_array()) h.leftovers.emplace_back(x.as_string());
      }
    } else if (type == "abort") {
      h.info.aborted = true;
      h.info.abort_reason = Str(o, "reason");
    } else {
      return DataLoss(fmt::format("{}:{}: unknown record type \"{}\"", path, n, type));
    }
  }
  return h;
}

}  // namespace narwhal::gameday

#include "gameday/scenario.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <set>

namespace narwhal::gameday {
namespace {

// A TOML table read field by field: remembers which keys were read, so that every other
// key is an error (a misspelt field must not be silently ignored), and builds messages
// that name the file, the line and the field.
class Fields {
 public:
  Fields(const toml::table& table, std::string path, std::string_view source)
      : table_(table), path_(std::move(path)), source_(source) {}

  const toml::node* Find(std::string_view key) {
    used_.insert(std::string(key));
    return table_.get(key);
  }

  Status Error(const toml::node* node, std::string_view key, std::string_view what) const {
    int line = node != nullptr ? static_cast<int>(node->source().begin.line)
                               : static_cast<int>(table_.source().begin.line);
    return InvalidArgument(fmt::format("{}:{}: {}: {}", source_, line, Name(key), what));
  }
  std::string Name(std::string_view key) const {
    return path_.empty() ? std::string(key) : fmt::format("{}.{}", path_, key);
  }
  int line() const { return static_cast<int>(table_.source().begin.line); }
  const std::string& path() const { return path_; }

  Status String(std::string_view key, std::string& out, bool required = false) {
    const toml::node* node = Find(key);
    if (node == nullptr) return required ? Error(nullptr, key, "missing") : Status::Ok();
    const auto* value = node->as_string();
    if (value == nullptr) return Error(node, key, "must be a string");
    out = value->get();
    return Status::Ok();
  }

  Status Int(std::string_view key, int64_t& out, int64_t min, int64_t max) {
    const toml::node* node = Find(key);
    if (node == nullptr) return Status::Ok();
    const auto* value = node->as_integer();
    if (value == nullptr) return Error(node, key, "must be a whole number");
    if (value->get() < min || value->get() > max) {
      return Error(node, key, fmt::format("must be between {} and {}", min, max));
    }
    out = value->get();
    return Status::Ok();
  }
  Status Int(std::string_view key, int& out, int min, int max) {
    int64_t v = out;
    NARWHAL_RETURN_IF_ERROR(Int(key, v, min, max));
    out = static_cast<int>(v);
    return Status::Ok();
  }

  Status Number(std::string_view key, double& out, double min, double max) {
    const toml::node* node = Find(key);
    if (node == nullptr) return Status::Ok();
    double v = 0;
    if (const auto* f = node->as_floating_point()) {
      v = f->get();
    } else if (const auto* i = node->as_integer()) {
      v = static_cast<double>(i->get());
    } else {
      return Error(node, key, "must be a number");
    }
    if (!(v >= min && v <= max)) {
      return Error(node, key, fmt::format("must be between {} and {}", min, max));
    }
    out = v;
    return Status::Ok();
  }

  Status Duration(std::string_view key, Millis& out, bool required = false) {
    const toml::node* node = Find(key);
    if (node == nullptr) return required ? Error(nullptr, key, "missing") : Status::Ok();
    const auto* value = node->as_string();
    if (value == nullptr) {
      return Error(node, key, "a duration is a string with a unit, e.g. \"30s\" or \"250ms\"");
    }
    Result<Millis> d = ParseDuration(value->get());
    if (!d.ok()) return Error(node, key, d.status().message());
    out = *d;
    return Status::Ok();
  }

  Status StringList(std::string_view key, std::vector<std::string>& out) {
    const toml::node* node = Find(key);
    if (node == nullptr) return Status::Ok();
    const auto* array = node->as_array();
    if (array == nullptr) return Error(node, key, "must be a list of strings");
    out.clear();
    for (const toml::node& item : *array) {
      const auto* s = item.as_string();
      if (s == nullptr) return Error(&item, key, "must be a list of strings");
      out.push_back(s->get());
    }
    return Status::Ok();
  }

  // The sub-table `key`, or null when absent; an error when it is not a table.
  Result<const toml::table*> Table(std::string_view key) {
    const toml::node* node = Find(key);
    if (node == nullptr) return static_cast<const toml::table*>(nullptr);
    const auto* t = node->as_table();
    if (t == nullptr) return Error(node, key, "must be a table");
    return t;
  }

  // Arrays of tables ([[phase]]); empty when absent.
  Result<std::vector<const toml::table*>> Tables(std::string_view key) {
    std::vector<const toml::table*> out;
    const toml::node* node = Find(key);
    if (node == nullptr) return out;
    const auto* array = node->as_array();
    if (array == nullptr) return Error(node, key, fmt::format("must be [[{}]] tables", key));
    for (const toml::node& item : *array) {
      const auto* t = item.as_table();
      if (t == nullptr) return Error(&item, key, fmt::format("must be [[{}]] tables", key));
      out.push_back(t);
    }
    return out;
  }

  // Call last: any key not read is unknown.
  Status CheckUnknown() const {
    for (const auto& [key, node] : table_) {
      if (!used_.contains(std::string(key.str()))) {
        return Error(&node, key.str(), "unknown field");
      }
    }
    return Status::Ok();
  }

 private:
  const toml::table& table_;
  std::string path_;
  std::string_view source_;
  std::set<std::string> used_;
};

Result<FaultKind> ParseFaultKind(std::string_view name) {
  if (name == "kill") return FaultKind::kKill;
  if (name == "pause") return FaultKind::kPause;
  if (name == "disk_full") return FaultKind::kDiskFull;
  return InvalidArgument(fmt::format("unknown fault kind \"{}\" (kill, pause, disk_full)", name));
}

// Roles a fault can aim at on each topology.
Status CheckTarget(const TopologySpec& topology, std::string_view target) {
  if (topology.kind == "embedded") {
    if (target == "app" || target == "app[1]") return Status::Ok();
    return InvalidArgument(fmt::format(
        "unknown target \"{}\": the embedded topology has one node, \"app[1]\"", target));
  }
  for (std::string_view role :
       {"app[1]", "app[2]", "pg.primary", "pg.sync_standby", "haproxy", "etcd.leader"}) {
    if (target == role) return Status::Ok();
  }
  return InvalidArgument(fmt::format(
      "unknown target \"{}\" (app[1], app[2], pg.primary, pg.sync_standby, haproxy, etcd.leader)",
      target));
}

Status ParseTopology(Fields& f, TopologySpec& t) {
  NARWHAL_RETURN_IF_ERROR(f.String("kind", t.kind));
  if (t.kind != "embedded" && t.kind != "cluster") {
    return f.Error(f.Find("kind"), "kind",
                   fmt::format("\"{}\" is not a topology (embedded, cluster)", t.kind));
  }
  NARWHAL_RETURN_IF_ERROR(f.Int("voters", t.voters, 100, 2'000'000));
  NARWHAL_RETURN_IF_ERROR(f.Int("precincts", t.precincts, 1, 5000));
  NARWHAL_RETURN_IF_ERROR(f.String("election", t.election));
  if (t.election.size() != 10 || t.election[4] != '-' || t.election[7] != '-') {
    return f.Error(f.Find("election"), "election", "must be a date like \"2026-11-03\"");
  }
  NARWHAL_RETURN_IF_ERROR(f.Number("rate_limit_address", t.rate_limit_address, 1, 1e6));
  NARWHAL_RETURN_IF_ERROR(f.Number("rate_limit_login", t.rate_limit_login, 0.1, 1e6));
  NARWHAL_RETURN_IF_ERROR(f.Int("disk_mib", t.disk_mib, 0, 1 << 20));
  if (t.disk_mib != 0 && t.disk_mib < 32) {
    return f.Error(f.Find("disk_mib"), "disk_mib", "must be 0 or at least 32");
  }
  if (t.disk_mib != 0 && t.kind == "cluster") {
    return f.Error(f.Find("disk_mib"), "disk_mib",
                   "only the embedded topology has a disk to fill so far");
  }
  NARWHAL_RETURN_IF_ERROR(f.Int("port_offset", t.port_offset, 0, 4000));
  return f.CheckUnknown();
}

Status ParseWorkload(Fields& f, Workload& w) {
  NARWHAL_RETURN_IF_ERROR(f.Int("watchers", w.watchers, 1, 100000));
  NARWHAL_RETURN_IF_ERROR(f.Int("batch", w.batch, 1, 500));
  NARWHAL_RETURN_IF_ERROR(f.Int("readers", w.readers, 0, 1000));
  NARWHAL_RETURN_IF_ERROR(f.Duration("request_timeout", w.request_timeout));
  NARWHAL_RETURN_IF_ERROR(f.Duration("retry_delay", w.retry_delay));
  NARWHAL_RETURN_IF_ERROR(f.Number("second_reports", w.second_reports, 0, 0.5));
  if (w.request_timeout < Millis(100)) {
    return f.Error(f.Find("request_timeout"), "request_timeout", "must be at least 100ms");
  }
  return f.CheckUnknown();
}

Status ParseChecks(Fields& f, Checks& c) {
  NARWHAL_RETURN_IF_ERROR(f.Duration("quiet", c.quiet));
  NARWHAL_RETURN_IF_ERROR(f.Duration("max_staleness", c.max_staleness));
  NARWHAL_RETURN_IF_ERROR(f.Duration("ack_deadline", c.ack_deadline));
  NARWHAL_RETURN_IF_ERROR(f.Number("min_strike_availability", c.min_strike_availability, 0, 1));
  NARWHAL_RETURN_IF_ERROR(f.Number("min_read_availability", c.min_read_availability, 0, 1));
  NARWHAL_RETURN_IF_ERROR(f.Duration("max_p99", c.max_p99));
  NARWHAL_RETURN_IF_ERROR(f.Number("abort_below", c.abort_below, 0, 1));
  NARWHAL_RETURN_IF_ERROR(f.Duration("abort_after", c.abort_after));
  NARWHAL_RETURN_IF_ERROR(f.Number("max_driver_lag_ms", c.max_driver_lag_ms, 1, 60000));
  return f.CheckUnknown();
}

Status ParseFault(Fields& f, const Scenario& s, const Phase& phase, FaultSpec& fault) {
  fault.line = f.line();
  std::string kind;
  NARWHAL_RETURN_IF_ERROR(f.String("kind", kind, /*required=*/true));
  Result<FaultKind> k = ParseFaultKind(kind);
  if (!k.ok()) return f.Error(f.Find("kind"), "kind", k.status().message());
  fault.kind = *k;
  NARWHAL_RETURN_IF_ERROR(f.String("target", fault.target, /*required=*/true));
  if (Status st = CheckTarget(s.topology, fault.target); !st.ok()) {
    return f.Error(f.Find("target"), "target", st.message());
  }
  NARWHAL_RETURN_IF_ERROR(f.Duration("at", fault.at, /*required=*/true));
  NARWHAL_RETURN_IF_ERROR(f.Duration("heal_after", fault.heal_after, /*required=*/true));
  if (fault.at + fault.heal_after > phase.duration) {
    return f.Error(f.Find("heal_after"), "heal_after",
                   fmt::format("the fault must be healed inside its phase ({} long)",
                               FormatDuration(phase.duration)));
  }
  if (fault.kind == FaultKind::kDiskFull && s.topology.disk_mib == 0) {
    return f.Error(f.Find("kind"), "kind",
                   "disk_full needs topology.disk_mib (the data on a small filesystem)");
  }
  return f.CheckUnknown();
}

Status ParseRandom(Fields& f, const Scenario& s, const Phase& phase, RandomFaults& r) {
  r.line = f.line();
  std::vector<std::string> kinds;
  NARWHAL_RETURN_IF_ERROR(f.StringList("kinds", kinds));
  if (kinds.empty()) return f.Error(f.Find("kinds"), "kinds", "name at least one fault kind");
  for (const std::string& name : kinds) {
    Result<FaultKind> k = ParseFaultKind(name);
    if (!k.ok()) return f.Error(f.Find("kinds"), "kinds", k.status().message());
    if (*k == FaultKind::kDiskFull && s.topology.disk_mib == 0) {
      return f.Error(f.Find("kinds"), "kinds", "disk_full needs topology.disk_mib");
    }
    r.kinds.push_back(*k);
  }
  NARWHAL_RETURN_IF_ERROR(f.StringList("targets", r.targets));
  if (r.targets.empty()) return f.Error(f.Find("targets"), "targets", "name at least one target");
  for (const std::string& t : r.targets) {
    if (Status st = CheckTarget(s.topology, t); !st.ok()) {
      return f.Error(f.Find("targets"), "targets", st.message());
    }
  }
  NARWHAL_RETURN_IF_ERROR(f.Int("count", r.count, 1, 1000));
  NARWHAL_RETURN_IF_ERROR(f.Duration("min_gap", r.min_gap));
  NARWHAL_RETURN_IF_ERROR(f.Duration("heal_after", r.heal_after));
  NARWHAL_RETURN_IF_ERROR(f.Duration("start_after", r.start_after));
  NARWHAL_RETURN_IF_ERROR(f.Duration("end_before", r.end_before));
  if (r.start_after + r.end_before + r.heal_after >= phase.duration) {
    return f.Error(nullptr, "start_after",
                   "start_after + end_before + heal_after leave no room in the phase");
  }
  return f.CheckUnknown();
}

Status ParsePhase(Fields& f, const Scenario& s, Phase& phase, std::string_view source) {
  phase.line = f.line();
  NARWHAL_RETURN_IF_ERROR(f.String("name", phase.name, /*required=*/true));
  NARWHAL_RETURN_IF_ERROR(f.Duration("duration", phase.duration, /*required=*/true));
  if (phase.duration < Millis(1000) || phase.duration > Millis(3'600'000)) {
    return f.Error(f.Find("duration"), "duration", "must be between 1s and 1h");
  }
  NARWHAL_RETURN_IF_ERROR(f.Number("strikes_per_second", phase.strikes_per_second, 0, 100000));
  NARWHAL_RETURN_IF_ERROR(f.Number("reads_per_second", phase.reads_per_second, 0, 10000));
  NARWHAL_ASSIGN_OR_RETURN(auto faults, f.Tables("fault"));
  for (size_t i = 0; i < faults.size(); ++i) {
    Fields ff(*faults[i], fmt::format("{}.fault[{}]", f.path(), i), source);
    FaultSpec fault;
    NARWHAL_RETURN_IF_ERROR(ParseFault(ff, s, phase, fault));
    phase.faults.push_back(std::move(fault));
  }
  NARWHAL_ASSIGN_OR_RETURN(const toml::table* random, f.Table("random"));
  if (random != nullptr) {
    Fields rf(*random, f.Name("random"), source);
    RandomFaults r;
    NARWHAL_RETURN_IF_ERROR(ParseRandom(rf, s, phase, r));
    phase.random = std::move(r);
  }
  return f.CheckUnknown();
}

}  // namespace

std::string_view FaultKindName(FaultKind kind) {
  switch (kind) {
    case FaultKind::kKill: return "kill";
    case FaultKind::kPause: return "pause";
    case FaultKind::kDiskFull: return "disk_full";
  }
  return "?";
}

Result<Millis> ParseDuration(std::string_view text) {
  if (text.empty()) return InvalidArgument("an empty duration");
  int64_t total = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    int64_t n = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      n = n * 10 + (text[i] - '0');
      if (n > 1'000'000'000) return InvalidArgument(fmt::format("\"{}\" is too long", text));
      ++i;
    }
    if (i == start) {
      return InvalidArgument(
          fmt::format("\"{}\" is not a duration like \"30s\" or \"1m30s\"", text));
    }
    size_t unit_start = i;
    while (i < text.size() && text[i] >= 'a' && text[i] <= 'z') ++i;
    std::string_view unit = text.substr(unit_start, i - unit_start);
    int64_t scale = 0;
    if (unit == "ms") scale = 1;
    if (unit == "s") scale = 1000;
    if (unit == "m") scale = 60'000;
    if (unit == "h") scale = 3'600'000;
    if (scale == 0) {
      return InvalidArgument(
          unit.empty() ? fmt::format("a duration needs a unit, e.g. \"{}s\" (ms, s, m, h)", n)
                       : fmt::format("unknown unit \"{}\" in \"{}\" (ms, s, m, h)", unit, text));
    }
    total += n * scale;
  }
  return Millis(total);
}

std::string FormatDuration(Millis d) {
  int64_t ms = d.count();
  if (ms % 1000 != 0)
    return ms < 1000 ? fmt::format("{}ms", ms)
                     : fmt::format("{:.1f}s", static_cast<double>(ms) / 1000.0);
  int64_t s = ms / 1000;
  if (s >= 60 && s % 60 == 0) return fmt::format("{}m", s / 60);
  if (s >= 60) return fmt::format("{}m{}s", s / 60, s % 60);
  return fmt::format("{}s", s);
}

Result<Scenario> ParseScenario(std::string_view text, std::string_view source) {
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    return InvalidArgument(
        fmt::format("{}:{}: {}", source, e.source().begin.line, e.description()));
  }
  Scenario s;
  Fields f(root, "", source);
  NARWHAL_RETURN_IF_ERROR(f.String("name", s.name, /*required=*/true));
  NARWHAL_RETURN_IF_ERROR(f.String("description", s.description));
  int64_t seed = 1;
  NARWHAL_RETURN_IF_ERROR(f.Int("seed", seed, 0, INT64_MAX));
  s.seed = static_cast<uint64_t>(seed);

  NARWHAL_ASSIGN_OR_RETURN(const toml::table* topology, f.Table("topology"));
  if (topology != nullptr) {
    Fields tf(*topology, "topology", source);
    NARWHAL_RETURN_IF_ERROR(ParseTopology(tf, s.topology));
  }
  NARWHAL_ASSIGN_OR_RETURN(const toml::table* workload, f.Table("workload"));
  if (workload != nullptr) {
    Fields wf(*workload, "workload", source);
    NARWHAL_RETURN_IF_ERROR(ParseWorkload(wf, s.workload));
  }
  NARWHAL_ASSIGN_OR_RETURN(const toml::table* checks, f.Table("checks"));
  if (checks != nullptr) {
    Fields cf(*checks, "checks", source);
    NARWHAL_RETURN_IF_ERROR(ParseChecks(cf, s.checks));
  }
  NARWHAL_ASSIGN_OR_RETURN(auto phases, f.Tables("phase"));
  if (phases.empty()) return f.Error(nullptr, "phase", "a scenario needs at least one [[phase]]");
  std::set<std::string> names;
  for (size_t i = 0; i < phases.size(); ++i) {
    Fields pf(*phases[i], fmt::format("phase[{}]", i), source);
    Phase phase;
    NARWHAL_RETURN_IF_ERROR(ParsePhase(pf, s, phase, source));
    if (!names.insert(phase.name).second) {
      return pf.Error(pf.Find("name"), "name",
                      fmt::format("a second phase named \"{}\"", phase.name));
    }
    s.phases.push_back(std::move(phase));
  }
  NARWHAL_RETURN_IF_ERROR(f.CheckUnknown());
  return s;
}

uint64_t Random::Next() {
  uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

double Random::Uniform() {
  return static_cast<double>(Next() >> 11) * 0x1.0p-53;
}

int64_t Random::Below(int64_t n) {
  return n <= 1 ? 0 : static_cast<int64_t>(Uniform() * static_cast<double>(n));
}

double Random::Exponential(double rate) {
  return -std::log(1.0 - Uniform()) / rate;
}

Result<Timeline> ExpandTimeline(const Scenario& scenario, uint64_t seed) {
  Timeline t;
  t.seed = seed;
  Random random(seed ^ 0x6761'6d65'6461'7921ULL);  // "gameday!": faults draw apart from load
  Millis at{0};
  for (const Phase& phase : scenario.phases) {
    t.phases.push_back(
        {phase.name, at, at + phase.duration, phase.strikes_per_second, phase.reads_per_second});
    for (const FaultSpec& f : phase.faults) {
      t.faults.push_back(
          {0, phase.name, f.kind, f.target, at + f.at, at + f.at + f.heal_after, false});
    }
    if (phase.random) {
      const RandomFaults& r = *phase.random;
      int64_t lo = r.start_after.count();
      int64_t hi = (phase.duration - r.end_before - r.heal_after).count();
      // Draw start times, retrying a bounded number of times to keep them min_gap apart.
      std::vector<int64_t> starts;
      for (int attempt = 0; attempt < 1000 && static_cast<int>(starts.size()) < r.count;
           ++attempt) {
        int64_t s = lo + random.Below(hi - lo + 1);
        bool clear = std::all_of(starts.begin(), starts.end(), [&](int64_t o) {
          return std::llabs(o - s) >= r.min_gap.count() + r.heal_after.count();
        });
        if (clear) starts.push_back(s);
      }
      if (static_cast<int>(starts.size()) < r.count) {
        return InvalidArgument(fmt::format(
            "phase \"{}\": {} random faults do not fit {} apart (with their heal) in {}",
            phase.name, r.count, FormatDuration(r.min_gap), FormatDuration(phase.duration)));
      }
      std::sort(starts.begin(), starts.end());
      for (int64_t s : starts) {
        FaultKind kind = r.kinds[random.Below(static_cast<int64_t>(r.kinds.size()))];
        const std::string& target = r.targets[random.Below(static_cast<int64_t>(r.targets.size()))];
        t.faults.push_back(
            {0, phase.name, kind, target, at + Millis(s), at + Millis(s) + r.heal_after, true});
      }
    }
    at += phase.duration;
  }
  t.end = at;
  std::stable_sort(t.faults.begin(), t.faults.end(),
                   [](const PlannedFault& a, const PlannedFault& b) { return a.start < b.start; });
  for (size_t i = 0; i < t.faults.size(); ++i) t.faults[i].id = static_cast<int>(i) + 1;
  // One process cannot be killed while it is paused or killed: faults on the same target
  // must not overlap (disk_full may overlap the others: it is the filesystem's). Faults on
  // different targets may: losing a region is several at once.
  for (size_t i = 0; i < t.faults.size(); ++i) {
    for (size_t j = i + 1; j < t.faults.size(); ++j) {
      const PlannedFault& a = t.faults[i];
      const PlannedFault& b = t.faults[j];
      bool process_a = a.kind != FaultKind::kDiskFull;
      bool process_b = b.kind != FaultKind::kDiskFull;
      if (process_a == process_b && a.target == b.target && b.start < a.heal) {
        return InvalidArgument(fmt::format(
            "fault {} ({} {} in phase \"{}\") starts before fault {} ({} {}) is healed", b.id,
            FaultKindName(b.kind), b.target, b.phase, a.id, FaultKindName(a.kind), a.target));
      }
    }
  }
  return t;
}

std::string FormatTimeline(const Scenario& scenario, const Timeline& timeline) {
  std::string out = fmt::format("scenario {} (seed {}): {} phases, {} faults, {} in all\n",
                                scenario.name, timeline.seed, timeline.phases.size(),
                                timeline.faults.size(), FormatDuration(timeline.end));
  out += fmt::format("  topology {}: {} voters in {} precincts, {} watchers, {} readers\n",
                     scenario.topology.kind, scenario.topology.voters, scenario.topology.precincts,
                     scenario.workload.watchers, scenario.workload.readers);
  for (const PhaseWindow& p : timeline.phases) {
    out += fmt::format("  {:>7} .. {:>7}  phase {}: {:g} strikes/s, {:g} reads/s\n",
                       FormatDuration(p.start), FormatDuration(p.end), p.name, p.strikes_per_second,
                       p.reads_per_second);
    for (const PlannedFault& f : timeline.faults) {
      if (f.phase != p.name) continue;
      out += fmt::format("  {:>7} .. {:>7}    fault {}: {} {}{}\n", FormatDuration(f.start),
                         FormatDuration(f.heal), f.id, FaultKindName(f.kind), f.target,
                         f.random ? " (random)" : "");
    }
  }
  out += fmt::format("  {:>7} .. {:>7}  quiet: outboxes drain, then the checker reads\n",
                     FormatDuration(timeline.end),
                     FormatDuration(timeline.end + scenario.checks.quiet));
  return out;
}

}  // namespace narwhal::gameday

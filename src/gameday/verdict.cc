#include "gameday/verdict.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <limits>
#include <unordered_map>

namespace narwhal::gameday {
namespace json = boost::json;
namespace {

constexpr Millis kSecond{1000};
constexpr Millis kWindow{10'000};

Latency Summarise(std::vector<double> v) {
  Latency l;
  l.count = static_cast<int64_t>(v.size());
  if (v.empty()) return l;
  std::sort(v.begin(), v.end());
  auto at = [&](double q) {
    return v[std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())))];
  };
  l.p50 = at(0.50);
  l.p90 = at(0.90);
  l.p99 = at(0.99);
  l.max = v.back();
  return l;
}

// Per-second counts of the whole run, from which windows and phases are summed.
struct Buckets {
  explicit Buckets(size_t n)
      : arrivals(n), in_time(n), req(n), ok(n), acked(n), reads(n), reads_ok(n), latency(n) {}
  std::vector<int64_t> arrivals, in_time, req, ok, acked, reads, reads_ok;
  std::vector<std::vector<double>> latency;

  WindowStats Sum(Millis start, Millis end) const {
    WindowStats w;
    w.start = start;
    w.end = end;
    std::vector<double> lat;
    auto a = static_cast<size_t>(std::max<int64_t>(0, start.count() / 1000));
    auto b = std::min(req.size(), static_cast<size_t>((end.count() + 999) / 1000));
    for (size_t i = a; i < b; ++i) {
      w.arrivals += arrivals[i];
      w.arrivals_in_time += in_time[i];
      w.strike_requests += req[i];
      w.strike_ok += ok[i];
      w.acked += acked[i];
      w.reads += reads[i];
      w.reads_ok += reads_ok[i];
      lat.insert(lat.end(), latency[i].begin(), latency[i].end());
    }
    w.latency = Summarise(std::move(lat));
    return w;
  }
};

bool IsAck(const std::string& r) {
  return r == "struck" || r == "already_struck" || r == "replayed";
}

std::string Ms(Millis d) {
  return d.count() < 0 ? "-" : FormatDuration(d);
}

json::object WindowJson(const WindowStats& w) {
  return json::object{{"start_ms", w.start.count()},
                      {"end_ms", w.end.count()},
                      {"arrivals", w.arrivals},
                      {"acknowledged_in_time", w.arrivals_in_time},
                      {"request_availability", w.request_availability()},
                      {"strike_requests", w.strike_requests},
                      {"strike_ok", w.strike_ok},
                      {"strikes_acknowledged", w.acked},
                      {"strike_availability", w.strike_availability()},
                      {"reads", w.reads},
                      {"reads_ok", w.reads_ok},
                      {"read_availability", w.read_availability()},
                      {"latency_ms", json::object{{"count", w.latency.count},
                                                  {"p50", w.latency.p50},
                                                  {"p90", w.latency.p90},
                                                  {"p99", w.latency.p99},
                                                  {"max", w.latency.max}}}};
}

std::string Escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string Pct(double x) {
  return fmt::format("{:.2f}%", 100.0 * x);
}

// What the deployment's settings predict for a fault's recovery. The cluster's figures are
// those of deploy/patroni/patroni.yml.in and deploy/haproxy/haproxy.cfg.in.
std::string Expectation(const Scenario& scenario, const FaultRecord& f, Millis startup) {
  const std::string held = FormatDuration(f.healed - f.start);
  const bool cluster = scenario.topology.kind == "cluster";
  if (f.kind == FaultKind::kDiskFull) {
    return fmt::format(
        "strikes refused (503) until space is freed, {} later; nothing acknowledged is lost", held);
  }
  if (cluster && f.target == "pg.primary") {
    return f.kind == FaultKind::kKill ? "promotion once the leader key expires (ttl 8 s) plus a "
                                        "loop (1 s); commits once the other "
                                        "replica is the new primary's synchronous standby"
                                      : "a hung primary keeps its leader key while Patroni is "
                                        "stopped too: no writes until the heal (" +
                                            held + ")";
  }
  if (cluster && f.target == "pg.sync_standby") {
    return "commits wait until the primary drops the standby (wal_sender_timeout 5 s) and Patroni "
           "makes the other "
           "replica synchronous (a loop, 1 s)";
  }
  if (cluster && f.target.rfind("app[", 0) == 0) {
    return "the other app node answers at once; HAProxy retries refused connections there and "
           "marks the node down "
           "after 2 failed checks (2 s)";
  }
  if (cluster && f.target == "haproxy") {
    return fmt::format("every request refused until HAProxy is started again ({} later)", held);
  }
  return f.kind == FaultKind::kKill
             ? fmt::format("restarted at the heal ({} after the kill), ready {} later", held,
                           FormatDuration(startup))
             : fmt::format("answers again at the heal, {} after the pause", held);
}

}  // namespace

// Defined in the generated gameday_assets.cc: uPlot's script and style, or empty.
std::string_view UplotScript();
std::string_view UplotStyle();

Verdict Evaluate(const Scenario& scenario, const History& history) {
  Verdict v;
  const Millis startup{history.info.startup_ms};
  const std::vector<std::string>& leftovers = history.leftovers;
  v.leftovers = leftovers;
  v.check = Check(history, scenario.checks.max_staleness);

  Millis end = history.timeline.end + scenario.checks.quiet;
  for (const StrikeRequest& r : history.strikes) end = std::max(end, r.done + kSecond);
  Buckets b(static_cast<size_t>(end.count() / 1000 + 1));
  std::unordered_map<std::string, Millis> arrival_at;
  for (const Arrival& a : history.arrivals) arrival_at[a.key] = a.at;
  std::unordered_map<std::string, Millis> acked_at;

  // Outages: the time between two successive answered strike requests (over all phones),
  // when requests failed in between: how long nothing got through while phones tried.
  std::vector<const StrikeRequest*> by_done;
  for (const StrikeRequest& r : history.strikes) by_done.push_back(&r);
  std::sort(by_done.begin(), by_done.end(),
            [](const StrikeRequest* a, const StrikeRequest* c) { return a->done < c->done; });
  struct Outage {
    Millis from, to, first_failure;
  };
  std::vector<Outage> outages;
  Millis last_ok{0};
  bool failing = false;
  Millis first_failure{0};
  for (const StrikeRequest* r : by_done) {
    auto i = static_cast<size_t>(std::max<int64_t>(0, r->done.count() / 1000));
    if (i >= b.req.size()) continue;
    ++b.req[i];
    if (r->outcome == Outcome::kOk) {
      ++b.ok[i];
      for (const ItemResult& item : r->items) {
        if (!IsAck(item.result)) continue;
        ++b.acked[i];
        auto at = arrival_at.find(item.key);
        if (at != arrival_at.end())
          b.latency[i].push_back(static_cast<double>((r->done - at->second).count()));
        acked_at.emplace(item.key, r->done);
      }
      if (failing) {
        outages.push_back({last_ok, r->done, first_failure});
        v.longest_outage = std::max(v.longest_outage, r->done - last_ok);
        failing = false;
      }
      last_ok = r->done;
    } else if (!failing) {
      failing = true;
      first_failure = r->done;
    }
  }
  if (failing) {
    outages.push_back({last_ok, end, first_failure});
    v.longest_outage = std::max(v.longest_outage, end - last_ok);
  }
  for (const Arrival& a : history.arrivals) {
    auto i = static_cast<size_t>(std::max<int64_t>(0, a.at.count() / 1000));
    if (i >= b.arrivals.size()) continue;
    ++b.arrivals[i];
    auto it = acked_at.find(a.key);
    if (it != acked_at.end() && it->second - a.at <= scenario.checks.ack_deadline) ++b.in_time[i];
  }
  for (const TurnoutRead& r : history.reads) {
    auto i = static_cast<size_t>(std::max<int64_t>(0, r.done.count() / 1000));
    if (i >= b.reads.size()) continue;
    ++b.reads[i];
    if (r.outcome == Outcome::kOk) ++b.reads_ok[i];
  }

  v.overall = b.Sum(Millis(0), end);
  for (Millis t{0}; t < end; t += kSecond) v.seconds.push_back(b.Sum(t, t + kSecond));
  for (Millis t{0}; t < end; t += kWindow)
    v.windows.push_back(b.Sum(t, std::min(end, t + kWindow)));
  for (const PhaseWindow& p : history.timeline.phases) {
    PhaseVerdict pv;
    pv.name = p.name;
    pv.stats = b.Sum(p.start, p.end);
    pv.worst_window = b.Sum(p.start, std::min(p.end, p.start + kWindow));
    for (Millis t = p.start; t < p.end; t += kWindow) {
      WindowStats w = b.Sum(t, std::min(p.end, t + kWindow));
      if (w.strike_availability() < pv.worst_window.strike_availability()) pv.worst_window = w;
    }
    v.phases.push_back(std::move(pv));
  }

  for (const FaultRecord& f : history.faults) {
    FaultVerdict fv;
    fv.record = f;
    for (const StrikeRequest* r : by_done) {
      if (r->outcome == Outcome::kOk && r->sent >= f.start) {
        fv.first_success = r->done - f.start;
        break;
      }
    }
    // Outages whose first failure came while it lasted or soon after its heal, before the
    // next fault began.
    Millis until = f.healed + kWindow;
    for (const FaultRecord& g : history.faults) {
      if (g.start > f.start) until = std::min(until, g.start);
    }
    // Time to first success: the end of the first outage that began under it (a request
    // that was already on its way when the fault struck may still be answered).
    bool first = true;
    for (const Outage& o : outages) {
      if (o.first_failure >= f.start && o.first_failure < until) {
        fv.longest_outage = std::max(fv.longest_outage, o.to - o.from);
        if (first) fv.first_success = o.to - f.start;
        first = false;
      }
    }
    Millis last{-1};
    bool all = true;
    for (const Arrival& a : history.arrivals) {
      if (a.at < f.start || a.at > f.healed) continue;
      auto it = acked_at.find(a.key);
      if (it == acked_at.end()) {
        all = false;
        break;
      }
      last = std::max(last, it->second);
    }
    fv.drained = !all ? Millis(-1) : last < f.healed ? Millis(0) : last - f.healed;
    fv.expected = Expectation(scenario, f, startup);
    v.faults.push_back(std::move(fv));
  }

  // The gates.
  const Checks& c = scenario.checks;
  bool no_verdict = history.info.aborted;
  bool ineffective = false;
  if (history.info.aborted) v.reasons.push_back("aborted: " + history.info.abort_reason);
  if (!v.check.complete) {
    no_verdict = true;
    v.reasons.push_back("the final state could not be read: " + v.check.error);
  }
  if (history.lag.p99_ms > c.max_driver_lag_ms) {
    no_verdict = true;
    v.reasons.push_back(fmt::format(
        "the driver could not keep its schedule (p99 {:.0f} ms late, limit {:g} ms): no verdict",
        history.lag.p99_ms, c.max_driver_lag_ms));
  }
  const CheckResult& k = v.check;
  if (!k.lost.empty())
    v.reasons.push_back(fmt::format("{} acknowledged strikes LOST", k.lost.size()));
  if (!k.unexpected.empty())
    v.reasons.push_back(fmt::format("{} voters struck that nobody reported", k.unexpected.size()));
  if (!k.doubled_voters.empty())
    v.reasons.push_back(fmt::format("{} voters DOUBLE-COUNTED", k.doubled_voters.size()));
  if (!k.doubled_precincts.empty())
    v.reasons.push_back(
        fmt::format("{} precincts count more voters than are struck", k.doubled_precincts.size()));
  if (!k.undercounted_precincts.empty())
    v.reasons.push_back(fmt::format("{} precincts count fewer voters than are struck",
                                    k.undercounted_precincts.size()));
  if (!k.bad_reads.empty())
    v.reasons.push_back(fmt::format("{} turnout reads out of bounds", k.bad_reads.size()));
  if (k.rejected > 0)
    v.reasons.push_back(
        fmt::format("{} strikes rejected item by item (a workload error)", k.rejected));
  if (v.overall.strike_availability() < c.min_strike_availability) {
    v.reasons.push_back(fmt::format("strike availability {} below {}",
                                    Pct(v.overall.strike_availability()),
                                    Pct(c.min_strike_availability)));
  }
  if (v.overall.read_availability() < c.min_read_availability) {
    v.reasons.push_back(fmt::format("read availability {} below {}",
                                    Pct(v.overall.read_availability()),
                                    Pct(c.min_read_availability)));
  }
  if (c.max_p99 > Millis(0) && v.overall.latency.p99 > static_cast<double>(c.max_p99.count())) {
    v.reasons.push_back(fmt::format("strike p99 {:.0f} ms above {}", v.overall.latency.p99,
                                    FormatDuration(c.max_p99)));
  }
  for (const FaultRecord& f : history.faults) {
    if (!f.effective) {
      ineffective = true;
      v.reasons.push_back(fmt::format("fault {} ({} {}) not effective: {}", f.id,
                                      FaultKindName(f.kind), f.target, f.proof));
    }
    if (!f.heal_ok)
      v.reasons.push_back(fmt::format("fault {} ({} {}) not healed: {}", f.id,
                                      FaultKindName(f.kind), f.target, f.heal_proof));
  }
  if (history.faults.size() < history.timeline.faults.size() && !history.info.aborted) {
    v.reasons.push_back(fmt::format("{} of {} planned faults fired", history.faults.size(),
                                    history.timeline.faults.size()));
  }
  for (const std::string& l : leftovers) v.reasons.push_back("left behind: " + l);
  v.passed = v.reasons.empty();
  v.exit_code = v.passed ? 0 : no_verdict ? 2 : ineffective ? 4 : 1;
  return v;
}

std::string VerdictJson(const Verdict& v, const History& h) {
  const CheckResult& k = v.check;
  json::array phases;
  for (const PhaseVerdict& p : v.phases) {
    json::object o = WindowJson(p.stats);
    o["name"] = p.name;
    o["worst_window"] = WindowJson(p.worst_window);
    phases.push_back(std::move(o));
  }
  json::array faults;
  for (const FaultVerdict& f : v.faults) {
    const FaultRecord& r = f.record;
    faults.push_back(json::object{{"id", r.id},
                                  {"phase", r.phase},
                                  {"kind", FaultKindName(r.kind)},
                                  {"target", r.target},
                                  {"resolved", r.resolved},
                                  {"start_ms", r.start.count()},
                                  {"healed_ms", r.healed.count()},
                                  {"effective", r.effective},
                                  {"proof", r.proof},
                                  {"heal_ok", r.heal_ok},
                                  {"heal_proof", r.heal_proof},
                                  {"first_success_ms", f.first_success.count()},
                                  {"longest_outage_ms", f.longest_outage.count()},
                                  {"drained_ms", f.drained.count()},
                                  {"expected", f.expected}});
  }
  json::array lost;
  for (const LostStrike& l : k.lost) {
    lost.push_back(json::object{{"key", l.key},
                                {"voter", l.voter},
                                {"precinct", l.precinct},
                                {"request", l.request_id},
                                {"acked_ms", l.acked_at.count()}});
  }
  auto counts = [](const std::vector<PrecinctCount>& v) {
    json::array a;
    for (const PrecinctCount& p : v)
      a.push_back(
          json::object{{"precinct", p.precinct}, {"turnout", p.turnout}, {"struck", p.struck}});
    return a;
  };
  json::array bad;
  for (const BadRead& r : k.bad_reads) {
    bad.push_back(json::object{{"read", r.read_id},
                               {"precinct", r.precinct},
                               {"sent_ms", r.sent.count()},
                               {"seen", r.seen},
                               {"low", r.low},
                               {"high", r.high}});
  }
  json::array reasons;
  for (const std::string& r : v.reasons) reasons.push_back(json::string(r));
  json::array windows;
  for (const WindowStats& w : v.windows) windows.push_back(WindowJson(w));
  json::array leftovers;
  for (const std::string& l : v.leftovers) leftovers.push_back(json::string(l));
  json::array unexpected(k.unexpected.begin(), k.unexpected.end());
  json::array doubled(k.doubled_voters.begin(), k.doubled_voters.end());
  json::object out{
      {"schema", Verdict::kSchema},
      {"scenario", h.info.scenario},
      {"seed", h.info.seed},
      {"passed", v.passed},
      {"exit_code", v.exit_code},
      {"reasons", std::move(reasons)},
      {"strikes",
       json::object{{"arrivals", k.arrivals},
                    {"acknowledged", k.acknowledged},
                    {"lost", k.lost.size()},
                    {"recovered", k.recovered},
                    {"not_recorded", k.not_recorded},
                    {"unexpected", k.unexpected.size()},
                    {"double_counted", k.doubled_voters.size() + k.doubled_precincts.size()},
                    {"undercounted_precincts", k.undercounted_precincts.size()},
                    {"rejected", k.rejected},
                    {"voters_struck", k.voters_struck}}},
      {"reads", json::object{{"checked", k.reads_checked},
                             {"out_of_bounds", k.bad_reads.size()},
                             {"stale", k.stale_reads},
                             {"declared_stale", k.declared_stale_reads},
                             {"max_staleness_ms", k.max_staleness_seen.count()},
                             {"max_staleness_read", k.max_staleness_read}}},
      {"overall", WindowJson(v.overall)},
      {"longest_outage_ms", v.longest_outage.count()},
      {"phases", std::move(phases)},
      {"faults", std::move(faults)},
      {"windows", std::move(windows)},
      {"lost", std::move(lost)},
      {"unexpected", std::move(unexpected)},
      {"doubled_voters", std::move(doubled)},
      {"doubled_precincts", counts(k.doubled_precincts)},
      {"undercounted_precincts", counts(k.undercounted_precincts)},
      {"bad_reads", std::move(bad)},
      {"driver_lag_ms",
       json::object{{"samples", h.lag.samples}, {"p99", h.lag.p99_ms}, {"max", h.lag.max_ms}}},
      {"leftovers", std::move(leftovers)},
      {"provenance", json::object{{"git_commit", h.info.git_commit},
                                  {"version", h.info.version},
                                  {"host", h.info.host},
                                  {"started_at_ms", h.info.started_at_ms}}}};
  return json::serialize(out) + "\n";
}

std::string ReportHtml(const Verdict& v, const History& h) {
  const CheckResult& k = v.check;
  std::string html;
  html += "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
  html += fmt::format("<title>Game day {} — {}</title>\n", Escape(h.info.scenario),
                      v.passed ? "passed" : "FAILED");
  html += "<style>\n" + std::string(UplotStyle()) + "\n";
  html +=
      R"(body{font:15px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1100px;color:#1b1f24;padding:0 16px}
h1{margin:0 0 4px}h2{margin-top:28px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
.verdict{padding:14px 18px;border-radius:8px;font-size:20px;font-weight:600;margin:12px 0}
.pass{background:#dafbe1;color:#116329}.fail{background:#ffebe9;color:#a40e26}
table{border-collapse:collapse;width:100%;margin:8px 0}th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.bad{color:#a40e26;font-weight:600}.ok{color:#116329}.muted{color:#57606a;font-size:13px}
.chart{margin:8px 0 20px}pre{background:#f6f8fa;padding:8px;overflow:auto;font-size:12px}
</style></head><body>
)";
  html += fmt::format(
      "<h1>Game day: {}</h1>\n<div class=\"muted\">seed {} · commit {} · {} · started {} (Unix "
      "ms)</div>\n",
      Escape(h.info.scenario), h.info.seed, Escape(h.info.git_commit), Escape(h.info.host),
      h.info.started_at_ms);
  html +=
      fmt::format("<div class=\"verdict {}\" id=\"verdict\">{}</div>\n", v.passed ? "pass" : "fail",
                  v.passed ? "PASSED — nothing acknowledged was lost or counted twice"
                           : "FAILED — " + Escape(v.reasons.empty() ? "" : v.reasons.front()));
  if (v.reasons.size() > 1) {
    html += "<ul>";
    for (const std::string& r : v.reasons) html += "<li class=\"bad\">" + Escape(r) + "</li>";
    html += "</ul>\n";
  }
  html +=
      "<h2>Strikes</h2>\n<table><tr><th>arrived</th><th>acknowledged</th><th>LOST</"
      "th><th>recovered</th>"
      "<th>not recorded</th><th>unexpected</th><th>double-counted</th><th>voters "
      "struck</th><th>availability</th>"
      "<th>p50</th><th>p99</th><th>max</th><th>longest outage</th></tr>\n";
  auto cls = [](bool bad) { return bad ? "n bad" : "n ok"; };
  html += fmt::format(
      "<tr><td class=n>{}</td><td class=n>{}</td><td class=\"{}\">{}</td><td class=n>{}</td><td "
      "class=n>{}</td>"
      "<td class=\"{}\">{}</td><td class=\"{}\">{}</td><td class=n>{}</td><td class=n>{}</td><td "
      "class=n>{:.0f} ms</td>"
      "<td class=n>{:.0f} ms</td><td class=n>{:.0f} ms</td><td class=n>{}</td></tr></table>\n",
      k.arrivals, k.acknowledged, cls(!k.lost.empty()), k.lost.size(), k.recovered, k.not_recorded,
      cls(!k.unexpected.empty()), k.unexpected.size(),
      cls(!k.doubled_voters.empty() || !k.doubled_precincts.empty()),
      k.doubled_voters.size() + k.doubled_precincts.size(), k.voters_struck,
      Pct(v.overall.strike_availability()), v.overall.latency.p50, v.overall.latency.p99,
      v.overall.latency.max, Ms(v.longest_outage));
  html += fmt::format(
      "<p class=muted>Strike availability is the share of arrivals acknowledged within the "
      "scenario's ack_deadline, retries included; 'requests answered' "
      "counts every attempt. Latency counts from the moment the voter arrived (the watcher's tap) "
      "to the "
      "acknowledgment, so time spent queued on a phone while the server was down is included. "
      "Turnout reads checked: {}; out of bounds: {}; stale (within the scenario's max_staleness): "
      "{}, "
      "the stalest {} (read {}).</p>\n",
      k.reads_checked, k.bad_reads.size(), k.stale_reads, Ms(k.max_staleness_seen),
      k.max_staleness_read);

  html +=
      "<h2>Phases</h2>\n<table><tr><th>phase</th><th>from</th><th>to</th><th>arrivals</th>"
      "<th>strike availability</th><th>requests "
      "answered</th><th>acknowledged</th><th>p50</th><th>p99</th><th>read availability</th>"
      "<th>worst 10 s window</th></tr>\n";
  for (const PhaseVerdict& p : v.phases) {
    html += fmt::format(
        "<tr><td>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td "
        "class=n>{}</td><td class=n>{} of {}</td><td class=n>{}</td>"
        "<td class=n>{:.0f} ms</td><td class=n>{:.0f} ms</td><td class=n>{}</td><td>{}–{}: {} "
        "available, p99 {:.0f} ms</td></tr>\n",
        Escape(p.name), Ms(p.stats.start), Ms(p.stats.end), p.stats.arrivals,
        Pct(p.stats.strike_availability()), Pct(p.stats.request_availability()),
        p.stats.strike_requests, p.stats.acked, p.stats.latency.p50, p.stats.latency.p99,
        Pct(p.stats.read_availability()), Ms(p.worst_window.start), Ms(p.worst_window.end),
        Pct(p.worst_window.strike_availability()), p.worst_window.latency.p99);
  }
  html += "</table>\n";

  html +=
      "<h2>Over time</h2>\n<div id=\"throughput\" class=\"chart\"></div><div id=\"latency\" "
      "class=\"chart\"></div>\n";
  if (UplotScript().empty())
    html += "<p class=muted>(charts need uPlot, which this build did not embed)</p>\n";

  html +=
      "<h2>Faults</h2>\n<table><tr><th>#</th><th>phase</th><th>fault</th><th>from</th><th>healed</"
      "th>"
      "<th>proof it happened</th><th>proof it healed</th><th>first success</th><th>longest "
      "outage</th>"
      "<th>queue drained</th><th>expected</th></tr>\n";
  for (const FaultVerdict& f : v.faults) {
    const FaultRecord& r = f.record;
    html += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{} {}<div class=muted>{}</div></td><td class=n>{}</td><td "
        "class=n>{}</td>"
        "<td class=\"{}\">{}</td><td class=\"{}\">{}</td><td class=n>{}</td><td class=n>{}</td><td "
        "class=n>{}</td><td>{}</td></tr>\n",
        r.id, Escape(r.phase), FaultKindName(r.kind), Escape(r.target), Escape(r.resolved),
        Ms(r.start), Ms(r.healed), r.effective ? "ok" : "bad", Escape(r.proof),
        r.heal_ok ? "ok" : "bad", Escape(r.heal_proof), Ms(f.first_success), Ms(f.longest_outage),
        f.drained.count() < 0 ? "not drained" : "+" + Ms(f.drained), Escape(f.expected));
  }
  html += "</table>\n";

  auto list = [&](const char* title, const std::vector<std::string>& rows) {
    html += fmt::format("<h2>{}</h2>\n", title);
    if (rows.empty()) {
      html += "<p class=ok>none</p>\n";
      return;
    }
    html += "<table>";
    for (size_t i = 0; i < rows.size() && i < 500; ++i) html += "<tr><td>" + rows[i] + "</td></tr>";
    html += "</table>\n";
    if (rows.size() > 500)
      html += fmt::format("<p class=muted>... and {} more (verdict.json)</p>\n", rows.size() - 500);
  };
  std::vector<std::string> rows;
  for (const LostStrike& l : k.lost) {
    rows.push_back(fmt::format("key {} · voter {} · precinct {} · acknowledged by request {} at {}",
                               Escape(l.key), Escape(l.voter), Escape(l.precinct), l.request_id,
                               Ms(l.acked_at)));
  }
  list("Lost (acknowledged, not struck)", rows);
  rows.clear();
  for (const std::string& u : k.doubled_voters)
    rows.push_back("voter " + Escape(u) + ": two \"struck\" events");
  for (const PrecinctCount& p : k.doubled_precincts) {
    rows.push_back(fmt::format("precinct {}: turnout {} but {} voters struck", Escape(p.precinct),
                               p.turnout, p.struck));
  }
  for (const PrecinctCount& p : k.undercounted_precincts) {
    rows.push_back(fmt::format("precinct {}: turnout {} but {} voters struck (undercount)",
                               Escape(p.precinct), p.turnout, p.struck));
  }
  list("Double-counted", rows);
  rows.clear();
  for (const std::string& u : k.unexpected) rows.push_back("voter " + Escape(u));
  list("Unexpected (struck, never reported)", rows);
  rows.clear();
  for (const BadRead& r : k.bad_reads) {
    rows.push_back(fmt::format("read {} at {}: precinct {} showed {}, expected {}..{}", r.read_id,
                               Ms(r.sent), Escape(r.precinct), r.seen, r.low, r.high));
  }
  list("Turnout reads out of bounds", rows);

  html += "<h2>Provenance</h2>\n";
  html += fmt::format(
      "<p>Scenario <b>{}</b>, seed {}, narwhal {} (commit {}), on {}. Driver lateness p99 {:.1f} "
      "ms, "
      "max {:.1f} ms over {} timers. Repeat with <code>narwhal gameday run {} --seed "
      "{}</code>.</p>\n",
      Escape(h.info.scenario), h.info.seed, Escape(h.info.version), Escape(h.info.git_commit),
      Escape(h.info.host), h.lag.p99_ms, h.lag.max_ms, h.lag.samples, Escape(h.info.scenario),
      h.info.seed);
  html += "<pre>" + Escape(h.info.scenario_text) + "</pre>\n";

  // Chart data: one point a second; fault windows shaded.
  json::array t, acked, failed, p50, p99, faults;
  for (const WindowStats& s : v.seconds) {
    t.push_back(static_cast<double>(s.start.count()) / 1000.0);
    acked.push_back(s.acked);
    failed.push_back(s.strike_requests - s.strike_ok);
    if (s.latency.count > 0) {
      p50.push_back(s.latency.p50);
      p99.push_back(s.latency.p99);
    } else {
      p50.push_back(nullptr);
      p99.push_back(nullptr);
    }
  }
  for (const FaultRecord& f : h.faults) {
    faults.push_back(
        json::object{{"from", static_cast<double>(f.start.count()) / 1000.0},
                     {"to", static_cast<double>(f.healed.count()) / 1000.0},
                     {"label", fmt::format("{} {} {}", f.id, FaultKindName(f.kind), f.target)}});
  }
  json::object data{{"t", std::move(t)},           {"acked", std::move(acked)},
                    {"failed", std::move(failed)}, {"p50", std::move(p50)},
                    {"p99", std::move(p99)},       {"faults", std::move(faults)}};
  std::string data_json = json::serialize(data);
  // "</" cannot appear inside the script element.
  for (size_t i = 0; (i = data_json.find("</", i)) != std::string::npos;)
    data_json.replace(i, 2, "<\\/");
  html += "<script>\n" + std::string(UplotScript()) + "\n</script>\n";
  html += "<script>\nconst DATA = " + data_json + ";\n";
  html += R"(if (typeof uPlot !== 'undefined') {
  const shade = {hooks: {drawClear: [u => {
    const ctx = u.ctx; ctx.save();
    for (const f of DATA.faults) {
      const x0 = u.valToPos(f.from, 'x', true), x1 = u.valToPos(f.to, 'x', true);
      ctx.fillStyle = 'rgba(207,34,46,0.12)'; ctx.fillRect(x0, u.bbox.top, Math.max(2, x1 - x0), u.bbox.height);
      ctx.fillStyle = '#a40e26'; ctx.font = (12 * devicePixelRatio) + 'px system-ui';
      ctx.fillText(f.label, x0 + 3, u.bbox.top + 14 * devicePixelRatio);
    }
    ctx.restore();
  }]}};
  const width = Math.min(1060, document.body.clientWidth);
  new uPlot({title: 'Strikes acknowledged and requests failed, per second', width, height: 260, plugins: [shade],
    scales: {x: {time: false}}, axes: [{label: 'seconds from start'}, {}],
    series: [{label: 's'}, {label: 'acknowledged/s', stroke: '#1a7f37', width: 2},
             {label: 'failed requests/s', stroke: '#cf222e', width: 2}]},
    [DATA.t, DATA.acked, DATA.failed], document.getElementById('throughput'));
  new uPlot({title: 'Strike latency from arrival (ms), per second', width, height: 260, plugins: [shade],
    scales: {x: {time: false}}, axes: [{label: 'seconds from start'}, {}],
    series: [{label: 's'}, {label: 'p50', stroke: '#0969da', width: 2}, {label: 'p99', stroke: '#8250df', width: 2}]},
    [DATA.t, DATA.p50, DATA.p99], document.getElementById('latency'));
}
</script>
</body></html>
)";
  return html;
}

}  // namespace narwhal::gameday

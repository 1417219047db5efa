#include "gameday/runner.h"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <deque>
#include <filesystem>
#include <fstream>
#include <thread>

#include "gameday/driver.h"
#include "gameday/verdict.h"

namespace narwhal::gameday {
namespace fs = std::filesystem;
using Steady = std::chrono::steady_clock;

namespace {

std::atomic<bool> g_interrupted{false};

void OnInterrupt(int /*signal*/) {
  g_interrupted.store(true);
}

bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  return static_cast<bool>(out);
}

std::string Hostname() {
  char name[256] = {};
  ::gethostname(name, sizeof name - 1);
  return name;
}

// Writes verdict.json and report.html; prints the summary; returns the exit code.
int Conclude(const Scenario& scenario, const History& history, const std::string& dir) {
  Verdict v = Evaluate(scenario, history);
  WriteFile(dir + "/verdict.json", VerdictJson(v, history));
  WriteFile(dir + "/report.html", ReportHtml(v, history));
  const CheckResult& k = v.check;
  std::fprintf(
      stderr,
      "\ngameday %s: %s\n  strikes: %lld arrived, %lld acknowledged, %zu LOST, %lld recovered, "
      "%zu unexpected, %zu double-counted\n  availability: strikes %.2f%%, reads %.2f%%; "
      "strike p99 %.0f ms; longest outage %s\n",
      scenario.name.c_str(), v.passed ? "PASSED" : "FAILED", static_cast<long long>(k.arrivals),
      static_cast<long long>(k.acknowledged), k.lost.size(), static_cast<long long>(k.recovered),
      k.unexpected.size(), k.doubled_voters.size() + k.doubled_precincts.size(),
      100.0 * v.overall.strike_availability(), 100.0 * v.overall.read_availability(),
      v.overall.latency.p99, FormatDuration(v.longest_outage).c_str());
  for (const FaultVerdict& f : v.faults) {
    std::fprintf(stderr, "  fault %d %s %s: %s; first success +%s, outage %s, drained %s\n",
                 f.record.id, std::string(FaultKindName(f.record.kind)).c_str(),
                 f.record.target.c_str(), f.record.effective ? "effective" : "NOT EFFECTIVE",
                 f.first_success.count() < 0 ? "-" : FormatDuration(f.first_success).c_str(),
                 FormatDuration(f.longest_outage).c_str(),
                 f.drained.count() < 0 ? "never" : ("+" + FormatDuration(f.drained)).c_str());
  }
  for (const std::string& r : v.reasons) std::fprintf(stderr, "  ! %s\n", r.c_str());
  std::fprintf(stderr, "  report: %s/report.html\n", dir.c_str());
  return v.exit_code;
}

class ProgressLine {
 public:
  ProgressLine() : tty_(::isatty(2) != 0) {}
  void Show(const std::string& phase, const std::string& fault, const LiveStats& now) {
    double rate = static_cast<double>(now.acked - last_acked_);
    last_acked_ = now.acked;
    std::string line = fmt::format(
        "{:>5}s {:<12} {:<18} acked {:>7} ({:>5.0f}/s)  failed {:>4}  unknown {:>4}  outbox {:>5}  "
        "p99 {:>5.0f} ms",
        now.now.count() / 1000, phase, fault.empty() ? "-" : fault, now.acked, rate,
        now.failed_requests, now.unknown_requests, now.outbox, now.p99_ms);
    if (tty_) {
      std::fprintf(stderr, "\r%s", line.c_str());
    } else if (now.now.count() / 1000 % 5 == 0) {
      std::fprintf(stderr, "%s\n", line.c_str());
    }
  }
  void End() {
    if (tty_) std::fputc('\n', stderr);
  }

 private:
  bool tty_;
  int64_t last_acked_ = 0;
};

}  // namespace

int ValidateScenario(const std::string& text, const std::string& source,
                     std::optional<uint64_t> seed) {
  Result<Scenario> s = ParseScenario(text, source);
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.status().message().c_str());
    return kExitInvalidScenario;
  }
  Result<Timeline> t = ExpandTimeline(*s, seed.value_or(s->seed));
  if (!t.ok()) {
    std::fprintf(stderr, "%s: %s\n", source.c_str(), t.status().message().c_str());
    return kExitInvalidScenario;
  }
  std::fputs(FormatTimeline(*s, *t).c_str(), stdout);
  return kExitPassed;
}

int RunScenario(const RunOptions& o) {
  Result<Scenario> parsed = ParseScenario(o.scenario_text, o.source);
  if (!parsed.ok()) {
    std::fprintf(stderr, "%s\n", parsed.status().message().c_str());
    return kExitInvalidScenario;
  }
  const Scenario& scenario = *parsed;
  uint64_t seed = o.seed.value_or(scenario.seed);
  Result<Timeline> expanded = ExpandTimeline(scenario, seed);
  if (!expanded.ok()) {
    std::fprintf(stderr, "%s: %s\n", o.source.c_str(), expanded.status().message().c_str());
    return kExitInvalidScenario;
  }
  const Timeline& timeline = *expanded;
  std::error_code ec;
  if (fs::exists(o.out_dir, ec) && !fs::is_empty(o.out_dir, ec)) {
    std::fprintf(stderr, "gameday: %s exists and is not empty; name a new --out\n",
                 o.out_dir.c_str());
    return kExitInvalidScenario;
  }
  fs::create_directories(o.out_dir, ec);
  const std::string dir = fs::canonical(o.out_dir, ec).string();
  WriteFile(dir + "/scenario.toml", o.scenario_text);
  std::fputs(FormatTimeline(scenario, timeline).c_str(), stderr);

  struct sigaction sa {};
  sa.sa_handler = OnInterrupt;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);

  std::unique_ptr<Topology> topology =
      scenario.topology.kind == "cluster"
          ? MakeClusterTopology({o.binary, dir, o.scripts_dir, scenario, o.store})
          : MakeEmbeddedTopology({o.binary, dir, scenario, o.store});
  auto history_file = HistoryWriter::Open(dir + "/history.jsonl");
  if (!history_file.ok()) {
    std::fprintf(stderr, "gameday: %s\n", history_file.status().message().c_str());
    return kExitAborted;
  }
  HistoryWriter& history = **history_file;
  RunInfo info;
  info.scenario = scenario.name;
  info.seed = seed;
  info.git_commit = o.git_commit;
  info.version = o.version;
  info.host = Hostname();
  info.scenario_text = o.scenario_text;

  std::fprintf(stderr, "gameday: bringing up the %s topology in %s\n",
               scenario.topology.kind.c_str(), dir.c_str());
  Result<Volunteers> volunteers = topology->Up();
  std::vector<std::string> watcher_tokens, reader_tokens;
  Status setup = volunteers.status();
  // Every volunteer logs in through the API with the code from her credential sheet.
  auto log_in = [&](const std::vector<std::string>& codes, std::vector<std::string>& tokens) {
    for (const std::string& code : codes) {
      if (!setup.ok()) return;
      Result<std::string> token = Login(topology->Nodes()[0], code, Millis(10'000));
      if (!token.ok()) {
        setup = token.status();
        return;
      }
      tokens.push_back(*token);
    }
  };
  if (setup.ok()) {
    log_in(volunteers->watcher_codes, watcher_tokens);
    log_in(volunteers->reader_codes, reader_tokens);
  }
  if (!setup.ok()) {
    std::fprintf(stderr, "gameday: setup failed: %s\n", setup.message().c_str());
    (void)topology->Stop();
    for (const std::string& l : topology->TearDown())
      std::fprintf(stderr, "gameday: left behind: %s\n", l.c_str());
    return kExitAborted;
  }
  info.startup_ms = topology->StartupTime().count();

  Schedule schedule = MakeSchedule(timeline, scenario.workload, volunteers->watcher_plans, seed);
  if (schedule.exhausted > 0) {
    std::fprintf(
        stderr,
        "gameday: warning: %lld arrivals found no voter left to report (raise topology.voters)\n",
        static_cast<long long>(schedule.exhausted));
  }
  DriverConfig config;
  config.nodes = topology->Nodes();
  config.workload = scenario.workload;
  config.watcher_tokens = watcher_tokens;
  config.reader_tokens = reader_tokens;
  config.end = timeline.end;
  config.drain = scenario.checks.quiet;

  const auto origin = Steady::now();
  info.started_at_ms =
      std::chrono::duration_cast<Millis>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  history.Write(info, timeline);
  Driver driver(config, std::move(schedule), &history, origin);
  std::atomic<bool> driver_done{false};
  std::thread driver_thread([&] {
    driver.Run();
    driver_done.store(true);
  });

  auto now_ms = [&] { return std::chrono::duration_cast<Millis>(Steady::now() - origin); };
  size_t next_fault = 0;
  std::vector<std::pair<PlannedFault, FaultRecord>> open;
  ProgressLine progress;
  std::deque<std::pair<int64_t, int64_t>> per_second;  // (ok, not ok) requests, cumulative
  Millis last_tick{-1000};
  std::string abort_reason;
  bool aborting = false;  // the abort has been carried out (healed, driver stopped)

  auto heal = [&](std::pair<PlannedFault, FaultRecord>& f) {
    topology->Heal(f.second);
    f.second.healed = now_ms();
    history.Write(f.second);
  };

  while (!driver_done.load()) {
    Millis now = now_ms();
    if (abort_reason.empty() && g_interrupted.load()) abort_reason = "interrupted (Ctrl-C)";
    if (abort_reason.empty()) {
      while (next_fault < timeline.faults.size() && timeline.faults[next_fault].start <= now) {
        const PlannedFault& p = timeline.faults[next_fault++];
        FaultRecord r;
        r.id = p.id;
        r.phase = p.phase;
        r.kind = p.kind;
        r.target = p.target;
        r.start = now_ms();
        topology->Apply(r);
        std::fprintf(stderr, "%sfault %d: %s %s — %s\n", ::isatty(2) ? "\n" : "", r.id,
                     std::string(FaultKindName(r.kind)).c_str(), r.target.c_str(), r.proof.c_str());
        open.emplace_back(p, std::move(r));
      }
      for (auto it = open.begin(); it != open.end();) {
        if (it->first.heal <= now_ms()) {
          heal(*it);
          it = open.erase(it);
        } else {
          ++it;
        }
      }
    }
    if (now - last_tick >= Millis(1000)) {
      last_tick = now;
      LiveStats s = driver.Snapshot();
      std::string phase = "quiet";
      for (const PhaseWindow& p : timeline.phases) {
        if (now >= p.start && now < p.end) phase = p.name;
      }
      std::string fault;
      for (const auto& f : open)
        fault += fmt::format("{}{} {}", fault.empty() ? "" : ", ", FaultKindName(f.first.kind),
                             f.first.target);
      progress.Show(phase, fault, s);
      per_second.emplace_back(s.ok_requests, s.failed_requests + s.unknown_requests);
      auto window = static_cast<size_t>(scenario.checks.abort_after.count() / 1000);
      while (per_second.size() > window + 1) per_second.pop_front();
      if (abort_reason.empty() && window > 0 && per_second.size() == window + 1) {
        int64_t ok = per_second.back().first - per_second.front().first;
        int64_t bad = per_second.back().second - per_second.front().second;
        if (ok + bad > 0 &&
            static_cast<double>(ok) / static_cast<double>(ok + bad) < scenario.checks.abort_below) {
          abort_reason = fmt::format(
              "{:.1f}% of strike requests answered, below {:.0f}%, for {}",
              100.0 * static_cast<double>(ok) / static_cast<double>(ok + bad),
              100.0 * scenario.checks.abort_below, FormatDuration(scenario.checks.abort_after));
        }
      }
    }
    if (!abort_reason.empty() && !driver_done.load()) {
      if (!aborting) {
        aborting = true;
        std::fprintf(stderr, "\ngameday: aborting: %s; healing and draining\n",
                     abort_reason.c_str());
        history.WriteAbort(abort_reason);
        for (auto& f : open) heal(f);
        open.clear();
        driver.Stop();
      }
    }
    std::this_thread::sleep_for(Millis(50));
  }
  driver_thread.join();
  progress.End();
  for (auto& f : open) heal(f);  // a fault the timeline heals after the drain ended
  history.Write(driver.Lag());

  Status stopped = topology->Stop();
  FinalState final_state;
  Result<FinalState> read =
      o.store.final_state(topology->StoreLocation(), scenario.topology.election);
  if (read.ok()) {
    final_state = std::move(*read);
  } else {
    final_state.error = read.status().message();
  }
  if (!stopped.ok() && final_state.error.empty()) {
    std::fprintf(stderr, "gameday: %s\n", stopped.message().c_str());
  }
  history.Write(final_state);
  std::vector<std::string> leftovers = topology->TearDown();
  if (!stopped.ok())
    leftovers.push_back("a server that did not stop cleanly: " + stopped.message());
  history.WriteLeftovers(leftovers);
  history_file->reset();

  // The verdict is computed from the file, exactly as `gameday report` does later.
  Result<History> h = ReadHistory(dir + "/history.jsonl");
  if (!h.ok()) {
    std::fprintf(stderr, "gameday: %s\n", h.status().message().c_str());
    return kExitAborted;
  }
  return Conclude(scenario, *h, dir);
}

int RenderReport(const std::string& dir) {
  Result<History> h = ReadHistory(dir + "/history.jsonl");
  if (!h.ok()) {
    std::fprintf(stderr, "gameday report: %s\n", h.status().message().c_str());
    return kExitAborted;
  }
  Result<Scenario> s = ParseScenario(h->info.scenario_text, dir + "/scenario.toml");
  if (!s.ok()) {
    std::fprintf(stderr, "gameday report: %s\n", s.status().message().c_str());
    return kExitInvalidScenario;
  }
  return Conclude(*s, *h, dir);
}

}  // namespace narwhal::gameday

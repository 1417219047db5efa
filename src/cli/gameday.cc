// `narwhal gameday run | validate | list | report` (docs/gameday.md): the command line side
// of src/gameday/, which knows how to open a store for the run's setup and final check.
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/commands.h"
#include "gameday/runner.h"

namespace narwhal {
namespace {

namespace gd = gameday;

// The scenario named on the command line: a file, or a built-in scenario's name.
Result<std::pair<std::string, std::string>> LoadScenario(const std::string& name) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(name, ec)) {
    std::ifstream in(name, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return std::make_pair(text.str(), name);
  }
  std::string known;
  for (const gd::BuiltinScenario& s : gd::BuiltinScenarios()) {
    if (s.name == name)
      return std::make_pair(std::string(s.text), fmt::format("built-in {}", s.name));
    known += fmt::format("{}{}", known.empty() ? "" : ", ", s.name);
  }
  return NotFound(
      fmt::format("no scenario file or built-in scenario \"{}\" (built in: {})", name, known));
}

// "3f2c1ab" or "3f2c1ab-dirty", read from the source tree the binary was built from.
std::string GitCommit() {
  std::string cmd =
      fmt::format("git -C '{}' describe --always --dirty 2>/dev/null", NARWHAL_SOURCE_DIR);
  std::FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return "unknown";
  char buf[128] = {};
  std::string out = std::fgets(buf, sizeof buf, p) != nullptr ? buf : "";
  ::pclose(p);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out.empty() ? "unknown" : out;
}

std::string SelfPath() {
  std::error_code ec;
  return std::filesystem::read_symlink("/proc/self/exe", ec).string();
}

// A location is a data directory (embedded) or a PostgreSQL connection string (cluster).
CommonArgs StoreAt(const std::string& location) {
  CommonArgs common;
  if (location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0) {
    common.store = location;
  } else {
    common.data_dir = location;
  }
  return common;
}

Result<std::vector<std::pair<std::string, std::string>>> ListVoters(const std::string& location) {
  CommonArgs common = StoreAt(location);
  NARWHAL_ASSIGN_OR_RETURN(auto store, OpenStore(common));
  NARWHAL_ASSIGN_OR_RETURN(auto precincts, store->ListPrecincts(""));
  std::vector<std::pair<std::string, std::string>> out;
  for (const PrecinctSummary& p : precincts) {
    VoterQuery q;
    q.county = p.county;
    q.precinct = p.precinct;
    q.limit = 1000;
    std::string key = fmt::format("{}/{}", p.county, p.precinct);
    for (;;) {
      NARWHAL_ASSIGN_OR_RETURN(VoterPage page, store->SearchVoters(q));
      for (const VoterSummary& v : page.voters) out.emplace_back(key, v.voter_id);
      if (page.next_cursor.empty()) break;
      q.cursor = page.next_cursor;
    }
  }
  return out;
}

Result<gd::FinalState> ReadFinalState(const std::string& location, const std::string& election) {
  CommonArgs common = StoreAt(location);
  NARWHAL_ASSIGN_OR_RETURN(auto store, OpenStore(common));
  gd::FinalState s;
  int64_t after = 0;
  for (;;) {
    NARWHAL_ASSIGN_OR_RETURN(auto events, store->StrikesSince(election, after, 1000));
    if (events.empty()) break;
    for (const StrikeEvent& e : events) {
      after = e.id;
      if (e.undone) {
        s.struck.erase(e.voter_id);
        --s.struck_events[e.voter_id];
      } else {
        s.struck[e.voter_id] = fmt::format("{}/{}", e.precinct.county, e.precinct.precinct);
        ++s.struck_events[e.voter_id];
      }
    }
  }
  NARWHAL_ASSIGN_OR_RETURN(auto turnout, store->GetTurnout(election, ""));
  for (const PrecinctTurnout& t : turnout) {
    s.voted[fmt::format("{}/{}", t.precinct.county, t.precinct.precinct)] = t.turnout.voted;
  }
  return s;
}

}  // namespace

int RunGamedayList() {
  for (const gd::BuiltinScenario& s : gd::BuiltinScenarios()) {
    Result<gd::Scenario> parsed = gd::ParseScenario(s.text, s.name);
    std::string description = parsed.ok() ? parsed->description : parsed.status().message();
    std::string length = "?";
    if (parsed.ok()) {
      Result<gd::Timeline> t = gd::ExpandTimeline(*parsed, parsed->seed);
      if (t.ok()) length = gd::FormatDuration(t->end + parsed->checks.quiet);
    }
    std::printf("%-16s %-8s %s\n", std::string(s.name).c_str(), length.c_str(),
                description.c_str());
  }
  return kExitOk;
}

int RunGamedayValidate(const GamedayArgs& args) {
  auto loaded = LoadScenario(args.scenario);
  if (!loaded.ok()) {
    std::fprintf(stderr, "narwhal gameday: %s\n", loaded.status().message().c_str());
    return gd::kExitInvalidScenario;
  }
  return gd::ValidateScenario(loaded->first, loaded->second, args.seed);
}

int RunGamedayRun(const GamedayArgs& args) {
  auto loaded = LoadScenario(args.scenario);
  if (!loaded.ok()) {
    std::fprintf(stderr, "narwhal gameday: %s\n", loaded.status().message().c_str());
    return gd::kExitInvalidScenario;
  }
  gd::RunOptions o;
  o.scenario_text = loaded->first;
  o.source = loaded->second;
  o.seed = args.seed;
  o.out_dir = args.out_dir;
  if (o.out_dir.empty()) {
    std::time_t now = std::time(nullptr);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", std::gmtime(&now));
    o.out_dir = fmt::format("gameday-runs/{}-{}",
                            std::filesystem::path(args.scenario).stem().string(), stamp);
  }
  o.binary = SelfPath();
  o.scripts_dir = std::string(NARWHAL_SOURCE_DIR) + "/scripts";
  o.git_commit = GitCommit();
  o.version = kNarwhalVersion;
  o.store.voters = ListVoters;
  o.store.final_state = ReadFinalState;
  // A run's store is its own (SQLite in its directory, or its own cluster), whatever the
  // shell says.
  ::unsetenv("NARWHAL_STORE");
  return gd::RunScenario(o);
}

int RunGamedayReport(const GamedayArgs& args) {
  return gd::RenderReport(args.dir);
}

}  // namespace narwhal

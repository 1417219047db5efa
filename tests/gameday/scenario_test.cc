#include "gameday/scenario.h"

#include <gtest/gtest.h>

#include "gameday/runner.h"

namespace narwhal::gameday {
namespace {

constexpr const char* kMinimal = R"(name = "t"
[[phase]]
name = "one"
duration = "10s"
strikes_per_second = 5
)";

Status ParseError(const std::string& text) {
  return ParseScenario(text, "t.toml").status();
}

TEST(ScenarioTest, EveryBuiltInScenarioParsesAndExpands) {
  ASSERT_FALSE(BuiltinScenarios().empty());
  for (const BuiltinScenario& b : BuiltinScenarios()) {
    Result<Scenario> s = ParseScenario(b.text, b.name);
    ASSERT_TRUE(s.ok()) << b.name << ": " << s.status().message();
    EXPECT_EQ(s->name, b.name);
    Result<Timeline> t = ExpandTimeline(*s, s->seed);
    ASSERT_TRUE(t.ok()) << b.name << ": " << t.status().message();
    EXPECT_FALSE(t->phases.empty());
  }
}

TEST(ScenarioTest, DefaultsFillWhatTheFileLeavesOut) {
  Result<Scenario> s = ParseScenario(kMinimal, "t.toml");
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->topology.kind, "embedded");
  EXPECT_EQ(s->workload.watchers, 24);
  ASSERT_EQ(s->phases.size(), 1u);
  EXPECT_EQ(s->phases[0].duration, Millis(10'000));
  EXPECT_EQ(s->phases[0].strikes_per_second, 5);
}

TEST(ScenarioTest, AnUnknownFieldIsAnErrorNamingItsLineAndPath) {
  Status st = ParseError(std::string(kMinimal) + "strikes_per_secnd = 4\n");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message(), "t.toml:6: phase[0].strikes_per_secnd: unknown field");
  st = ParseError("name = \"t\"\n[workload]\nwatcher = 3\n" + std::string(kMinimal).substr(11));
  EXPECT_EQ(st.message(), "t.toml:3: workload.watcher: unknown field");
}

TEST(ScenarioTest, ADurationNeedsAUnit) {
  Status st = ParseError("name = \"t\"\n[[phase]]\nname = \"a\"\nduration = 30\n");
  EXPECT_EQ(st.message(),
            "t.toml:4: phase[0].duration: a duration is a string with a unit, e.g. \"30s\" or "
            "\"250ms\"");
  st = ParseError("name = \"t\"\n[[phase]]\nname = \"a\"\nduration = \"30\"\n");
  EXPECT_EQ(st.message(),
            "t.toml:4: phase[0].duration: a duration needs a unit, e.g. \"30s\" (ms, s, m, h)");
  st = ParseError("name = \"t\"\n[[phase]]\nname = \"a\"\nduration = \"3 weeks\"\n");
  EXPECT_NE(st.message().find("phase[0].duration"), std::string::npos) << st.message();
}

TEST(ScenarioTest, DurationsParseAndPrint) {
  EXPECT_EQ(*ParseDuration("250ms"), Millis(250));
  EXPECT_EQ(*ParseDuration("1m30s"), Millis(90'000));
  EXPECT_EQ(*ParseDuration("2h"), Millis(7'200'000));
  EXPECT_FALSE(ParseDuration("").ok());
  EXPECT_FALSE(ParseDuration("s").ok());
  EXPECT_FALSE(ParseDuration("5d").ok());
  EXPECT_EQ(FormatDuration(Millis(90'000)), "1m30s");
  EXPECT_EQ(FormatDuration(Millis(120'000)), "2m");
  EXPECT_EQ(FormatDuration(Millis(250)), "250ms");
  EXPECT_EQ(FormatDuration(Millis(17'217)), "17.2s");
}

TEST(ScenarioTest, FaultsAreCheckedAgainstTheirPhaseAndTopology) {
  std::string base = "name = \"t\"\n[[phase]]\nname = \"a\"\nduration = \"10s\"\n[[phase.fault]]\n";
  Status st =
      ParseError(base + "kind = \"kill\"\ntarget = \"app[1]\"\nat = \"8s\"\nheal_after = \"5s\"\n");
  EXPECT_EQ(st.message(),
            "t.toml:9: phase[0].fault[0].heal_after: the fault must be healed inside its phase "
            "(10s long)");
  st = ParseError(base +
                  "kind = \"explode\"\ntarget = \"app[1]\"\nat = \"1s\"\nheal_after = \"1s\"\n");
  EXPECT_NE(st.message().find("unknown fault kind \"explode\""), std::string::npos) << st.message();
  st = ParseError(base +
                  "kind = \"kill\"\ntarget = \"pg.primary\"\nat = \"1s\"\nheal_after = \"1s\"\n");
  EXPECT_NE(st.message().find("t.toml:7: phase[0].fault[0].target: unknown target \"pg.primary\""),
            std::string::npos)
      << st.message();
  st = ParseError(base +
                  "kind = \"disk_full\"\ntarget = \"app[1]\"\nat = \"1s\"\nheal_after = \"1s\"\n");
  EXPECT_NE(st.message().find("disk_full needs topology.disk_mib"), std::string::npos)
      << st.message();
  st = ParseError(base + "kind = \"kill\"\ntarget = \"app[1]\"\nat = \"1s\"\n");
  EXPECT_NE(st.message().find("heal_after: missing"), std::string::npos) << st.message();
}

TEST(ScenarioTest, TwoProcessFaultsOnOneTargetMayNotOverlap) {
  std::string text =
      "name = \"t\"\n[[phase]]\nname = \"a\"\nduration = \"10s\"\n"
      "[[phase.fault]]\nkind = \"kill\"\ntarget = \"app[1]\"\nat = \"1s\"\nheal_after = \"3s\"\n"
      "[[phase.fault]]\nkind = \"pause\"\ntarget = \"app[1]\"\nat = \"2s\"\nheal_after = \"1s\"\n";
  Result<Scenario> s = ParseScenario(text, "t.toml");
  ASSERT_TRUE(s.ok()) << s.status().message();
  Result<Timeline> t = ExpandTimeline(*s, 1);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("starts before fault 1"), std::string::npos)
      << t.status().message();
}

TEST(ScenarioTest, RandomFaultsFollowTheSeedAndKeepTheirGap) {
  std::string text =
      "name = \"t\"\n[[phase]]\nname = \"warm\"\nduration = \"5s\"\n"
      "[[phase]]\nname = \"a\"\nduration = \"60s\"\n[phase.random]\nkinds = [\"kill\", \"pause\"]\n"
      "targets = [\"app[1]\"]\ncount = 4\nmin_gap = \"3s\"\nheal_after = \"2s\"\n";
  Result<Scenario> s = ParseScenario(text, "t.toml");
  ASSERT_TRUE(s.ok()) << s.status().message();
  Result<Timeline> a = ExpandTimeline(*s, 7);
  Result<Timeline> b = ExpandTimeline(*s, 7);
  Result<Timeline> c = ExpandTimeline(*s, 8);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  ASSERT_EQ(a->faults.size(), 4u);
  bool differs = false;
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(a->faults[i].start, b->faults[i].start);
    EXPECT_EQ(a->faults[i].kind, b->faults[i].kind);
    differs = differs || a->faults[i].start != c->faults[i].start;
    EXPECT_GE(a->faults[i].start, Millis(5000)) << "inside its own phase";
    EXPECT_LE(a->faults[i].heal, Millis(65'000));
    if (i > 0) {
      EXPECT_GE(a->faults[i].start - a->faults[i - 1].heal, Millis(3000));
    }
  }
  EXPECT_TRUE(differs) << "another seed, another timeline";
  // The printed timeline names every fault.
  std::string printed = FormatTimeline(*s, *a);
  EXPECT_NE(printed.find("fault 4:"), std::string::npos) << printed;
}

TEST(ScenarioTest, RandomFaultsThatCannotFitAreAnError) {
  std::string text =
      "name = \"t\"\n[[phase]]\nname = \"a\"\nduration = \"10s\"\n[phase.random]\nkinds = "
      "[\"kill\"]\n"
      "targets = [\"app[1]\"]\ncount = 5\nmin_gap = \"3s\"\nheal_after = \"2s\"\n";
  Result<Scenario> s = ParseScenario(text, "t.toml");
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_FALSE(ExpandTimeline(*s, 1).ok());
}

TEST(ScenarioTest, BrokenTomlNamesItsLine) {
  Status st = ParseError("name = \"t\"\n[[phase]\n");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message().rfind("t.toml:2:", 0), 0u) << st.message();
}

}  // namespace
}  // namespace narwhal::gameday

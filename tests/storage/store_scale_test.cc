// Scale measurements of the SQLite store through the Store API: bulk load, re-import and
// name search on a large synthetic voter file. Disabled by default (slow); run with
//   NARWHAL_SCALE_VOTERS=1000000 store_scale_test --gtest_also_run_disabled_tests
// in an optimised build. Prints what it measures; asserts only correctness.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "base/text.h"
#include "storage/sqlite/sqlite_store.h"
#include "temp_dir.h"

namespace narwhal {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// Deterministic names from syllables: ~27,000 last names, ~900 first names, skewed so
// that some names are common, as in a real file.
class NameMaker {
 public:
  explicit NameMaker(uint64_t seed) : rng_(seed) {}
  std::string Last() { return Name(3, 30); }
  std::string First() { return Name(2, 30); }

 private:
  std::string Name(int syllables, int choices) {
    static const char* kSyllables[] = {"MA",  "RO",  "LI",  "SON", "BER", "KIN", "TA",  "DEN",
                                       "WIL", "HAR", "GAN", "NEL", "PER", "CO",  "STE", "VAN",
                                       "RI",  "DO",  "MOR", "LEE", "SHA", "BRO", "WN",  "TER",
                                       "JO",  "NES", "CAR", "TIN", "EZ",  "PEÑ"};
    std::string out;
    for (int i = 0; i < syllables; ++i) {
      // Squaring a uniform variate skews towards the first syllables.
      double u = std::uniform_real_distribution<double>(0, 1)(rng_);
      out += kSyllables[static_cast<int>(u * u * choices) % choices];
    }
    return out;
  }
  std::mt19937_64 rng_;
};

Voter SyntheticVoter(int64_t i, NameMaker& names) {
  Voter v;
  v.voter_id = "BN" + std::to_string(100000 + i);
  v.state = "NC";
  v.county = std::to_string(1 + i % 100);
  v.county_name = "COUNTY " + v.county;
  v.precinct = std::to_string(i % 37);
  v.precinct_name = "PRECINCT " + v.precinct;
  v.registration_number = std::to_string(i / 100);
  v.last_name = names.Last();
  v.first_name = names.First();
  v.middle_name = "Q";
  v.residence = Address{std::to_string(i % 9999) + " MAIN ST", "RALEIGH", "NC", "27601"};
  v.party = i % 3 == 0 ? "DEM" : (i % 3 == 1 ? "REP" : "UNA");
  v.status = VoterStatus::kActive;
  v.birth_year = 1930 + static_cast<int>(i % 75);
  v.registration_date = "2001-02-03";
  v.gender = i % 2 ? "F" : "M";
  v.race = "W";
  v.ethnicity = "NL";
  v.districts = {{"congressional", "13"}, {"state_house", std::to_string(i % 120)}};
  return v;
}

int64_t ScaleVoters() {
  const char* env = std::getenv("NARWHAL_SCALE_VOTERS");
  long long n = 0;
  if (env != nullptr && ParseInt64(env, n) && n > 0) return n;
  return 200000;
}

UpsertCounts LoadAll(Store& store, int64_t n, int changed_every, double& seconds) {
  NameMaker names(7);
  auto start = Clock::now();
  Result<ImportId> id = store.BeginImport({"voters", "synthetic", "scale"});
  EXPECT_TRUE(id.ok());
  UpsertCounts total;
  std::vector<Voter> batch;
  double in_store = 0;
  for (int64_t i = 0; i < n; ++i) {
    batch.push_back(SyntheticVoter(i, names));
    if (changed_every > 0 && i % changed_every == 0) batch.back().party = "LIB";
    if (batch.size() == 20000 || i + 1 == n) {
      auto call = Clock::now();
      Result<UpsertCounts> c = store.UpsertVoters(*id, batch);
      in_store += Seconds(call);
      EXPECT_TRUE(c.ok()) << c.status().ToString();
      if (c.ok()) total += *c;
      batch.clear();
    }
  }
  std::printf("  UpsertVoters calls: %.2f s\n", in_store);
  auto finish_start = Clock::now();
  EXPECT_TRUE(store.FinishImport(*id, {}).ok());
  std::printf("  finish (indexes, precincts): %.2f s\n", Seconds(finish_start));
  seconds = Seconds(start);
  return total;
}

TEST(StoreScale, DISABLED_LoadReimportAndSearch) {
  const int64_t n = ScaleVoters();
  testing::TempDir dir;
  SqliteOptions options;
  options.path = dir.File("scale.db");
  // NARWHAL_SCALE_DB=/some/new/file keeps the database for inspection.
  if (const char* keep = std::getenv("NARWHAL_SCALE_DB"); keep != nullptr) options.path = keep;
  Result<std::unique_ptr<Store>> opened = OpenSqliteStore(options);
  ASSERT_TRUE(opened.ok());
  Store& store = **opened;

  double seconds = 0;
  UpsertCounts first = LoadAll(store, n, 0, seconds);
  EXPECT_EQ(first.added, n);
  std::printf("bulk load of %lld voters: %.2f s, %.0f rows/s\n", static_cast<long long>(n), seconds,
              static_cast<double>(n) / seconds);

  UpsertCounts again = LoadAll(store, n, 10, seconds);
  EXPECT_EQ(again.unchanged + again.changed, n);
  std::printf("re-import (10%% changed): %.2f s, %.0f rows/s\n", seconds,
              static_cast<double>(n) / seconds);

  NameMaker names(99);
  const char* kKinds[] = {"last-name prefix (4 letters)", "whole last name",
                          "\"last first\" (first: 2 letters)", "\"first last\" (last: 3 letters)"};
  std::vector<double> micros[4];
  std::vector<double> all;
  for (int i = 0; i < 4000; ++i) {
    std::string last = names.Last();
    std::string first = names.First();
    std::string text;
    switch (i % 4) {
      case 0: text = last.substr(0, 4); break;
      case 1: text = last; break;
      case 2: text = last + " " + first.substr(0, 2); break;
      default: text = first + " " + last.substr(0, 3); break;
    }
    VoterQuery q;
    q.name = FoldForSearch(text);
    q.limit = 50;
    auto start = Clock::now();
    Result<VoterPage> page = store.SearchVoters(q);
    double us = Seconds(start) * 1e6;
    EXPECT_TRUE(page.ok());
    micros[i % 4].push_back(us);
    all.push_back(us);
  }
  auto report = [&](const char* what, std::vector<double>& v) {
    std::sort(v.begin(), v.end());
    std::printf("  %-36s p50 %6.0f us  p99 %6.0f us  max %6.0f us\n", what, v[v.size() / 2],
                v[v.size() * 99 / 100], v.back());
  };
  std::printf("name search over %lld voters, limit 50:\n", static_cast<long long>(n));
  for (int k = 0; k < 4; ++k) report(kKinds[k], micros[k]);
  report("all", all);
}

}  // namespace
}  // namespace narwhal

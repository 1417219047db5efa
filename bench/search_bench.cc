// Name-search latency on an existing store: runs many searches the way the voter page
// does (a last-name prefix, "last first", "first last") and prints p50/p99.
//   search_bench DATABASE [QUERIES]
#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "base/text.h"
#include "storage/sqlite/sqlite_store.h"

namespace narwhal {
namespace {

int Main(int argc, char** argv) {
  if (argc < 2) {
    fmt::print(stderr, "usage: search_bench DATABASE [QUERIES]\n");
    return 2;
  }
  int queries = argc > 2 ? std::stoi(argv[2]) : 2000;
  SqliteOptions options;
  options.path = argv[1];
  auto store = OpenSqliteStore(options);
  if (!store.ok()) {
    fmt::print(stderr, "{}\n", store.status().ToString());
    return 1;
  }
  // Sample real names from the store: one page per county/precinct listing.
  auto precincts = (*store)->ListPrecincts("");
  if (!precincts.ok() || precincts->empty()) {
    fmt::print(stderr, "store has no precincts\n");
    return 1;
  }
  std::vector<VoterSummary> sample;
  for (const auto& p : *precincts) {
    VoterQuery q;
    q.county = p.county;
    q.precinct = p.precinct;
    q.limit = 50;
    auto page = (*store)->SearchVoters(q);
    if (page.ok()) sample.insert(sample.end(), page->voters.begin(), page->voters.end());
  }
  if (sample.empty()) return 1;

  std::vector<double> micros;
  micros.reserve(queries);
  int64_t hits = 0;
  uint64_t state = 2012;
  for (int i = 0; i < queries; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const VoterSummary& v = sample[(state >> 33) % sample.size()];
    std::string last = FoldForSearch(v.last_name);
    std::string first = FoldForSearch(v.first_name);
    VoterQuery q;
    q.limit = 25;
    switch (i % 3) {
      case 0: q.name = last.substr(0, std::max<size_t>(3, last.size() / 2)); break;
      case 1: q.name = last + " " + first.substr(0, 2); break;
      default: q.name = first + " " + last; break;
    }
    auto t0 = std::chrono::steady_clock::now();
    auto page = (*store)->SearchVoters(q);
    auto t1 = std::chrono::steady_clock::now();
    if (page.ok()) hits += static_cast<int64_t>(page->voters.size());
    micros.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
  }
  std::sort(micros.begin(), micros.end());
  auto pct = [&](double p) { return micros[static_cast<size_t>(p * (micros.size() - 1))]; };
  auto stats = (*store)->Stats();
  fmt::print(
      "name search over {} voters: {} queries, p50 {:.0f} us, p99 {:.0f} us, max {:.0f} us, "
      "{:.1f} results/query\n",
      stats.ok() ? stats->voters : -1, queries, pct(0.5), pct(0.99), micros.back(),
      static_cast<double>(hits) / queries);
  return 0;
}

}  // namespace
}  // namespace narwhal

int main(int argc, char** argv) {
  return narwhal::Main(argc, argv);
}

// The limit the hash sets on issuing login codes: Argon2id hashes of code secrets
// (HashCodeSecret at its default cost), first on one thread, then on one thread per core.
// Issuing codes in bulk (`narwhal users import`) cannot beat the second figure; the
// benchmark bench/users_bench.sh states its own rate against it.
//   hash_limit [HASHES]   (default 400 per thread)
#include <fmt/core.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <thread>
#include <vector>

#include "auth/secrets.h"

namespace {

// Hashes per second with `threads` threads hashing `per_thread` secrets each.
double Rate(unsigned threads, int per_thread) {
  std::atomic<int> failures{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (unsigned t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      for (int i = 0; i < per_thread; ++i) {
        narwhal::LoginCode code = narwhal::GenerateLoginCode();
        if (!narwhal::HashCodeSecret(code.secret).ok()) ++failures;
      }
    });
  }
  for (std::thread& w : workers) w.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (failures > 0) {
    fmt::print(stderr, "hash_limit: {} hashes failed\n", failures.load());
    std::exit(1);
  }
  return threads * per_thread / seconds;
}

}  // namespace

int main(int argc, char** argv) {
  const int per_thread = argc > 1 ? std::atoi(argv[1]) : 400;
  if (per_thread < 1 || !narwhal::InitSecrets().ok()) {
    fmt::print(stderr, "usage: hash_limit [HASHES_PER_THREAD]\n");
    return 2;
  }
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const double one = Rate(1, per_thread);
  const double all = Rate(cores, per_thread);
  fmt::print("one core: {:.1f} hashes/s ({:.2f} ms a hash)\n", one, 1000.0 / one);
  fmt::print("{} cores: {:.1f} hashes/s\n", cores, all);
  fmt::print("{{\"one_core_per_s\":{:.1f},\"cores\":{},\"all_cores_per_s\":{:.1f}}}\n", one, cores,
             all);
  return 0;
}

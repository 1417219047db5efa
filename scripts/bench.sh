#!/usr/bin/env bash
# Runs the benchmarks on the optimised build (make bench). Long: generates a 1M-row file.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${BENCH_ROWS:-1000000}
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -srm)"
bench/import_vs_sqlite3.sh "$rows"
build/release/bench/search_bench build/bench/import/ours/narwhal.db 3000
bench/strikes_vs_pgbench.sh "${BENCH_SECONDS:-10}"
bench/turnout_vs_nginx.sh "${BENCH_SECONDS:-10}"
# Turf cutting and walk order: a generated 2,000-door precinct and the Kodiak address
# points (12,000 generated voters at real addresses, six precincts).
rm -rf build/bench/turf
build/release/src/cli/narwhal demo --data build/bench/turf --voters 12000 --precincts 6 \
  --addresses ../shared/data/addresses/kodiak_island_borough.csv >/dev/null 2>&1
build/release/bench/turf_bench build/bench/turf/narwhal.db 50
# Universes counted over the voter file with its history, beside the same SQL in sqlite3.
bench/universe_bench.sh "$rows"
# Canvassing: walk lists with their maps beside the strike list on paper, turf downloads,
# contacts recorded over HTTP beside strikes.
bench/canvass_bench.sh
# Phone banks: 7,000 paced phone bankers over HTTP beside Spoke's claim under pgbench.
bench/calls_bench.sh "${BENCH_SECONDS:-30}"
# The do-not-contact list: a million opt-out numbers in one batch, beside a bare bulk load.
bench/dnc_bench.sh
# Volunteers: 30,000 poll watchers imported with their codes and credential sheets, beside
# the limit the Argon2id hash sets on every core.
bench/users_bench.sh

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

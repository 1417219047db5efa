#!/usr/bin/env bash
# Builds the libFuzzer target for the CSV reader and the format mappers with clang, and
# runs it for SECONDS (default 30) over the seed corpus. Crashes land in build/fuzz/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
out=build/fuzz
mkdir -p "$out/corpus"
cp -n fuzz/corpus/csv/* "$out/corpus/" 2>/dev/null || true
srcs=(fuzz/csv_reader_fuzz.cc src/base/status.cc src/base/text.cc src/base/clock.cc
      src/base/log.cc src/domain/voter.cc)
for f in src/import/*.cc; do
  case "$f" in */importer.cc|*/progress.cc) ;; *) srcs+=("$f") ;; esac
done
ccache clang++-14 -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined \
  -fno-sanitize-recover=undefined -Isrc "${srcs[@]}" -lfmt -lboost_json -o "$out/csv_fuzz"
cd "$out"
./csv_fuzz -max_total_time="$seconds" -print_final_stats=0 corpus ../../fuzz/corpus/csv 2>&1 | tail -5

#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (plus ASan and UBSan) and runs each for SECONDS
# (default 30, split between them) over its seed corpus:
#   csv_fuzz   the CSV reader and every format mapper (fuzz/csv_reader_fuzz.cc)
#   json_fuzz  the strict JSON request-body validation (fuzz/json_request_fuzz.cc)
#   address_fuzz  residential street lines through the address normaliser (fuzz/address_fuzz.cc)
#   universe_fuzz  a universe's criteria through their JSON parser and the SQL built from
#              them (fuzz/universe_criteria_fuzz.cc)
#   field_book_fuzz  the field book's JSON parser and its scripts' walk (fuzz/field_book_fuzz.cc)
# Crashes land in build/fuzz/; add the input to the corpus and a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
out=build/fuzz
mkdir -p "$out/corpus-csv" "$out/corpus-json" "$out/corpus-address" "$out/corpus-universe" \
  "$out/corpus-field_book"
flags=(-std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Isrc)
base=(src/base/status.cc src/base/text.cc src/base/clock.cc src/base/log.cc)

csv_srcs=(fuzz/csv_reader_fuzz.cc src/domain/voter.cc src/import/csv_reader.cc src/import/formats.cc)
ccache clang++-14 "${flags[@]}" "${csv_srcs[@]}" "${base[@]}" -lfmt -lboost_json -o "$out/csv_fuzz"
ccache clang++-14 "${flags[@]}" fuzz/json_request_fuzz.cc src/http/json_body.cc "${base[@]}" \
  -lboost_json -o "$out/json_fuzz"
ccache clang++-14 "${flags[@]}" fuzz/address_fuzz.cc src/domain/address.cc "${base[@]}" \
  -o "$out/address_fuzz"
universe_srcs=(fuzz/universe_criteria_fuzz.cc src/domain/universe.cc src/domain/universe_json.cc
  src/domain/voter.cc src/domain/contact.cc src/domain/election.cc src/storage/universe_sql.cc)
ccache clang++-14 "${flags[@]}" "${universe_srcs[@]}" "${base[@]}" -lboost_json -o "$out/universe_fuzz"
book_srcs=(fuzz/field_book_fuzz.cc src/domain/field_book.cc src/domain/universe.cc
  src/domain/voter.cc src/domain/contact.cc src/domain/election.cc)
ccache clang++-14 "${flags[@]}" "${book_srcs[@]}" "${base[@]}" -lboost_json -o "$out/field_book_fuzz"

half=$(( (seconds + 4) / 5 ))
run() {  # run NAME CORPUS
  (cd "$out" && "./$1" -max_total_time="$half" -print_final_stats=0 "corpus-$2" "../../fuzz/corpus/$2" 2>&1 | tail -2)
}
run csv_fuzz csv
run json_fuzz json
run address_fuzz address
run universe_fuzz universe
run field_book_fuzz field_book

#!/usr/bin/env bash
# The do-not-contact list at opt-out size: COUNT phone numbers (default 1,000,000; one in
# a hundred given twice, written the ways people write them: "(919) 555-0123",
# "+1 919.555.0123", "9195550123") added as one batch by `narwhal dnc add` — reading the
# file, checking and normalising every number, one transaction — on the embedded store or
# (BACKEND=postgres) on PostgreSQL. Then the batch exported and undone.
# Target (docs/field.md): a million numbers in under 10 s.
#
# Anchor, in the same run on the same file: the database's own bulk load into a table keyed
# by the number, with no checking or normalising — the sqlite3 shell's .import then an
# INSERT OR IGNORE into a WITHOUT ROWID table in one transaction (embedded), or psql's \copy
# then INSERT ... ON CONFLICT DO NOTHING (PostgreSQL). The ratio is its time over ours.
#   bench/dnc_bench.sh [COUNT]   (needs build/release; BACKEND=postgres needs PostgreSQL 15)
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-1000000}
backend=${BACKEND:-sqlite}
narwhal=${NARWHAL_BIN:-build/release/src/cli/narwhal}
pgbin=${PG_BIN:-/usr/lib/postgresql/15/bin}
work=$(pwd)/${BENCH_DIR:-build/bench/dnc}
rm -rf "$work"
mkdir -p "$work/pg" "$work/ours"
# shellcheck source=bench/lib.sh
. bench/lib.sh
trap 'pg_down "$work/pg"' EXIT
file="$work/optouts.csv"
awk -v n="$count" 'BEGIN {
  srand(2026); print "phone"
  for (i = 0; i < n; i++) {
    if (i % 100 == 99) { print last; continue }
    a = 201 + int(rand() * 780); x = 200 + int(rand() * 800); s = int(rand() * 10000)
    k = i % 3
    if (k == 0) last = sprintf("(%03d) %03d-%04d", a, x, s)
    else if (k == 1) last = sprintf("+1 %03d.%03d.%04d", a, x, s)
    else last = sprintf("%03d%03d%04d", a, x, s)
    print last
  } }' > "$file"
chmod a+r "$file" "$work"

store_args=()
if [ "$backend" = postgres ]; then
  pg_up "$work/pg"
  psql_pg() { runuser -u postgres -- psql -h "$work/pg" -U postgres -q -v ON_ERROR_STOP=1 "$@"; }
  psql_pg -c "CREATE DATABASE narwhal" -c "CREATE DATABASE anchor"
  store_args=(--store "postgresql:///narwhal?host=$work/pg&user=postgres")
  anchor() {
    psql_pg -d anchor -c "CREATE TABLE raw(number text)" \
      -c "CREATE TABLE dnc(number text COLLATE \"C\" PRIMARY KEY)" \
      -c "BEGIN" -c "\\copy raw FROM '$file' WITH (FORMAT csv, HEADER true)" \
      -c "INSERT INTO dnc SELECT number FROM raw ON CONFLICT DO NOTHING" -c "COMMIT"
  }
else
  anchor() {
    sqlite3 "$work/anchor.db" "CREATE TABLE raw(number TEXT);
      CREATE TABLE dnc(number TEXT PRIMARY KEY) WITHOUT ROWID;" \
      ".import --csv --skip 1 $file raw" \
      "BEGIN; INSERT OR IGNORE INTO dnc SELECT number FROM raw; COMMIT;"
  }
fi
# The store made (schema, empty) before the clock starts, as a running campaign's is.
"$narwhal" dnc list --data "$work/ours" "${store_args[@]}" >/dev/null

seconds() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null; t1=$(date +%s.%N); echo "$t1 - $t0" | bc -l; }
anchor_s=$(seconds anchor)
add() {
  /usr/bin/time -f '%M' -o "$work/peak_kb" \
    "$narwhal" dnc add "$file" --channels phone,text --source "bench opt-outs" \
    --data "$work/ours" "${store_args[@]}" > "$work/add.json"
}
ours_s=$(seconds add)
batch=$(jq -r .batch.id "$work/add.json")
export_s=$(seconds "$narwhal" dnc export --channels phone --out "$work/export.csv" --data "$work/ours" "${store_args[@]}")
exported=$(( $(wc -l < "$work/export.csv") - 1 ))
undo_s=$(seconds "$narwhal" dnc undo "$batch" --data "$work/ours" "${store_args[@]}")

printf 'machine: %s cores; store: %s; %s lines\n' "$(nproc)" "$backend" "$count"
printf 'anchor: bulk load, no checking: %6.2f s\n' "$anchor_s"
printf 'ours: dnc add, the whole command: %6.2f s (read and check %.2f s, store %.2f s)  %s entries, %s duplicates, %s refused  peak %s MB  ratio %.2fx\n' \
  "$ours_s" "$(jq -r .read_seconds "$work/add.json")" "$(jq -r .store_seconds "$work/add.json")" \
  "$(jq -r .batch.entries "$work/add.json")" "$(jq -r .duplicates "$work/add.json")" \
  "$(jq -r .rejected "$work/add.json")" "$(( $(cat "$work/peak_kb") / 1024 ))" \
  "$(echo "$anchor_s / $ours_s" | bc -l)"
printf 'ours: dnc export: %6.2f s (%s rows, the whole command)   dnc undo: %6.2f s (the whole command)\n' \
  "$export_s" "$exported" "$undo_s"

#!/usr/bin/env bash
# Volunteers at election-day size: COUNT poll watchers (default 30,000) in one sign-up
# sheet, imported with their login codes, credentials.csv and a credential sheet per field
# office (30 offices) by `narwhal users import`, on the embedded store or
# (BACKEND=postgres) on PostgreSQL. Each code's secret is hashed with Argon2id; nothing
# weakens the hash.
#
# Anchor, in the same run: the limit the hash itself sets — bench/hash_limit.cc hashes code
# secrets on every core (and on one, reported too). The ratio is our time over COUNT hashes
# at that limit; the target (issue: within 1.5x) is a ratio of at most 1.5.
#   bench/users_bench.sh [COUNT]   (needs build/release; BACKEND=postgres needs PostgreSQL 15)
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-30000}
backend=${BACKEND:-sqlite}
narwhal=${NARWHAL_BIN:-build/release/src/cli/narwhal}
hash_limit=${HASH_LIMIT_BIN:-build/release/bench/hash_limit}
pgbin=${PG_BIN:-/usr/lib/postgresql/15/bin}
work=$(pwd)/${BENCH_DIR:-build/bench/users}
rm -rf "$work"
mkdir -p "$work/pg" "$work/ours"
# shellcheck source=bench/lib.sh
. bench/lib.sh
trap 'pg_down "$work/pg"' EXIT

# A demo voter file of 200 precincts, so that every watcher's precinct is checked against it.
"$narwhal" demo --data "$work/demo" --voters 40000 --precincts 200 >/dev/null 2>&1
sqlite3 -csv "$work/demo/narwhal.db" "SELECT county, precinct FROM precincts ORDER BY 1, 2" \
  > "$work/precincts.csv"
store_args=()
if [ "$backend" = postgres ]; then
  pg_up "$work/pg"
  runuser -u postgres -- psql -h "$work/pg" -U postgres -q -c "CREATE DATABASE narwhal"
  # No voter file there: the precincts are taken as given (the embedded run checks them).
  store_args=(--store "postgresql:///narwhal?host=$work/pg&user=postgres")
fi
if [ "$backend" = sqlite ]; then cp "$work/demo/narwhal.db" "$work/ours/narwhal.db"; fi
awk -F, -v n="$count" 'NR == FNR { c[NR] = $1; p[NR] = $2; k = NR; next }
  END {
    print "name,phone,email,role,county,precinct,field_office"
    for (i = 1; i <= n; i++) {
      j = 1 + (i % k)
      printf "WATCHER %06d,919-%03d-%04d,,poll watcher,%s,%s,Office %02d\n", i, 200 + i % 800, i % 10000, c[j], p[j], i % 30
    } }' "$work/precincts.csv" /dev/null > "$work/watchers.csv"

limit_json=$("$hash_limit" | tail -1)
one=$(echo "$limit_json" | jq -r .one_core_per_s)
all=$(echo "$limit_json" | jq -r .all_cores_per_s)
limit_s=$(echo "$count / $all" | bc -l)

t0=$(date +%s.%N)
/usr/bin/time -f '%M' -o "$work/peak_kb" \
  "$narwhal" users import "$work/watchers.csv" --data "$work/ours" "${store_args[@]}" \
  --out "$work/sheets" --url https://vote.example.org/ > "$work/import.json" 2> "$work/import.err"
t1=$(date +%s.%N)
ours_s=$(echo "$t1 - $t0" | bc -l)
imported=$(jq -r .imported "$work/import.json")
sheets=$(jq -r '.sheets | length' "$work/import.json")
codes=$(( $(wc -l < "$work/sheets/credentials.csv") - 1 ))

printf 'machine: %s cores; store: %s; %s volunteers\n' "$(nproc)" "$backend" "$count"
printf 'anchor: Argon2id of a code secret: %.1f/s on one core, %.1f/s on %s cores -> %s codes in %.2f s at best\n' \
  "$one" "$all" "$(nproc)" "$count" "$limit_s"
printf 'ours: users import, the whole command: %.2f s = %.1f volunteers/s (%s imported, %s codes, %s sheets)  peak %s MB  ratio to the hash limit %.2fx\n' \
  "$ours_s" "$(echo "$imported / $ours_s" | bc -l)" "$imported" "$codes" "$sheets" \
  "$(( $(cat "$work/peak_kb") / 1024 ))" "$(echo "$ours_s / $limit_s" | bc -l)"

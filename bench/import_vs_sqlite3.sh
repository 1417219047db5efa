#!/usr/bin/env bash
# Import benchmark: a ROWS-row NC ncvoter file (67 columns, quoted, tab, CRLF, Latin-1)
# into the embedded store with all its indexes, against the anchor: the sqlite3 shell's
# `.import` of the same file into one plain table, then the same indexes (the store's five
# voter indexes, on the raw name columns where the store indexes folded keys). Same file, same
# machine, same run. Prints both times and the ratio, then the cost of placing every voter at
# her door (the same import with --no-households into a second store; docs/field.md).
#   bench/import_vs_sqlite3.sh [ROWS]     (default 1000000; needs build/release)
# FILE=PATH imports that NC-layout file instead of generating one.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
narwhal=${NARWHAL_BIN:-build/release/src/cli/narwhal}
work=${BENCH_DIR:-build/bench/import}
rm -rf "$work"
mkdir -p "$work/files" "$work/ours" "$work/no-households"

if [ -n "${FILE:-}" ]; then
  file=$(realpath "$FILE")  # an NC-layout file made earlier (bench/import_statewide.sh)
  rows=$(( $(wc -l < "$file") - 1 ))
else
  echo "generating $rows rows ..."
  "$narwhal" demo --files-only "$work/files" --voters "$rows" --dirty 0 >/dev/null
  file="$work/files/demo_ncvoter.txt"
fi
size_mb=$(( $(stat -c %s "$file") / 1048576 ))
sync

now() { date +%s.%N; }

# --- ours -------------------------------------------------------------------------
t0=$(now)
/usr/bin/time -f %M -o "$work/ours.rss" \
  "$narwhal" import voters --format ncsbe --quiet --data "$work/ours" "$file" > "$work/ours.json"
t1=$(now)
ours=$(echo "$t1 - $t0" | bc -l)

# --- the same import without households: what placing voters at doors costs ----------
t0=$(now)
"$narwhal" import voters --format ncsbe --quiet --no-households --data "$work/no-households" \
  "$file" > /dev/null
t1=$(now)
bare=$(echo "$t1 - $t0" | bc -l)

# --- anchor: sqlite3 .import into one plain table, then the same indexes -----------
header=$(head -1 "$file" | tr -d '\r"' | tr '\t' ',')
t0=$(now)
sqlite3 "$work/anchor.db" <<SQL
PRAGMA journal_mode=WAL;
PRAGMA synchronous=FULL;
CREATE TABLE ncvoter($header);
.mode tabs
.import --skip 1 $file ncvoter
CREATE UNIQUE INDEX anchor_id ON ncvoter(ncid);
CREATE INDEX anchor_name ON ncvoter(last_name, first_name, ncid);
CREATE INDEX anchor_first ON ncvoter(first_name, last_name, ncid);
CREATE INDEX anchor_precinct ON ncvoter(county_id, precinct_abbrv, last_name, first_name, ncid);
CREATE INDEX anchor_registration ON ncvoter(voter_reg_num, county_id);
SQL
t1=$(now)
anchor=$(echo "$t1 - $t0" | bc -l)
anchor_rows=$(sqlite3 "$work/anchor.db" 'SELECT count(*) FROM ncvoter')

ratio=$(echo "$anchor / $ours" | bc -l)
printf 'file: %s rows, %s MiB\n' "$rows" "$size_mb"
printf 'narwhal import (store + indexes):   %7.2f s  %9.0f rows/s\n' "$ours" "$(echo "$rows / $ours" | bc -l)"
printf 'sqlite3 .import + same indexes:     %7.2f s  %9.0f rows/s  (%s rows)\n' "$anchor" "$(echo "$rows / $anchor" | bc -l)" "$anchor_rows"
printf 'ratio (anchor time / narwhal time): %7.2fx  (target >= 3x)\n' "$ratio"
printf 'peak memory of the import: %s MiB; disk: store %s MiB, anchor %s MiB\n' \
  "$(( $(cat "$work/ours.rss") / 1024 ))" "$(( $(du -sb "$work/ours" | cut -f1) / 1048576 ))" \
  "$(( $(du -cb "$work"/anchor.db* | tail -1 | cut -f1) / 1048576 ))"
printf 'without households (--no-households): %7.2f s; households cost %5.1f%% of the import, store %s MiB larger\n' \
  "$bare" "$(echo "($ours - $bare) * 100 / $ours" | bc -l)" \
  "$(( ($(du -sb "$work/ours" | cut -f1) - $(du -sb "$work/no-households" | cut -f1)) / 1048576 ))"
rm -rf "$work/no-households"
cat "$work/ours.json"

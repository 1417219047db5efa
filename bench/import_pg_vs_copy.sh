#!/usr/bin/env bash
# Import benchmark, PostgreSQL backend: a ROWS-row NC ncvoter file (67 columns, quoted, tab,
# CRLF, Latin-1) imported by narwhal into the PostgreSQL store with all its indexes, against
# the anchor: `psql \copy` of the same file into one plain table of the same server, then
# the same five voter indexes (on the raw name columns where the store indexes folded keys).
# Same file, same server, same run. Prints both times and the ratio (target: >= 1, "no
# slower").
#
#   bench/import_pg_vs_copy.sh [ROWS]        (default 1000000; needs build/release)
# FILE=PATH imports that NC-layout file instead of generating one.
#
# Environment:
#   NARWHAL_BIN   the narwhal binary (default build/release/src/cli/narwhal)
#   PG_BIN_DIR    PostgreSQL programs (default /usr/lib/postgresql/15/bin)
#   IMPORT_CMD    how to run our import; called as `$IMPORT_CMD CONNINFO FILE`
#                 (default: "$NARWHAL_BIN import voters --format ncsbe --quiet --store")
#   BENCH_DIR     work directory (default build/bench/import-pg)
#
# A throwaway server is started for the run (initdb into BENCH_DIR, loopback port PORT,
# default 25432, below the ephemeral range; fsync and synchronous_commit on, 256 MB shared
# buffers, max_wal_size 4 GB so neither side waits on checkpoints) and stopped at the end. As root, the server runs as `postgres`.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
narwhal=${NARWHAL_BIN:-build/release/src/cli/narwhal}
pg_bin=${PG_BIN_DIR:-/usr/lib/postgresql/15/bin}
import_cmd=${IMPORT_CMD:-"$narwhal import voters --format ncsbe --quiet --store"}
work=$(realpath -m "${BENCH_DIR:-build/bench/import-pg}")
port=${PORT:-25432}

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

stop_server() {
  as_pg "$pg_bin/pg_ctl" -D "$work/pg" -m fast -w stop >/dev/null 2>&1 || true
}

rm -rf "$work"
mkdir -p "$work/files"
if [ -n "${FILE:-}" ]; then
  file=$(realpath "$FILE")  # an NC-layout file made earlier (bench/import_statewide.sh)
  rows=$(( $(wc -l < "$file") - 1 ))
else
  echo "generating $rows rows ..."
  "$narwhal" demo --files-only "$work/files" --voters "$rows" --dirty 0 >/dev/null
  file="$work/files/demo_ncvoter.txt"
fi
size_mb=$(( $(stat -c %s "$file") / 1048576 ))

echo "starting PostgreSQL on 127.0.0.1:$port ..."
mkdir -p "$work/pg" "$work/sock"
[ "$(id -u)" = 0 ] && chown postgres "$work/pg" "$work/sock" && chmod a+rx "$work" "$work/files" && chmod a+r "$file"
as_pg "$pg_bin/initdb" -D "$work/pg" -U postgres -A trust -E UTF8 --locale=C.utf8 >/dev/null
trap stop_server EXIT
as_pg "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/sock/server.log" -w -o \
  "-p $port -k $work/sock -c listen_addresses=127.0.0.1 -c fsync=on -c synchronous_commit=on -c shared_buffers=256MB -c max_wal_size=4GB -c maintenance_work_mem=256MB" \
  start >/dev/null

psql_do() { "$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p $port -U postgres "$@"; }
psql_do -d postgres -c "CREATE DATABASE ours" -c "CREATE DATABASE anchor"
sync

now() { date +%s.%N; }

# --- ours -------------------------------------------------------------------------
t0=$(now)
/usr/bin/time -f %M -o "$work/ours.rss" \
  $import_cmd "host=127.0.0.1 port=$port user=postgres dbname=ours" "$file" > "$work/ours.json"
t1=$(now)
ours=$(echo "$t1 - $t0" | bc -l)
ours_rows=$(psql_do -d ours -At -c 'SELECT count(*) FROM voters')

# Re-import of the same file into that store: the merge path (every row unchanged).
t0=$(now)
$import_cmd "host=127.0.0.1 port=$port user=postgres dbname=ours" "$file" > "$work/ours-again.json"
t1=$(now)
again=$(echo "$t1 - $t0" | bc -l)

# --- anchor: psql \copy into one plain table, then the same indexes -----------------
columns=$(head -1 "$file" | tr -d '\r"' | tr '\t' '\n' | sed 's/.*/"&" text/' | paste -sd, -)
t0=$(now)
psql_do -d anchor <<SQL
CREATE TABLE ncvoter($columns);
\copy ncvoter FROM '$file' WITH (FORMAT csv, DELIMITER E'\t', HEADER true, ENCODING 'LATIN1')
CREATE UNIQUE INDEX anchor_id ON ncvoter(ncid);
CREATE INDEX anchor_name ON ncvoter(last_name, first_name, ncid);
CREATE INDEX anchor_first ON ncvoter(first_name, last_name, ncid);
CREATE INDEX anchor_precinct ON ncvoter(county_id, precinct_abbrv, last_name, first_name, ncid);
CREATE INDEX anchor_registration ON ncvoter(voter_reg_num, county_id);
SQL
t1=$(now)
anchor=$(echo "$t1 - $t0" | bc -l)
anchor_rows=$(psql_do -d anchor -At -c 'SELECT count(*) FROM ncvoter')

ratio=$(echo "$anchor / $ours" | bc -l)
printf 'file: %s rows, %s MiB\n' "$rows" "$size_mb"
printf 'narwhal import (PostgreSQL store + indexes): %7.2f s  %9.0f rows/s  (%s rows)\n' "$ours" "$(echo "$rows / $ours" | bc -l)" "$ours_rows"
printf 're-import of the same file (merge path):     %7.2f s  %9.0f rows/s\n' "$again" "$(echo "$rows / $again" | bc -l)"
printf 'psql \\copy + same indexes:                  %7.2f s  %9.0f rows/s  (%s rows)\n' "$anchor" "$(echo "$rows / $anchor" | bc -l)" "$anchor_rows"
printf 'ratio (anchor time / narwhal time):          %7.2fx  (target >= 1x)\n' "$ratio"
printf 'table + index bytes: ours %s MB, anchor %s MB\n' \
  "$(psql_do -d ours -At -c "SELECT pg_total_relation_size('voters') / 1048576")" \
  "$(psql_do -d anchor -At -c "SELECT pg_total_relation_size('ncvoter') / 1048576")"
printf 'peak memory of the import: %s MiB; database size: ours %s MiB, anchor %s MiB\n' \
  "$(( $(cat "$work/ours.rss") / 1024 ))" \
  "$(psql_do -d postgres -At -c "SELECT pg_database_size('ours') / 1048576")" \
  "$(psql_do -d postgres -At -c "SELECT pg_database_size('anchor') / 1048576")"
cat "$work/ours.json" "$work/ours-again.json"

#!/usr/bin/env bash
# Phone banks under load: CALLERS simulated phone bankers (default 7,000), each its own
# session on its own connection, claim-call-record in a loop against `narwhal serve` for
# SECONDS (bench/call_load.cc), on the embedded store or (BACKEND=postgres) on PostgreSQL.
# Callers pace themselves so that together they offer RATE claims a second (default 1,200;
# each of 7,000 callers then calls every 5.8 s); RATE=0 has them call back to back, for the
# most the server can do (the latency is then queueing).
# Prints claims per second, claim p50/p99 and how many people were handed to two callers
# (must be 0). Target (docs/field.md): at least 1,000 claims/s, p99 under 25 ms.
#
# Anchor, in the same run on the same machine: Spoke's claim query — UPDATE ... WHERE id IN
# (SELECT id ... LIMIT 1 FOR UPDATE SKIP LOCKED) — under pgbench, 64 clients, on a
# 1,000,000-row contact table in a throwaway PostgreSQL (fsync and synchronous_commit on).
# The ratio printed is our claims/s over its claims/s. Spoke's query does less than ours:
# no lease, no calling hours, no HTTP, no session check, no result.
#
# DNC=N loads a do-not-contact batch of N numbers first (every claim checks it).
#
# Calling hours depend on the hour; the server runs under libfaketime at 15:00 UTC (10:00 or
# 11:00 in the demo's North Carolina), so the list is open whenever the benchmark runs.
#   bench/calls_bench.sh [SECONDS]   (default 30; needs build/release, PostgreSQL 15, faketime)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-30}
callers=${CALLERS:-7000}
rate=${RATE:-1200}  # claims a second offered by all callers together; 0: back to back
backend=${BACKEND:-sqlite}
voters=${VOTERS:-200000}
port=${PORT:-18532}
narwhal=${NARWHAL_BIN:-build/release/src/cli/narwhal}
load=${CALL_LOAD:-build/release/bench/call_load}
pgbin=${PG_BIN:-/usr/lib/postgresql/15/bin}
faketime_lib=/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1
work=$(pwd)/${BENCH_DIR:-build/bench/calls}
rm -rf "$work"
mkdir -p "$work/pg" "$work/ours"
# shellcheck source=bench/lib.sh
. bench/lib.sh
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  pg_down "$work/pg"
}
trap cleanup EXIT
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

pg_up "$work/pg"
psql_pg() { runuser -u postgres -- psql -h "$work/pg" -U postgres -q -v ON_ERROR_STOP=1 "$@"; }

# --- anchor: Spoke's claim under pgbench --------------------------------------------
psql_pg -c "CREATE TABLE campaign_contact(id serial PRIMARY KEY, campaign_id integer NOT NULL,
              assignment_id integer, cell text NOT NULL)"
psql_pg -c "INSERT INTO campaign_contact(campaign_id, cell)
              SELECT 1, '919555' || lpad(g::text, 4, '0') FROM generate_series(1, 1000000) g"
psql_pg -c "CREATE INDEX ON campaign_contact(campaign_id, assignment_id)" -c "VACUUM ANALYZE campaign_contact"
cat > "$work/pg/claim.sql" <<'SQL'
\set caller random(1, 7000)
UPDATE campaign_contact SET assignment_id = :caller WHERE id IN (SELECT id FROM campaign_contact WHERE campaign_id = 1 AND assignment_id IS NULL LIMIT 1 FOR UPDATE SKIP LOCKED);
SQL
chown postgres "$work/pg/claim.sql"
runuser -u postgres -- bash -c "cd '$work/pg' && pgbench -h '$work/pg' -U postgres -n -c 64 -j 2 \
  -T $secs -f claim.sql postgres" > "$work/pgbench.out" 2>&1
pg_tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$work/pgbench.out" | head -1)
pg_avg=$(sed -n 's/^latency average = \([0-9.]*\) ms/\1/p' "$work/pgbench.out")
pg_claimed=$(psql_pg -At -c "SELECT count(*) FROM campaign_contact WHERE assignment_id IS NOT NULL")

store_args=()
if [ "$backend" = postgres ]; then
  psql_pg -c "CREATE DATABASE narwhal"
  store_args=(--store "postgresql:///narwhal?host=$work/pg&user=postgres")
else
  pg_down "$work/pg"
fi

# --- ours: a call list of the demo county, CALLERS phone bankers over HTTP ------------
data="$work/ours"
"$narwhal" demo --data "$data" "${store_args[@]}" --voters "$voters" --precincts 40 >/dev/null 2>&1
"$narwhal" universe save calls --data "$data" "${store_args[@]}" --county 92 >/dev/null
list_id=$("$narwhal" list make calls --data "$data" "${store_args[@]}" 2>/dev/null | jq -r .id)
call_list=$("$narwhal" call-list make "bench calls" --list "$list_id" --data "$data" "${store_args[@]}" | jq -r .id)
people=$("$narwhal" call-list show "$call_list" --json --data "$data" "${store_args[@]}" | jq -r .people)
# DNC=N: a do-not-contact batch of N numbers, one person in a hundred on the list among
# them, so every claim is checked against a list that size (and some dropped).
dnc=${DNC:-0}
if [ "$dnc" -gt 0 ]; then
  if [ "$backend" = postgres ]; then
    list_phones() { psql_pg -d narwhal -At -c "SELECT phone FROM call_targets WHERE list_id = $call_list AND position % 100 = 0"; }
  else
    list_phones() { sqlite3 "$data/narwhal.db" "SELECT phone FROM call_targets WHERE list_id = $call_list AND position % 100 = 0"; }
  fi
  { list_phones
    awk -v n="$dnc" 'BEGIN { srand(7); for (i = 0; i < n; i++)
      printf "%03d%03d%04d\n", 201 + int(rand() * 780), 200 + int(rand() * 800), int(rand() * 10000) }'
  } > "$work/dnc.csv"
  "$narwhal" dnc add "$work/dnc.csv" --channels phone --data "$data" "${store_args[@]}" > "$work/dnc.json"
fi
bench_users "$callers" "$port" "${store_args[@]}"
now=$(date -u +%s)
target=$(( now / 86400 * 86400 + 15 * 3600 ))
[ "$target" -le "$now" ] && target=$(( target + 86400 ))
LD_PRELOAD=$faketime_lib FAKETIME="+$(( target - now ))" \
  "$narwhal" serve --data "$data" "${store_args[@]}" --listen "127.0.0.1:$port" \
  --trust-forwarded-for > "$work/serve.log" 2>&1 &
server_pid=$!
wait_http "http://127.0.0.1:$port/healthz"
bench_sessions "$port"
sessions=$(cat "$work/nsessions")
"$load" "http://127.0.0.1:$port" "$work/sessions.txt" "$call_list" "$callers" "$secs" "$rate" \
  > "$work/load.out" 2>&1 || true
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=
offered=$rate
IFS=, read -r _ elapsed claims claimed_rate p50 p99 results errors doubled \
  <<< "$(sed -n 's/^CSV //p' "$work/load.out")"

printf 'machine: %s cores; %s s per run; store: %s; %s people on the list; %s sessions; do-not-contact entries: %s\n' \
  "$(nproc)" "$secs" "$backend" "$people" "$sessions" "$( [ "$dnc" -gt 0 ] && jq -r .batch.entries "$work/dnc.json" || echo 0)"
printf 'anchor: Spoke claim (UPDATE ... FOR UPDATE SKIP LOCKED), pgbench 64 clients: %8.0f claims/s  avg %s ms  (%s claimed)\n' \
  "$pg_tps" "$pg_avg" "$pg_claimed"
cat "$work/load.out"
printf 'ours: %s callers over HTTP (offered %s/s): %8.0f claims/s  p50 %s ms  p99 %s ms  results %s  errors %s  handed to two callers: %s  ratio %.2fx\n' \
  "$callers" "$offered" "$claimed_rate" "$p50" "$p99" "$results" "$errors" "$doubled" \
  "$(echo "$claimed_rate / $pg_tps" | bc -l)"

#!/usr/bin/env bash
# Durable strikes over HTTP against the anchor: pgbench, one-row durable INSERT per
# transaction, 16 clients, into a throwaway PostgreSQL (fsync on, synchronous_commit on) on
# the same disk. Ours: `narwhal serve` over a 20,000-voter demo store, wrk POSTing
# /api/v1/strikes (unique idempotency keys) at increasing load: LOADS, a list of
# "STRIKES_PER_REQUEST:CONNECTIONS" runs (default "1:4 1:16 1:64 10:16 20:16 50:16").
# Only 2xx answers count. Prints strikes/s, p50/p99 and the ratio to pgbench rows/s for each
# run (target >= 3x with p99 under 50 ms).
#
# Rate limits: the server allows 20 requests a second per session and 200 per address by
# default. The benchmark plays many phones rather than lifting the limits:
# SESSIONS admins each log in once, the server runs with --trust-forwarded-for (as behind
# the reverse proxy of docs/security.md) and every request carries the next session's token
# and its own X-Forwarded-For address. Answers 429 are reported and not counted.
#
# BACKEND=postgres runs ours on PostgreSQL instead of the embedded store: the same
# throwaway server the anchor used (a database of its own, `narwhal ... --store`), so both
# pay the same disk and the same fsync. BACKEND=cluster brings up the Patroni cluster of
# scripts/cluster-up.sh (three PostgreSQL nodes, one synchronous standby, etcd, HAProxy;
# CLUSTER_PORT_OFFSET 300 by default, so it runs beside a cluster on the usual ports) and
# runs both on it: pgbench into a database of its own through the same multi-host
# read-write connection string as ours, so every commit of either waits for the standby.
#   bench/strikes_vs_pgbench.sh [SECONDS]   (default 10; needs build/release, wrk, PostgreSQL 15)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
loads=${LOADS:-1:4 1:16 1:64 10:16 20:16 50:16}
backend=${BACKEND:-sqlite}
nsessions=${SESSIONS:-1024}
port=${PORT:-18431}
narwhal=${NARWHAL_BIN:-build/release/src/cli/narwhal}
pgbin=${PG_BIN:-/usr/lib/postgresql/15/bin}
work=$(pwd)/${BENCH_DIR:-build/bench/strikes}
rm -rf "$work"
mkdir -p "$work/pg" "$work/ours"
# shellcheck source=bench/lib.sh
. bench/lib.sh
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  if [ "$backend" = cluster ]; then scripts/cluster-down.sh >/dev/null 2>&1 || true; else pg_down "$work/pg"; fi
}
trap cleanup EXIT

# psql_pg ARGS: psql on the anchor's database; run_pgbench ARGS: pgbench there, in $work/pg.
if [ "$backend" = cluster ]; then
  export CLUSTER_DIR="$work/cluster" CLUSTER_PORT_OFFSET=${CLUSTER_PORT_OFFSET:-300} NARWHAL_BIN="$narwhal"
  scripts/cluster-up.sh > "$work/cluster-up.log" 2>&1 || { tail -20 "$work/cluster-up.log"; exit 1; }
  # shellcheck disable=SC1091
  . "$work/cluster/env"
  anchor_db=${NARWHAL_STORE/\/narwhal\?//postgres?}
  psql_pg() { psql -X -q -v ON_ERROR_STOP=1 "$anchor_db" "$@"; }
  run_pgbench() { (cd "$work/pg" && pgbench "$@" "$anchor_db"); }
else
  pg_up "$work/pg"
  psql_pg() { runuser -u postgres -- psql -h "$work/pg" -U postgres -q -v ON_ERROR_STOP=1 "$@"; }
  run_pgbench() {
    chown postgres "$work/pg/insert.sql"
    runuser -u postgres -- bash -c "cd '$work/pg' && pgbench -h '$work/pg' -U postgres $* postgres"
  }
fi

# --- anchor: pgbench, one durable INSERT per transaction ----------------------------
psql_pg -c "CREATE TABLE strikes(id bigserial PRIMARY KEY, voter_id text NOT NULL,
                                  key text UNIQUE NOT NULL, at timestamptz NOT NULL)"
cat > "$work/pg/insert.sql" <<'SQL'
\set v random(1, 20000)
INSERT INTO strikes(voter_id, key, at) VALUES ('NC' || :v, md5(random()::text || clock_timestamp()::text), now());
SQL
run_pgbench -n -c 16 -j 2 -T "$secs" -f insert.sql -l --log-prefix=pgb > "$work/pgbench.out" 2>&1
pg_tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$work/pgbench.out" | head -1)
pg_avg=$(sed -n 's/^latency average = \([0-9.]*\) ms/\1/p' "$work/pgbench.out")
pg_rows=$(psql_pg -At -c "SELECT count(*) FROM strikes")
# per-transaction log lines: client_id transaction_no time_us script_no time_epoch time_us
cat "$work"/pg/pgb.* | awk '{print $3}' | sort -n > "$work/pg/lat.txt"
pct() { awk -v p="$2" '{a[NR]=$1} END {i=int(NR*p/100); if (i<1) i=1; printf "%.1f", a[i]/1000}' "$1"; }
pg_p50=$(pct "$work/pg/lat.txt" 50)
pg_p99=$(pct "$work/pg/lat.txt" 99)
store_args=()
if [ "$backend" = cluster ]; then
  store_args=(--store "$NARWHAL_STORE")  # cluster-up.sh created the database
elif [ "$backend" = postgres ]; then
  psql_pg -c "CREATE DATABASE narwhal"
  store_args=(--store "postgresql:///narwhal?host=$work/pg&user=postgres")
else
  pg_down "$work/pg"
fi

# --- ours: narwhal serve, wrk POSTing strikes ---------------------------------------
data="$work/ours"
"$narwhal" demo --data "$data" "${store_args[@]}" --voters 20000 >/dev/null
bench_users "$nsessions" "$port" "${store_args[@]}"
"$narwhal" serve --data "$data" "${store_args[@]}" --listen "127.0.0.1:$port" --election 2026-11-03 \
  --max-inflight-strikes 4096 --trust-forwarded-for > "$work/serve.log" 2>&1 &
server_pid=$!
wait_http "http://127.0.0.1:$port/healthz"
bench_sessions "$port"
tok=$(head -1 "$work/sessions.txt" | cut -d' ' -f1)
addr=$(head -1 "$work/sessions.txt" | cut -d' ' -f2)
# voter ids of county 92, 1000 a page
: > "$work/voters.txt"
cursor=
while :; do
  url="http://127.0.0.1:$port/api/v1/voters?county=92&limit=1000"
  [ -n "$cursor" ] && url="$url&cursor=$(jq -rn --arg c "$cursor" '$c|@uri')"
  page=$(curl -fs -H "Authorization: Bearer $tok" -H "X-Forwarded-For: $addr" "$url")
  echo "$page" | jq -r '.voters[].voter_id' >> "$work/voters.txt"
  cursor=$(echo "$page" | jq -r '.next_cursor // empty')
  [ -z "$cursor" ] && break
done
nvoters=$(wc -l < "$work/voters.txt")

# run_wrk BATCH CONNECTIONS: prints "strikes/s p50_ms p99_ms non2xx requests"
run_wrk() {
  local out="$work/wrk_$1_$2.out"
  wrk -t2 -c"$2" -d"${secs}s" --timeout 10s --latency -s bench/strikes.lua "http://127.0.0.1:$port" \
    -- "$work/sessions.txt" "$work/voters.txt" "$1" > "$out" 2>&1
  wrk_stats "$out" "$1"
}
results=()
for load in $loads; do
  b=${load%%:*} c=${load##*:}
  read -r rate p50 p99 bad reqs <<< "$(run_wrk "$b" "$c")"
  results+=("$b $c $rate $p50 $p99 $bad $reqs")
done
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=
if [ "$backend" = cluster ]; then
  rows=$(psql -X -At "$NARWHAL_STORE" -c "SELECT count(*) FROM strikes" 2>/dev/null || echo "?")
elif [ "$backend" = postgres ]; then
  rows=$(psql_pg -At -d narwhal -c "SELECT count(*) FROM strikes" 2>/dev/null || echo "?")
else
  rows=$(sqlite3 "$data/narwhal.db" "SELECT count(*) FROM strikes" 2>/dev/null || echo "?")
fi

printf 'machine: %s cores; %s s per run; store: %s\n' "$(nproc)" "$secs" "$backend"
printf 'pgbench one-row INSERT, 16 clients (fsync, synchronous_commit on): %8.0f rows/s  avg %s ms  p50 %s ms  p99 %s ms  (%s rows)\n' \
  "$pg_tps" "$pg_avg" "$pg_p50" "$pg_p99" "$pg_rows"
best=0
for r in "${results[@]}"; do
  read -r b c rate p50 p99 bad reqs <<< "$r"
  ratio=$(echo "$rate / $pg_tps" | bc -l)
  ok=$(echo "$ratio >= 3 && $p99 < 50" | bc -l)
  printf 'narwhal, %2s strike(s)/request, %2s connections: %8.0f strikes/s  p50 %6s ms  p99 %6s ms  (%s requests, %s non-2xx not counted)  ratio %.2fx%s\n' \
    "$b" "$c" "$rate" "$p50" "$p99" "$reqs" "$bad" "$ratio" "$([ "$ok" = 1 ] && echo '  meets target')"
  [ "$ok" = 1 ] && best=1
done
printf 'sessions: %s (one per admin, own X-Forwarded-For address); voters: %s; strike rows in store: %s\n' \
  "$(cat "$work/nsessions")" "$nvoters" "$rows"
echo "target: >= 3x pgbench rows/s with p99 under 50 ms: $([ "$best" = 1 ] && echo met || echo 'not met')"

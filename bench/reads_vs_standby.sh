#!/usr/bin/env bash
# Reads that decide no write, with and without the standby in the read pool. A throwaway
# PostgreSQL primary (fsync and synchronous_commit on) holds a 20,000-voter demo county;
# a hot standby streams from it (pg_basebackup -R). `narwhal serve --store PRIMARY` is
# measured twice on the same data in the same run: alone (the anchor: every read on the
# primary) and with `--read-store STANDBY`. wrk GETs, CONNECTIONS at a time, for SECONDS
# each: voter pages, name searches, GOTV lists and poll-book downloads (CSV), each kind
# on its own; then all of them and turnout together while a second wrk POSTs strikes (1 per request,
# 16 connections), which is the point of the standby: reads off the primary that decides
# the strikes. Prints requests/s, p50/p99, the ratio of with to without, and where the
# routed reads ran (from /metrics).
#
# On one machine both servers and wrk share the cores: the ratio shows what routing costs
# and what it takes off the primary, not what a standby on a machine of its own adds.
#   bench/reads_vs_standby.sh [SECONDS]   (default 10; needs build/release, wrk, jq, PostgreSQL 15)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
conns=${CONNECTIONS:-32}
port=${PORT:-18432}
narwhal=${NARWHAL_BIN:-build/release/src/cli/narwhal}
pgbin=${PG_BIN:-/usr/lib/postgresql/15/bin}
work=$(pwd)/${BENCH_DIR:-build/bench/reads}
# shellcheck source=bench/lib.sh
. bench/lib.sh
rm -rf "$work"
mkdir -p "$work/ours"
server_pid=
stop_serve() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  server_pid=
}
cleanup() {
  stop_serve
  pg_down "$work/standby"
  pg_down "$work/primary"
}
trap cleanup EXIT

pg_up "$work/primary"
runuser -u postgres -- psql -h "$work/primary" -U postgres -q -c "CREATE DATABASE narwhal"
primary="postgresql:///narwhal?host=$work/primary&user=postgres"
standby="postgresql:///narwhal?host=$work/standby&user=postgres"
"$narwhal" demo --data "$work/ours" --store "$primary" --voters 20000 >/dev/null
bench_users 256 "$port" --store "$primary"
mkdir -p "$work/standby"
chown postgres "$work/standby"
runuser -u postgres -- "$pgbin/pg_basebackup" -D "$work/standby/data" -h "$work/primary" \
  -U postgres -R -X stream -c fast
runuser -u postgres -- "$pgbin/pg_ctl" -D "$work/standby/data" -l "$work/standby/server.log" -w \
  -o "-k $work/standby -c listen_addresses='' -c hot_standby=on -c max_connections=100" start >/dev/null

# serve [ARG...]: narwhal on the primary, with ARGs.
serve() {
  "$narwhal" serve --data "$work/ours" --store "$primary" "$@" --listen "127.0.0.1:$port" \
    --election 2026-11-03 --max-inflight-strikes 4096 --trust-forwarded-for >> "$work/serve.log" 2>&1 &
  server_pid=$!
  wait_http "http://127.0.0.1:$port/healthz"
}

serve
bench_sessions "$port"
tok=$(head -1 "$work/sessions.txt" | cut -d' ' -f1)
addr=$(head -1 "$work/sessions.txt" | cut -d' ' -f2)
get() { curl -fs -H "Authorization: Bearer $tok" -H "X-Forwarded-For: $addr" "http://127.0.0.1:$port$1"; }
# The paths of each kind: 2,000 voters' pages, searches by the first three letters of
# 500 last names, every precinct's GOTV list, poll book and turnout. Turnout is answered
# from the node's cache (the store is read at most once a second per precinct), so it is
# measured only among the mixed reads: alone it runs into the sessions' rate limits
# before the store is involved (bench/turnout_vs_nginx.sh measures it with more sessions).
get "/api/v1/voters?county=92&limit=1000" > "$work/page.json"
get "/api/v1/voters?county=92&limit=1000&cursor=$(jq -r '.next_cursor|@uri' "$work/page.json")" > "$work/page2.json"
jq -r '.voters[].voter_id' "$work/page.json" "$work/page2.json" | sed 's|^|/api/v1/voters/|' > "$work/paths_voter.txt"
jq -r '.voters[].last_name' "$work/page.json" | awk 'NR % 2 == 0 {print substr($0, 1, 3)}' | \
  sed 's|^|/api/v1/voters?county=92\&limit=50\&q=|' > "$work/paths_search.txt"
get "/api/v1/precincts?county=92" | jq -r '.precincts[].precinct' > "$work/precincts.txt"
sed 's|.*|/api/v1/precincts/92/&/gotv|' "$work/precincts.txt" > "$work/paths_gotv.txt"
sed 's|.*|/api/v1/precincts/92/&/poll-book.csv|' "$work/precincts.txt" > "$work/paths_pollbook.txt"
sed 's|.*|/api/v1/turnout?county=92\&precinct=&|' "$work/precincts.txt" > "$work/paths_turnout.txt"
cat "$work"/paths_{voter,search,gotv,pollbook,turnout}.txt | shuf --random-source=<(yes) > "$work/paths_all.txt"
# A strike per voter (none of them repeated) for the mixed runs.
get "/api/v1/voters?county=92&limit=1000&cursor=$(jq -r '.next_cursor|@uri' "$work/page2.json")" |
  jq -r '.voters[].voter_id' > "$work/voters.txt"
for f in "$work"/paths_*.txt; do
  bad=$(head -1 "$f")
  get "$bad" >/dev/null || { echo "bench: GET $bad failed" >&2; exit 1; }
done

# reads KIND: "per_second p50 p99 non2xx requests" of wrk GETting the paths of KIND.
reads() {
  wrk -t2 -c"$conns" -d"${secs}s" --timeout 10s --latency -s bench/reads.lua "http://127.0.0.1:$port" \
    -- "$work/sessions.txt" "$work/paths_$1.txt" > "$work/wrk_reads_$1_$mode.out" 2>&1
  wrk_stats "$work/wrk_reads_$1_$mode.out" 1
}
# mixed: the same for every kind together, with strikes POSTed meanwhile; two lines.
mixed() {
  wrk -t1 -c16 -d"${secs}s" --timeout 10s --latency -s bench/strikes.lua "http://127.0.0.1:$port" \
    -- "$work/sessions.txt" "$work/voters.txt" 1 > "$work/wrk_strikes_$mode.out" 2>&1 &
  local strikes=$!
  wrk -t1 -c"$conns" -d"${secs}s" --timeout 10s --latency -s bench/reads.lua "http://127.0.0.1:$port" \
    -- "$work/sessions.txt" "$work/paths_all.txt" > "$work/wrk_reads_mixed_$mode.out" 2>&1
  wait "$strikes"
  wrk_stats "$work/wrk_reads_mixed_$mode.out" 1
  wrk_stats "$work/wrk_strikes_$mode.out" 1
}

kinds="voter search gotv pollbook"
declare -A result
for mode in primary standby; do
  stop_serve
  if [ "$mode" = standby ]; then
    serve --read-store "$standby"
    # the replica is used once its first probe covered the primary's position
    for _ in $(seq 1 100); do
      curl -fs "http://127.0.0.1:$port/metrics" | grep -q '^narwhal_read_replica_in_use 1' && break
      sleep 0.1
    done
  else
    serve
  fi
  for k in $kinds; do result[$k,$mode]=$(reads "$k"); done
  { read -r r1; read -r r2; } <<< "$(mixed)"
  result[mixed,$mode]=$r1
  result[strikes,$mode]=$r2
  if [ "$mode" = standby ]; then
    curl -fs "http://127.0.0.1:$port/metrics" | grep '^narwhal_read_replica' > "$work/replica_metrics.txt"
  fi
done
stop_serve

printf 'machine: %s cores; %s s per run; %s connections; voters: 20000; precincts: %s\n' \
  "$(nproc)" "$secs" "$conns" "$(wc -l < "$work/precincts.txt")"
for k in $kinds mixed strikes; do
  read -r a ap50 ap99 abad _ <<< "${result[$k,primary]}"
  read -r b bp50 bp99 bbad _ <<< "${result[$k,standby]}"
  label=$k
  [ "$k" = mixed ] && label="all reads, strikes meanwhile"
  [ "$k" = strikes ] && label="strikes beside those reads"
  printf '%-30s primary only %7.0f/s p50 %6s p99 %6s ms | with standby %7.0f/s p50 %6s p99 %6s ms | ratio %.2fx%s\n' \
    "$label" "$a" "$ap50" "$ap99" "$b" "$bp50" "$bp99" "$(echo "$b / $a" | bc -l)" \
    "$([ "$abad$bbad" != 00 ] && echo "  (non-2xx not counted: $abad / $bbad)")"
done
echo "routed reads, from /metrics of the run with the standby:"
sed 's/^/  /' "$work/replica_metrics.txt"

#!/usr/bin/env bash
# Canvassing on the embedded store, on the Kodiak demo (12,000 voters on the 4,451 public
# address points, 6 precincts):
#   1. walk lists: the largest precinct cut into turfs of DOORS doors (default 20: about
#      40 turfs), kept (--save) and printed with a route map per turf (--pdf); the whole
#      command timed, best of three. Anchor: the same precinct's strike list as PDF
#      (`narwhal print poll-books`: the same voters on paper, no maps, no cut).
#      Target (docs/field.md): 40 turfs in under 2 s.
#   2. a turf as a phone downloads it: GET /api/v1/turfs/{list} (wrk, 4 connections).
#   3. results recorded over HTTP: POST /api/v1/contacts in batches of 10 (wrk), beside the
#      anchor: POST /api/v1/strikes in batches of 10 on the same server and store in the same
#      run (the strike path is itself measured against pgbench in strikes_vs_pgbench.sh);
#      then taps added to a visit (two answers and a tag each, checked against the field
#      book and indexed for universes) the same way.
#   bench/canvass_bench.sh [DOORS]        (needs build/release; SECS=10 per wrk run)
set -euo pipefail
cd "$(dirname "$0")/.."
doors=${1:-20}
secs=${SECS:-10}
narwhal=${NARWHAL_BIN:-build/release/src/cli/narwhal}
work=${BENCH_DIR:-build/bench/canvass}
points=../shared/data/addresses/kodiak_island_borough.csv
port=${PORT:-18093}
# shellcheck source=bench/lib.sh
. bench/lib.sh
server_pid=
trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; true' EXIT

rm -rf "$work"
mkdir -p "$work"
data="$work/ours"
"$narwhal" demo --data "$data" --voters 12000 --precincts 6 --addresses "$points" >/dev/null 2>&1
db="$data/narwhal.db"
"$narwhal" field-book set --data "$data" examples/field-book.json >/dev/null
read -r county precinct voters < <(sqlite3 -separator ' ' "$db" \
  "SELECT county, precinct, voters FROM precincts ORDER BY voters DESC LIMIT 1")
echo "precinct $county/$precinct: $voters voters; turfs of $doors doors"

# best_of3 CMD...: the fastest of three runs of CMD, in seconds.
best_of3() {
  local best=999999 t0 t1 s
  for _ in 1 2 3; do
    t0=$(date +%s.%N)
    "$@" >/dev/null 2>&1
    t1=$(date +%s.%N)
    s=$(echo "$t1 - $t0" | bc -l)
    if (($(echo "$s < $best" | bc -l))); then best=$s; fi
  done
  printf '%.3f' "$best"
}

ours=$(best_of3 "$narwhal" turf cut --data "$data" --county "$county" --precinct "$precinct" \
  --doors "$doors" --save --pdf "$work/walk.pdf")
anchor=$(best_of3 "$narwhal" print poll-books --data "$data" --county "$county" \
  --precinct "$precinct" --out "$work/poll")
turfs=$("$narwhal" turf cut --data "$data" --county "$county" --precinct "$precinct" \
  --doors "$doors" --save --json 2>/dev/null | jq '.turfs | length')
pages=$(pdfinfo "$work/walk.pdf" | awk '/^Pages:/{print $2}')
anchor_pages=$(pdfinfo "$(ls "$work"/poll/*.pdf | head -1)" | awk '/^Pages:/{print $2}')
echo "walk lists: $turfs turfs, $pages pages (a map page each) in $ours s;" \
  "strike list of the precinct: $anchor_pages pages in $anchor s;" \
  "ratio $(echo "$ours / $anchor" | bc -l | xargs printf '%.2f')x"

# --- HTTP: turf reads, contacts beside strikes ---------------------------------------
# Many phones rather than lifted limits (20 requests a second per session), as
# strikes_vs_pgbench.sh: each request carries the next session and its own address.
nsessions=${SESSIONS:-1024}
bench_users "$nsessions" "$port"
"$narwhal" serve --data "$data" --listen "127.0.0.1:$port" --election 2026-11-03 \
  --max-inflight-strikes 4096 --trust-forwarded-for >"$work/serve.log" 2>&1 &
server_pid=$!
wait_http "http://127.0.0.1:$port/healthz"
bench_sessions "$port"
tok=$(head -1 "$work/sessions.txt" | cut -d' ' -f1)
list=$("$narwhal" turf list --data "$data" --json | jq -r '.turfs[0].list_number')
sqlite3 "$db" "SELECT voter_id FROM voters WHERE removed_at IS NULL" >"$work/voters.txt"

wrk -t2 -c4 -d"${secs}s" --latency -s bench/strikes.lua "http://127.0.0.1:$port" \
  -- "$work/sessions.txt" "$work/voters.txt" 1 "get:/api/v1/turfs/$list" >"$work/wrk_turf.out" 2>&1
read -r rate p50 p99 bad reqs <<<"$(wrk_stats "$work/wrk_turf.out" 1)"
sleep 3  # the first session's request budget refills after wrk
stops=$(curl -fs -H "Authorization: Bearer $tok" "http://127.0.0.1:$port/api/v1/turfs/$list" |
  jq -r '"\(.stops | length) doors, \([.stops[].voters | length] | add)"')
printf 'turf downloads (%s voters): %.0f/s, p50 %s ms, p99 %s ms, %s non-2xx\n' \
  "$stops" "$rate" "$p50" "$p99" "$bad"

# run_wrk MODE: "per_second p50 p99 non2xx requests" for batches of 10 on 16 connections.
run_wrk() {
  local out="$work/wrk_$1.out"
  wrk -t2 -c16 -d"${secs}s" --timeout 10s --latency -s bench/strikes.lua \
    "http://127.0.0.1:$port" -- "$work/sessions.txt" "$work/voters.txt" 10 "$1" >"$out" 2>&1
  wrk_stats "$out" 10
}
read -r c_rate c_p50 c_p99 c_bad _ <<<"$(run_wrk contacts)"
read -r s_rate s_p50 s_p99 s_bad _ <<<"$(run_wrk strikes)"
read -r a_rate a_p50 a_p99 a_bad _ <<<"$(run_wrk answers)"
kill "$server_pid"
wait "$server_pid" 2>/dev/null || true
server_pid=
rows=$(sqlite3 "$db" "SELECT count(*) FROM contacts")
printf 'contacts: %.0f/s (p50 %s ms, p99 %s ms, %s non-2xx; %s rows stored, knocks and answers)\n' \
  "$c_rate" "$c_p50" "$c_p99" "$c_bad" "$rows"
printf 'strikes (anchor): %.0f/s (p50 %s ms, p99 %s ms, %s non-2xx)\n' \
  "$s_rate" "$s_p50" "$s_p99" "$s_bad"
printf 'contacts / strikes: %.2fx\n' "$(echo "$c_rate / $s_rate" | bc -l)"
choices=$(sqlite3 "$db" "SELECT count(*) FROM contact_choices")
printf 'answers added to visits: %.0f/s (p50 %s ms, p99 %s ms, %s non-2xx; %s choices indexed); / strikes %.2fx\n' \
  "$a_rate" "$a_p50" "$a_p99" "$a_bad" "$choices" "$(echo "$a_rate / $s_rate" | bc -l)"

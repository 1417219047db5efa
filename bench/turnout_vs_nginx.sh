#!/usr/bin/env bash
# Turnout reads over HTTP against the anchor: nginx (2 workers, access log off) returning a
# fixed small JSON body, `return 200 '{"ok":true}'`, on a loopback port. Ours: `narwhal serve`
# answering one precinct's turnout, GET /api/v1/turnout?county=92&precinct=P, with an
# admin's session, over a demo county (20,000 voters, some hundreds struck first). Both
# driven by `wrk -t2 -c32 -d SECONDS`; only 2xx answers count. Prints requests/s for both
# and the ratio (target >= 0.5).
#
# Rate limits (20 requests a second per session, 200 per address by default) are met by
# playing many dashboards: SESSIONS admins log in once each, the server runs with
# --trust-forwarded-for (as behind the reverse proxy of docs/security.md), and each request
# carries the next session's token and address. Answers 429 are reported, not counted.
#   bench/turnout_vs_nginx.sh [SECONDS]   (default 10; needs build/release, wrk, nginx)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
nsessions=${SESSIONS:-4096}
port=${PORT:-18441}
nginx_port=${NGINX_PORT:-18442}
narwhal=${NARWHAL_BIN:-build/release/src/cli/narwhal}
work=$(pwd)/${BENCH_DIR:-build/bench/turnout}
rm -rf "$work"
mkdir -p "$work/nginx/logs" "$work/ours"
server_pid= nginx_pid=
cleanup() {
  for p in $server_pid $nginx_pid; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

# run_wrk NAME URL [LUA_SCRIPT ARGS...]: prints "2xx_req/s p50_ms p99_ms non2xx requests"
ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; printf "%.2f", v}'; }
run_wrk() {
  local name=$1 url=$2; shift 2
  local out="$work/wrk_$name.out" script=()
  if [ $# -gt 0 ]; then script=(-s "$1"); shift; fi
  wrk -t2 -c32 -d"${secs}s" --timeout 10s --latency "${script[@]}" "$url" ${1+--} "$@" > "$out" 2>&1
  local reqs dur bad p50 p99
  reqs=$(sed -n 's/^ *\([0-9]*\) requests in .*/\1/p' "$out")
  dur=$(sed -n 's/.* requests in \([0-9.]*\)\(m\?s\),.*/\1 \2/p' "$out" | awk '{print ($2=="ms") ? $1/1000 : $1}')
  bad=$(sed -n 's/^ *Non-2xx or 3xx responses: \([0-9]*\)/\1/p' "$out"); bad=${bad:-0}
  p50=$(awk '$1=="50%"{print $2}' "$out" | ms)
  p99=$(awk '$1=="99%"{print $2}' "$out" | ms)
  echo "$(echo "($reqs - $bad) / $dur" | bc -l) $p50 $p99 $bad $reqs"
}

# --- anchor: nginx, fixed small JSON body -------------------------------------------
cat > "$work/nginx/nginx.conf" <<CONF
worker_processes 2;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx/tmp;
  server {
    listen 127.0.0.1:$nginx_port;
    location / { default_type application/json; return 200 '{"ok":true}'; }
  }
}
CONF
nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" &
nginx_pid=$!
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$nginx_port/" >/dev/null && break; sleep 0.1; done
read -r ng_rate ng_p50 ng_p99 ng_bad ng_reqs <<< "$(run_wrk nginx "http://127.0.0.1:$nginx_port/")"
kill "$nginx_pid"; wait "$nginx_pid" 2>/dev/null || true; nginx_pid=

# --- ours: narwhal serve, one precinct's turnout -------------------------------------
data="$work/ours"
"$narwhal" demo --data "$data" --voters 20000 >/dev/null
{ echo "name,role,county,precinct"
  for i in $(seq 1 "$nsessions"); do echo "BENCH ADMIN $i,admin,,"; done; } > "$work/users.csv"
"$narwhal" users import "$work/users.csv" --data "$data" --out "$work/sheets" --url "http://127.0.0.1:$port/" >/dev/null
"$narwhal" serve --data "$data" --listen "127.0.0.1:$port" --election 2026-11-03 \
  --trust-forwarded-for > "$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
tail -n +2 "$work/sheets/credentials.csv" | awk -F, '{print $7}' | nl -ba | \
  xargs -P 4 -L 1 bash -c 'addr="10.$(( $0 / 65536 % 256 )).$(( $0 / 256 % 256 )).$(( $0 % 256 ))"
    tok=$(curl -fs -H "X-Forwarded-For: $addr" -H "Content-Type: application/json" \
      -d "{\"code\":\"$1\"}" "http://127.0.0.1:'"$port"'/api/v1/sessions" | jq -r .token)
    echo "$tok $addr"' | grep -v '^null' > "$work/sessions.txt" || true
tok=$(head -1 "$work/sessions.txt" | cut -d' ' -f1)
addr=$(head -1 "$work/sessions.txt" | cut -d' ' -f2)
# strike a few hundred voters so the tallies are not all zero
curl -fs -H "Authorization: Bearer $tok" -H "X-Forwarded-For: $addr" "http://127.0.0.1:$port/api/v1/voters?county=92&limit=300" |
  jq -c '{strikes: [.voters[] | {voter_id, idempotency_key: ("turnout-bench-" + .voter_id)}]}' |
  curl -fs -H "Authorization: Bearer $tok" -H "X-Forwarded-For: $addr" -H "Content-Type: application/json" \
    -d @- "http://127.0.0.1:$port/api/v1/strikes" >/dev/null
precinct=$(curl -fs -H "Authorization: Bearer $tok" -H "X-Forwarded-For: $addr" \
  "http://127.0.0.1:$port/api/v1/voters?county=92&limit=1" | jq -r '.voters[0].precinct')
path="/api/v1/turnout?county=92&precinct=$precinct"
body=$(curl -fs -H "Authorization: Bearer $tok" -H "X-Forwarded-For: $addr" "http://127.0.0.1:$port$path")
read -r nw_rate nw_p50 nw_p99 nw_bad nw_reqs <<< "$(run_wrk narwhal "http://127.0.0.1:$port" \
  bench/reads.lua "$work/sessions.txt" "$path")"

printf 'machine: %s cores; wrk -t2 -c32 -d%ss\n' "$(nproc)" "$secs"
printf 'nginx fixed JSON body:           %8.0f req/s  p50 %s ms  p99 %s ms  (%s requests, %s non-2xx)\n' \
  "$ng_rate" "$ng_p50" "$ng_p99" "$ng_reqs" "$ng_bad"
printf 'narwhal GET %s: %8.0f req/s  p50 %s ms  p99 %s ms  (%s requests, %s non-2xx not counted)\n' \
  "$path" "$nw_rate" "$nw_p50" "$nw_p99" "$nw_reqs" "$nw_bad"
printf 'ratio (narwhal / nginx): %.2f  (target >= 0.5); %s sessions; turnout body %s bytes: %.160s...\n' \
  "$(echo "$nw_rate / $ng_rate" | bc -l)" "$(wc -l < "$work/sessions.txt")" "${#body}" "$body"

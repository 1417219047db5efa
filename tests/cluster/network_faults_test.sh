#!/usr/bin/env bash
# Network faults between one app node and PostgreSQL: delay, a partition, a very slow
# link. The app node runs in a network namespace of its own; PostgreSQL and the test
# client stay in the root namespace and reach it over two veth pairs:
#   database link  10.231.0.1 (PostgreSQL, root side) <-> 10.231.0.2 (the app's side)
#   client link    10.231.1.1 (curl, root side)       <-> 10.231.1.2:18600 (narwhal serve)
# Faults are made on the database link only, so the client can still ask the app node
# (`/healthz` must stay 200 while the database is unreachable).
#  a. baseline: strikes are acknowledged.
#  b. delay 200 ms on every round trip to PostgreSQL: strikes still acknowledged, slower.
#  c. partition: strikes in flight when the database link goes down (its root side, so
#     nothing arrives and nothing is refused), new strikes during PARTITION_SECONDS; each
#     must answer within STRIKE_BOUND, /healthz stays 200. After the link comes back a new
#     strike must be acknowledged within RECOVERY_LIMIT, and every strike that was not
#     acknowledged is sent again with its idempotency key until it is.
#  d. delay 2000 ms: a strike answers, slowly or with an error, within its bound.
# At the end, on PostgreSQL: every key is stored exactly once, every voter struck once,
# turnout's voted = the voters struck. Exit 1 on a hang (no answer within curl's
# --max-time), a lost acknowledged strike, a duplicate, or no recovery.
#
# Delay is `tc qdisc ... netem` on the app's side of the database link when the kernel has
# netem; otherwise (e.g. a Firecracker kernel without sch_netem) the app connects through
# tests/cluster/delay_proxy.py, which holds what the app sends for the same delay. The
# partition is always the root side of the veth pair taken down.
#
#   tests/cluster/network_faults_test.sh        (make network-test; needs root)
# Environment: NARWHAL_BIN (build/release/src/cli/narwhal), PG_BIN_DIR
# (/usr/lib/postgresql/15/bin), PG_PORT (25631; the proxy takes the next one), APP_PORT
# (18600), DELAY_MODE (auto | netem | proxy), PARTITION_SECONDS (20), STRIKE_BOUND (45,
# curl --max-time of a strike while the link is impaired), RECOVERY_LIMIT (60),
# RETRY_LIMIT (120, seconds to get one unacknowledged strike acknowledged after the heal),
# KEEP_WORK (1: keep the temporary directory with the logs).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

bin=${NARWHAL_BIN:-build/release/src/cli/narwhal}
pg_bin=${PG_BIN_DIR:-/usr/lib/postgresql/15/bin}
election=${NARWHAL_ELECTION:-2026-11-03}
pg_port=${PG_PORT:-25631}
proxy_port=$((pg_port + 1))
app_port=${APP_PORT:-18600}
delay_mode=${DELAY_MODE:-auto}
partition_seconds=${PARTITION_SECONDS:-20}
strike_bound=${STRIKE_BOUND:-45}
recovery_limit=${RECOVERY_LIMIT:-60}
retry_limit=${RETRY_LIMIT:-120}
ns=nw-fault-$$
db_root=nwdb$$ db_ns=nwdbn$$ cl_root=nwcl$$ cl_ns=nwcln$$
db_host=10.231.0.1 app_db_ip=10.231.0.2 client_ip=10.231.1.1 app_ip=10.231.1.2
app=http://$app_ip:$app_port
prefix=nf$$

TEST_NAME=network-test
# shellcheck source=tests/cluster/checks.sh
source tests/cluster/checks.sh
serve_pid="" proxy_pid="" sampler_pid="" pg_started="" ns_made="" work=""
json_field() {  # json_field NAME < JSON: the first value of "NAME" (string or number)
  grep -o "\"$1\":\(\"[^\"]*\"\|[0-9-]*\)" | head -1 | sed -e "s/^\"$1\"://" -e 's/^"//' -e 's/"$//'
}
as_pg() { runuser -u postgres -- "$@"; }
sql() { "$pg_bin/psql" -X -q -At -v ON_ERROR_STOP=1 -h "$work" -p "$pg_port" -U postgres narwhal "$@"; }

cleanup() {
  local rc=$?
  [ "$fails" -gt 0 ] && rc=1
  trap - EXIT INT TERM
  # Background requests end by themselves (curl --max-time); do not wait for them.
  if [ -n "$serve_pid" ]; then  # before its database goes: it may still write on the way out
    kill "$serve_pid" 2>/dev/null
    for _ in $(seq 100); do kill -0 "$serve_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$serve_pid" 2>/dev/null
  fi
  [ -n "$proxy_pid" ] && kill "$proxy_pid" 2>/dev/null
  [ -n "$pg_started" ] && as_pg "$pg_bin/pg_ctl" -D "$work/pg" -m fast -w stop >/dev/null 2>&1
  if [ -n "$ns_made" ]; then
    ip link del "$db_root" 2>/dev/null  # deletes its peer in the namespace too
    ip link del "$cl_root" 2>/dev/null
    ip netns del "$ns" 2>/dev/null
  fi
  if [ -n "$work" ]; then
    if [ "$rc" -ne 0 ] && [ -f "$work/serve.log" ]; then
      log "last lines of the app node's log:"
      tail -n 15 "$work/serve.log" >&2
    fi
    if [ "${KEEP_WORK:-0}" = 1 ]; then log "kept $work"; else rm -rf "$work"; fi
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# --- preconditions -----------------------------------------------------------------------
[ "$(id -u)" -eq 0 ] || { echo "[network-test] needs root (network namespaces, tc)" >&2; exit 1; }
for tool in ip tc curl python3 runuser; do
  command -v "$tool" >/dev/null || die "$tool not found (scripts/install-deps.sh installs iproute2)"
done
[ -x "$bin" ] || die "no $bin (make build, or set NARWHAL_BIN)"
[ -x "$pg_bin/initdb" ] || die "no PostgreSQL 15 in $pg_bin (scripts/install-deps.sh installs it)"
if ip -4 addr show | grep -qE 'inet 10\.231\.[01]\.'; then
  trap - EXIT
  echo "[network-test] 10.231.0.0/24 or 10.231.1.0/24 is in use here; not touching it" >&2
  exit 1
fi
case $delay_mode in auto | netem | proxy) ;; *) die "DELAY_MODE is auto, netem or proxy" ;; esac
work=$(mktemp -d /tmp/narwhal-netfault.XXXXXX)
chown postgres "$work"

# --- the namespace and its two links -----------------------------------------------------
ns_made=1
ip netns add "$ns" || die "ip netns add $ns"
ip link add "$db_root" type veth peer name "$db_ns" &&
  ip link add "$cl_root" type veth peer name "$cl_ns" &&
  ip link set "$db_ns" netns "$ns" && ip link set "$cl_ns" netns "$ns" &&
  ip addr add "$db_host/24" dev "$db_root" && ip link set "$db_root" up &&
  ip addr add "$client_ip/24" dev "$cl_root" && ip link set "$cl_root" up &&
  ip -n "$ns" addr add "$app_db_ip/24" dev "$db_ns" && ip -n "$ns" link set "$db_ns" up &&
  ip -n "$ns" addr add "$app_ip/24" dev "$cl_ns" && ip -n "$ns" link set "$cl_ns" up &&
  ip -n "$ns" link set lo up || die "could not set up the veth pairs"
# Static neighbour entries on the database link: with the link down, packets then vanish
# (as behind a router) instead of failing ARP ("No route to host") after 3 s.
ip -n "$ns" neigh replace "$db_host" lladdr "$(cat "/sys/class/net/$db_root/address")" \
  nud permanent dev "$db_ns" &&
  ip neigh replace "$app_db_ip" lladdr "$(ip netns exec "$ns" cat "/sys/class/net/$db_ns/address")" \
    nud permanent dev "$db_root" || die "could not add the neighbour entries"
if [ "$delay_mode" != proxy ]; then
  if ip netns exec "$ns" tc qdisc add dev "$db_ns" root netem delay 0ms 2>"$work/netem.err"; then
    ip netns exec "$ns" tc qdisc del dev "$db_ns" root
    delay_mode=netem
  elif [ "$delay_mode" = netem ]; then
    die "tc netem is not available: $(cat "$work/netem.err")"
  else
    delay_mode=proxy
  fi
fi
log "namespace $ns: app at $app, PostgreSQL at $db_host:$pg_port; delay by $delay_mode"

# --- PostgreSQL --------------------------------------------------------------------------
as_pg "$pg_bin/initdb" -D "$work/pg" -U postgres -A trust -E UTF8 --no-sync >"$work/initdb.log" 2>&1 ||
  { cat "$work/initdb.log"; die "initdb"; }
echo "host all all 10.231.0.0/24 trust" >>"$work/pg/pg_hba.conf"
pg_started=1
as_pg "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w -t 60 -o "-c listen_addresses=$db_host \
  -p $pg_port -c unix_socket_directories=$work -c fsync=on" start >/dev/null ||
  { cat "$work/pg.log"; die "pg_ctl start"; }
"$pg_bin/psql" -X -q -h "$work" -p "$pg_port" -U postgres -c "CREATE DATABASE narwhal" postgres ||
  die "CREATE DATABASE"
local_store="host=$work port=$pg_port user=postgres dbname=narwhal"
app_port_db=$pg_port
if [ "$delay_mode" = proxy ]; then
  echo 0 >"$work/delay_ms"
  python3 tests/cluster/delay_proxy.py --listen "$db_host:$proxy_port" \
    --to "$db_host:$pg_port" --delay-file "$work/delay_ms" 2>"$work/proxy.log" &
  proxy_pid=$!
  for _ in $(seq 50); do (exec 3<>"/dev/tcp/$db_host/$proxy_port") 2>/dev/null && break; sleep 0.1; done
  app_port_db=$proxy_port
fi
app_store="postgresql://postgres@$db_host:$app_port_db/narwhal"

set_delay() {  # set_delay MS: every round trip from the app to PostgreSQL takes MS longer
  if [ "$delay_mode" = netem ]; then
    ip netns exec "$ns" tc qdisc del dev "$db_ns" root 2>/dev/null
    [ "$1" -gt 0 ] && ip netns exec "$ns" tc qdisc add dev "$db_ns" root netem delay "${1}ms"
  else
    echo "$1" >"$work/delay_ms"
  fi
  return 0
}

# --- voters, the app node, a session -----------------------------------------------------
"$bin" demo --store "$local_store" --data "$work/demo" --voters 2000 --precincts 10 \
  >"$work/demo.log" 2>&1 || { tail "$work/demo.log"; die "demo load failed"; }
sql -c "SELECT voter_id FROM voters WHERE removed_at IS NULL ORDER BY voter_id" >"$work/voters"
log "loaded $(wc -l <"$work/voters") voters"
code=$(NARWHAL_STORE="$local_store" "$bin" users add --name "Network faults" --role admin \
  2>"$work/users.log" | json_field code)
[ -n "$code" ] || die "users add failed: $(cat "$work/users.log")"

ip netns exec "$ns" "$bin" serve --store "$app_store" --listen "$app_ip:$app_port" \
  --election "$election" 2>"$work/serve.log" &
serve_pid=$!
for _ in $(seq 100); do curl -sf -m 2 -o /dev/null "$app/readyz" && break; sleep 0.2; done
curl -sf -m 2 -o /dev/null "$app/readyz" || die "the app node is not ready at $app"
token=$(curl -s -m 10 -X POST -H 'Content-Type: application/json' -d "{\"code\":\"$code\"}" \
  "$app/api/v1/sessions" | json_field token)
[ -n "$token" ] || die "log in failed"
log "app node $serve_pid serving in $ns; logged in"

# --- requests ----------------------------------------------------------------------------
# requests.tsv: label, key, voter, HTTP status (000: none), curl exit (28: no answer
# within --max-time), seconds, outcome or error code, sent (s since the start), message.
: >"$work/requests.tsv"
t_start=$(now)
next_voter=0
take_voter() { next_voter=$((next_voter + 1)); voter=$(sed -n "${next_voter}p" "$work/voters"); }
bg_pids=()
strike() {  # strike LABEL KEY VOTER MAX_TIME: one POST /api/v1/strikes, recorded
  local t0 out rc status body outcome message=""
  t0=$(now)
  out=$(curl -s -m "$4" -w '\n%{http_code}' -X POST "$app/api/v1/strikes" \
    -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d "{\"voter_id\":\"$3\",\"idempotency_key\":\"$2\"}")
  rc=$?
  status=${out##*$'\n'}
  body=${out%$'\n'*}
  [ "$body" = "$out" ] && body=""
  outcome=$(json_field outcome <<<"$body")
  [ -n "$outcome" ] || outcome=$(json_field code <<<"$body")
  [ "$status" = 200 ] || message=$(python3 -c 'import json, sys
try: print(" ".join(str(json.load(sys.stdin).get("detail", "")).split()))
except ValueError: pass' <<<"$body" 2>/dev/null)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "${status:-000}" "$rc" \
    "$(seconds_between "$t0" "$(now)")" "${outcome:--}" "$(seconds_between "$t_start" "$t0")" \
    "${message:0:200}" >>"$work/requests.tsv"
  [ "$status" = 200 ] && [[ "$outcome" =~ ^(struck|replayed|already_struck)$ ]]
}
probe() {  # probe LABEL PATH MAX_TIME: one GET, recorded like a strike
  local t0 status rc
  t0=$(now)
  status=$(curl -s -m "$3" -o /dev/null -w '%{http_code}' "$app$2")
  rc=$?
  printf '%s\t-\t-\t%s\t%s\t%s\t-\t%s\t-\n' "$1" "${status:-000}" "$rc" \
    "$(seconds_between "$t0" "$(now)")" "$(seconds_between "$t_start" "$t0")" >>"$work/requests.tsv"
  [ "$status" = 200 ]
}
acked() { awk -F'\t' -v k="$1" '$2 == k && $4 == 200 && $7 ~ /^(struck|replayed|already_struck)$/ { f = 1 } END { exit !f }' "$work/requests.tsv"; }
# Sends KEY (VOTER) again until acknowledged, at most 30 times; label LABEL.
retry_until_acked() {
  local deadline=$(($(date +%s) + retry_limit))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    strike "$1" "$2" "$3" "$strike_bound" && return 0
    sleep 1
  done
  return 1
}
label_stats() {  # label_stats LABEL: "n=3 200x2 504x1 0.51-10.02 s"
  awk -F'\t' -v l="$1" '$1 == l { n++; c[$4 == "000" ? "none" : $4]++; t = $6 + 0
      if (min == "" || t < min) min = t; if (t > max) max = t }
    END { if (!n) { print "none"; exit } s = "n=" n; for (k in c) s = s " " k "x" c[k]
      printf "%s, %.2f-%.2f s\n", s, min, max }' "$work/requests.tsv"
}

# --- a. baseline -------------------------------------------------------------------------
for i in $(seq 10); do take_voter; strike a-baseline "$prefix-a-$i" "$voter" 10; done
check "a. baseline: 10 strikes acknowledged ($(label_stats a-baseline))" \
  test "$(awk -F'\t' '$1 == "a-baseline" && $4 == 200' "$work/requests.tsv" | wc -l)" = 10

# --- b. delay 200 ms ---------------------------------------------------------------------
set_delay 200
for i in $(seq 5); do take_voter; strike b-delay200 "$prefix-b-$i" "$voter" 30; done
probe b-healthz /healthz 5
set_delay 0
check "b. 200 ms delay: 5 strikes acknowledged ($(label_stats b-delay200))" \
  test "$(awk -F'\t' '$1 == "b-delay200" && $4 == 200' "$work/requests.tsv" | wc -l)" = 5

# --- c. partition ------------------------------------------------------------------------
# A delay first, so that the first strikes are certainly in the middle of their
# requests when the link goes down: six, 0.35 s apart, each about nine round trips of
# 300 ms long (authentication reads, then the strike's transaction).
set_delay 300
for i in 1 2 3 4 5 6; do
  take_voter
  strike c-inflight "$prefix-c-inflight-$i" "$voter" "$strike_bound" &
  bg_pids+=($!)
  sleep 0.35
done
ip link set "$db_root" down
down_at=$(now)
set_delay 0
log "c. database link down (strikes in flight: 6)"
# What the server sees, every 0.5 s until 20 s after the heal (psql over the Unix socket,
# not the cut link): sessions idle in transaction, and sessions waiting on their locks.
(
  end=$(($(date +%s) + partition_seconds + 20))
  while [ "$(date +%s)" -lt "$end" ]; do
    printf '%s\t%s\n' "$(now)" "$(sql -F $'\t' -c "SELECT
        count(*) FILTER (WHERE state = 'idle in transaction'),
        count(*) FILTER (WHERE cardinality(pg_blocking_pids(pid)) > 0),
        coalesce(string_agg(left(regexp_replace(query, '\s+', ' ', 'g'), 40), ' | ')
          FILTER (WHERE cardinality(pg_blocking_pids(pid)) > 0), '-')
      FROM pg_stat_activity WHERE datname = 'narwhal' AND pid <> pg_backend_pid()" 2>&1)"
    sleep 0.5
  done
) >"$work/server_view.tsv" &
sampler_pid=$!
for i in $(seq 0 $((partition_seconds - 1))); do
  tick=$(now)
  if [ $((i % 2)) = 0 ]; then
    take_voter
    strike c-during "$prefix-c-during-$i" "$voter" "$strike_bound" &
    bg_pids+=($!)
  fi
  if [ "$i" = 3 ]; then
    probe c-readyz /readyz "$strike_bound" &
    bg_pids+=($!)
  fi
  probe c-healthz /healthz 3
  sleep "$(awk -v t="$tick" -v n="$(now)" 'BEGIN { s = 1 - (n - t); print (s > 0 ? s : 0) }')"
done
ip link set "$db_root" up
up_at=$(now)
log "c. database link up again after $(seconds_between "$down_at" "$up_at") s"
recovered_after=""
deadline=$(awk -v t="$up_at" -v l="$recovery_limit" 'BEGIN { printf "%d", t + l }')
i=0
while [ "$(date +%s)" -lt "$deadline" ]; do
  i=$((i + 1))
  take_voter
  if strike c-recovery "$prefix-c-recovery-$i" "$voter" 20; then
    recovered_after=$(seconds_between "$up_at" "$(now)")
    break
  fi
  sleep 1
done
log "c. waiting for the requests sent during the partition (each ends within $strike_bound s)"
wait "${bg_pids[@]}" "$sampler_pid"
# The sampler's view after the heal: how long sessions of the cut connections stayed open
# in their transactions, and whether strikes waited on their locks meanwhile.
server_view=$(awk -F'\t' -v up="$up_at" '$1 >= up {
    if ($2 > 0) { last_orphan = $1 - up; if ($2 > max_orphans) max_orphans = $2 }
    if ($3 > 0) { last_blocked = $1 - up; if ($3 > max_blocked) max_blocked = $3; what = $4 } }
  END { printf "idle in transaction: at most %d, last seen %s s after the heal; waiting on their locks: at most %d, last seen %s s after the heal%s",
      max_orphans, (last_orphan == "" ? "-" : sprintf("%.1f", last_orphan)), max_blocked,
      (last_blocked == "" ? "-" : sprintf("%.1f", last_blocked)), (what == "" ? "" : " (" what ")") }' \
  "$work/server_view.tsv")
log "c. server view after the heal: $server_view"
check "c. a new strike is acknowledged after the link is back (${recovered_after:-never} s)" \
  test -n "$recovered_after"
unacked=$(awk -F'\t' '$1 ~ /^c-(inflight|during|recovery)$/ { print $2 "\t" $3 }' "$work/requests.tsv" | sort -u |
  while IFS=$'\t' read -r k v; do acked "$k" || printf '%s\t%s\n' "$k" "$v"; done)
c_retried=0
c_retry_failed=0
while IFS=$'\t' read -r k v; do
  [ -n "$k" ] || continue
  c_retried=$((c_retried + 1))
  retry_until_acked c-retry "$k" "$v" || c_retry_failed=$((c_retry_failed + 1))
done <<<"$unacked"
check "c. every unacknowledged strike is acknowledged on retry with its key ($c_retried retried, $c_retry_failed not)" \
  test "$c_retry_failed" = 0

# --- d. delay 2000 ms --------------------------------------------------------------------
set_delay 2000
for i in 1 2; do take_voter; strike d-delay2000 "$prefix-d-$i" "$voter" 90; done
probe d-healthz /healthz 5
set_delay 0
unacked=$(awk -F'\t' '$1 == "d-delay2000" { print $2 "\t" $3 }' "$work/requests.tsv" |
  while IFS=$'\t' read -r k v; do acked "$k" || printf '%s\t%s\n' "$k" "$v"; done)
d_retry_failed=0
while IFS=$'\t' read -r k v; do
  [ -n "$k" ] || continue
  retry_until_acked d-retry "$k" "$v" || d_retry_failed=$((d_retry_failed + 1))
done <<<"$unacked"
check "d. 2000 ms delay: the strikes answered within 90 s and are acknowledged by now ($d_retry_failed not)" \
  test "$d_retry_failed" = 0

# --- checks on PostgreSQL ----------------------------------------------------------------
# Server sessions whose client went away during the partition: the server cannot know
# (no FIN, no RST reached it) until its TCP keepalive gives up.
orphans() {
  sql -c "SELECT count(*) || ' (oldest ' || coalesce(round(max(extract(epoch FROM now() - a.state_change)))::text, '-')
      || ' s; row-exclusive locks ' || coalesce(sum((SELECT count(*) FROM pg_locks l WHERE l.pid = a.pid AND l.mode = 'RowExclusiveLock')), 0)
      || ', advisory locks ' || coalesce(sum((SELECT count(*) FROM pg_locks l WHERE l.pid = a.pid AND l.locktype = 'advisory')), 0)
      || '; last statements: ' || coalesce(string_agg(left(regexp_replace(a.query, '\s+', ' ', 'g'), 50), ' | '), '-') || ')'
    FROM pg_stat_activity a WHERE a.datname = 'narwhal' AND a.state = 'idle in transaction'"
}
orphans_end=$(orphans)
log "server sessions idle in transaction at the end: $orphans_end"
hangs=$(awk -F'\t' '$5 == 28' "$work/requests.tsv" | wc -l)
check "no request went unanswered within its --max-time ($hangs did)" test "$hangs" = 0
healthz_bad=$(awk -F'\t' '$1 ~ /healthz$/ && $4 != 200' "$work/requests.tsv" | wc -l)
check "/healthz answered 200 throughout ($healthz_bad did not)" test "$healthz_bad" = 0
awk -F'\t' '$2 != "-" { print $2 "\t" $3 "\t" ($4 == 200 && $7 ~ /^(struck|replayed|already_struck)$/) }' \
  "$work/requests.tsv" | sort -u >"$work/keys.tsv"
sql >"$work/checks.txt" <<SQL || die "the check queries failed"
CREATE TEMP TABLE sent(key text COLLATE "C", voter text COLLATE "C", acked int);
\\copy sent FROM '$work/keys.tsv'
SELECT 'keys', count(DISTINCT key), count(DISTINCT voter) FROM sent;
SELECT 'acked_missing', count(DISTINCT key) FROM sent a WHERE acked = 1 AND NOT EXISTS (
  SELECT 1 FROM strikes s WHERE s.idempotency_key = a.key AND s.voter_id = a.voter);
SELECT 'keys_not_once', count(*) FROM (SELECT DISTINCT key FROM sent) a WHERE
  (SELECT count(*) FROM strikes s WHERE s.idempotency_key = a.key) <> 1;
SELECT 'voters_not_once', count(*) FROM (SELECT DISTINCT voter FROM sent) a WHERE
  (SELECT count(*) FROM strikes s WHERE s.election = '$election' AND s.voter_id = a.voter) <> 1;
SELECT 'struck', count(*) FROM struck WHERE election = '$election';
SELECT 'voted', coalesce(sum(voted), 0) FROM turnout WHERE election = '$election';
SQL
field() { awk -F'|' -v n="$1" -v c="${2:-2}" '$1 == n { print $c }' "$work/checks.txt"; }
voters_sent=$(field keys 3)
check "every acknowledged strike is stored ($(field acked_missing) missing)" test "$(field acked_missing)" = 0
check "every key is stored exactly once ($(field keys_not_once) of $(field keys) are not)" \
  test "$(field keys_not_once)" = 0
check "every voter is struck exactly once ($(field voters_not_once) of $voters_sent are not)" \
  test "$(field voters_not_once)" = 0
check "struck rows ($(field struck)) and turnout's voted ($(field voted)) = the voters ($voters_sent)" \
  test "$(field struck)" = "$voters_sent" -a "$(field voted)" = "$voters_sent"

# --- report ------------------------------------------------------------------------------
first_answer() {  # first_answer LABEL: the status, outcome and seconds of each request
  awk -F'\t' -v l="$1" '$1 == l { printf "    %-12s sent %6.1f s  %s after %6.2f s  %s %s\n", $1, $8, ($4 == "000" ? "no answer (curl " $5 ")" : $4), $6, $7, $9 }' \
    "$work/requests.tsv"
}
cat <<EOF

network fault test, $(date -u +%Y-%m-%d), $(nproc) cores, delay by $delay_mode
  a. baseline               $(label_stats a-baseline)
  b. delay 200 ms           $(label_stats b-delay200); /healthz $(label_stats b-healthz)
  c. partition ${partition_seconds} s
     in flight at the cut   $(label_stats c-inflight)
     sent during it         $(label_stats c-during)
     /healthz during it     $(label_stats c-healthz)
     /readyz during it      $(label_stats c-readyz)
     first new strike acknowledged ${recovered_after:-never} s after the link came back
     ($(label_stats c-recovery))
     retried with their keys $(label_stats c-retry)
     server view after the heal (sampled every 0.5 s): $server_view
     PostgreSQL's log: "unexpected EOF on client connection with an open transaction" x \
$(grep -c 'unexpected EOF on client connection with an open transaction' "$work/pg.log")
     sessions idle in transaction at the end of the run: $orphans_end
  d. delay 2000 ms          $(label_stats d-delay2000); retried: $(label_stats d-retry)
  on PostgreSQL             keys $(field keys), voters $voters_sent, acknowledged but missing \
$(field acked_missing), keys not once $(field keys_not_once), voters not once \
$(field voters_not_once), struck $(field struck), turnout voted $(field voted)
  hangs                     $hangs
every strike and probe of c and d:
$(for l in c-inflight c-during c-readyz c-recovery c-retry d-delay2000 d-retry; do first_answer "$l"; done)
EOF
log "$((checks - fails)) of $checks checks passed"
[ "$fails" -eq 0 ]

#!/usr/bin/env bash
# Failover of the loopback cluster (scripts/cluster-up.sh) under strike load, proved from
# the database afterwards:
#  1. failover: workers strike distinct voters through both app nodes directly, one
#     idempotency key per strike, each retried with its key until acknowledged
#     (strike_driver.py). After LOAD_SECONDS the leader's Patroni and postmaster get
#     kill -9 (the node is gone), Patroni promotes the synchronous standby, the old
#     leader's Patroni is started again (it rejoins as the standby: with
#     synchronous_mode_strict a primary takes writes only while a synchronous standby
#     confirms). On the new primary: every acknowledged key is there exactly once, no
#     voter counts twice, turnout's voted equals the acknowledged voters.
#  2. standby not confirming: the synchronous standby's Patroni and PostgreSQL get
#     SIGSTOP; one strike must answer within a bound with an error, not hang and not claim
#     success; after SIGCONT its retry with the same key must count the voter once.
# Exit 0 when every check holds. The cluster is torn down on exit; on failure its
# directory (logs, driver output) is kept and named.
#
#   tests/cluster/failover_test.sh          (make failover-test)
# Environment: NARWHAL_BIN (build/release/src/cli/narwhal), CLUSTER_DIR (a new temporary
# directory), CLUSTER_PORT_OFFSET (300: ports 8380, 18381/18382, 25740-25742, ...),
# WORKERS (4), VOTERS (20000), LOAD_SECONDS (8), AFTER_SECONDS (8), RECOVERY_LIMIT (60),
# REQUEST_TIMEOUT (10, seconds per driver request), STANDBY_BOUND (45, seconds the
# standby-not-confirming strike may take to answer).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

export NARWHAL_BIN=${NARWHAL_BIN:-build/release/src/cli/narwhal}
export CLUSTER_PORT_OFFSET=${CLUSTER_PORT_OFFSET:-300}
# The two-node cluster (a primary and its synchronous standby alone, one etcd member):
# the checks below are of its strict behaviour. The default three-node cluster is the
# game day's (narwhal gameday run smoke).
export CLUSTER_PG_NODES=${CLUSTER_PG_NODES:-2} CLUSTER_ETCD_MEMBERS=${CLUSTER_ETCD_MEMBERS:-1}
export NARWHAL_ELECTION=${NARWHAL_ELECTION:-2026-11-03}
export CLUSTER_DIR=${CLUSTER_DIR:-$(mktemp -d /tmp/narwhal-failover.XXXXXX)}
workers=${WORKERS:-4}
voters=${VOTERS:-20000}
load_seconds=${LOAD_SECONDS:-8}
after_seconds=${AFTER_SECONDS:-8}
recovery_limit=${RECOVERY_LIMIT:-60}
request_timeout=${REQUEST_TIMEOUT:-10}
standby_bound=${STANDBY_BOUND:-45}
pg_bin=${PG_BIN_DIR:-/usr/lib/postgresql/15/bin}
election=$NARWHAL_ELECTION
dir=$CLUSTER_DIR
work=$dir/failover-test
prefix="fo$(date +%s)"

TEST_NAME=failover-test
# shellcheck source=tests/cluster/checks.sh
source tests/cluster/checks.sh
driver_pid=""
stopped_pids=()

cleanup() {
  local rc=$?
  [ "$fails" -gt 0 ] && rc=1
  # A stopped process would not see cluster-down's SIGTERM.
  [ "${#stopped_pids[@]}" -gt 0 ] && kill -CONT "${stopped_pids[@]}" 2>/dev/null
  if [ -n "$driver_pid" ]; then
    kill "$driver_pid" 2>/dev/null
    wait "$driver_pid" 2>/dev/null
  fi
  if [ "$rc" -eq 0 ]; then
    scripts/cluster-down.sh >/dev/null
  else
    scripts/cluster-down.sh --keep >/dev/null
    log "kept $dir (logs/, failover-test/) for inspection; rm -rf it when done"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
sql() { "$pg_bin/psql" -X -q -At -v ON_ERROR_STOP=1 "$NARWHAL_STORE" "$@"; }
json_field() {  # json_field NAME < JSON: the first value of "NAME" (string or number)
  grep -o "\"$1\":\(\"[^\"]*\"\|[0-9-]*\)" | head -1 | sed -e "s/^\"$1\"://" -e 's/^"//' -e 's/"$//'
}

# The Patroni node (0 or 1) that is the primary now, if any.
leader() {
  local i
  for i in 0 1; do
    if curl -sf -m 2 -o /dev/null "${patroni[$i]}/primary"; then
      echo "$i"
      return 0
    fi
  done
  return 1
}
# Waits up to $1 seconds for command "$2..." to succeed.
wait_for() {
  local deadline=$(($(date +%s) + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -ge "$deadline" ] && return 1
    sleep 0.25
  done
}
postmaster_pid() { head -1 "$dir/pg$(($1 + 1))/data/postmaster.pid" 2>/dev/null; }
# Starts node $1's Patroni again, as scripts/cluster-up.sh does.
start_patroni() {
  local name="pg$(($1 + 1))"
  local node="$dir/$name"
  rm -f "$node/patroni.pid"
  as_pg sh -c "echo \$\$ > '$node/patroni.pid'; exec patroni '$node/patroni.yml'" \
    >>"$dir/logs/$name.log" 2>&1 &
  wait_for 10 test -s "$node/patroni.pid" || return 1
  cp "$node/patroni.pid" "$dir/$name.pid"
}
voted() {  # turnout's overall voted count, through app node 1
  curl -sf -m 20 -H "Authorization: Bearer $check_token" "${apps[0]}/api/v1/turnout" |
    grep -o '"overall":{[^}]*}' | json_field voted
}
login() {  # login CODE: a bearer token (logins are throttled per address: retried)
  local token
  for _ in $(seq 20); do
    token=$(curl -s -m 10 -X POST -H 'Content-Type: application/json' \
      -d "{\"code\":\"$1\"}" "${apps[0]}/api/v1/sessions" | json_field token)
    [ -n "$token" ] && { echo "$token"; return 0; }
    sleep 1
  done
  return 1
}

# --- the cluster -------------------------------------------------------------------------
[ -x "$NARWHAL_BIN" ] || die "no $NARWHAL_BIN (make build, or set NARWHAL_BIN)"
command -v python3 >/dev/null || die "python3 not found"
for port in $((8080 + CLUSTER_PORT_OFFSET)) $((18081 + CLUSTER_PORT_OFFSET)) \
  $((18082 + CLUSTER_PORT_OFFSET)) $((23790 + CLUSTER_PORT_OFFSET)) \
  $((23800 + CLUSTER_PORT_OFFSET)) $((25440 + CLUSTER_PORT_OFFSET)) \
  $((25441 + CLUSTER_PORT_OFFSET)) $((25442 + CLUSTER_PORT_OFFSET)) \
  $((28081 + CLUSTER_PORT_OFFSET)) $((28082 + CLUSTER_PORT_OFFSET)); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    trap - EXIT  # not ours: leave it alone
    echo "[failover-test] port $port is in use; set CLUSTER_PORT_OFFSET" >&2
    exit 1
  fi
done
log "cluster in $dir (port offset $CLUSTER_PORT_OFFSET, election $election)"
scripts/cluster-up.sh >"$dir.up.log" 2>&1 || { cat "$dir.up.log"; die "cluster-up failed"; }
mv "$dir.up.log" "$dir/logs/cluster-up.log"
mkdir -p "$work"
# shellcheck disable=SC1091
source "$dir/env"
read -r -a apps <<<"$NARWHAL_APP_URLS"
read -r -a patroni <<<"$NARWHAL_PATRONI_URLS"
first_leader=$(leader) || die "no primary after cluster-up"
log "up: pg$((first_leader + 1)) is primary; app nodes ${apps[*]}"

# --- voters, users, sessions -------------------------------------------------------------
"$NARWHAL_BIN" demo --store "$NARWHAL_STORE" --data "$work/demo" --voters "$voters" \
  --precincts 20 >"$work/demo.log" 2>&1 || { tail "$work/demo.log"; die "demo load failed"; }
sql -c "SELECT voter_id FROM voters WHERE removed_at IS NULL ORDER BY voter_id" >"$work/voters"
log "loaded $(wc -l <"$work/voters") voters"
: >"$work/tokens"
for w in $(seq 0 "$workers"); do
  code=$(NARWHAL_STORE="$NARWHAL_STORE" "$NARWHAL_BIN" users add --name "Failover $w" \
    --role admin 2>>"$work/users.log" | json_field code)
  [ -n "$code" ] || die "users add failed (see $work/users.log)"
  token=$(login "$code") || die "login with a fresh code failed"
  if [ "$w" = 0 ]; then check_token=$token; else echo "$token" >>"$work/tokens"; fi
done
check "turnout starts at 0" test "$(voted)" = 0

# --- 1. failover under load --------------------------------------------------------------
# The last 100 voters are kept out of the load for the standby test.
head -n -100 "$work/voters" >"$work/load_voters"
python3 tests/cluster/strike_driver.py --url "${apps[0]}" --url "${apps[1]}" \
  --tokens "$work/tokens" --voters "$work/load_voters" --out "$work" \
  --stop-file "$work/stop" --key-prefix "$prefix" --timeout "$request_timeout" \
  >"$work/driver.out" 2>"$work/driver.err" &
driver_pid=$!
log "driving strikes: $workers workers through both app nodes"
sleep "$load_seconds"
before_kill=$(wc -l <"$work/acked.tsv")
check "strikes are acknowledged before the kill ($before_kill)" test "$before_kill" -gt 0

old=$(leader) || die "no primary before the kill"
new=$((1 - old))
old_patroni=$(cat "$dir/pg$((old + 1)).pid")
old_postmaster=$(postmaster_pid "$old")
kill_at=$(now)
kill -9 "$old_patroni" "$old_postmaster"
log "kill -9 pg$((old + 1)): Patroni $old_patroni and postmaster $old_postmaster"
rm -f "$dir/pg$((old + 1)).pid"

wait_for "$recovery_limit" curl -sf -m 2 -o /dev/null "${patroni[$new]}/primary" ||
  die "pg$((new + 1)) did not become primary within $recovery_limit s"
promoted_at=$(now)
log "pg$((new + 1)) is primary, $(seconds_between "$kill_at" "$promoted_at" 1) s after the kill"
start_patroni "$old" || die "could not start pg$((old + 1))'s Patroni again"
log "pg$((old + 1))'s Patroni started again (rejoins as the standby)"

# Recovered: a strike acknowledged after the promotion (none can be before it).
acked_after() { awk -F'\t' -v t="$1" '$7 > t { found = 1 } END { exit !found }' "$work/acked.tsv"; }
deadline=$(awk -v t="$kill_at" -v l="$recovery_limit" 'BEGIN { printf "%d", t + l }')
until acked_after "$promoted_at"; do
  if [ "$(date +%s)" -ge "$deadline" ]; then
    touch "$work/stop"
    die "no strike acknowledged within $recovery_limit s of the kill"
  fi
  kill -0 "$driver_pid" 2>/dev/null || die "the driver died (see $work/driver.err)"
  sleep 0.25
done
first_ack=$(awk -F'\t' -v t="$promoted_at" '$7 > t && (m == "" || $7 < m) { m = $7 } END { print m }' \
  "$work/acked.tsv")
log "writes acknowledged again $(seconds_between "$kill_at" "$first_ack" 1) s after the kill"
sleep "$after_seconds"
touch "$work/stop"
wait "$driver_pid"
driver_rc=$?
driver_pid=""
check "the driver finished every strike it began" test "$driver_rc" -eq 0
cat "$work/driver.err" >&2
summary=$(python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin)))' <"$work/summary.json")

# The checks, on the new primary (the conninfo finds it).
sql -v ON_ERROR_STOP=1 >"$work/checks.txt" <<SQL || die "the check queries failed"
CREATE TEMP TABLE acked(key text COLLATE "C", voter text COLLATE "C", outcome text,
  node text, attempts int, first_failure text, at double precision);
\\copy acked FROM '$work/acked.tsv'
SELECT 'primary', inet_server_port(), pg_is_in_recovery();
SELECT 'acknowledged', count(*), count(DISTINCT voter) FROM acked;
SELECT 'missing', count(*) FROM acked a WHERE NOT EXISTS (SELECT 1 FROM strikes s
  WHERE s.idempotency_key = a.key AND s.voter_id = a.voter AND s.election = '$election');
SELECT 'duplicate_keys', count(*) FROM (SELECT 1 FROM strikes s JOIN acked a
  ON s.idempotency_key = a.key GROUP BY a.key HAVING count(*) > 1) d;
SELECT 'voters_twice', count(*) FROM (SELECT voter_id FROM strikes
  WHERE election = '$election' GROUP BY voter_id HAVING count(*) > 1) d;
SELECT 'struck_twice', count(*) FROM (SELECT voter_id FROM struck
  WHERE election = '$election' GROUP BY voter_id HAVING count(*) > 1) d;
SELECT 'unacknowledged_rows', count(*) FROM strikes s
  WHERE s.idempotency_key LIKE '$prefix-%' AND NOT EXISTS
  (SELECT 1 FROM acked a WHERE a.key = s.idempotency_key);
SELECT 'struck_voters', count(*) FROM struck WHERE election = '$election';
SQL
field() { awk -F'|' -v n="$1" -v c="${2:-2}" '$1 == n { print $c }' "$work/checks.txt"; }
acked=$(field acknowledged)
acked_voters=$(field acknowledged 3)
missing=$(field missing)
duplicates=$(($(field duplicate_keys) + $(field voters_twice) + $(field struck_twice)))
unacked_rows=$(field unacknowledged_rows)
struck_voters=$(field struck_voters)
turnout_voted=$(voted)
retried=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["retried"])' <<<"$summary")
window=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["longest_window_s"])' <<<"$summary")
primary_port=$(field primary)
check "the new primary is pg$((new + 1)) (port $primary_port)" \
  test "$primary_port" = "$((25441 + CLUSTER_PORT_OFFSET + new))"
check "strikes were acknowledged ($acked)" test "${acked:-0}" -gt "$before_kill"
check "no acknowledged strike is missing ($missing)" test "$missing" = 0
check "no strike or voter is there twice ($duplicates)" test "$duplicates" = 0
check "every strike row was acknowledged ($unacked_rows unacknowledged)" test "$unacked_rows" = 0
check "turnout's voted ($turnout_voted) = the acknowledged voters ($acked_voters)" \
  test "$turnout_voted" = "$acked_voters"
check "struck voters ($struck_voters) = the acknowledged voters ($acked_voters)" \
  test "$struck_voters" = "$acked_voters"

# --- 2. the synchronous standby stops confirming -----------------------------------------
# timed_strike URL KEY VOTER OUT: one strike with curl -m standby_bound+15; writes
# "STATUS SECONDS BODY" into OUT (status 000: no answer in that time).
timed_strike() {
  local t0 answer
  t0=$(now)
  answer=$(curl -s -m "$((standby_bound + 15))" -w '\n%{http_code}' -X POST "$1/api/v1/strikes" \
    -H "Authorization: Bearer $check_token" -H 'Content-Type: application/json' \
    -d "{\"voter_id\":\"$3\",\"idempotency_key\":\"$2\"}")
  echo "${answer##*$'\n'} $(seconds_between "$t0" "$(now)" 1) ${answer%$'\n'*}" >"$4"
}
# The narwhal sessions that are not idle, on the primary, each with the app node whose
# connection it serves (found by its client port).
activity() {
  local row client_port owner pid
  sql -c "SELECT pid, state, wait_event_type, wait_event,
            round(extract(epoch FROM now() - query_start)::numeric, 1) AS waited_s,
            left(query, 50), client_port
          FROM pg_stat_activity WHERE datname = 'narwhal' AND state <> 'idle'
            AND pid <> pg_backend_pid() ORDER BY query_start" 2>&1 |
    while IFS= read -r row; do
      client_port=${row##*|}
      owner=""
      pid=$(ss -Htnp state established "( sport = :$client_port )" 2>/dev/null |
        grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
      for app in app1 app2; do
        [ -n "$pid" ] && [ "$pid" = "$(cat "$dir/$app.pid" 2>/dev/null)" ] && owner=$app
      done
      echo "    ${row%|*}  (${owner:-client port $client_port})"
    done
}
# Strikes the same key until acknowledged (up to 60 s); prints the outcome.
strike_until_acked() {
  local retry outcome
  for _ in $(seq 60); do
    retry=$(curl -s -m 20 -w '\n%{http_code}' -X POST "$1/api/v1/strikes" \
      -H "Authorization: Bearer $check_token" -H 'Content-Type: application/json' \
      -d "{\"voter_id\":\"$3\",\"idempotency_key\":\"$2\"}")
    if [ "${retry##*$'\n'}" = 200 ]; then
      outcome=$(json_field outcome <<<"${retry%$'\n'*}")
      [ -n "$outcome" ] && { echo "$outcome"; return 0; }
    fi
    sleep 1
  done
  return 1
}

standby=$old
wait_for 90 curl -sf -m 2 -o /dev/null "${patroni[$standby]}/sync" ||
  die "pg$((standby + 1)) did not come back as the synchronous standby within 90 s"
log "pg$((standby + 1)) is the synchronous standby again"
pm=$(postmaster_pid "$standby")
read -r -a stopped_pids <<<"$(cat "$dir/pg$((standby + 1)).pid") $pm $(ps -o pid= --ppid "$pm" | tr '\n' ' ')"
voted_before=$(voted)
voter=$(tail -1 "$work/voters")
voter2=$(tail -2 "$work/voters" | head -1)
key="$prefix-standby-1"
key2="$prefix-standby-2"
kill -STOP "${stopped_pids[@]}"
# runuser, like su, stops itself when its child stops; continue it with the others, or it
# never reaps Patroni and stays behind, stopped, after the test.
runuser_pid=$(ps -o ppid= -p "${stopped_pids[0]}" | tr -d ' ')
[ -n "$runuser_pid" ] && [ "$runuser_pid" != 1 ] && stopped_pids+=("$runuser_pid")
log "SIGSTOP to pg$((standby + 1)) (Patroni, postmaster and its children: ${stopped_pids[*]})"
timed_strike "${apps[0]}" "$key" "$voter" "$work/standby_1" &
first_pid=$!
sleep 2
# A second strike, another voter, through the other node, while the first waits.
timed_strike "${apps[1]}" "$key2" "$voter2" "$work/standby_2" &
second_pid=$!
sleep 3
log "pg_stat_activity on the primary 5 s after the first strike was sent:"
activity
readyz=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "${apps[0]}/readyz")
log "app1 /readyz meanwhile: $readyz"
sleep "$((standby_bound - 5))"
log "pg_stat_activity on the primary $standby_bound s after the first strike was sent:"
activity
wait "$first_pid" "$second_pid"
read -r status took body <"$work/standby_1"
read -r status2 took2 body2 <"$work/standby_2"
log "strike 1 (app1) answered ${status/#000/nothing} after $took s: $body"
log "strike 2 (app2, 2 s later) answered ${status2/#000/nothing} after $took2 s: $body2"
check "strike 1 is not acknowledged while the standby is stopped (status $status)" \
  test "$status" != 200
check "strike 2 is not acknowledged while the standby is stopped (status $status2)" \
  test "$status2" != 200
bounded() { awk -v t="$1" -v b="$standby_bound" -v s="$2" 'BEGIN { exit !(s != "000" && t <= b) }'; }
if ! bounded "$took" "$status"; then
  log "strike 1 had no answer: its COMMIT waits for the standby (wait_event SyncRep above)" \
    "past the store's 30 s statement_timeout, which PostgreSQL does not apply to the wait" \
    "for synchronous replication (finish_xact_command disables it before the commit)"
fi
check "strike 1 answers within $standby_bound s with an error ($status after $took s)" \
  bounded "$took" "$status"
check "strike 2 answers within $standby_bound s with an error ($status2 after $took2 s)" \
  bounded "$took2" "$status2"

kill -CONT "${stopped_pids[@]}"
stopped_pids=()
resumed_at=$(now)
log "SIGCONT to pg$((standby + 1))"
wait_for 90 curl -sf -m 2 -o /dev/null "${patroni[$standby]}/sync" ||
  log "pg$((standby + 1)) is not the synchronous standby 90 s after SIGCONT"
outcome=$(strike_until_acked "${apps[1]}" "$key" "$voter")
outcome2=$(strike_until_acked "${apps[0]}" "$key2" "$voter2")
log "after SIGCONT the retries with the same keys answered '$outcome' and '$outcome2'," \
  "$(seconds_between "$resumed_at" "$(now)" 1) s later"
check "the retries are acknowledged ($outcome, $outcome2)" test -n "$outcome" -a -n "$outcome2"
for k in "$key:$voter" "$key2:$voter2"; do
  rows=$(sql -c "SELECT count(*) FROM strikes WHERE idempotency_key = '${k%%:*}'")
  voter_rows=$(sql -c "SELECT count(*) FROM strikes WHERE election = '$election' AND voter_id = '${k##*:}'")
  check "key ${k%%:*} is stored once ($rows) and its voter struck once ($voter_rows)" \
    test "$rows" = 1 -a "$voter_rows" = 1
done
voted_after=$(voted)
check "turnout counts each of the two voters once ($voted_before -> $voted_after)" \
  test "$voted_after" = "$((voted_before + 2))"

# --- report ------------------------------------------------------------------------------
cat <<EOF

failover test, $(date -u +%Y-%m-%d), $(nproc) cores
  killed primary          pg$((old + 1)) (kill -9 of Patroni and postmaster)
  new primary             pg$((new + 1)), $(seconds_between "$kill_at" "$promoted_at" 1) s after the kill
  first write acknowledged after the kill   $(seconds_between "$kill_at" "$first_ack" 1) s
  longest write-unavailability window (a worker's first failure to its next success)   $window s
  acknowledged            $acked (distinct voters $acked_voters)
  retried                 $retried
  missing                 $missing
  duplicates              $duplicates
  turnout voted           $turnout_voted
  driver                  $summary
  standby stopped         strike 1 answered $status after $took s, strike 2 $status2 after $took2 s
                          (000: no answer); retries after SIGCONT: $outcome, $outcome2
EOF
log "$((checks - fails)) of $checks checks passed"
[ "$fails" -eq 0 ]

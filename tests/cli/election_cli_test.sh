#!/usr/bin/env bash
# Election day as a script sees it:
#  1. kill -9 durability: strikes are fired at `narwhal serve` one by one, the server is
#     killed with SIGKILL mid-stream and restarted; every acknowledged idempotency key must
#     come back "replayed" (nothing acknowledged was lost), and turnout must count each
#     struck voter exactly once.
#  2. `import strikes` of the demo's ncvhis file, twice: the second run strikes nobody new.
#   election_cli_test.sh NARWHAL_BINARY
set -uo pipefail
bin=$1
work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill -9 "$server_pid" 2>/dev/null; fi
  rm -rf "$work"
}
trap cleanup EXIT
fails=0
checks=0
election=2026-11-03

check() {  # check DESCRIPTION COMMAND...
  local what=$1
  shift
  checks=$((checks + 1))
  if "$@"; then
    echo "ok: $what"
  else
    echo "FAIL: $what"
    fails=$((fails + 1))
  fi
}

json_field() {  # json_field NAME < JSON: the first value of "NAME" (string or number)
  grep -o "\"$1\":\(\"[^\"]*\"\|[0-9-]*\)" | head -1 | sed -e "s/^\"$1\"://" -e 's/^"//' -e 's/"$//'
}

d="$work/data"
"$bin" demo --data "$d" --voters 600 --precincts 5 >"$work/demo.out" 2>"$work/demo.err" ||
  { echo "FAIL: demo"; cat "$work/demo.err"; exit 1; }
"$bin" users add --data "$d" --name "War room" --role admin >"$work/admin.json" 2>/dev/null ||
  { echo "FAIL: users add"; exit 1; }
code=$(json_field code <"$work/admin.json")

# Voter ids from the demo's voter file (tab-separated and quoted, with a header naming ncid).
awk -F'\t' '{ gsub(/"/, "") } NR == 1 { for (i = 1; i <= NF; i++) if ($i == "ncid") c = i; next }
            c && $c != "" { print $c }' "$d/demo_ncvoter.txt" | head -200 >"$work/ids"
check "demo voter ids found" test "$(wc -l <"$work/ids")" -ge 100
mapfile -t ids <"$work/ids"

port=$((20000 + RANDOM % 20000))
base="http://127.0.0.1:$port"
start_server() {
  "$bin" serve --data "$d" --listen "127.0.0.1:$port" --election "$election" \
    >>"$work/serve.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do
    if curl -sf "$base/healthz" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "server did not come up:"
  tail -20 "$work/serve.log"
  return 1
}
check "server starts" start_server

token=$(curl -s -X POST "$base/api/v1/sessions" -H 'content-type: application/json' \
  -d "{\"code\":\"$code\"}" | json_field token)
check "admin logs in" test -n "$token"

# strike KEY VOTER: prints the outcome (struck|already_struck|replayed), or nothing when
# the strike was not acknowledged. A 429 (rate limit or backpressure) is retried.
strike() {
  local out
  for _ in $(seq 1 50); do
    out=$(curl -s -m 5 -w '\n%{http_code}' -X POST "$base/api/v1/strikes" \
      -H "authorization: Bearer $token" -H 'content-type: application/json' \
      -d "{\"voter_id\":\"$2\",\"idempotency_key\":\"$1\"}" 2>/dev/null) || return 0
    case "${out##*$'\n'}" in
      200) printf '%s' "${out%$'\n'*}" | json_field outcome; return 0 ;;
      429) sleep 0.2 ;;
      *) return 0 ;;
    esac
  done
}

# Fire 400 strikes (some voters twice) in the background; kill -9 the server mid-stream.
total=400
: >"$work/acked"
: >"$work/sent"
(
  for i in $(seq 1 "$total"); do
    key="durability-$i"
    voter=${ids[$(((i * 7) % ${#ids[@]}))]}
    echo "$key $voter" >>"$work/sent"
    outcome=$(strike "$key" "$voter")
    if [ -n "$outcome" ]; then echo "$key $voter $outcome" >>"$work/acked"; fi
  done
) &
firing=$!
for _ in $(seq 1 600); do
  [ "$(wc -l <"$work/acked")" -ge 120 ] && break
  sleep 0.05
done
kill -9 "$server_pid"
wait "$server_pid" 2>/dev/null
server_pid=""
wait "$firing"
acked=$(wc -l <"$work/acked")
check "some strikes were acknowledged before the kill ($acked)" test "$acked" -ge 100
check "some strikes failed after the kill" test "$acked" -lt "$total"

check "server restarts after kill -9" start_server
voted() {  # the overall voted count (retried while the session's rate limit says 429)
  local n
  for _ in $(seq 1 50); do
    n=$(curl -s "$base/api/v1/turnout" -H "authorization: Bearer $token" |
      grep -o '"overall":{[^}]*}' | json_field voted)
    if [ -n "$n" ]; then
      echo "$n"
      return
    fi
    sleep 0.2
  done
}
acked_voters=$(awk '{ print $2 }' "$work/acked" | sort -u | wc -l)
n=$(voted)
check "turnout after restart counts every acknowledged voter (${n:-none} >= $acked_voters)" \
  test "${n:-0}" -ge "$acked_voters"

# Every acknowledged key must come back replayed; every other key now strikes.
lost=0
while read -r key voter _; do
  [ "$(strike "$key" "$voter")" = "replayed" ] || { lost=$((lost + 1)); echo "  lost: $key"; }
done <"$work/acked"
check "no acknowledged strike was lost ($lost of $acked)" test "$lost" -eq 0
unanswered=0
while read -r key voter; do
  grep -q "^$key " "$work/acked" && continue
  case "$(strike "$key" "$voter")" in
    struck | already_struck | replayed) ;;
    *) unanswered=$((unanswered + 1)) ;;
  esac
done <"$work/sent"
check "every other key is answered after the restart" test "$unanswered" -eq 0
sent_voters=$(awk '{ print $2 }' "$work/sent" | sort -u | wc -l)
n=$(voted)
check "turnout voted equals the distinct voters struck (${n:-none} == $sent_voters)" \
  test "${n:-0}" -eq "$sent_voters"

kill -TERM "$server_pid"
wait "$server_pid" 2>/dev/null
server_pid=""

# --- import strikes, twice ---------------------------------------------------------------
# The most common election date of the demo's history file (MM/DD/YYYY -> YYYY-MM-DD).
past=$(awk -F'\t' '{ gsub(/"/, "") } NR == 1 { for (i = 1; i <= NF; i++) if ($i == "election_lbl") c = i; next }
                   c { n[$c]++ } END { for (e in n) if (n[e] > best) { best = n[e]; pick = e }
                                       print pick }' "$d/demo_ncvhis.txt")
past_iso=$(echo "$past" | awk -F/ '{ printf "%s-%s-%s", $3, $1, $2 }')
check "a past election in the history file ($past_iso)" test -n "$past"

"$bin" import strikes --data "$d" --format ncvhis --election "$past_iso" "$d/demo_ncvhis.txt" \
  >"$work/first.json" 2>"$work/first.err"
check "import strikes exits 0" test $? -eq 0
cat "$work/first.json"
first_struck=$(json_field struck <"$work/first.json")
check "first import strikes voters ($first_struck)" test "${first_struck:-0}" -gt 0
"$bin" import strikes --data "$d" --format ncvhis --election "$past_iso" "$d/demo_ncvhis.txt" \
  >"$work/second.json" 2>"$work/second.err"
cat "$work/second.json"
check "second import strikes nobody new" test "$(json_field struck <"$work/second.json")" = 0
check "second import replays the first" \
  test "$(json_field replayed <"$work/second.json")" = "$first_struck"
"$bin" import strikes --data "$d" --format ncvhis --election 2026-13-40 "$d/demo_ncvhis.txt" \
  >/dev/null 2>&1
check "a bad --election is a usage error" test $? -eq 2
"$bin" import strikes --data "$d" --format ncvhis --election "$past_iso" "$d/demo_ncvoter.txt" \
  >/dev/null 2>&1
check "a voter file named as ncvhis is bad input" test $? -eq 3

# --- import scores -----------------------------------------------------------------------
{
  echo "voter_id,support_id"
  for id in "${ids[@]:0:10}"; do echo "$id,1"; done
  echo "NOBODY-1,2"
  echo "${ids[0]},9"
} >"$work/scores.csv"
"$bin" import scores --data "$d" "$work/scores.csv" >"$work/scores.json" 2>/dev/null
check "import scores exits 0" test $? -eq 0
cat "$work/scores.json"
check "scores stored" test "$(json_field stored <"$work/scores.json")" = 10
check "scores: unknown voter counted" test "$(json_field unknown <"$work/scores.json")" = 1
check "scores: bad row rejected" test "$(json_field rejected <"$work/scores.json")" = 1

echo "$((checks - fails)) of $checks checks passed"
[ "$fails" -eq 0 ]

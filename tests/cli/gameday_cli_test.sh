#!/usr/bin/env bash
# `narwhal gameday` as an operator uses it: list, validate (a clear error naming line and
# field, exit 3, nothing started), a short run of a scenario file of one's own (one kill -9
# under strikes; no root needed), and `report` re-rendering a finished run identically.
#   gameday_cli_test.sh NARWHAL_BINARY
set -uo pipefail
bin=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0

check() {  # check DESCRIPTION WANT_EXIT COMMAND...: runs it, compares the exit code
  local what=$1 want=$2
  shift 2
  "$@" >"$work/out" 2>"$work/err"
  local got=$?
  if [ "$got" -ne "$want" ]; then
    echo "FAIL: $what: exit $got, wanted $want"
    sed 's/^/  | /' "$work/err" | tail -30
    fails=$((fails + 1))
    return 1
  fi
  echo "ok: $what"
}
expect() {  # expect FILE PATTERN DESCRIPTION
  if ! grep -qE "$2" "$1"; then
    echo "FAIL: $3: /$2/ not in $(basename "$1"):"
    sed 's/^/  | /' "$1" | head -20
    fails=$((fails + 1))
  fi
}

check "gameday list" 0 "$bin" gameday list
expect "$work/out" '^embedded ' "list names the embedded scenario"

check "validate a built-in scenario" 0 "$bin" gameday validate embedded --seed 7
expect "$work/out" 'phase kills' "the expanded timeline lists the phases"
expect "$work/out" 'fault 3: kill app\[1\] \(random\)' "and the random faults drawn from the seed"

cat > "$work/bad.toml" <<'TOML'
name = "bad"
[workload]
watchers = 4
batchsize = 3
[[phase]]
name = "a"
duration = "10s"
TOML
check "validate a scenario with a misspelt field" 3 "$bin" gameday validate "$work/bad.toml"
expect "$work/err" "bad.toml:4: workload.batchsize: unknown field" "the error names file, line and field"
check "run refuses it before starting anything" 3 "$bin" gameday run "$work/bad.toml" --out "$work/never"
[ -e "$work/never" ] && { echo "FAIL: a run of an invalid scenario created its directory"; fails=$((fails + 1)); }
check "an unknown scenario" 3 "$bin" gameday validate no-such-scenario
expect "$work/err" 'built in: .*embedded' "the error lists the built-in scenarios"

cat > "$work/short.toml" <<'TOML'
name = "short"
description = "one kill -9 under strikes"
seed = 3
[topology]
voters = 1500
precincts = 3
[workload]
watchers = 6
readers = 1
[checks]
quiet = "5s"
min_read_availability = 0.5
[[phase]]
name = "strikes"
duration = "12s"
strikes_per_second = 15
reads_per_second = 2
[[phase.fault]]
kind = "kill"
target = "app[1]"
at = "4s"
heal_after = "1s"
TOML
check "a short run with one kill -9 passes" 0 "$bin" gameday run "$work/short.toml" --out "$work/run"
cp "$work/err" "$work/run.err"
expect "$work/run.err" 'gameday short: PASSED' "the summary says it passed"
expect "$work/run.err" 'fault 1 kill app\[1\]: effective' "the kill took effect"
expect "$work/run/verdict.json" '"schema":"narwhal.gameday.verdict/1"' "verdict.json has its schema"
expect "$work/run/verdict.json" '"lost":0,' "nothing lost"
expect "$work/run/history.jsonl" '"type":"fault".*"proof":"pid [0-9]+ ended by signal 9"' "the fault's proof is journaled"
[ -s "$work/run/report.html" ] || { echo "FAIL: no report.html"; fails=$((fails + 1)); }
cp "$work/run/verdict.json" "$work/verdict.first"
check "report re-renders the run" 0 "$bin" gameday report "$work/run"
cmp -s "$work/verdict.first" "$work/run/verdict.json" || { echo "FAIL: report gave another verdict.json"; fails=$((fails + 1)); }
check "report of a directory without a run" 2 "$bin" gameday report "$work/nothing"
pgrep -f "$work/run/data" >/dev/null && { echo "FAIL: a server of the run is still running"; fails=$((fails + 1)); }

echo "gameday cli: $fails failures"
[ "$fails" -eq 0 ]

#!/usr/bin/env bash
# The narwhal binary as a script sees it: exit codes, summaries, every sample file.
#   cli_test.sh NARWHAL_BINARY VOTER_FILES_DIR
set -uo pipefail
bin=$1
samples=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0
checks=0

expect_exit() {  # expect_exit CODE DESCRIPTION COMMAND...
  local want=$1 what=$2
  shift 2
  "$@" >"$work/out" 2>"$work/err"
  local got=$?
  checks=$((checks + 1))
  if [ "$got" -ne "$want" ]; then
    echo "FAIL: $what: exit $got, wanted $want"
    sed 's/^/  stderr: /' "$work/err" | head -20
    fails=$((fails + 1))
    return 1
  fi
  echo "ok: $what"
}

expect_out() {  # expect_out PATTERN DESCRIPTION: the last command's stdout matches
  checks=$((checks + 1))
  if ! grep -qE "$1" "$work/out"; then
    echo "FAIL: $2: stdout does not match /$1/:"
    sed 's/^/  stdout: /' "$work/out" | head -5
    fails=$((fails + 1))
    return 1
  fi
  echo "ok: $2"
}

d="$work/data"
expect_exit 0 "--help" "$bin" --help
expect_exit 2 "no subcommand is a usage error" "$bin"
expect_exit 2 "unknown format is a usage error" "$bin" import voters --data "$d" --format texas "$samples/synthetic_nc.csv"
expect_exit 3 "missing file" "$bin" import voters --data "$d" --quiet --format ncsbe "$work/nope.txt"
expect_exit 3 "Ohio file named as ncsbe fails at once" "$bin" import voters --data "$d" --quiet --format ncsbe "$samples/synthetic_oh.csv"

expect_exit 0 "import NC (71 columns, shuffled)" "$bin" import voters --data "$d" --quiet --format ncsbe "$samples/synthetic_nc.csv"
expect_out '"rows":100[,}]' "NC summary counts 100 rows"
expect_exit 0 "re-import NC" "$bin" import voters --data "$d" --quiet --format ncsbe "$samples/synthetic_nc.csv"
expect_out '"unchanged":[1-9]' "re-import reports unchanged voters"
expect_out '"added":0[,}]' "re-import adds nobody"

expect_exit 0 "import Ohio" "$bin" import voters --data "$d" --quiet --format ohio "$samples/synthetic_oh.csv"
expect_exit 0 "import Florida (no header)" "$bin" import voters --data "$d" --quiet --format florida "$samples/synthetic_fl.csv"
expect_exit 0 "import Washington" "$bin" import voters --data "$d" --quiet --format washington "$samples/synthetic_wa.csv"

expect_exit 0 "demo" "$bin" demo --data "$work/demo" --voters 600 --precincts 5
expect_exit 2 "demo refuses to overwrite" "$bin" demo --data "$work/demo" --voters 600
expect_exit 0 "demo --files-only" "$bin" demo --files-only "$work/files" --voters 50
checks=$((checks + 1))
if [ -s "$work/files/demo_ncvoter.txt" ] && [ -s "$work/files/demo_ncvhis.txt" ]; then
  echo "ok: demo files written"
else
  echo "FAIL: demo files missing"
  fails=$((fails + 1))
fi

echo "cli: $((checks - fails)) passed, $fails failed"
[ "$fails" -eq 0 ]

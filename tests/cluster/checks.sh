# The bookkeeping of the cluster tests, sourced by each: a log line stamped with the seconds
# since the start, `check DESCRIPTION COMMAND...` counted in `checks` and `fails`, `die`,
# and wall-clock helpers. Set TEST_NAME (the log prefix) before sourcing.
# shellcheck shell=bash
fails=0
checks=0
started=$(date +%s)

log() { printf '[%s %3ds] %s\n' "$TEST_NAME" "$(($(date +%s) - started))" "$*"; }
check() {  # check DESCRIPTION COMMAND...
  local what=$1
  shift
  checks=$((checks + 1))
  if "$@"; then log "ok: $what"; else log "FAIL: $what"; fails=$((fails + 1)); fi
}
die() {
  log "FAIL: $*"
  fails=$((fails + 1))
  exit 1
}
now() { date +%s.%N; }
# seconds_between T0 T1 [DECIMALS]: T1 - T0 in seconds (two decimals by default).
seconds_between() { awk -v a="$1" -v b="$2" -v d="${3:-2}" 'BEGIN { printf "%.*f", d, b - a }'; }

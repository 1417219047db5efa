#!/usr/bin/env bash
# The whole test suite, run by `make test` after the sanitizer build (build/asan):
#   1. unit, store-conformance, import, API and CLI tests (ctest, under ASan+UBSan)
#   2. the CSV fuzzer, briefly (libFuzzer, clang)
#   3. the `embedded` and `smoke` game days (narwhal gameday run ...), about 6 minutes
#   4. the browser test: a real `narwhal serve` over a demo county, driven by Chromium, and
#      the game day's report.html opened from disk
#   5. the failover and network fault tests (tests/cluster/), about 4 minutes
# Ends with one line "tests: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=${NARWHAL_BUILD:-build/asan}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$root/tests/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

passed=0
failed=0
failures=()
step() {  # step NAME COMMAND...: runs a step, counts it
  local name=$1
  shift
  echo "=== $name"
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    failures+=("$name")
  fi
}

# 1. ctest: every test counts on its own.
echo "=== ctest ($build)"
ctest_log=$(mktemp)
(cd "$build" && ctest --output-on-failure -j 2 --timeout 600) 2>&1 | tee "$ctest_log"
ctest_pass=$(grep -oE '[0-9]+% tests passed, [0-9]+ tests failed out of [0-9]+' "$ctest_log" | tail -1)
if [ -n "$ctest_pass" ]; then
  total=$(echo "$ctest_pass" | awk '{print $NF}')
  nfail=$(echo "$ctest_pass" | awk '{print $4}')
  passed=$((passed + total - nfail))
  failed=$((failed + nfail))
  [ "$nfail" -gt 0 ] && failures+=("ctest: $nfail tests")
else
  failed=$((failed + 1))
  failures+=("ctest did not run")
fi
rm -f "$ctest_log"

# 2. fuzz the CSV reader and mappers for a short while.
step "fuzz: csv reader, JSON bodies and street lines (${NARWHAL_FUZZ_SECONDS:-30}s)" scripts/fuzz.sh "${NARWHAL_FUZZ_SECONDS:-30}"

# 3. game days: the `embedded` scenario (kill -9 at random moments, a hung process, a full
#    disk, under poll watchers' strikes) and `smoke` (the three-node cluster losing an app
#    node, the primary, the synchronous standby and HAProxy), each judged by its checker;
#    the embedded report is opened in the browser step. Root only: a loop-mounted
#    filesystem to fill, PostgreSQL as the postgres user.
gameday_dir=""
gameday() {
  local rc
  gameday_dir=$(mktemp -d)/embedded
  "$build/src/cli/narwhal" gameday run embedded --out "$gameday_dir"
  rc=$?
  [ "$rc" -eq 0 ] || { echo "narwhal gameday run embedded exited $rc (0 passed, 1 failed, 2 aborted, 4 a fault not effective)"; return 1; }
  grep -q '"passed":true' "$gameday_dir/verdict.json" || { echo "verdict.json does not say passed"; return 1; }
  grep -q '"lost":0,' "$gameday_dir/verdict.json" || { echo "verdict.json counts lost strikes"; return 1; }
}
gameday_smoke() {
  local out rc
  out=$(mktemp -d)/smoke
  "$build/src/cli/narwhal" gameday run smoke --out "$out"
  rc=$?
  [ "$rc" -eq 0 ] || { echo "narwhal gameday run smoke exited $rc; see $out/report.html"; return 1; }
  grep -q '"passed":true' "$out/verdict.json"
}
if [ "$(id -u)" -eq 0 ]; then
  step "gameday embedded: kill -9, SIGSTOP and a full disk under strikes; nothing lost or doubled" gameday
  step "gameday smoke: the 3-node cluster loses an app node, the primary, the sync standby, HAProxy" gameday_smoke
else
  echo "=== NOT RUN: the embedded game day needs root (a loop-mounted filesystem to fill)"
fi
export NARWHAL_GAMEDAY_REPORT=${gameday_dir:+$gameday_dir/report.html}

# 4. browser test against a real server over a demo county.
browser() {
  local dir url pid rc
  dir=$(mktemp -d)
  # On the Kodiak address points (public data), so turfs have coordinates to draw.
  local points=../shared/data/addresses/kodiak_island_borough.csv
  local addresses=()
  [ -f "$points" ] && addresses=(--addresses "$points")
  "$build/src/cli/narwhal" demo --data "$dir" --voters 5000 --precincts 12 "${addresses[@]}" \
    >/dev/null || return 1
  # An admin, an organizer and a poll watcher with fresh login codes (NARWHAL_*_CODE).
  fixture=$(scripts/browser_fixture.sh "$build/src/cli/narwhal" "$dir") || return 1
  eval "$fixture"
  # Port 0: the kernel picks a free port; the server logs the address it bound.
  "$build/src/cli/narwhal" serve --data "$dir" --listen 127.0.0.1:0 2>"$dir/serve.log" &
  pid=$!
  url=""
  for _ in $(seq 1 200); do
    url=$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$dir/serve.log" | head -1)
    [ -n "$url" ] && curl -sf "$url/readyz" >/dev/null && break
    sleep 0.1
  done
  [ -n "$url" ] || { echo "narwhal serve did not start:"; cat "$dir/serve.log"; kill "$pid"; return 1; }
  NARWHAL_URL="$url" NARWHAL_BIN="$build/src/cli/narwhal" node --test tests/browser/
  rc=$?
  kill -TERM "$pid"
  wait "$pid" || { echo "narwhal serve exited badly:"; cat "$dir/serve.log"; rc=1; }
  rm -rf "$dir"
  return $rc
}
step "browser: login, scope and voter search in Chromium" browser

# 5. breaking things on purpose, on loopback and in a namespace of our own (root only):
#    kill -9 of the PostgreSQL primary under strike load, a standby that stops confirming,
#    and a network that delays and drops between an app node and PostgreSQL.
if [ "$(id -u)" -eq 0 ]; then
  step "failover: Patroni cluster, kill -9 of the primary and a paused standby under strikes" \
    env NARWHAL_BIN="$build/src/cli/narwhal" tests/cluster/failover_test.sh
  step "network faults: delay, partition and a slow server between app and PostgreSQL" \
    env NARWHAL_BIN="$build/src/cli/narwhal" tests/cluster/network_faults_test.sh
else
  # Written reason, not a silent pass: they need network namespaces and the postgres user.
  echo "=== NOT RUN: the failover and network fault tests need root (network namespaces,"
  echo "    PostgreSQL and Patroni as the postgres user); run 'sudo make test' to include them"
fi

echo
if [ ${#failures[@]} -gt 0 ]; then
  printf 'failed: %s\n' "${failures[@]}"
fi
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# The whole test suite, run by `make test` after the sanitizer build (build/asan):
#   1. unit, store-conformance, import, API and CLI tests (ctest, under ASan+UBSan)
#   2. the CSV fuzzer, briefly (libFuzzer, clang)
#   3. the browser test: a real `narwhal serve` over a demo county, driven by Chromium
#   4. the failover and network fault tests (tests/cluster/), about 4 minutes
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
step "fuzz: csv reader and JSON bodies (${NARWHAL_FUZZ_SECONDS:-30}s)" scripts/fuzz.sh "${NARWHAL_FUZZ_SECONDS:-30}"

# 3. browser test against a real server over a demo county.
browser() {
  local dir url pid rc
  dir=$(mktemp -d)
  "$build/src/cli/narwhal" demo --data "$dir" --voters 5000 --precincts 12 >/dev/null || return 1
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
  NARWHAL_URL="$url" node --test tests/browser/
  rc=$?
  kill -TERM "$pid"
  wait "$pid" || { echo "narwhal serve exited badly:"; cat "$dir/serve.log"; rc=1; }
  rm -rf "$dir"
  return $rc
}
step "browser: login, scope and voter search in Chromium" browser

# 4. breaking things on purpose, on loopback and in a namespace of our own (root only):
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

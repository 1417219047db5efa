#!/usr/bin/env bash
# Installs everything Narwhal needs to build, run and test on Debian 12, by package name.
# Safe to run again: apt-get skips what is already installed.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build ccache clang-14 clang-format clang-tidy
  libclang-rt-14-dev pkg-config git
  # libraries (Boost 1.81 by name, never the 1.74 defaults)
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libboost-system1.81-dev
  libsqlite3-dev sqlite3 libpq-dev libsodium-dev libfmt-dev libcli11-dev
  libcairo2-dev libpango1.0-dev libarchive-dev libgtest-dev libgmock-dev libbenchmark-dev
  libtomlplusplus-dev libicu-dev tzdata
  # servers and tools the tests and benchmarks start for real
  postgresql-15 postgresql-contrib poppler-utils nginx-light wrk curl bc
  # the failover test's cluster (tests/cluster/, make cluster) and the network fault test
  patroni etcd-server etcd-client haproxy iproute2 python3
  # game days: clock skew (faketime), disk full on a loop-mounted filesystem (e2fsprogs)
  faketime e2fsprogs
  # browser tests
  chromium nodejs npm
  # fonts for the PDFs
  fonts-dejavu-core
)
# Optional extras by name.
# shellcheck disable=SC2206
packages+=(${NARWHAL_EXTRA_PACKAGES:-})

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

# nodejs/npm: a newer Node.js from elsewhere is fine; only install Debian's when none is present.
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  missing=("${missing[@]/nodejs/}")
  missing=("${missing[@]/npm/}")
fi

todo=()
for p in "${missing[@]}"; do [ -n "$p" ] && todo+=("$p"); done

if [ ${#todo[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "install-deps: installing ${todo[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${todo[@]}"
fi

#!/usr/bin/env bash
# Brings up a Narwhal cluster on loopback, for development and game days:
#   etcd (one member)  ->  Patroni: PostgreSQL primary + synchronous standby
#   (synchronous_mode_strict)  ->  two narwhal app nodes  ->  HAProxy in front.
#
#   scripts/cluster-up.sh          start (fails if CLUSTER_DIR holds a running cluster)
#   scripts/cluster-down.sh        stop everything this script started and remove it
#
# Ports (loopback only): HTTP via HAProxy 8080 (HTTP_PORT), app nodes 18081/18082,
# PostgreSQL primary via HAProxy 55440, pg1/pg2 55441/55442, Patroni REST 58081/58082,
# etcd 23790. Everything lives in CLUSTER_DIR (default /tmp/narwhal-cluster): configs,
# data, logs, pid files, and `env` with the connection string and generated passwords.
# A second cluster beside the first (tests/cluster/failover_test.sh) moves every port
# with CLUSTER_PORT_OFFSET (default 0; e.g. 100 gives 8180, 18181/18182, 55540, ...).
# NARWHAL_ELECTION, when set, is passed to the app nodes as `serve --election`;
# NARWHAL_SERVE_ARGS (words) are added to their command line (game days raise the
# per-address limits: all their load comes from loopback).
#
# Needs: patroni, etcd-server, haproxy, postgresql-15 (apt-get install patroni etcd-server
# etcd-client haproxy postgresql-15), curl. As root, PostgreSQL/Patroni run as `postgres`.
# NARWHAL_BIN (default build/release/src/cli/narwhal) must accept `serve --store`;
# without it the database part still comes up and the app nodes are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=$(realpath -m "${CLUSTER_DIR:-/tmp/narwhal-cluster}")
pg_bin=${PG_BIN_DIR:-/usr/lib/postgresql/15/bin}
narwhal=$(realpath -m "${NARWHAL_BIN:-build/release/src/cli/narwhal}")
offset=${CLUSTER_PORT_OFFSET:-0}
http_port=${HTTP_PORT:-$((8080 + offset))}
etcd_port=$((23790 + offset))
etcd_peer_port=$((23800 + offset))
primary_port=$((55440 + offset))
pg_ports=($((55441 + offset)) $((55442 + offset)))
rest_ports=($((58081 + offset)) $((58082 + offset)))
app_ports=($((18081 + offset)) $((18082 + offset)))
election_args=()
[ -n "${NARWHAL_ELECTION:-}" ] && election_args=(--election "$NARWHAL_ELECTION")
# shellcheck disable=SC2206
election_args+=(${NARWHAL_SERVE_ARGS:-})

log() { printf '[cluster-up] %s\n' "$*"; }
die() { printf '[cluster-up] error: %s\n' "$*" >&2; exit 1; }

for tool in patroni etcd haproxy curl; do
  command -v "$tool" >/dev/null || die "$tool not found (see the header of this script)"
done
[ -x "$pg_bin/postgres" ] || die "no PostgreSQL in $pg_bin (set PG_BIN_DIR)"
if [ -d "$dir" ] && ls "$dir"/*.pid >/dev/null 2>&1; then
  die "$dir holds a cluster; run scripts/cluster-down.sh first"
fi

run_as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Waits up to $1 seconds for command "$2..." to succeed.
wait_for() {
  local seconds=$1
  shift
  for _ in $(seq "$((seconds * 4))"); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.25
  done
  return 1
}

rm -rf "$dir"
mkdir -p "$dir/etcd" "$dir/logs"
chmod 755 "$dir"
superuser_password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
replication_password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')

# --- etcd --------------------------------------------------------------------------
log "starting etcd on 127.0.0.1:$etcd_port"
nohup etcd --name narwhal-etcd --data-dir "$dir/etcd" \
  --listen-client-urls "http://127.0.0.1:$etcd_port" \
  --advertise-client-urls "http://127.0.0.1:$etcd_port" \
  --listen-peer-urls "http://127.0.0.1:$etcd_peer_port" \
  --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer_port" \
  --initial-cluster "narwhal-etcd=http://127.0.0.1:$etcd_peer_port" \
  > "$dir/logs/etcd.log" 2>&1 &
echo $! > "$dir/etcd.pid"
wait_for 20 curl -sf "http://127.0.0.1:$etcd_port/health" || die "etcd did not start (see $dir/logs/etcd.log)"

# --- Patroni + PostgreSQL ------------------------------------------------------------
for i in 0 1; do
  name="pg$((i + 1))"
  node="$dir/$name"
  mkdir -p "$node"
  sed -e "s|@NAME@|$name|g" -e "s|@REST_PORT@|${rest_ports[$i]}|g" \
    -e "s|@ETCD_PORT@|$etcd_port|g" -e "s|@PG_PORT@|${pg_ports[$i]}|g" \
    -e "s|@DIR@|$node|g" -e "s|@PG_BIN_DIR@|$pg_bin|g" \
    -e "s|@SUPERUSER_PASSWORD@|$superuser_password|g" \
    -e "s|@REPLICATION_PASSWORD@|$replication_password|g" \
    deploy/patroni/patroni.yml.in > "$node/patroni.yml"
  chmod 600 "$node/patroni.yml"
  [ "$(id -u)" = 0 ] && chown -R postgres "$node"
  log "starting Patroni node $name (PostgreSQL 127.0.0.1:${pg_ports[$i]})"
  # The pid file holds patroni's own pid (exec), so cluster-down can signal it.
  run_as_pg sh -c "echo \$\$ > '$node/patroni.pid'; exec patroni '$node/patroni.yml'" \
    > "$dir/logs/$name.log" 2>&1 &
  wait_for 10 test -s "$node/patroni.pid" || die "patroni $name did not start"
  cp "$node/patroni.pid" "$dir/$name.pid"
  if [ "$i" = 0 ]; then
    wait_for 90 curl -sf "http://127.0.0.1:${rest_ports[0]}/primary" ||
      die "pg1 did not become primary (see $dir/logs/pg1.log)"
  fi
done
wait_for 120 curl -sf "http://127.0.0.1:${rest_ports[1]}/sync" ||
  die "pg2 did not become the synchronous standby (see $dir/logs/pg2.log)"
log "pg1 is primary, pg2 is the synchronous standby"

export PGPASSWORD=$superuser_password
"$pg_bin/psql" -X -q -h 127.0.0.1 -p "${pg_ports[0]}" -U postgres -d postgres -tAc \
  "SELECT 1 FROM pg_database WHERE datname = 'narwhal'" | grep -q 1 ||
  "$pg_bin/psql" -X -q -h 127.0.0.1 -p "${pg_ports[0]}" -U postgres -d postgres \
    -c "CREATE DATABASE narwhal"

conninfo="postgresql://postgres@127.0.0.1:${pg_ports[0]},127.0.0.1:${pg_ports[1]}/narwhal?target_session_attrs=read-write&connect_timeout=2"
cat > "$dir/env" <<EOF
# Source this file to reach the cluster.
export NARWHAL_STORE='$conninfo'
export PGPASSWORD='$superuser_password'
export NARWHAL_HTTP='http://127.0.0.1:$http_port'
export NARWHAL_PG_PRIMARY='host=127.0.0.1 port=$primary_port user=postgres dbname=narwhal'
export NARWHAL_APP_URLS='http://127.0.0.1:${app_ports[0]} http://127.0.0.1:${app_ports[1]}'
export NARWHAL_PATRONI_URLS='http://127.0.0.1:${rest_ports[0]} http://127.0.0.1:${rest_ports[1]}'
EOF
chmod 600 "$dir/env"

# --- narwhal app nodes ---------------------------------------------------------------
if [ -x "$narwhal" ] && "$narwhal" serve --help 2>/dev/null | grep -q -- '--store'; then
  for i in 0 1; do
    name="app$((i + 1))"
    mkdir -p "$dir/$name"
    log "starting narwhal node $name on 127.0.0.1:${app_ports[$i]}"
    PGPASSWORD=$superuser_password nohup "$narwhal" serve --store "$conninfo" \
      --data "$dir/$name" --listen "127.0.0.1:${app_ports[$i]}" "${election_args[@]}" \
      > "$dir/logs/$name.log" 2>&1 &
    echo $! > "$dir/$name.pid"
  done
  for i in 0 1; do
    wait_for 30 curl -sf "http://127.0.0.1:${app_ports[$i]}/healthz" ||
      die "narwhal node app$((i + 1)) did not start (see $dir/logs/app$((i + 1)).log)"
  done
else
  log "warning: $narwhal has no 'serve --store'; app nodes not started"
fi

# --- HAProxy -------------------------------------------------------------------------
sed -e "s|@HTTP_PORT@|$http_port|g" -e "s|@APP1_PORT@|${app_ports[0]}|g" \
  -e "s|@APP2_PORT@|${app_ports[1]}|g" -e "s|@PRIMARY_PORT@|$primary_port|g" \
  -e "s|@PG1_PORT@|${pg_ports[0]}|g" -e "s|@PG2_PORT@|${pg_ports[1]}|g" \
  -e "s|@REST1_PORT@|${rest_ports[0]}|g" -e "s|@REST2_PORT@|${rest_ports[1]}|g" \
  deploy/haproxy/haproxy.cfg.in > "$dir/haproxy.cfg"
haproxy -c -q -f "$dir/haproxy.cfg" || die "haproxy configuration invalid"
log "starting HAProxy: HTTP 127.0.0.1:$http_port, PostgreSQL primary 127.0.0.1:$primary_port"
nohup haproxy -f "$dir/haproxy.cfg" > "$dir/logs/haproxy.log" 2>&1 &
echo $! > "$dir/haproxy.pid"
wait_for 10 "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$primary_port" ||
  die "HAProxy does not reach the primary (see $dir/logs/haproxy.log)"

log "up. source $dir/env; patronictl -c $dir/pg1/patroni.yml list"

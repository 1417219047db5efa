#!/usr/bin/env bash
# Brings up a Narwhal cluster on loopback, for development and game days:
#   etcd (three members)  ->  Patroni: three PostgreSQL nodes, a primary, one synchronous
#   standby and one asynchronous replica that takes over as the synchronous standby when
#   either of the others is lost (synchronous_mode_strict, synchronous_node_count 1)
#   ->  two narwhal app nodes  ->  HAProxy in front.
# Losing any one machine for good leaves a primary with a synchronous standby: writes
# continue, and none is acknowledged with fewer than two copies. CLUSTER_PG_NODES=2 and
# CLUSTER_ETCD_MEMBERS=1 give the smaller cluster of a primary and its synchronous standby
# alone, which stops taking writes when either is lost for good (tests/cluster/failover_test.sh
# checks exactly that behaviour).
#
#   scripts/cluster-up.sh          start (fails if CLUSTER_DIR holds a running cluster)
#   scripts/cluster-down.sh        stop everything this script started and remove it
#
# Ports (loopback only): HTTP via HAProxy 8080 (HTTP_PORT), app nodes 18081/18082,
# PostgreSQL primary via HAProxy 25440, pg1-pg3 25441-25443, Patroni REST 28081-28083,
# etcd clients 23790-23792 (peers 23800-23802). Everything lives in CLUSTER_DIR (default /tmp/narwhal-cluster): configs,
# data, logs, pid files, and `env` with the connection string and generated passwords.
# A second cluster beside the first (tests/cluster/failover_test.sh) moves every port
# with CLUSTER_PORT_OFFSET (default 0; e.g. 100 gives 8180, 18181/18182, 25540, ...).
# NARWHAL_ELECTION, when set, is passed to the app nodes as `serve --election`;
# NARWHAL_SERVE_ARGS (words) are added to their command line (game days raise the
# per-address limits: all their load comes from loopback). NARWHAL_READ_FROM_STANDBY=1
# gives them `--read-store` on the standbys (target_session_attrs=prefer-standby).
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
pg_nodes=${CLUSTER_PG_NODES:-3}
etcd_members=${CLUSTER_ETCD_MEMBERS:-3}
case "$pg_nodes" in 2 | 3) ;; *) echo "CLUSTER_PG_NODES must be 2 or 3" >&2; exit 1 ;; esac
case "$etcd_members" in 1 | 3) ;; *) echo "CLUSTER_ETCD_MEMBERS must be 1 or 3" >&2; exit 1 ;; esac
primary_port=$((25440 + offset))
pg_ports=() rest_ports=() etcd_ports=() etcd_peer_ports=()
for i in $(seq 0 $((pg_nodes - 1))); do
  pg_ports+=($((25441 + offset + i)))
  rest_ports+=($((28081 + offset + i)))
done
for i in $(seq 0 $((etcd_members - 1))); do
  etcd_ports+=($((23790 + offset + i)))
  etcd_peer_ports+=($((23800 + offset + i)))
done
etcd_port=${etcd_ports[0]}
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
# Members etcd, etcd2, etcd3 (pid files etcd.pid, etcd2.pid, ...).
initial_cluster=""
for i in $(seq 0 $((etcd_members - 1))); do
  initial_cluster+="${initial_cluster:+,}narwhal-etcd$((i + 1))=http://127.0.0.1:${etcd_peer_ports[$i]}"
done
etcd_hosts=""
for i in $(seq 0 $((etcd_members - 1))); do
  name=etcd; [ "$i" -gt 0 ] && name="etcd$((i + 1))"
  mkdir -p "$dir/$name"
  log "starting $name on 127.0.0.1:${etcd_ports[$i]}"
  nohup etcd --name "narwhal-etcd$((i + 1))" --data-dir "$dir/$name" \
    --listen-client-urls "http://127.0.0.1:${etcd_ports[$i]}" \
    --advertise-client-urls "http://127.0.0.1:${etcd_ports[$i]}" \
    --listen-peer-urls "http://127.0.0.1:${etcd_peer_ports[$i]}" \
    --initial-advertise-peer-urls "http://127.0.0.1:${etcd_peer_ports[$i]}" \
    --initial-cluster "$initial_cluster" --initial-cluster-state new \
    > "$dir/logs/$name.log" 2>&1 &
  echo $! > "$dir/$name.pid"
  etcd_hosts+="${etcd_hosts:+,}127.0.0.1:${etcd_ports[$i]}"
done
for i in $(seq 0 $((etcd_members - 1))); do
  wait_for 30 curl -sf "http://127.0.0.1:${etcd_ports[$i]}/health" ||
    die "etcd member $((i + 1)) is not healthy (see $dir/logs/)"
done

# --- Patroni + PostgreSQL ------------------------------------------------------------
for i in $(seq 0 $((pg_nodes - 1))); do
  name="pg$((i + 1))"
  node="$dir/$name"
  mkdir -p "$node"
  sed -e "s|@NAME@|$name|g" -e "s|@REST_PORT@|${rest_ports[$i]}|g" \
    -e "s|@ETCD_HOSTS@|$etcd_hosts|g" -e "s|@PG_PORT@|${pg_ports[$i]}|g" \
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
any_sync() {
  local port
  for port in "${rest_ports[@]:1}"; do curl -sf "http://127.0.0.1:$port/sync" >/dev/null && return 0; done
  return 1
}
wait_for 120 any_sync || die "no node became the synchronous standby (see $dir/logs/)"
for i in $(seq 1 $((pg_nodes - 1))); do
  wait_for 120 curl -sf "http://127.0.0.1:${rest_ports[$i]}/replica" ||
    die "pg$((i + 1)) is not a running replica (see $dir/logs/pg$((i + 1)).log)"
done
log "pg1 is primary; $((pg_nodes - 1)) replicas, one of them synchronous"

export PGPASSWORD=$superuser_password
"$pg_bin/psql" -X -q -h 127.0.0.1 -p "${pg_ports[0]}" -U postgres -d postgres -tAc \
  "SELECT 1 FROM pg_database WHERE datname = 'narwhal'" | grep -q 1 ||
  "$pg_bin/psql" -X -q -h 127.0.0.1 -p "${pg_ports[0]}" -U postgres -d postgres \
    -c "CREATE DATABASE narwhal"

hosts=""
for port in "${pg_ports[@]}"; do hosts+="${hosts:+,}127.0.0.1:$port"; done
conninfo="postgresql://postgres@$hosts/narwhal?target_session_attrs=read-write&connect_timeout=2"
# The reads that decide no write, from a standby while one answers (docs/postgres.md).
read_conninfo="postgresql://postgres@$hosts/narwhal?target_session_attrs=prefer-standby&connect_timeout=2"
read_args=()
[ "${NARWHAL_READ_FROM_STANDBY:-0}" = 1 ] && read_args=(--read-store "$read_conninfo")
patroni_urls=""
for port in "${rest_ports[@]}"; do patroni_urls+="${patroni_urls:+ }http://127.0.0.1:$port"; done
cat > "$dir/env" <<EOF
# Source this file to reach the cluster.
export NARWHAL_STORE='$conninfo'
$([ "${NARWHAL_READ_FROM_STANDBY:-0}" = 1 ] && echo "export NARWHAL_READ_STORE='$read_conninfo'")
export PGPASSWORD='$superuser_password'
export NARWHAL_HTTP='http://127.0.0.1:$http_port'
export NARWHAL_PG_PRIMARY='host=127.0.0.1 port=$primary_port user=postgres dbname=narwhal'
export NARWHAL_APP_URLS='http://127.0.0.1:${app_ports[0]} http://127.0.0.1:${app_ports[1]}'
export NARWHAL_PATRONI_URLS='$patroni_urls'
EOF
chmod 600 "$dir/env"

# --- narwhal app nodes ---------------------------------------------------------------
if [ -x "$narwhal" ] && "$narwhal" serve --help 2>/dev/null | grep -q -- '--store'; then
  for i in 0 1; do
    name="app$((i + 1))"
    mkdir -p "$dir/$name"
    log "starting narwhal node $name on 127.0.0.1:${app_ports[$i]}"
    PGPASSWORD=$superuser_password nohup "$narwhal" serve --store "$conninfo" \
      --data "$dir/$name" --listen "127.0.0.1:${app_ports[$i]}" "${election_args[@]}" "${read_args[@]}" \
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
  -e "s|@PG3_PORT@|${pg_ports[2]:-}|g" -e "s|@REST3_PORT@|${rest_ports[2]:-}|g" \
  deploy/haproxy/haproxy.cfg.in > "$dir/haproxy.cfg"
# Two nodes: no pg3 line.
[ "$pg_nodes" = 2 ] && sed -i '/server pg3 /d' "$dir/haproxy.cfg"
haproxy -c -q -f "$dir/haproxy.cfg" || die "haproxy configuration invalid"
log "starting HAProxy: HTTP 127.0.0.1:$http_port, PostgreSQL primary 127.0.0.1:$primary_port"
nohup haproxy -f "$dir/haproxy.cfg" > "$dir/logs/haproxy.log" 2>&1 &
echo $! > "$dir/haproxy.pid"
wait_for 10 "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$primary_port" ||
  die "HAProxy does not reach the primary (see $dir/logs/haproxy.log)"

log "up. source $dir/env; patronictl -c $dir/pg1/patroni.yml list"

#!/usr/bin/env bash
# Stops the loopback cluster of scripts/cluster-up.sh: HAProxy, the narwhal nodes, the
# Patroni nodes (each stops its PostgreSQL), then etcd; each by the pid it recorded, each
# waited for. Removes CLUSTER_DIR (default /tmp/narwhal-cluster) unless --keep.
#
#   scripts/cluster-down.sh [--keep]
set -euo pipefail

dir=$(realpath -m "${CLUSTER_DIR:-/tmp/narwhal-cluster}")
keep=0
[ "${1:-}" = "--keep" ] && keep=1

log() { printf '[cluster-down] %s\n' "$*"; }

# Sends SIGTERM to the pid in $dir/$1.pid and waits up to 30 s, then SIGKILL.
stop() {
  local pidfile="$dir/$1.pid"
  [ -f "$pidfile" ] || return 0
  local pid
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    log "stopping $1 (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 120); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.25
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "$1 did not stop; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$pidfile"
}

# A PostgreSQL whose Patroni died without stopping it (kill -9 in a failover drill) is
# left running; stop it from its postmaster.pid (fast shutdown, then SIGKILL).
stop_orphan_postgres() {
  local pidfile="$dir/$1/data/postmaster.pid"
  [ -f "$pidfile" ] || return 0
  local pid
  pid=$(head -1 "$pidfile")
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    log "stopping the PostgreSQL of $1 left without its Patroni (pid $pid)"
    kill -INT "$pid" 2>/dev/null || true
    for _ in $(seq 120); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.25
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  fi
  return 0
}

[ -d "$dir" ] || { log "nothing at $dir"; exit 0; }
stop haproxy
stop app1
stop app2
# The replicas first, so that the primary does not fail over to one on the way down.
stop pg3
stop pg2
stop pg1
stop_orphan_postgres pg3
stop_orphan_postgres pg2
stop_orphan_postgres pg1
stop etcd3
stop etcd2
stop etcd
if [ "$keep" = 0 ]; then
  rm -rf "$dir"
  log "removed $dir"
fi

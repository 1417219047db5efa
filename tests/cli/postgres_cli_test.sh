#!/usr/bin/env bash
# The narwhal binary on PostgreSQL: a real server started here (initdb in a temp dir, as
# the postgres user when run as root, reachable only through a Unix socket in that dir),
# then `import`, `users add` and `serve --store` against it, end to end.
#   postgres_cli_test.sh NARWHAL_BINARY VOTER_FILES_DIR
set -uo pipefail
bin=$1
samples=$2
pgbin=/usr/lib/postgresql/15/bin
work=$(mktemp -d)
fails=0
checks=0
as_pg=()
[ "$(id -u)" -eq 0 ] && as_pg=(/usr/sbin/runuser -u postgres --)

cleanup() {
  [ -n "${serve_pid:-}" ] && kill "$serve_pid" 2>/dev/null
  "${as_pg[@]}" "$pgbin/pg_ctl" -D "$work/pg" -m immediate -w stop >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

check() {  # check DESCRIPTION COMMAND...
  local what=$1
  shift
  checks=$((checks + 1))
  if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; fails=$((fails + 1)); fi
}

[ -x "$pgbin/initdb" ] || { echo "FAIL: no PostgreSQL 15 in $pgbin (scripts/install-deps.sh installs it)"; exit 1; }
[ "$(id -u)" -eq 0 ] && chown postgres "$work"
"${as_pg[@]}" "$pgbin/initdb" -D "$work/pg" -U postgres -A trust -E UTF8 --no-sync >"$work/initdb.log" 2>&1 ||
  { echo "FAIL: initdb"; cat "$work/initdb.log"; exit 1; }
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w -t 60 \
  -o "-c listen_addresses='' -c unix_socket_directories=$work -c fsync=on" start >/dev/null ||
  { echo "FAIL: pg_ctl start"; cat "$work/pg.log"; exit 1; }
"${as_pg[@]}" "$pgbin/../bin/createdb" -h "$work" -U postgres narwhal 2>/dev/null ||
  psql -h "$work" -U postgres -c "CREATE DATABASE narwhal" postgres >/dev/null
store="host=$work user=postgres dbname=narwhal"

out=$("$bin" import voters --store "$store" --quiet --format ncsbe "$samples/synthetic_nc.csv" 2>"$work/err")
check "import NC into PostgreSQL" grep -q '"added":100' <<<"$out"
out=$("$bin" import voters --store "$store" --quiet --format ncsbe "$samples/synthetic_nc.csv" 2>"$work/err")
check "re-import reports unchanged" grep -q '"unchanged":100' <<<"$out"
out=$(NARWHAL_STORE="$store" "$bin" users add --name "PG admin" --role admin 2>"$work/err")
code=$(grep -o '"code":"[^"]*"' <<<"$out" | cut -d'"' -f4)
check "users add through NARWHAL_STORE" test -n "$code"

"$bin" serve --store "$store" --listen 127.0.0.1:0 2>"$work/serve.log" &
serve_pid=$!
url=""
for _ in $(seq 1 100); do
  url=$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$work/serve.log" | head -1)
  [ -n "$url" ] && curl -sf "$url/readyz" >/dev/null && break
  sleep 0.1
done
check "serve --store is ready" curl -sf "$url/readyz" -o /dev/null
token=$(curl -sf -X POST -H 'Content-Type: application/json' -d "{\"code\":\"$code\"}" \
  "$url/api/v1/sessions" | grep -o '"token":"[^"]*"' | cut -d'"' -f4)
check "log in over HTTP" test -n "$token"
body=$(curl -sf -H "Authorization: Bearer $token" "$url/api/v1/precincts")
check "precincts come from PostgreSQL" grep -q '"precincts":\[{' <<<"$body"
kill -TERM "$serve_pid"
wait "$serve_pid"
check "serve stops cleanly on SIGTERM" test $? -eq 0
serve_pid=""

echo "postgres cli: $((checks - fails)) passed, $fails failed"
[ "$fails" -eq 0 ]

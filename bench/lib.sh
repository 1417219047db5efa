# Pieces the HTTP benchmarks share (bench/strikes_vs_pgbench.sh, bench/reads_vs_standby.sh,
# bench/turnout_vs_nginx.sh).
# Source it after setting: work (the benchmark's directory), narwhal (the binary),
# pgbin (PostgreSQL's bin directory).

# pg_up DIR [OPTION...]: a throwaway PostgreSQL server in DIR/data with its unix socket in
# DIR and no TCP port, fsync and synchronous_commit on; OPTIONs are more `-c name=value`.
pg_up() {
  local dir=$1
  shift
  mkdir -p "$dir"
  chown postgres "$dir"
  runuser -u postgres -- "$pgbin/initdb" -D "$dir/data" -A trust -U postgres >/dev/null
  runuser -u postgres -- "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-k $dir -c listen_addresses='' -c fsync=on -c synchronous_commit=on -c max_connections=100 $*" \
    start >/dev/null
}

# pg_down DIR: stops the server of DIR (fast), if it runs.
pg_down() {
  if [ -f "$1/data/postmaster.pid" ]; then
    runuser -u postgres -- "$pgbin/pg_ctl" -D "$1/data" -m fast stop >/dev/null 2>&1 || true
  fi
}

# bench_users N PORT STORE_ARG...: N admins imported into the store of $work/ours, their
# codes in $work/sheets/credentials.csv.
bench_users() {
  local n=$1 port=$2
  shift 2
  { echo "name,role,county,precinct"
    for i in $(seq 1 "$n"); do echo "BENCH ADMIN $i,admin,,"; done; } > "$work/users.csv"
  "$narwhal" users import "$work/users.csv" --data "$work/ours" "$@" --out "$work/sheets" \
    --url "http://127.0.0.1:$port/" >/dev/null
}
# bench_sessions PORT: each of those admins logged in once, from an address of its own
# (the serve on PORT runs with --trust-forwarded-for): "TOKEN ADDRESS" lines in
# $work/sessions.txt, their count in $work/nsessions.
bench_sessions() {
  local port=$1
  tail -n +2 "$work/sheets/credentials.csv" | awk -F, '{print $7}' | nl -ba | \
    xargs -P 4 -L 1 bash -c 'addr="10.$(( $0 / 65536 % 256 )).$(( $0 / 256 % 256 )).$(( $0 % 256 ))"
      tok=$(curl -fs -H "X-Forwarded-For: $addr" -H "Content-Type: application/json" \
        -d "{\"code\":\"$1\"}" "http://127.0.0.1:'"$port"'/api/v1/sessions" | jq -r .token)
      echo "$tok $addr"' | grep -v '^null' > "$work/sessions.txt" || true
  wc -l < "$work/sessions.txt" > "$work/nsessions"
}

# wait_http URL: up to 10 s for URL to answer 2xx.
wait_http() {
  for _ in $(seq 1 100); do curl -fs "$1" >/dev/null && return 0; sleep 0.1; done
  return 1
}

# wrk_stats OUT PER_REQUEST: what a `wrk --latency` run wrote to OUT, as
# "per_second p50_ms p99_ms non2xx requests"; per_second counts 2xx answers times
# PER_REQUEST (strikes in a batch, say).
wrk_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; printf "%.2f", v}'; }
wrk_stats() {
  local out=$1 per=$2 reqs dur bad p50 p99
  reqs=$(sed -n 's/^ *\([0-9]*\) requests in .*/\1/p' "$out")
  dur=$(sed -n 's/.* requests in \([0-9.]*\)\(m\?s\),.*/\1 \2/p' "$out" | awk '{print ($2=="ms") ? $1/1000 : $1}')
  bad=$(sed -n 's/^ *Non-2xx or 3xx responses: \([0-9]*\)/\1/p' "$out"); bad=${bad:-0}
  p50=$(awk '$1=="50%"{print $2}' "$out" | wrk_ms)
  p99=$(awk '$1=="99%"{print $2}' "$out" | wrk_ms)
  echo "$(echo "($reqs - $bad) * $per / $dur" | bc -l) $p50 $p99 $bad $reqs"
}

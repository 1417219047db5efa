#!/usr/bin/env bash
# A statewide voter file into both stores: ROWS rows (default 9,000,000; North Carolina's
# real file had 9,099,826 rows in March 2026) in the NC layout, generated once, then
# imported into the embedded store beside the sqlite3 `.import` anchor
# (bench/import_vs_sqlite3.sh) and into PostgreSQL beside `psql \copy`
# (bench/import_pg_vs_copy.sh, including a re-import of the same file). Each prints its
# time, rows/s, the import's peak memory and the disk used. Long: about 25 minutes on two
# cores; needs 30 GB free under build/bench.
#   bench/import_statewide.sh [ROWS]
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-9000000}
narwhal=${NARWHAL_BIN:-build/release/src/cli/narwhal}
work=$(realpath -m "${BENCH_DIR:-build/bench/statewide}")
mkdir -p "$work/files"
file="$work/files/demo_ncvoter.txt"
if [ ! -f "$file" ] || [ "$(( $(wc -l < "$file") - 1 ))" != "$rows" ]; then
  echo "generating $rows rows ..."
  /usr/bin/time -f '%e s, peak %M KiB' "$narwhal" demo --files-only "$work/files" --voters "$rows" --dirty 0 >/dev/null
fi
echo "file: $rows rows, $(( $(stat -c %s "$file") / 1048576 )) MiB"
echo "== embedded store =="
FILE="$file" BENCH_DIR="$work/embedded" bench/import_vs_sqlite3.sh
rm -rf "$work/embedded"
echo "== PostgreSQL =="
FILE="$file" BENCH_DIR="$work/postgres" bench/import_pg_vs_copy.sh

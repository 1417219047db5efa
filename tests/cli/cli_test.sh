#!/usr/bin/env bash
# The narwhal binary as a script sees it: exit codes, summaries, every sample file.
#   cli_test.sh NARWHAL_BINARY VOTER_FILES_DIR
set -uo pipefail
bin=$1
samples=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0
checks=0

expect_exit() {  # expect_exit CODE DESCRIPTION COMMAND...
  local want=$1 what=$2
  shift 2
  "$@" >"$work/out" 2>"$work/err"
  local got=$?
  checks=$((checks + 1))
  if [ "$got" -ne "$want" ]; then
    echo "FAIL: $what: exit $got, wanted $want"
    sed 's/^/  stderr: /' "$work/err" | head -20
    fails=$((fails + 1))
    return 1
  fi
  echo "ok: $what"
}

expect_out() {  # expect_out PATTERN DESCRIPTION: the last command's stdout matches
  checks=$((checks + 1))
  if ! grep -qE "$1" "$work/out"; then
    echo "FAIL: $2: stdout does not match /$1/:"
    sed 's/^/  stdout: /' "$work/out" | head -5
    fails=$((fails + 1))
    return 1
  fi
  echo "ok: $2"
}

d="$work/data"
expect_exit 0 "--help" "$bin" --help
expect_exit 2 "no subcommand is a usage error" "$bin"
expect_exit 2 "unknown format is a usage error" "$bin" import voters --data "$d" --format texas "$samples/synthetic_nc.csv"
expect_exit 3 "missing file" "$bin" import voters --data "$d" --quiet --format ncsbe "$work/nope.txt"
expect_exit 3 "Ohio file named as ncsbe fails at once" "$bin" import voters --data "$d" --quiet --format ncsbe "$samples/synthetic_oh.csv"

expect_exit 0 "import NC (71 columns, shuffled)" "$bin" import voters --data "$d" --quiet --format ncsbe "$samples/synthetic_nc.csv"
expect_out '"rows":100[,}]' "NC summary counts 100 rows"
expect_exit 0 "re-import NC" "$bin" import voters --data "$d" --quiet --format ncsbe "$samples/synthetic_nc.csv"
expect_out '"unchanged":[1-9]' "re-import reports unchanged voters"
expect_out '"added":0[,}]' "re-import adds nobody"

expect_exit 0 "import Ohio" "$bin" import voters --data "$d" --quiet --format ohio "$samples/synthetic_oh.csv"
expect_exit 0 "import Florida (no header)" "$bin" import voters --data "$d" --quiet --format florida "$samples/synthetic_fl.csv"
expect_exit 0 "import Washington" "$bin" import voters --data "$d" --quiet --format washington "$samples/synthetic_wa.csv"

expect_exit 0 "demo" "$bin" demo --data "$work/demo" --voters 600 --precincts 5
expect_exit 2 "demo refuses to overwrite" "$bin" demo --data "$work/demo" --voters 600
expect_exit 0 "demo --files-only" "$bin" demo --files-only "$work/files" --voters 50
checks=$((checks + 1))
if [ -s "$work/files/demo_ncvoter.txt" ] && [ -s "$work/files/demo_ncvhis.txt" ]; then
  echo "ok: demo files written"
else
  echo "FAIL: demo files missing"
  fails=$((fails + 1))
fi

check() {  # check DESCRIPTION COMMAND...: the command succeeds
  local what=$1
  shift
  checks=$((checks + 1))
  if "$@"; then
    echo "ok: $what"
  else
    echo "FAIL: $what"
    fails=$((fails + 1))
  fi
}

# --- users: codes, credential sheets, and no code ever in the database -----------------
u="$work/demo"  # the demo county above: 92, precincts 01-01 .. 01-05
expect_exit 0 "users add prints a code" "$bin" users add --data "$u" --name "PAT WATCHER" --role poll_watcher --county 92 --precinct 01-01 --office "Raleigh North"
expect_out '^\{"user_id":[0-9]+,.*"code":"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}","expires_at":"20' "users add prints the code as JSON"
code=$(sed -n 's/.*"code":"\([^"]*\)".*/\1/p' "$work/out")
check "users add shows the code to the person too" grep -q "login code: $code" "$work/err"
# Only the selector (first group) is stored; the secret groups must be nowhere on disk.
secret=${code#*-}
check "the database files are there to search (the code's public selector is)" \
  test "$(cat "$u"/narwhal.db* | grep -c "${code%%-*}")" -gt 0
check "the database holds no code (hashes only)" \
  test "$(cat "$u"/narwhal.db* | grep -c -e "${secret}" -e "${secret//-/}")" -eq 0
expect_exit 2 "users add refuses an unknown role" "$bin" users add --data "$u" --name X --role boss
expect_exit 2 "users add refuses a precinct the voter file lacks" "$bin" users add --data "$u" --name X --role poll_watcher --county 92 --precinct 77-77
expect_exit 2 "a poll watcher needs a precinct" "$bin" users add --data "$u" --name X --role poll_watcher --county 92

expect_exit 0 "users reissue prints a new code" "$bin" users reissue --data "$u" 1
expect_out '"code":"[A-Z2-9-]{14}"' "reissue prints the code as JSON"
check "reissue draws a different code" test "$(sed -n 's/.*"code":"\([^"]*\)".*/\1/p' "$work/out")" != "$code"
expect_exit 1 "users reissue of an unknown user fails" "$bin" users reissue --data "$u" 999
expect_exit 0 "users revoke" "$bin" users revoke --data "$u" 1
expect_out '"sessions_revoked":0' "revoke reports the sessions it ended"

cat >"$work/volunteers.csv" <<'CSV'
name,phone,email,role,county,precinct,field_office
MARY SMITH,919-555-0101,mary@example.org,poll_watcher,92,01-01,Raleigh North
JOSÉ PEÑA,,,Poll Watcher,92,01-02,Raleigh North
,919-555-0103,,poll_watcher,92,01-01,Raleigh North
ANN LEE,,,organizer,92,,Durham
BOB KIM,,,poll_watcher,92,99-99,Durham
CSV
expect_exit 0 "users import with bad rows imports the rest" "$bin" users import "$work/volunteers.csv" --data "$u" --out "$work/creds" --url https://vote.example.org/
expect_out '"imported":3,"rejected":2' "import summary counts good and bad rows"
check "the bad rows are reported with line and reason" grep -q "volunteers.csv:4: name: the name is empty" "$work/err"
check "the precinct typo is reported" grep -q "volunteers.csv:6: precinct: .*99-99" "$work/err"
check "rejects.tsv lists both bad rows" test "$(tail -n +2 "$work/creds/rejects.tsv" | wc -l)" -eq 2
check "credentials.csv has a row per imported user" test "$(tail -n +2 "$work/creds/credentials.csv" | wc -l)" -eq 3
check "one sheet per field office" test -s "$work/creds/credentials-raleigh-north.pdf" -a -s "$work/creds/credentials-durham.pdf"
pdftotext -layout "$work/creds/credentials-raleigh-north.pdf" "$work/raleigh.txt"
check "the sheet has its heading and instructions" grep -q "Open https://vote.example.org/, type your code" "$work/raleigh.txt"
for name in "MARY SMITH" "JOSÉ PEÑA"; do
  row=$(grep "^[0-9]*,$name," "$work/creds/credentials.csv")
  c=$(echo "$row" | cut -d, -f7)
  check "the sheet lists $name with her code" grep -q "$name.*$c" "$work/raleigh.txt"
done
check "no imported code is in the database" \
  test "$(for c in $(tail -n +2 "$work/creds/credentials.csv" | cut -d, -f7); do cat "$u"/narwhal.db* | grep -c "${c#*-}"; done | sort -u)" = 0
expect_exit 3 "users import of a file without the columns" "$bin" users import "$samples/synthetic_nc.csv" --data "$u" --out "$work/creds2" --url https://x.example/
expect_exit 2 "users import needs the address to print" env -u NARWHAL_PUBLIC_URL "$bin" users import "$work/volunteers.csv" --data "$u" --out "$work/creds3"
expect_exit 0 "users list" "$bin" users list --data "$u" --role poll_watcher --json
check "users list shows the watchers" test "$(grep -c '"role":"poll_watcher"' "$work/out")" -eq 3

echo "cli: $((checks - fails)) passed, $fails failed"
[ "$fails" -eq 0 ]

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
expect_exit 0 "users disable" "$bin" users disable --data "$u" 1
expect_out '"disabled":true' "disable reports it"
expect_exit 1 "a disabled user gets no new code" "$bin" users reissue --data "$u" 1
expect_exit 0 "users enable" "$bin" users enable --data "$u" 1
expect_exit 0 "an enabled user gets a new code" "$bin" users reissue --data "$u" 1

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

# --- print poll-books: the paper fallback of election day --------------------------------
pb="$work/paper"
expect_exit 0 "print poll-books writes a county's strike lists" "$bin" print poll-books --data "$u" --county 92 --out "$pb"
expect_out '"archive":"[^"]*/92-poll-books\.zip","precincts":5,"voters":[1-9][0-9]*' "print poll-books summary counts precincts and voters"
pb_voters=$(sed -n 's/.*"voters":\([0-9]*\).*/\1/p' "$work/out")
check "a PDF and a CSV per precinct" test "$(ls "$pb"/92-01-0[1-5]-strike-list.pdf "$pb"/92-01-0[1-5]-strike-list.csv | wc -l)" -eq 10
check "the zip holds all ten files" test "$(unzip -Z1 "$pb/92-poll-books.zip" | grep -c -- '-strike-list\.\(pdf\|csv\)$')" -eq 10
check "the CSVs have one row per voter in all" test "$(cat "$pb"/92-01-0[1-5]-strike-list.csv | grep -vc '^.*county,precinct,name,')" -eq "$pb_voters"
csv="$pb/92-01-01-strike-list.csv"
check "the CSV has its header" grep -q '^.*county,precinct,name,address,city,born,registration_number,voter_id,voted' "$csv"
check "the CSV has a row per voter of the precinct" test "$(tail -n +2 "$csv" | wc -l)" -eq "$(tail -n +2 "$csv" | grep -c '^92,01-01,')"
pdftotext -layout "$pb/92-01-01-strike-list.pdf" "$work/book.txt"
check "the PDF has the strike-list heading" grep -q "precinct 01-01 .*— strike list" "$work/book.txt"
# The names in CSV order (the store's), cut to what a narrow column surely shows in full.
tail -n +2 "$csv" | sed -n 's/^[^,]*,[^,]*,"\([^"]*\)".*/\1/p' | cut -c1-14 >"$work/names"
known=$(sed -n 3p "$work/names")
check "a known voter ($known) is on the printed list" grep -qF "$known" "$work/book.txt"
check "the list is alphabetical by last name" \
  sh -c "sed 's/,.*//' '$work/names' | LC_ALL=C.UTF-8 iconv -f utf-8 -t ascii//TRANSLIT | tr -d \"'.\" | sed 's/[^A-Z0-9][^A-Z0-9]*/ /g' | LC_ALL=C sort -c"
last=0
in_order=yes
while IFS= read -r name; do
  at=$(grep -nF -- "$name" "$work/book.txt" | head -1 | cut -d: -f1)
  if [ -z "$at" ] || [ "$at" -lt "$last" ]; then in_order="no ($name)"; break; fi
  last=$at
done <"$work/names"
check "the PDF lists every voter in the CSV's order: $in_order" test "$in_order" = yes
expect_exit 0 "print poll-books for one precinct" "$bin" print poll-books --data "$u" --county 92 --precinct 01-02 --out "$work/paper1"
expect_out '"files":\["[^"]*92-01-02-strike-list\.pdf","[^"]*92-01-02-strike-list\.csv"\],"archive":"","precincts":1' "one precinct: two files, no archive"
# --election: each precinct's GOTV list (supporters not yet voted) beside its strike list.
tail -n +2 "$work/paper1/92-01-02-strike-list.csv" | tr -d '\r' | rev | cut -d, -f2 | rev | head -2 >"$work/gotv_ids"
{ echo "voter_id,support,turnout"; sed 's/$/,90,50/' "$work/gotv_ids"; } >"$work/gotv_scores.csv"
expect_exit 0 "import scores of two supporters" "$bin" import scores --data "$u" "$work/gotv_scores.csv"
expect_exit 0 "print poll-books --election adds GOTV lists" "$bin" print poll-books --data "$u" --county 92 --precinct 01-02 --election 2026-11-03 --out "$work/paper3"
expect_out '"files":\["[^"]*92-01-02-strike-list\.pdf","[^"]*92-01-02-strike-list\.csv","[^"]*92-01-02-gotv\.pdf","[^"]*92-01-02-gotv\.csv"\].*"election":"2026-11-03","gotv_voters":2}' "with an election: strike list and GOTV list, two supporters"
check "the GOTV CSV lists both supporters" test "$(grep -cFf "$work/gotv_ids" "$work/paper3/92-01-02-gotv.csv")" -eq 2
pdftotext -layout "$work/paper3/92-01-02-gotv.pdf" "$work/gotv.txt"
check "the GOTV PDF says what it is and as of when" grep -q "GOTV list 2026-11-03" "$work/gotv.txt"
check "the GOTV PDF is a snapshot" grep -q "2 supporters not yet voted as of" "$work/gotv.txt"
expect_exit 2 "print poll-books --election needs a date" "$bin" print poll-books --data "$u" --county 92 --election 11/03/2026 --out "$work/paper4"
expect_exit 2 "print poll-books of an unknown precinct" "$bin" print poll-books --data "$u" --county 92 --precinct 77-77 --out "$work/paper2"
expect_exit 2 "print poll-books needs --county" "$bin" print poll-books --data "$u" --out "$work/paper2"

echo "cli: $((checks - fails)) passed, $fails failed"
[ "$fails" -eq 0 ]

#!/usr/bin/env bash
# Universes from the command line, on the demo county (voter file and vote history):
#  1. `universe elections` lists the history's elections with their kind.
#  2. `universe count` by party, age and vote history: every narrower universe is a subset,
#     the count by party adds up, a misspelt criterion or flag value exits 2 naming it.
#  3. `universe save` twice under one name keeps one universe; `universe show` and `list`.
#  4. `list make` twice with one key is one list; `list voters` pages it; a voter struck
#     after the list was made drops out of it when it is read.
#   universe_cli_test.sh NARWHAL_BINARY
set -uo pipefail
bin=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"

d="$work/data"
"$bin" demo --data "$d" --voters 3000 --precincts 4 >/dev/null 2>&1
u() { "$bin" universe "$@" --data "$d"; }

# 1. elections
u elections > "$work/elections.txt"
check "the history's elections are listed" grep -q "general" "$work/elections.txt"
check "primaries are told apart" grep -q "primary" "$work/elections.txt"

# 2. counts
all=$(u count --json | json_field voters)
dem=$(u count --json --party DEM | json_field voters)
young_dem=$(u count --json --party DEM --max-age 35 | json_field voters)
regular=$(u count --json --party DEM --voted general:2/4 | json_field voters)
never=$(u count --json --criteria '{"vote_history":{"kind":"general","last":4,"min":0,"max":0}}' | json_field voters)
some=$(u count --json --voted general:1/4 | json_field voters)
check "every voter counted ($all)" test "${all:-0}" -gt 2500
check "Democrats are fewer ($dem)" test "${dem:-0}" -gt 0 -a "${dem:-0}" -lt "$all"
check "young Democrats are fewer still ($young_dem)" test "${young_dem:-0}" -lt "$dem"
check "regular Democrats are a subset ($regular)" test "${regular:-0}" -gt 0 -a "${regular:-0}" -lt "$dem"
check "voted in none plus voted in some is everyone ($never + $some = $all)" test $((never + some)) -eq "$all"
sum=$(u count --json | grep -o '"by_party":\[[^]]*\]' | grep -o '"voters":[0-9]*' | cut -d: -f2 | paste -sd+ | bc)
check "the count by party adds up ($sum)" test "$sum" = "$all"
u count --criteria '{"partys":["DEM"]}' 2> "$work/err.txt" >/dev/null
rc=$?
check "a misspelt criterion exits 2 ($rc)" test "$rc" -eq 2
check "and names it" grep -q "criteria.partys" "$work/err.txt"
u count --voted general 2> "$work/err.txt" >/dev/null
rc=$?
check "a malformed --voted exits 2 ($rc)" test "$rc" -eq 2

# 3. saved universes
u save "Dem regulars" --party DEM --voted general:1/4 >/dev/null 2>&1
u save "Dem regulars" --party DEM --voted general:2/4 --description "two of four" > "$work/saved.json" 2>/dev/null
check "saving again replaces the criteria" test "$(json_field voters < "$work/saved.json")" = "$regular"
check "one universe under the name" test "$(u list | grep -c "Dem regulars")" -eq 1
u show "Dem regulars" > "$work/show.txt"
check "show prints its count" grep -q "^$regular voters" "$work/show.txt"
u show "nobody" >/dev/null 2>&1
check "an unknown universe fails" test $? -eq 1

# 4. lists
"$bin" list make "Dem regulars" --key cli-list-1 --data "$d" > "$work/list.json" 2>/dev/null
id=$(json_field id < "$work/list.json")
again=$("$bin" list make "Dem regulars" --key cli-list-1 --data "$d" 2>/dev/null | json_field id)
check "the same key is the same list ($id, $again)" test "$id" = "$again"
check "the list holds the universe ($(json_field voters < "$work/list.json"))" test "$(json_field voters < "$work/list.json")" = "$regular"
"$bin" list voters "$id" --limit 1000 --data "$d" > "$work/members.txt" 2>/dev/null
check "list voters prints every member" test "$(wc -l < "$work/members.txt")" -eq "$regular"
first=$(head -1 "$work/members.txt" | cut -f1)
# The demo's ncvhis rows of that voter are her state-file strikes in a past election: a
# list made for that election drops her once they are imported.
hist="$d/demo_ncvhis.txt"
row=$(grep -m1 "$first" "$hist")
lbl=$(echo "$row" | grep -oE '[0-9]{2}/[0-9]{2}/[0-9]{4}' | head -1)
election=$(echo "$lbl" | awk -F/ '{ printf "%s-%s-%s", $3, $1, $2 }')
{ head -1 "$hist"; echo "$row"; } > "$work/struck.txt"
"$bin" list make "Dem regulars" --key cli-list-2 --election "$election" --data "$d" > "$work/list2.json" 2>/dev/null
id2=$(json_field id < "$work/list2.json")
"$bin" import strikes --data "$d" --format ncvhis --election "$election" "$work/struck.txt" >/dev/null 2>&1
"$bin" list voters "$id2" --limit 1000 --data "$d" > "$work/members2.txt" 2> "$work/dropped.txt"
check "a voter struck since drops out" test "$(wc -l < "$work/members2.txt")" -eq $((regular - 1))
check "and is counted as voted" grep -q "1 voted" "$work/dropped.txt"

reads=$(sqlite3 "$d/narwhal.db" "SELECT count(*) FROM audit_log WHERE action = 'list.read' AND remote_addr = 'cli'")
check "every list read is audited ($reads)" test "$reads" -eq 2
made=$(sqlite3 "$d/narwhal.db" "SELECT count(*) FROM audit_log WHERE action IN ('list.create', 'universe.save')")
check "list makes and universe saves are audited ($made)" test "$made" -eq 5

# 5. a call list of the list's members with a phone, its hours and its phone bankers
"$bin" call-list make "cli calls" --list "$id" --from 10:00 --until 20:00 --data "$d" > "$work/calls.json" 2>/dev/null
check "a call list is made" test "$(json_field call_from < "$work/calls.json")" = "10:00"
calls=$(json_field id < "$work/calls.json")
people=$(json_field people < "$work/calls.json")
phones=$(sqlite3 "$d/narwhal.db" "SELECT count(*) FROM list_members m JOIN voters v USING (voter_id) WHERE m.list_id = $id AND v.phone <> ''")
check "it holds the members with a phone ($people of $phones)" test "$people" -eq "$phones"
"$bin" call-list make "too early" --list "$id" --from 07:30 --data "$d" >/dev/null 2> "$work/early.txt"
check "calling hours before 08:00 are refused (exit 2)" test $? -eq 2
check "and the message says why" grep -q "calls may begin from 08:00" "$work/early.txt"
banker=$("$bin" users add --name "PAM PHONE" --role phone_banker --data "$d" 2>/dev/null | json_field user_id)
watcher=$("$bin" users add --name "WES WATCHER" --role poll_watcher --county 92 --precinct 01-01 --data "$d" 2>/dev/null | json_field user_id)
"$bin" call-list assign "$calls" "$watcher" --data "$d" >/dev/null 2>&1
check "only phone bankers are assigned (exit 2)" test $? -eq 2
"$bin" call-list assign "$calls" "$banker" --data "$d" >/dev/null 2>&1
"$bin" call-list show "$calls" --data "$d" > "$work/calls.txt" 2>/dev/null
check "show prints the people left per zone" grep -q "Eastern *$people left" "$work/calls.txt"
check "and the callers" grep -q "callers: \[$banker\]" "$work/calls.txt"
check "show --json lists it among all" test "$("$bin" call-list show --json --data "$d" | grep -c '"cli calls"')" -eq 1

# 6. the do-not-contact list: a file with a header and a bad line, export, undo
first=$(sqlite3 "$d/narwhal.db" "SELECT phone FROM call_targets WHERE list_id = $calls ORDER BY position LIMIT 1")
printf 'phone\n%s\n919-555-01\n(919) 555-0123\n' "$first" > "$work/optouts.csv"
"$bin" dnc add "$work/optouts.csv" --channels phone,text --reason "texted STOP" --data "$d" > "$work/dnc.json" 2>/dev/null
check "an opt-out file is added as one batch" test "$(json_field entries < "$work/dnc.json")" = "2"
check "its header is skipped" grep -q '"header_skipped":true' "$work/dnc.json"
check "and its bad line refused, with the line" grep -q "^3	phone	not ten digits" "$work/optouts.csv.rejects.tsv"
batch=$(json_field id < "$work/dnc.json")
"$bin" dnc add "$work/optouts.csv" --channels fax --data "$d" >/dev/null 2>&1
check "an unknown channel is refused (exit 2)" test $? -eq 2
"$bin" dnc export --channels text --data "$d" > "$work/dnc.csv" 2>/dev/null
check "the export holds the numbers in force" test "$(grep -c '^phone,' "$work/dnc.csv")" -eq 2
check "as an upload takes them back" grep -q "^phone,9195550123,\"phone,text\",$batch" "$work/dnc.csv"
check "list shows the batch" grep -q "optouts.csv" <("$bin" dnc list --data "$d" 2>/dev/null)
"$bin" dnc undo "$batch" --data "$d" >/dev/null 2>&1
check "a batch is undone" test "$("$bin" dnc export --data "$d" 2>/dev/null | grep -c '^phone,')" -eq 0
"$bin" dnc undo "$batch" --data "$d" >/dev/null 2>&1
check "and not twice (exit 1)" test $? -eq 1
dnc_audit=$(sqlite3 "$d/narwhal.db" "SELECT count(*) FROM audit_log WHERE action IN ('do_not_contact.add', 'do_not_contact.undo', 'do_not_contact.export')")
check "additions, undos and exports are audited ($dnc_audit)" test "$dnc_audit" -eq 4

echo "universe cli: $checks checks, $fails failed"
[ "$fails" -eq 0 ]

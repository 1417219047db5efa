#!/usr/bin/env bash
# Universe evaluation: ROWS voters (NC layout, with their vote history) in the embedded
# store; each universe counted with `narwhal universe count` (the whole command: opening
# the store, reading the elections, the count by party), beside the anchor: the same
# question written by hand in SQL and run by the sqlite3 shell on the same database file.
# Best of three runs each. Then a list made of the largest universe (`narwhal list make`).
#   bench/universe_bench.sh [ROWS]     (default 1000000; needs build/release)
# Target (docs/field.md): a universe over 1M voters in under 2 s.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
narwhal=${NARWHAL_BIN:-build/release/src/cli/narwhal}
work=${BENCH_DIR:-build/bench/universe}
db="$work/db/narwhal.db"
if [ -n "${REUSE:-}" ] && [ -f "$db" ]; then
  echo "reusing $db"  # REUSE=1: the store of the last run, universes and lists dropped
  sqlite3 "$db" "DELETE FROM list_members; DELETE FROM voter_lists; DELETE FROM universes;"
else
  rm -rf "$work"
  mkdir -p "$work/files" "$work/db"
  echo "generating and importing $rows voters with their history ..."
  "$narwhal" demo --files-only "$work/files" --voters "$rows" --dirty 0 >/dev/null
  "$narwhal" import voters --format ncsbe --quiet --data "$work/db" "$work/files/demo_ncvoter.txt" >/dev/null
  "$narwhal" import voters --format ncvhis --quiet --data "$work/db" "$work/files/demo_ncvhis.txt" >/dev/null
fi
# The answers canvassing would leave: the example field book, and for one voter in ten a
# current answer to "vote_plan" (half the "unsure" ones answered again later, "early", which counts),
# one in forty tagged. Written with sqlite3 straight into the index the universes read
# (contact_choices), as a million canvassed doors would leave it.
"$narwhal" field-book set --data "$work/db" examples/field-book.json >/dev/null
sqlite3 "$db" "DELETE FROM contact_choices;
  INSERT INTO contact_choices(question, voter_id, contact_id, answer)
    SELECT 'vote_plan', voter_id, rowid,
           CASE (rowid / 10) % 4 WHEN 0 THEN 'early' WHEN 1 THEN 'mail' WHEN 2 THEN 'day' ELSE 'unsure' END
    FROM voters WHERE rowid % 10 = 0;
  INSERT INTO contact_choices(question, voter_id, contact_id, answer)
    SELECT 'vote_plan', voter_id, rowid + 100000000, 'early' FROM voters WHERE rowid % 80 = 30;
  INSERT INTO contact_choices(question, voter_id, contact_id, answer)
    SELECT '#tag', voter_id, rowid, 'needs_ride' FROM voters WHERE rowid % 40 = 10;"
county=$(sqlite3 "$db" "SELECT county FROM precincts ORDER BY voters DESC LIMIT 1")
precinct=$(sqlite3 "$db" "SELECT precinct FROM precincts WHERE county = '$county' ORDER BY voters DESC LIMIT 1")
generals=$(sqlite3 "$db" "SELECT group_concat(quote(election_date), ',') FROM (SELECT election_date FROM elections WHERE description LIKE '%GENERAL%' ORDER BY election_date DESC LIMIT 4)")
year=$(date +%Y)
"$narwhal" universe elections --data "$work/db" | head -4

now() { date +%s.%N; }
best() {  # best COMMAND...: the fastest of three runs, in ms
  local b=""
  for _ in 1 2 3; do
    local t0 t1
    t0=$(now)
    "$@" >/dev/null 2>&1
    t1=$(now)
    local ms
    ms=$(echo "($t1 - $t0) * 1000" | bc -l)
    if [ -z "$b" ] || [ "$(echo "$ms < $b" | bc -l)" = 1 ]; then b=$ms; fi
  done
  echo "$b"
}

live="removed_at IS NULL AND status IN ('active','inactive')"
# The anchor asks it the plain way: does this voter have such an answer (a probe per voter).
current_unsure="EXISTS (SELECT 1 FROM contact_choices a WHERE a.question = 'vote_plan' AND a.voter_id = voters.voter_id AND a.answer = 'unsure' AND a.contact_id = (SELECT max(l.contact_id) FROM contact_choices l WHERE l.question = 'vote_plan' AND l.voter_id = voters.voter_id))"
tagged="EXISTS (SELECT 1 FROM contact_choices a WHERE a.question = '#tag' AND a.voter_id = voters.voter_id AND a.answer = 'needs_ride')"
regulars="voter_id IN (SELECT voter_id FROM vote_history WHERE election_date IN ($generals) GROUP BY voter_id HAVING count(*) >= 2)"
# name | narwhal flags | the anchor's SQL
cases=(
  "every voter|--criteria '{}'|SELECT party, count(*) FROM voters WHERE $live GROUP BY party"
  "Democrats|--party DEM|SELECT party, count(*) FROM voters WHERE $live AND party = 'DEM' GROUP BY party"
  "DEM+UNA under 35, 2 of the last 4 generals|--party DEM --party UNA --max-age 35 --voted general:2/4|SELECT party, count(*) FROM voters WHERE $live AND party IN ('DEM','UNA') AND birth_year >= $((year - 35)) AND $regulars GROUP BY party"
  "voted in none of the last 4 generals|--criteria '{\"vote_history\":{\"kind\":\"general\",\"last\":4,\"min\":0,\"max\":0}}'|SELECT party, count(*) FROM voters WHERE $live AND voter_id NOT IN (SELECT voter_id FROM vote_history WHERE election_date IN ($generals)) GROUP BY party"
  "current answer: not sure how she will vote|--answer vote_plan=unsure|SELECT party, count(*) FROM voters WHERE $live AND $current_unsure GROUP BY party"
  "DEM or UNA, tagged needs a ride|--party DEM --party UNA --tag needs_ride|SELECT party, count(*) FROM voters WHERE $live AND party IN ('DEM','UNA') AND $tagged GROUP BY party"
  "one precinct, 2 of the last 4 generals|--precinct $county:$precinct --voted general:2/4|SELECT party, count(*) FROM voters WHERE $live AND county = '$county' AND precinct = '$precinct' AND $regulars GROUP BY party"
)

printf '%-46s %10s %10s %10s %8s\n' "universe" "voters" "narwhal ms" "sqlite3 ms" "ratio"
for c in "${cases[@]}"; do
  IFS='|' read -r name flags sql <<<"$c"
  # shellcheck disable=SC2086
  voters=$(eval "\"$narwhal\" universe count --json --data \"$work/db\" $flags" 2>/dev/null | grep -o '"voters":[0-9]*' | head -1 | cut -d: -f2)
  ours=$(best eval "\"$narwhal\" universe count --data \"$work/db\" $flags")
  anchor=$(best sqlite3 "$db" "$sql")
  printf '%-46s %10s %10.0f %10.0f %7.2fx\n' "$name" "$voters" "$ours" "$anchor" "$(echo "$anchor / $ours" | bc -l)"
done

"$narwhal" universe save "bench regulars" --data "$work/db" --party DEM --party UNA \
  --voted general:2/4 >/dev/null
t0=$(now)
"$narwhal" list make "bench regulars" --data "$work/db" 2>&1 >/dev/null | tail -1
t1=$(now)
printf 'list make (the whole command): %.2f s\n' "$(echo "$t1 - $t0" | bc -l)"

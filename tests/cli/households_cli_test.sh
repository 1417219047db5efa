#!/usr/bin/env bash
# Households as a data team sees them, on real address points (Kodiak Island Borough,
# OpenAddresses, 4,473 points):
#  1. `demo --addresses` places a generated voter file at those addresses and imports the
#     points: nearly every voter is at a door with coordinates; PO boxes are listed, the
#     few typo'd streets are unmatched, the points without a street are rejected by line.
#  2. Importing the points again replaces them (no doubling); a file that is not
#     OpenAddresses fails with exit 3 and changes nothing; a bad coordinate is a reject.
#  3. Re-importing the voter file changes no household; --no-households places nobody.
#  4. `turf cut` cuts a precinct into turfs of 50 +- 10% doors: every door in exactly one
#     turf, no block face split, the same turfs on a second run, N turfs when asked, the
#     PO-box voters listed as "cannot place"; a precinct with no doors exits 3; --pdf
#     writes the walk lists, a section per turf from its first door, read back.
#   households_cli_test.sh NARWHAL_BINARY SHARED_DATA_DIR
set -uo pipefail
bin=$1
points="$2/addresses/kodiak_island_borough.csv"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"

d="$work/data"
"$bin" demo --data "$d" --voters 12000 --precincts 6 --addresses "$points" \
  >"$work/demo.out" 2>"$work/demo.err"
check "demo --addresses exits 0" test $? -eq 0
grep '"stored"' "$work/demo.out" >"$work/points.json"
cat "$work/points.json"
check "4,451 points loaded" test "$(json_field stored <"$work/points.json")" = 4451
check "22 points rejected (no street, no number)" \
  test "$(json_field rejected <"$work/points.json")" = 22
check "the rejects name the line and reason" \
  grep -q $'^2699\tNUMBER\tno house number\t' "$d/addresses.rejects.tsv"

"$bin" households --data "$d" --json >"$work/h.json"
check "households exits 0" test $? -eq 0
voters=$(json_field voters <"$work/h.json")
placed=$(json_field placed <"$work/h.json")
with_xy=$(json_field voters_with_coordinates <"$work/h.json")
buildings=$(json_field buildings <"$work/h.json")
multi=$(json_field multi_door_buildings <"$work/h.json")
unmatched=$(json_field buildings_unmatched <"$work/h.json")
echo "voters=$voters placed=$placed with_coordinates=$with_xy buildings=$buildings multi=$multi unmatched=$unmatched"
check "over 99% of voters at a door" test $((placed * 100)) -ge $((voters * 99))
check "over 97% of voters have coordinates" test $((with_xy * 100)) -ge $((voters * 97))
check "apartment buildings have several doors" test "$multi" -gt 0
check "typo'd streets stay unmatched" test "$unmatched" -gt 0
check "PO boxes are reported with their reason" grep -q '"PO box":[1-9]' "$work/h.json"
check "every voter is placed or has a reason" \
  test "$placed" -lt "$voters" -a "$(grep -o '"PO box":[0-9]*' "$work/h.json" | cut -d: -f2)" = $((voters - placed))

"$bin" households --data "$d" --limit 3 >"$work/h.txt"
check "the text report lists unmatched buildings" grep -q '^unmatched buildings' "$work/h.txt"
check "the text report shows the match" grep -q '^buildings with coordinates: ' "$work/h.txt"

"$bin" import addresses --data "$d" --format openaddresses "$points" >"$work/again.json" 2>/dev/null
check "import addresses again exits 0" test $? -eq 0
check "a second load replaces the source's points" \
  test "$(json_field points <"$work/again.json")" = 4451
check "the match is the same" \
  test "$(json_field voters_with_coordinates <"$work/again.json")" = "$with_xy"

"$bin" import addresses --data "$d" --format openaddresses "$d/demo_ncvoter.txt" 2>"$work/wrong.err" >/dev/null
check "a voter file named as openaddresses exits 3" test $? -eq 3
check "and says what is missing" grep -q 'LON, LAT, NUMBER' "$work/wrong.err"
"$bin" import addresses --data "$d" --format geojson "$points" 2>/dev/null >/dev/null
check "an unknown format exits 3" test $? -eq 3
"$bin" households --data "$d" --json >"$work/h2.json"
check "nothing changed" test "$(json_field voters_with_coordinates <"$work/h2.json")" = "$with_xy"

printf 'LON,LAT,NUMBER,STREET\n-152.40,57.79,99,Nowhere Road\n-152.40,north,98,Nowhere Road\n' \
  >"$work/extra.csv"
"$bin" import addresses --data "$d" "$work/extra.csv" >"$work/extra.json" 2>/dev/null
check "a second source loads beside the first" \
  test "$(json_field points <"$work/extra.json")" = 4452
check "its bad latitude is rejected" grep -q $'^3\tLAT\tis not a latitude' "$work/extra.csv.rejects.tsv"

"$bin" import voters --data "$d" --quiet --format ncsbe "$d/demo_ncvoter.txt" >"$work/re.json" 2>/dev/null
check "re-import of the voter file exits 0" test $? -eq 0
"$bin" households --data "$d" --json >"$work/h3.json"
check "re-import changes no household" \
  test "$(json_field placed <"$work/h3.json"),$(json_field buildings <"$work/h3.json")" = "$placed,$buildings"

"$bin" turf cut --data "$d" --county 92 --precinct 01-03 --json >"$work/turfs.json" 2>/dev/null
check "turf cut exits 0" test $? -eq 0
python3 - "$work/turfs.json" >"$work/turfs.check" <<'PY'
import json, sys
cut = json.load(open(sys.argv[1]))
turfs = cut["turfs"]
keys = [d["door"] for t in turfs for d in t["walk"]]
faces = {}
for t in turfs:
    for d in t["walk"]:
        # door key: county|town|NUMBER STREET|unit; a block face is street, hundred, side
        number, street = d["door"].split("|")[2].split(" ", 1)
        n = int("".join(c for c in number if c.isdigit()) or 0)
        faces.setdefault((d["door"].split("|")[1], street, n // 100, n % 2), set()).add(t["number"])
print("doors", cut["doors"], "listed", len(keys), "distinct", len(set(keys)))
print("in_band", sum(1 for t in turfs if 45 <= t["doors"] <= 55), "of", len(turfs))
print("split_faces", sum(1 for v in faces.values() if len(v) > 1), "reported", cut["block_faces_split"])
print("coordinates", cut["used_coordinates"], "cannot_place", len(cut["cannot_place"]))
PY
cat "$work/turfs.check"
read -r _ doors _ listed _ distinct < <(sed -n 1p "$work/turfs.check")
check "every door is in exactly one turf" test "$doors,$listed" = "$doors,$doors" -a "$distinct" = "$doors"
read -r _ in_band _ turfs < <(sed -n 2p "$work/turfs.check")
check "nine turfs in ten are within 50 +- 10% doors" test $((in_band * 10)) -ge $((turfs * 9))
check "no block face is split" grep -q '^split_faces 0 reported 0$' "$work/turfs.check"
check "the cut uses the coordinates; PO boxes cannot be placed" \
  grep -q '^coordinates True cannot_place [1-9]' "$work/turfs.check"
"$bin" turf cut --data "$d" --county 92 --precinct 01-03 --json 2>/dev/null \
  | sed 's/"cut_ms":[0-9.eE+-]*//' >"$work/turfs2.json"
check "the same turfs on a second run" \
  cmp -s "$work/turfs2.json" <(sed 's/"cut_ms":[0-9.eE+-]*//' "$work/turfs.json")
"$bin" turf cut --data "$d" --county 92 --precinct 01-03 --turfs 4 >"$work/four.txt" 2>/dev/null
check "--turfs 4 cuts four turfs" grep -q 'cut into 4 turfs' "$work/four.txt"
"$bin" turf cut --data "$d" --county 92 --precinct 01-03 --walk >"$work/walk.txt" 2>/dev/null
check "--walk lists the doors in walk order" grep -qE '^ +1\. [0-9]+ ' "$work/walk.txt"
"$bin" turf cut --data "$d" --county 92 --precinct 01-03 --pdf "$work/walk.pdf" >/dev/null 2>&1
check "--pdf writes the walk lists" test -s "$work/walk.pdf"
pdftotext -layout "$work/walk.pdf" "$work/walk.pdf.txt"
turfs=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["turfs"]))' "$work/turfs.json")
check "a section per turf, each saying which of how many" \
  test "$(grep -oE 'turf [0-9]+ of [0-9]+' "$work/walk.pdf.txt" | sort -u | wc -l)" = "$turfs"
first=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["turfs"][0]["walk"][0]["address"])' "$work/turfs.json")
check "turf 1 starts at its first door" grep -q "start at $first" "$work/walk.pdf.txt"
check "the PO-box voters have their own section" grep -q 'voters with no door to knock' "$work/walk.pdf.txt"
check "the result codes are on the page" grep -q 'NH not home' "$work/walk.pdf.txt"
"$bin" universe save "Democrats" --party DEM --data "$d" >/dev/null 2>&1
dems=$("$bin" universe count --party DEM --precinct 92:01-03 --json --data "$d" | json_field voters)
"$bin" turf cut --data "$d" --county 92 --precinct 01-03 --universe Democrats --json \
  >"$work/dem_turfs.json" 2>"$work/dem_turfs.err"
check "turf cut of a universe exits 0" test $? -eq 0
python3 - "$work/dem_turfs.json" "$work/turfs.json" "$dems" >"$work/dem_turfs.check" <<'PY'
import json, sys
dem, everyone, dems = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), int(sys.argv[3])
print("fewer_doors", dem["doors"] < everyone["doors"])
print("voters", dem["voters"] + len(dem["cannot_place"]), "of", dems)
PY
cat "$work/dem_turfs.check"
check "a universe's cut has fewer doors" grep -q '^fewer_doors True' "$work/dem_turfs.check"
read -r _ kept _ wanted < <(sed -n 2p "$work/dem_turfs.check")
check "every Democrat of the precinct is at a door or listed ($kept of $wanted)" test "$kept" = "$wanted"
check "and says how many of the voters it kept" grep -q "universe 'Democrats':" "$work/dem_turfs.err"
"$bin" turf cut --data "$d" --county 92 --precinct 01-03 --universe nobody >/dev/null 2>&1
check "an unknown universe fails" test $? -eq 1
"$bin" turf cut --data "$d" --county 92 --precinct NOPE >/dev/null 2>"$work/nope.err"
check "a precinct with no doors exits 3" test $? -eq 3
check "and says so" grep -q 'no doors in county 92, precinct NOPE' "$work/nope.err"

"$bin" turf cut --data "$d" --county 92 --precinct 01-03 --save --json --pdf "$work/kept.pdf" \
  >"$work/kept.json" 2>"$work/kept.err"
check "turf cut --save exits 0" test $? -eq 0
numbers=$(python3 -c 'import json,sys; print(" ".join(t["list_number"] for t in json.load(open(sys.argv[1]))["turfs"]))' "$work/kept.json")
read -r list1 _ <<<"$numbers"
check "each kept turf has a six-character list number" \
  test "$(tr ' ' '\n' <<<"$numbers" | grep -cE '^[0-9A-HJKMNP-TV-Z]{6}$')" = "$turfs"
check "the walk list names each turf's list number" \
  grep -q "turf 1 of $turfs — list $list1" <(pdftotext -layout "$work/kept.pdf" -)
"$bin" turf list --data "$d" --county 92 >"$work/turf_list.txt"
check "turf list shows the kept turfs" test "$(grep -c '^[0-9A-Z]\{6\} ' "$work/turf_list.txt")" = "$turfs"
"$bin" users add --data "$d" --name "Cass Canvasser" --role canvasser --turf "${list1,,}" \
  >"$work/canvasser.json" 2>/dev/null
check "a canvasser is assigned a turf by its list number, as typed" test $? -eq 0
"$bin" users list --data "$d" --json >"$work/users.json" 2>/dev/null
check "and it is hers, her county with it" grep -q "county 92, turf $list1" "$work/users.json"
"$bin" users add --data "$d" --name "Wrong Turf" --role canvasser --turf 000000 \
  >/dev/null 2>"$work/wrong_turf.err"
check "an unknown list number is refused" grep -q 'no turf has list number 000000' "$work/wrong_turf.err"
"$bin" users add --data "$d" --name "Far Canvasser" --role canvasser --county 10 --turf "$list1" \
  >/dev/null 2>"$work/far_turf.err"
check "a turf outside her county is refused" grep -q "turf $list1 is in county 92, not 10" "$work/far_turf.err"
"$bin" users add --data "$d" --name "Not A Canvasser" --role poll_watcher --county 92 \
  --precinct 01-03 --turf "$list1" >/dev/null 2>"$work/pw_turf.err"
check "only canvassers are assigned turfs" grep -q 'only canvassers' "$work/pw_turf.err"

bare="$work/bare"
"$bin" import voters --data "$bare" --quiet --no-households --format ncsbe "$d/demo_ncvoter.txt" \
  >"$work/bare.json" 2>/dev/null
check "import --no-households exits 0" test $? -eq 0
check "and says nobody was placed" test "$(json_field placed_at_doors <"$work/bare.json")" = 0
"$bin" households --data "$bare" --json >"$work/h4.json"
check "so the store has no building" test "$(json_field buildings <"$work/h4.json")" = 0

echo "$((checks - fails)) of $checks checks passed"
[ "$fails" -eq 0 ]

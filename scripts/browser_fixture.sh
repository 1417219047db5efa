#!/usr/bin/env bash
# The users the browser tests log in as, created in a data directory before `narwhal serve`
# starts there. Prints `export` lines (and nothing else) on stdout:
#   NARWHAL_WATCHER_CODE, NARWHAL_WATCHER_COUNTY, NARWHAL_WATCHER_PRECINCT
#       a poll watcher assigned to one precinct (tests/browser/login.test.mjs)
#   NARWHAL_ADMIN_CODE      an admin (tests/browser/voter_search.test.mjs)
#   NARWHAL_ORGANIZER_CODE  an organizer of the watcher's county, whose session the login
#                           test uses to look at other precincts and at readiness
#   NARWHAL_STRIKE_WATCHER_CODE, NARWHAL_STRIKE_PRECINCT
#       a second poll watcher, of another precinct of the county (default 01-02), who
#       strikes voters offline (tests/browser/poll_watcher.test.mjs)
#   NARWHAL_HQ_CODE         an organizer of the county who checks turnout in that test
#   NARWHAL_ENTRY_CODE, NARWHAL_ENTRY_PRECINCT
#       an organizer of the county who keys in strikes on the paper-entry page, for voters
#       of a precinct no other test strikes in (default 01-03)
#       (tests/browser/paper_entry.test.mjs)
#   NARWHAL_ENTRY_WATCHER_CODE
#       a poll watcher of that precinct, who must not get the paper-entry page
#   NARWHAL_UNDO_WATCHER_CODE, NARWHAL_UNDO_PRECINCT
#       a poll watcher of a precinct no other test strikes in (default 01-04), who takes a
#       strike back offline (tests/browser/offline_undo.test.mjs)
#   NARWHAL_UNDO_ADMIN_CODE an admin who checks turnout and the audit log in that test
#   NARWHAL_CANVASS_LIST, NARWHAL_CANVASSER_CODE
#       the list number of turf 1 of a precinct cut into turfs of 10 doors and kept
#       (default precinct 01-05), and a canvasser assigned that turf
#       (tests/browser/canvass.test.mjs)
#   NARWHAL_CANVASS_ADMIN_CODE an admin who checks the contact timelines in that test
# Each code works once, so every test file gets its own user.
#
#   fixture=$(scripts/browser_fixture.sh NARWHAL_BINARY DATA_DIR [COUNTY [PRECINCT [STRIKE_PRECINCT [ENTRY_PRECINCT [UNDO_PRECINCT [CANVASS_PRECINCT]]]]]]) || exit 1
#   eval "$fixture"
#
# COUNTY and PRECINCT default to the demo county's first precinct (92, 01-01); the binary
# refuses a precinct the voter file does not have, so run `narwhal demo` first.
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 NARWHAL_BINARY DATA_DIR [COUNTY [PRECINCT [STRIKE_PRECINCT [ENTRY_PRECINCT [UNDO_PRECINCT [CANVASS_PRECINCT]]]]]]" >&2
  exit 2
fi
bin=$1
data=$2
county=${3:-92}
precinct=${4:-01-01}
strike_precinct=${5:-01-02}
entry_precinct=${6:-01-03}
undo_precinct=${7:-01-04}
canvass_precinct=${8:-01-05}

err=$(mktemp)
trap 'rm -f "$err"' EXIT

# add_user ARGS...: runs `narwhal users add`, prints the code from its JSON line.
add_user() {
  local out code
  if ! out=$("$bin" users add --data "$data" --office "Browser test" "$@" 2>"$err"); then
    echo "browser_fixture: narwhal users add $* failed:" >&2
    cat "$err" >&2
    return 1
  fi
  code=$(printf '%s\n' "$out" | sed -n 's/.*"code":"\([^"]*\)".*/\1/p' | head -1)
  if [ -z "$code" ]; then
    echo "browser_fixture: no code in: $out" >&2
    return 1
  fi
  printf '%s\n' "$code"
}

watcher=$(add_user --name "PAT WATCHER" --role poll_watcher --county "$county" --precinct "$precinct")
admin=$(add_user --name "ALEX ADMIN" --role admin)
organizer=$(add_user --name "ORA ORGANIZER" --role organizer --county "$county")
striker=$(add_user --name "SAM STRIKER" --role poll_watcher --county "$county" --precinct "$strike_precinct")
hq=$(add_user --name "HAL HEADQUARTERS" --role organizer --county "$county")
entry=$(add_user --name "EVE ENTRY" --role organizer --county "$county")
entry_watcher=$(add_user --name "WES WATCHER" --role poll_watcher --county "$county" --precinct "$entry_precinct")
undo_watcher=$(add_user --name "UMA UNDO" --role poll_watcher --county "$county" --precinct "$undo_precinct")
undo_admin=$(add_user --name "ADA AUDITOR" --role admin)
if ! cut=$("$bin" turf cut --data "$data" --county "$county" --precinct "$canvass_precinct" \
  --doors 10 --save --json 2>"$err"); then
  echo "browser_fixture: narwhal turf cut failed:" >&2
  cat "$err" >&2
  exit 1
fi
canvass_list=$(printf '%s\n' "$cut" | grep -o '"list_number":"[^"]*"' | head -1 | cut -d'"' -f4)
canvasser=$(add_user --name "CAL CANVASSER" --role canvasser --turf "$canvass_list")
# The campaign's field book: the door script, questions and tags the canvassing page shows.
if ! "$bin" field-book set --data "$data" "$(dirname "$0")/../examples/field-book.json" >/dev/null 2>"$err"; then
  echo "browser_fixture: narwhal field-book set failed:" >&2
  cat "$err" >&2
  exit 1
fi
canvass_admin=$(add_user --name "ABE AUDITOR" --role admin)

printf 'export NARWHAL_WATCHER_CODE=%q\n' "$watcher"
printf 'export NARWHAL_WATCHER_COUNTY=%q\n' "$county"
printf 'export NARWHAL_WATCHER_PRECINCT=%q\n' "$precinct"
printf 'export NARWHAL_ADMIN_CODE=%q\n' "$admin"
printf 'export NARWHAL_ORGANIZER_CODE=%q\n' "$organizer"
printf 'export NARWHAL_STRIKE_WATCHER_CODE=%q\n' "$striker"
printf 'export NARWHAL_STRIKE_PRECINCT=%q\n' "$strike_precinct"
printf 'export NARWHAL_HQ_CODE=%q\n' "$hq"
printf 'export NARWHAL_ENTRY_CODE=%q\n' "$entry"
printf 'export NARWHAL_ENTRY_PRECINCT=%q\n' "$entry_precinct"
printf 'export NARWHAL_ENTRY_WATCHER_CODE=%q\n' "$entry_watcher"
printf 'export NARWHAL_UNDO_WATCHER_CODE=%q\n' "$undo_watcher"
printf 'export NARWHAL_UNDO_PRECINCT=%q\n' "$undo_precinct"
printf 'export NARWHAL_UNDO_ADMIN_CODE=%q\n' "$undo_admin"
printf 'export NARWHAL_CANVASS_LIST=%q\n' "$canvass_list"
printf 'export NARWHAL_CANVASSER_CODE=%q\n' "$canvasser"
printf 'export NARWHAL_CANVASS_ADMIN_CODE=%q\n' "$canvass_admin"

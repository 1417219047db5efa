# What the CLI tests share; source it after setting nothing. Counts in $checks and $fails.
checks=0
fails=0

check() {  # check DESCRIPTION COMMAND...
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

json_field() {  # json_field NAME < JSON: the first value of "NAME" (string or number)
  grep -o "\"$1\":\(\"[^\"]*\"\|[0-9-]*\)" | head -1 | sed -e "s/^\"$1\"://" -e 's/^"//' -e 's/"$//'
}

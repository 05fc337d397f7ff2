#!/bin/sh
# Golden end-to-end tests: run xref on corpus/ in every format and compare
# with tests/golden/*.  `sh tests/golden.sh update` (make golden) refreshes
# the expected files after a deliberate change; review the diff before
# committing it.
set -u
mode=${1:-check}
xref=${XREF:-./xref}
dir=tests/golden
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# name | arguments
cases='
corpus.table|--color never --width 100 corpus/
corpus.json|--format json corpus/
corpus.md|--format md corpus/
corpus.csv|--format csv corpus/
corpus.html|--format html corpus/
extract.json|extract --format json corpus/
'

pass=0
failed=0
echo "$cases" | while IFS='|' read -r name args; do
  [ -n "$name" ] || continue
  # shellcheck disable=SC2086
  NO_COLOR=1 XREF_RULES=rules "$xref" $args >"$tmp/$name" 2>"$tmp/$name.err"
  status=$?
  if [ $status -ne 0 ]; then
    echo "FAIL $name: xref exited $status"; cat "$tmp/$name.err"; echo fail >>"$tmp/failed"; continue
  fi
  if [ "$mode" = update ]; then
    cp "$tmp/$name" "$dir/$name"; echo "updated $dir/$name"
  elif diff -u "$dir/$name" "$tmp/$name" >"$tmp/$name.diff"; then
    echo "ok   $name"; echo ok >>"$tmp/passed"
  else
    echo "FAIL $name"; head -60 "$tmp/$name.diff"; echo fail >>"$tmp/failed"
  fi
done
pass=$( [ -f "$tmp/passed" ] && wc -l <"$tmp/passed" || echo 0)
failed=$( [ -f "$tmp/failed" ] && wc -l <"$tmp/failed" || echo 0)
[ "$mode" = update ] && exit "$([ "$failed" -eq 0 ] && echo 0 || echo 1)"
echo "golden: $pass passed, $failed failed"
[ "$failed" -eq 0 ]

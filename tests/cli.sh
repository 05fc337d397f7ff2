#!/bin/sh
# Command-line tests of the built binary: exit codes, error messages,
# --fail-on, --only, -o (atomic, through symlinks), NO_COLOR, `xref
# extract`, and a corpus with broken files beside good ones.
#
#   XREF=build/plain/xref sh tests/cli.sh      (make check runs it)
#
# Run from the source tree.  Prints "cli: N passed, M failed" and exits 1
# when a check fails.
set -u

xref=${XREF:-./xref}
case $xref in /*) ;; *) xref=$PWD/$xref ;; esac
corpus=$PWD/corpus
: "${XREF_RULES:=$PWD/rules}"
export XREF_RULES
unset NO_COLOR COLUMNS

tmp=$(mktemp -d "${TMPDIR:-/tmp}/xref-cli.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' INT TERM HUP

passed=0
failed=0
status=0

ok () { passed=$((passed + 1)); echo "ok   $1"; }
bad ()
{
  failed=$((failed + 1)); echo "FAIL $1"
  if [ -s "$tmp/err" ]; then sed -n '1,5s/^/     stderr: /p' "$tmp/err"; fi
}

# run ARGS…: runs xref, stdout in $tmp/out, stderr in $tmp/err, exit in $status.
run () { "$xref" "$@" >"$tmp/out" 2>"$tmp/err"; status=$?; }

# expect NAME CODE [STDERR-PATTERN]: checks the last run's exit status and
# (an extended regex) its stderr.
expect ()
{
  if [ "$status" -ne "$2" ]; then
    bad "$1: exit $status, expected $2"
  elif [ $# -ge 3 ] && ! grep -Eq -- "$3" "$tmp/err"; then
    bad "$1: stderr does not match /$3/"
  else
    ok "$1"
  fi
}

# only_entries DIR NAME…: DIR holds exactly the entries NAME… (no temp file).
# The names are this script's own, so ls is safe here.
# shellcheck disable=SC2012
only_entries ()
{
  d=$1; shift
  want=$(printf '%s\n' "$@" | sort)
  have=$(ls -A "$d" | sort)
  [ "$want" = "$have" ]
}

# n_esc FILE: the number of ESC bytes in FILE.
n_esc () { tr -dc '\033' <"$1" | wc -c | tr -d ' '; }

# article FILE DATE TEXT: writes a small article with a dateline.
article () { printf 'date %s\n\n%s\n' "$2" "$3" >"$1"; }

# Two articles that agree, and two where one negates what the other says.
mkdir "$tmp/agree" "$tmp/differ"
article "$tmp/agree/a.txt" 2023-03-06 "Russia attacked Poland in Warsaw, officials said."
article "$tmp/agree/b.txt" 2023-03-07 "Officials said that Russia attacked Poland in Warsaw."
article "$tmp/differ/a.txt" 2023-03-06 "Russia attacked Poland in Warsaw, officials said."
article "$tmp/differ/b.txt" 2023-03-07 "Officials said that Russia did not attack Poland."

# ---- help, version, usage errors ---------------------------------------------

run --help
expect "--help exits 0" 0
if grep -q 'Exit status' "$tmp/out"; then ok "--help documents the exit status"
else bad "--help documents the exit status"; fi

run --version
expect "--version exits 0" 0
if grep -Eq '^xref [0-9]+\.[0-9]+' "$tmp/out"; then ok "--version prints the version"
else bad "--version prints the version"; fi

run
expect "no path: exit 2 with an error" 2 '^xref: error:'
run "$tmp/no-such-folder"
expect "missing path: exit 2 naming it" 2 "^xref: error:.*no-such-folder"
run --format xml "$corpus"
expect "unknown format: exit 2" 2 "^xref: error:.*xml"
run --only sometimes "$corpus"
expect "bad --only value: exit 2" 2 "^xref: error:.*sometimes"
run --fail-on never "$corpus"
expect "bad --fail-on value: exit 2" 2 '^xref: error:'
run --no-such-option "$corpus"
expect "unknown option: exit 2" 2 '^xref: error:'

# A broken rule file given with --rules: nothing runs, file:line:col told.
mkdir "$tmp/badrules"
printf 'entities:\n  - id: test-thing\n    aliases: [one, two\n' >"$tmp/badrules/broken.yaml"
run --rules "$tmp/badrules" "$corpus"
expect "broken --rules YAML: exit 2 with file:line:col" 2 '^xref: error: .*broken\.yaml:[0-9]+:[0-9]+: '
if [ ! -s "$tmp/out" ]; then ok "broken --rules YAML: no report written"
else bad "broken --rules YAML: no report written"; fi

# ---- --fail-on and --only -----------------------------------------------------

run --fail-on differ "$tmp/differ"
expect "--fail-on differ with a differ row: exit 1" 1
run --format csv "$tmp/agree"
if [ "$status" -eq 0 ] && grep -q ',agree,' "$tmp/out" && ! grep -q ',differ,' "$tmp/out"; then
  run --fail-on differ "$tmp/agree"
  expect "--fail-on differ when all rows agree: exit 0" 0
else
  bad "the agreeing corpus gives agree rows and no differ row"
fi
run --fail-on agree "$tmp/agree"
expect "--fail-on agree with agree rows: exit 1" 1

# On the seed corpus: the exit status follows the differ rows it shows.
run --format csv "$corpus"
if grep -q ',differ,' "$tmp/out"; then want=1; else want=0; fi
run --fail-on differ "$corpus"
expect "--fail-on differ on the seed corpus: exit $want" "$want"

NO_COLOR=1 run --only differ,omit "$corpus"
if [ "$status" -eq 0 ] && ! grep -q 'AGREE' "$tmp/out" && grep -Eq 'DIFFER|OMIT' "$tmp/out"; then
  ok "--only differ,omit shows no AGREE row"
else
  bad "--only differ,omit shows no AGREE row (exit $status)"
fi

# ---- -o FILE ---------------------------------------------------------------------

mkdir "$tmp/o"
run --format json "$corpus"
cp "$tmp/out" "$tmp/stdout.json"
run --format json -o "$tmp/o/report.json" "$corpus"
if [ "$status" -eq 0 ] && [ ! -s "$tmp/out" ] && cmp -s "$tmp/stdout.json" "$tmp/o/report.json"; then
  ok "-o writes the bytes of stdout"
else
  bad "-o writes the bytes of stdout (exit $status)"
fi
if only_entries "$tmp/o" report.json; then ok "-o leaves no temporary file"
else bad "-o leaves no temporary file: $(echo "$tmp"/o/* "$tmp"/o/.[!.]*)"; fi

printf 'an older, longer report that must go away entirely\n%.0s' 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 \
  >"$tmp/o/report.json"
run --format json -o "$tmp/o/report.json" "$corpus"
if [ "$status" -eq 0 ] && cmp -s "$tmp/stdout.json" "$tmp/o/report.json" && only_entries "$tmp/o" report.json; then
  ok "-o replaces an existing file"
else
  bad "-o replaces an existing file (exit $status)"
fi

NO_COLOR=1 run --width 100 "$corpus"
cp "$tmp/out" "$tmp/stdout.table"
NO_COLOR=1 run --width 100 -o "$tmp/o/report.txt" "$corpus"
if [ "$status" -eq 0 ] && cmp -s "$tmp/stdout.table" "$tmp/o/report.txt"; then ok "-o writes the table as stdout shows it"
else bad "-o writes the table as stdout shows it (exit $status)"; fi

mkdir "$tmp/target" "$tmp/link"
echo old >"$tmp/target/report.json"
ln -s "$tmp/target/report.json" "$tmp/link/report.json"
run --format json -o "$tmp/link/report.json" "$corpus"
if [ "$status" -eq 0 ] && [ -L "$tmp/link/report.json" ] && cmp -s "$tmp/stdout.json" "$tmp/target/report.json" \
   && only_entries "$tmp/link" report.json && only_entries "$tmp/target" report.json; then
  ok "-o through a symlink keeps the link and writes its target"
else
  bad "-o through a symlink keeps the link and writes its target (exit $status)"
fi

run --format json -o "$tmp/no-such-folder/report.json" "$corpus"
expect "-o into a missing folder: exit 2" 2 '^xref: error:'

# ---- colour ------------------------------------------------------------------------

NO_COLOR=1 run "$corpus"
if [ "$status" -eq 0 ] && [ "$(n_esc "$tmp/out")" -eq 0 ]; then ok "NO_COLOR=1: no ESC byte"
else bad "NO_COLOR=1: no ESC byte (exit $status)"; fi
run --color always "$corpus"
if [ "$status" -eq 0 ] && [ "$(n_esc "$tmp/out")" -gt 0 ]; then ok "--color always colours"
else bad "--color always colours (exit $status)"; fi

# On a terminal (script(1) gives one) colour is on by default, and NO_COLOR
# turns it off.
if script -qec true /dev/null </dev/null >/dev/null 2>&1; then
  TERM=xterm script -qec "'$xref' '$corpus'" /dev/null </dev/null >"$tmp/tty" 2>&1
  TERM=xterm NO_COLOR=1 script -qec "'$xref' '$corpus'" /dev/null </dev/null >"$tmp/tty-nc" 2>&1
  if [ "$(n_esc "$tmp/tty")" -gt 0 ] && [ "$(n_esc "$tmp/tty-nc")" -eq 0 ]; then
    ok "on a terminal: colour by default, none with NO_COLOR=1"
  else
    bad "on a terminal: colour by default ($(n_esc "$tmp/tty") ESC), none with NO_COLOR=1 ($(n_esc "$tmp/tty-nc") ESC)"
  fi
else
  echo "skip on a terminal: script(1) with -qec is not available"
fi

# ---- xref extract --------------------------------------------------------------------

run extract --format json "$corpus/002_790dc0bc9b5edaac.txt"
expect "extract --format json on one file: exit 0" 0
if command -v python3 >/dev/null 2>&1; then
  if python3 -m json.tool <"$tmp/out" >/dev/null 2>&1; then ok "extract --format json parses"
  else bad "extract --format json parses"; fi
else
  echo "skip extract --format json parses: no python3 (test-e2e checks it with jansson)"
fi

# ---- broken files beside good articles ---------------------------------------------

mkdir "$tmp/mixed"
cp "$tmp/agree/a.txt" "$tmp/agree/b.txt" "$tmp/mixed/"
: >"$tmp/mixed/empty.txt"
printf '\211PNG\r\n\032\n\000\000\000\rIHDR\000\000\000\001\000\000\000\001' >"$tmp/mixed/image.txt"
printf 'Some text \377\376 here, and \300 more.\n' >"$tmp/mixed/latin.txt"
run --format csv "$tmp/mixed"
expect "empty, binary and invalid UTF-8 files beside articles: exit 0" 0
for f in empty.txt image.txt latin.txt; do
  if grep -q "^xref: warning: .*$f" "$tmp/err"; then ok "a warning names $f"
  else bad "a warning names $f"; fi
done
if grep -q ',a\.txt,states,a\.txt#' "$tmp/out" && grep -q ',b\.txt,states,b\.txt#' "$tmp/out"; then
  ok "rows still come from the good articles"
else
  bad "rows still come from the good articles"
fi
run extract --format json "$tmp/mixed"
if [ "$status" -eq 0 ] && grep -Eq '"doc": *"a\.txt"' "$tmp/out"; then ok "claims still come from the good articles"
else bad "claims still come from the good articles (exit $status)"; fi

# A report larger than the 1 MiB stdout streaming chunk comes out the same
# streamed to stdout as built whole for -o (nothing lost at a chunk edge).
mkdir -p "$tmp/big"
i=0
while [ $i -lt 60 ]; do
  for f in "$corpus"/*.txt; do cp "$f" "$tmp/big/$i-$(basename "$f")"; done
  i=$((i + 1))
done
run extract --format json "$tmp/big"
cp "$tmp/out" "$tmp/big-stdout.json"
run extract --format json -o "$tmp/big-file.json" "$tmp/big"
size=$(wc -c <"$tmp/big-file.json")
if [ "$status" -eq 0 ] && [ "$size" -gt 1048576 ] && cmp -s "$tmp/big-stdout.json" "$tmp/big-file.json"; then
  ok "a streamed report over 1 MiB ($size bytes) equals the one written with -o"
else
  bad "a streamed report over 1 MiB equals the one written with -o (exit $status, $size bytes)"
fi

# The corpus walk runs beside the rules load: its warnings still come out
# whole, once, in walk order, and none when the rules fail (the walk's
# result is then never used).
mkdir -p "$tmp/walk/sub" "$tmp/badrules"
cp "$tmp/agree/a.txt" "$tmp/walk/"
ln -s nowhere "$tmp/walk/broken"
ln -s ../sub "$tmp/walk/sub/loop"
run --format csv "$tmp/walk"
if [ "$status" -eq 0 ] \
   && [ "$(grep -c '^xref: warning: ' "$tmp/err")" -eq 2 ] \
   && sed -n 1p "$tmp/err" | grep -q 'broken: broken symlink, skipped' \
   && sed -n 2p "$tmp/err" | grep -q 'loop: symlink loop, folder skipped'; then
  ok "the walk's warnings, once each and in walk order"
else
  bad "the walk's warnings, once each and in walk order (exit $status)"
fi
printf 'x: 1\n' >"$tmp/badrules/x.yaml"
run --rules "$tmp/badrules" --format csv "$tmp/walk"
if [ "$status" -eq 2 ] && ! grep -q '^xref: warning: ' "$tmp/err" && grep -q "x.yaml:1:1: unknown key 'x'" "$tmp/err"; then
  ok "broken rules: the rules error alone, no walk warnings"
else
  bad "broken rules: the rules error alone, no walk warnings (exit $status)"
fi

echo "cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

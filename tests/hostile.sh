#!/bin/sh
# Hostile inputs for the built binary (issue 8; the table of cases and
# outcomes is tests/README.md):
#  - hostile articles beside two good ones: each gives its warning, the run
#    exits 0, and the good articles still give their rows;
#  - hostile rule files: refused with file:line:col, or bounded, within a
#    second;
#  - hostile text in the reports: HTML, CSV, Markdown, terminal, JSON;
#  - nothing lost: -o survives kill -9, the corpus is never written;
#  - exit codes.
#
#   XREF=build/plain/xref sh tests/hostile.sh      (make check runs it)
#
# Run from the source tree.  Prints "hostile: N passed, M failed" and exits
# 1 when a check fails.  Needs python3 for the JSON checks and setpriv (or
# running as a non-root user) for the unreadable file; skips them otherwise.
# The checks are strings that `check` evals, so they are single-quoted.
# shellcheck disable=SC2016
set -u

xref=${XREF:-./xref}
case $xref in /*) ;; *) xref=$PWD/$xref ;; esac
src=$PWD
: "${XREF_RULES:=$PWD/rules}"
unset NO_COLOR COLUMNS
# Per-run time limit: a hang is a failure, not a stuck CI job.
limit=${HOSTILE_TIMEOUT:-120}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/xref-hostile.XXXXXX") || exit 2
chmod 755 "$tmp"
cleanup () { chmod -R u+rwX "$tmp" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
trap 'exit 2' INT TERM HUP

# A snapshot of the rules, so that reports compared with each other come
# from the same rules even while someone edits rules/.
cp -r "$XREF_RULES" "$tmp/rules"
XREF_RULES=$tmp/rules
export XREF_RULES

passed=0
failed=0
status=0
ms=0

ok () { passed=$((passed + 1)); echo "ok   $1"; }
bad ()
{
  failed=$((failed + 1)); echo "FAIL $1"
  if [ -s "$tmp/err" ]; then sed -n '1,5s/^/     stderr: /p' "$tmp/err" | cut -c1-300; fi
}
check () { if eval "$2"; then ok "$1"; else bad "$1"; fi; }

now_ms () { echo $(($(date +%s%N) / 1000000)); }

# run ARGS…: runs xref under the time limit; stdout in $tmp/out, stderr in
# $tmp/err, exit in $status, wall time in $ms.
run ()
{
  t0=$(now_ms)
  timeout -k 5 "$limit" "$xref" "$@" >"$tmp/out" 2>"$tmp/err"
  status=$?
  ms=$(($(now_ms) - t0))
}

# has_rows: the last CSV run shows rows stated by good-a.txt and good-b.txt.
has_rows ()
{
  grep -q ',good-a\.txt,states,good-a\.txt#' "$tmp/out" && grep -q ',good-b\.txt,states,good-b\.txt#' "$tmp/out"
}

good () { printf 'date 2023-03-06\n\nRussia attacked Poland in Warsaw, officials said.\n' >"$1/good-a.txt"
          printf 'date 2023-03-07\n\nOfficials said that Russia attacked Poland in Warsaw.\n' >"$1/good-b.txt"; }

# beside NAME WARNING-PATTERN [OPTION…]: runs CSV on the folder $tmp/NAME
# (which already holds the hostile entry) with the good articles added, and
# checks exit 0, a warning matching the extended regex, and the good rows.
beside ()
{
  name=$1 pattern=$2; shift 2
  good "$tmp/$name"
  run --format csv "$@" "$tmp/$name"
  if [ "$status" -ne 0 ]; then bad "$name: exit $status, expected 0 (${ms} ms)"
  elif [ -n "$pattern" ] && ! grep -Eq -- "^xref: warning: .*$pattern" "$tmp/err"; then
    bad "$name: no warning matching /$pattern/"
  elif ! has_rows; then bad "$name: the good articles beside it give no rows"
  else ok "$name: warns /${pattern:-nothing}/, good rows kept, exit 0 (${ms} ms)"; fi
}

# ==== hostile articles ===========================================================

# The files of tests/bad-input/, each beside the good articles.  Its .expect
# file says what ingest makes of it; here the command line must go on.
for f in "$src"/tests/bad-input/*; do
  case $f in *.expect|*/README.md) continue ;; esac
  base=${f##*/}; stem=${base%.*}
  mkdir "$tmp/in-$stem"
  cp "$f" "$tmp/in-$stem/"
  if grep -q '^error: binary file skipped' "$f".expect 2>/dev/null || grep -q '^error: binary file skipped' "${f%.*}.expect"; then
    pattern="$base: binary file skipped"
  elif grep -q '^warning: .*replaced' "${f%.*}.expect"; then
    pattern="$base: replaced [0-9]+ invalid UTF-8"
  else
    pattern=""
  fi
  beside "in-$stem" "$pattern"
done

# Empty and white-space-only files are not articles: warned about, skipped.
mkdir "$tmp/empty" "$tmp/blank"
: >"$tmp/empty/empty.txt"
printf ' \t\r\n\n   \n\302\240\n' >"$tmp/blank/blank.txt"
beside empty 'empty\.txt: no article text'
beside blank 'blank\.txt: no article text'

# Invalid UTF-8 and NUL bytes: repaired with a warning giving the first byte.
mkdir "$tmp/utf8" "$tmp/nul" "$tmp/binary"
printf 'date 2023-03-08\n\nRussia attacked Poland \377\376 in \300 Warsaw.\n' >"$tmp/utf8/latin.txt"
printf 'date 2023-03-08\n\nRussia attacked\000 Poland in Warsaw.\n' >"$tmp/nul/nul.txt"
head -c 4096 /dev/urandom >"$tmp/binary/random.txt"
printf '\211PNG\r\n\032\n\000\000\000\rIHDR' >>"$tmp/binary/random.txt"
beside utf8 'latin\.txt: replaced 3 invalid UTF-8 or NUL bytes, the first at byte 40'
beside nul 'nul\.txt: replaced 1 invalid UTF-8 or NUL byte'
beside binary 'random\.txt: (binary file skipped|replaced)'

# CRLF line ends with a byte-order mark: read as text, no warning, and its
# claim joins the good articles' rows.
mkdir "$tmp/crlf"
printf '\357\273\277date 2023-03-08\r\n\r\nRussia attacked Poland in Warsaw, officials said.\r\n' >"$tmp/crlf/crlf.txt"
beside crlf ''
check "crlf: no warning" '! grep -q "crlf\.txt" "$tmp/err"'
check "crlf: the CRLF article states the row too" 'grep -q ",crlf\.txt,states,crlf\.txt#" "$tmp/out"'

# A 20 MB single line: no line break at all.
mkdir "$tmp/long"
awk 'BEGIN { s = "lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore "; \
             for (i = 0; i < 200000; i++) printf "%s", s; printf "and Russia attacked Poland in Warsaw." }' >"$tmp/long/long.txt"
beside long ''
size=$(wc -c <"$tmp/long/long.txt")
check "long: the single line is $size bytes (>= 20 MB)" '[ "$size" -ge 20000000 ]'

# Symlink loops: a folder linking to itself, two links to each other, a
# dangling link.
mkdir "$tmp/loops"
ln -s . "$tmp/loops/self"
ln -s two.txt "$tmp/loops/one.txt"
ln -s one.txt "$tmp/loops/two.txt"
ln -s nowhere.txt "$tmp/loops/dangling.txt"
beside loops 'self: symlink loop, folder skipped'
check "loops: both looping links warned" 'grep -q "one\.txt: symlink loop" "$tmp/err" && grep -q "two\.txt: symlink loop" "$tmp/err"'
check "loops: the dangling link warned" 'grep -q "dangling\.txt" "$tmp/err"'

# A FIFO named like an article: never opened (opening it would block).
mkdir "$tmp/fifo"
if mkfifo "$tmp/fifo/feed.txt" 2>/dev/null; then
  beside fifo 'feed\.txt: a FIFO, skipped'
else
  echo "skip fifo: mkfifo failed"
fi

# An unreadable file, as an unprivileged user (root reads anything).
mkdir "$tmp/unreadable"
printf 'date 2023-03-08\n\nRussia attacked Poland.\n' >"$tmp/unreadable/secret.txt"
chmod 000 "$tmp/unreadable/secret.txt"
good "$tmp/unreadable"
chmod -R a+rX "$tmp/unreadable" 2>/dev/null; chmod 000 "$tmp/unreadable/secret.txt"
as_user=""
if [ "$(id -u)" != 0 ]; then
  as_user=" "
elif command -v setpriv >/dev/null 2>&1 && setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
  as_user="setpriv --reuid=65534 --regid=65534 --clear-groups"
fi
if [ -n "$as_user" ] && $as_user test -r "$xref" && $as_user test -r "$XREF_RULES"; then
  t0=$(now_ms)
  # shellcheck disable=SC2086
  timeout -k 5 "$limit" $as_user "$xref" --format csv "$tmp/unreadable" >"$tmp/out" 2>"$tmp/err"
  status=$? ms=$(($(now_ms) - t0))
  if [ "$status" -eq 0 ] && grep -q '^xref: warning: .*secret\.txt: cannot read: Permission denied' "$tmp/err" && has_rows; then
    ok "unreadable: as uid $($as_user id -u): warns 'cannot read: Permission denied', good rows kept, exit 0 (${ms} ms)"
  else
    bad "unreadable: as an unprivileged user (exit $status)"
  fi
else
  echo "skip unreadable: no unprivileged user to run as (setpriv), or it cannot read the build"
fi

# 10,000 small files.
mkdir "$tmp/many"
awk -v d="$tmp/many" 'BEGIN { for (i = 0; i < 10000; i++) { f = sprintf ("%s/n%05d.txt", d, i); \
  printf "date 2023-03-%02d\n\nThe ministry said on day %d that Russia attacked Poland.\n", i % 28 + 1, i >f; close (f) } }'
beside many ''
check "many: all 10,002 documents read" '[ "$(grep -c ",n[0-9]*\.txt,states," "$tmp/out")" -ge 10000 ]'

# File names with spaces, a newline, invalid UTF-8, a terminal escape.
mkdir "$tmp/names"
for n in "with space.txt" "new
line.txt" "$(printf 'bad\377\300name.txt')" "$(printf 'esc\033]0;owned\007.txt')"; do
  printf 'date 2023-03-08\n\nRussia attacked Poland in Warsaw.\n' >"$tmp/names/$n"
done
beside names ''
check "names: each odd name states the row" '[ "$(grep -c ",states," "$tmp/out")" -ge 6 ]'
run "$tmp/names"
check "names: the table shows no ESC or raw newline in a name" \
  '! grep -q "$(printf "\033")" "$tmp/out" && ! grep -q "^line\.txt" "$tmp/out"'
check "names: no ESC on stderr" '! grep -q "$(printf "\033")" "$tmp/err"'
if command -v python3 >/dev/null 2>&1; then
  run --format json "$tmp/names"
  check "names: JSON is valid UTF-8 and parses" \
    'python3 -c "import json,sys; json.loads(open(sys.argv[1],\"rb\").read().decode(\"utf-8\"))" "$tmp/out"'
fi

# ==== hostile rules =================================================================

# rules_refused NAME PATTERN: a rule folder $tmp/NAME makes xref exit 2 with
# file:line:col matching PATTERN, writes no report, and takes under a second.
rules_refused ()
{
  run --rules "$tmp/$1" "$src/corpus"
  if [ "$status" -eq 2 ] && grep -Eq -- "$2" "$tmp/err" && [ ! -s "$tmp/out" ] && [ "$ms" -lt 1000 ]; then
    ok "$1: refused in ${ms} ms: $(grep -Eo -- "$2" "$tmp/err" | head -1)"
  else
    bad "$1: exit $status in ${ms} ms, expected 2 with /$2/ under 1000 ms"
  fi
}

mkdir "$tmp/deep-flow" "$tmp/deep-block" "$tmp/deep-map" "$tmp/laughs" "$tmp/self-alias" "$tmp/dup-keys"
awk 'BEGIN { printf "entities: "; for (i = 0; i < 64000; i++) printf "["; for (i = 0; i < 64000; i++) printf "]"; print "" }' \
  >"$tmp/deep-flow/deep.yaml"
awk 'BEGIN { printf "entities:\n  "; for (i = 0; i < 64000; i++) printf "- "; print "x" }' >"$tmp/deep-block/deep.yaml"
awk 'BEGIN { printf "entities: "; for (i = 0; i < 64000; i++) printf "{a: "; printf "x"; \
             for (i = 0; i < 64000; i++) printf "}"; print "" }' >"$tmp/deep-map/deep.yaml"
rules_refused deep-flow 'deep\.yaml:1:[0-9]+: nesting deeper than'
rules_refused deep-block 'deep\.yaml:2:[0-9]+: nesting deeper than'
rules_refused deep-map 'deep\.yaml:1:[0-9]+: nesting deeper than'

cat >"$tmp/laughs/laughs.yaml" <<'EOF'
lexicon:
  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]
  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
  e: [*d, *d, *d, *d, *d, *d, *d, *d, *d]
EOF
printf 'lexicon:\n  determiners: &self [the, *self]\n' >"$tmp/self-alias/self.yaml"
printf 'entities:\n  - id: thing\n    id: other\n    type: concept\n' >"$tmp/dup-keys/dup.yaml"
rules_refused laughs 'laughs\.yaml:2:[0-9]+: anchors .* are not allowed'
rules_refused self-alias 'self\.yaml:2:[0-9]+: (anchors|aliases) .* are not allowed'
rules_refused dup-keys "dup\.yaml:3:5: duplicate key 'id'"

# Catastrophic regexes, loaded (they are valid PCRE2) and bounded at match
# time by PCRE2's match limit: the run finishes within a second with a
# warning naming the rule, and the good rows stay.
mkdir "$tmp/redos-rules" "$tmp/redos"
cp "$src/tests/hostile/redos.yaml" "$tmp/redos-rules/"
awk 'BEGIN { printf "date 2023-03-08\n\nRussia attacked Poland in "; for (i = 0; i < 40000; i++) printf "a"; \
             print "! Officials said so."; printf "Russia attacked Poland in Warsaw"; \
             for (i = 0; i < 40000; i++) printf " "; print "x."; \
             for (i = 0; i < 40000; i++) printf " "; print "x" }' >"$tmp/redos/redos.txt"
beside redos 'redos\.txt: .*match limit' --rules "$tmp/redos-rules"
check "redos: bounded under a second (${ms} ms)" '[ "$ms" -lt 1000 ]'
check "redos: the warning gives the rule's file:line:col" 'grep -Eq "redos\.yaml:[0-9]+:[0-9]+" "$tmp/err"'

# ==== hostile text in the reports ===================================================

mkdir "$tmp/inject"
printf 'date 2023-03-06\n\nRussia attacked Poland in Warsaw <script>alert(1)</script>, officials said.\n' \
  >"$tmp/inject/=HYPERLINK(1) <img src=x onerror=alert(1)>.txt"
printf -- '---\ntitle: "\342\200\256evil\342\200\254 <b>&amp;"\noutlet: "+cmd|calc"\ndate: 2023-03-07\n---\n\nOfficials said that Russia attacked Poland in \033[2JWarsaw.\n' \
  >"$tmp/inject/@evil.md"
printf 'date 2023-03-08\n\nRussia attacked Poland in Warsaw\342\200\256 \033]0;t\007.\n' >"$tmp/inject/-bidi.txt"

run --format html "$tmp/inject"
check "html: a Content-Security-Policy with default-src 'none'" \
  'grep -q "http-equiv=\"Content-Security-Policy\" content=\"default-src '"'"'none'"'"'" "$tmp/out"'
check "html: one <script>, xref's own, named by hash in the CSP" \
  '[ "$(grep -oi "<script" "$tmp/out" | wc -l)" -le 1 ] && { ! grep -qi "<script" "$tmp/out" || grep -q "script-src .sha256-" "$tmp/out"; }'
check "html: no <img> or <b> from the articles" '! grep -Eqi "<(img|b)[ >]" "$tmp/out"'
check "html: the file name's <img> shown escaped" 'grep -q "&lt;img src=x onerror=alert(1)&gt;" "$tmp/out"'
check "html: no ESC and no bidi override" \
  '! grep -q "$(printf "\033")" "$tmp/out" && ! grep -q "$(printf "\342\200\256")" "$tmp/out"'

run --format csv "$tmp/inject"
check "csv: no cell starts with = + - @ (OWASP)" \
  '! grep -Eq "(^|,)\"?[=+@-]" "$tmp/out"'
check "csv: file names kept, neutralised with a leading '" \
  'grep -q "'"'"'=HYPERLINK" "$tmp/out" && grep -q "'"'"'@evil\.md" "$tmp/out"'

run --format md "$tmp/inject"
check "md: no raw <script or <img" '! grep -Eqi "(^|[^\\\\])<(script|img)" "$tmp/out"'
check "md: no ESC" '! grep -q "$(printf "\033")" "$tmp/out"'

NO_COLOR=1 run "$tmp/inject"
check "table: no ESC, bidi override or C0 control but newline" \
  '! LC_ALL=C grep -q "[[:cntrl:]]" "$tmp/out" && ! grep -q "$(printf "\342\200[\252-\256]")" "$tmp/out"'
check "table: the title is still shown, cleaned" 'grep -q "evil" "$tmp/out"'
check "stderr: no ESC from article text in warnings" '! grep -q "$(printf "\033")" "$tmp/err"'

if command -v python3 >/dev/null 2>&1; then
  run --format json "$tmp/inject"
  check "json: valid UTF-8 that parses" \
    'python3 -c "import json,sys; json.loads(open(sys.argv[1],\"rb\").read().decode(\"utf-8\"))" "$tmp/out"'
fi

# ==== nothing lost ===================================================================

# A large corpus: HOSTILE_COPIES (default 100) copies of the seed articles.
copies=${HOSTILE_COPIES:-100}
mkdir "$tmp/large" "$tmp/reports"
i=0
while [ $i -lt "$copies" ]; do
  for f in "$src"/corpus/*.txt; do cp "$f" "$tmp/large/$i-${f##*/}"; done
  i=$((i + 1))
done
cp -r "$src/corpus/.xref" "$tmp/large/"
snapshot () { (cd "$1" && find . -printf '%p %s %T@ %m\n' | sort); }
snapshot "$tmp/large" >"$tmp/before"

# The old report (agree rows only) and the new one (every row).
run --format json --only agree -o "$tmp/reports/old.json" "$tmp/large"
check "large: the old report of $((copies * 5)) articles (exit $status, ${ms} ms)" \
  '[ "$status" -eq 0 ] && [ -s "$tmp/reports/old.json" ]'
run --format json -o "$tmp/reports/new.json" "$tmp/large"
full_ms=$ms
check "large: the new report (exit $status, ${ms} ms)" \
  '[ "$status" -eq 0 ] && [ -s "$tmp/reports/new.json" ] && ! cmp -s "$tmp/reports/old.json" "$tmp/reports/new.json"'

# kill -9 at spread moments of the run, most near its end where the report
# is written: the report is always the old complete one or the new
# complete one, never a mix or a truncation.
kills=0 torn=0 old=0 new=0
for pct in 10 30 50 70 80 90 95 98 100 102 105 110 120 150 200 300; do
  cp "$tmp/reports/old.json" "$tmp/reports/report.json"
  "$xref" --format json -o "$tmp/reports/report.json" "$tmp/large" 2>/dev/null &
  pid=$!
  sleep "$(awk -v t="$full_ms" -v p="$pct" 'BEGIN { printf "%.3f", t * p / 100000 }')"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  [ $? -eq 137 ] && kills=$((kills + 1))
  if cmp -s "$tmp/reports/report.json" "$tmp/reports/old.json"; then old=$((old + 1))
  elif cmp -s "$tmp/reports/report.json" "$tmp/reports/new.json"; then new=$((new + 1))
  else
    torn=$((torn + 1))
    echo "     torn at $pct%: $(wc -c <"$tmp/reports/report.json") bytes, old $(wc -c <"$tmp/reports/old.json"), new $(wc -c <"$tmp/reports/new.json")"
  fi
done
check "kill -9 at 10-300% of a ${full_ms} ms run: $kills of 16 runs killed; reports: $old old, $new new, $torn torn" \
  '[ "$torn" -eq 0 ] && [ "$kills" -gt 0 ]'
rm -f "$tmp"/reports/.report.json.*
check "large: no run, killed or not, wrote into the corpus" \
  'snapshot "$tmp/large" >"$tmp/after"; cmp -s "$tmp/before" "$tmp/after"'

# ==== exit codes ======================================================================

run --version;                                  check "exit 0: --version" '[ "$status" -eq 0 ]'
run "$tmp/crlf";                                check "exit 0: a corpus" '[ "$status" -eq 0 ]'
run "$tmp/empty";                               check "exit 0: a corpus of only hostile files is no error" '[ "$status" -eq 0 ]'
run --fail-on agree "$tmp/crlf";                check "exit 1: --fail-on agree with agree rows" '[ "$status" -eq 1 ]'
run --fail-on differ "$tmp/crlf";               check "exit 0: --fail-on differ without differ rows" '[ "$status" -eq 0 ]'
run --bogus "$tmp/crlf";                        check "exit 2: unknown option" '[ "$status" -eq 2 ]'
run --width "$tmp/crlf";                        check "exit 2: option without its value" '[ "$status" -eq 2 ]'
run "$tmp/absent";                              check "exit 2: missing input" '[ "$status" -eq 2 ]'
run --rules "$tmp/absent" "$tmp/crlf";          check "exit 2: missing rules folder" '[ "$status" -eq 2 ]'
run --rules "$tmp/dup-keys" "$tmp/crlf";        check "exit 2: invalid rules" '[ "$status" -eq 2 ]'
run -o "$tmp" "$tmp/crlf";                      check "exit 2: -o names a folder" '[ "$status" -eq 2 ] && grep -q "^xref: error:" "$tmp/err"'
run -o "$tmp/absent/r.txt" "$tmp/crlf";         check "exit 2: -o in a missing folder" '[ "$status" -eq 2 ]'
# A full disk: the report cannot be written, so exit 2 with a message
# (stdout streamed with write(2) to /dev/full fails at the first write).
if [ -w /dev/full ]; then
  timeout -k 5 "$limit" "$xref" --format json "$tmp/large" >/dev/full 2>"$tmp/err"; status=$?
  check "exit 2: stdout on a full disk" '[ "$status" -eq 2 ] && grep -q "^xref: error: cannot write to standard output" "$tmp/err"'
fi
# -o: the report is streamed to a temporary file beside the target and
# renamed over it only when whole; nothing of it is left behind.
run --format json -o "$tmp/reports/streamed.json" "$tmp/large"
check "-o: the streamed report is whole and no temporary file is left" \
  '[ "$status" -eq 0 ] && "$xref" --format json "$tmp/large" 2>/dev/null | cmp -s - "$tmp/reports/streamed.json" && [ -z "$(ls -A "$tmp/reports" | grep "^\.streamed")" ]'
run --fail-on differ --rules "$tmp/dup-keys" "$tmp/crlf"
check "exit 2 wins over --fail-on" '[ "$status" -eq 2 ]'

echo "hostile: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/bin/sh
# The HTML report in a real browser: headless Chromium loads the page of
# the seed corpus and of tests/html/evil/ (articles carrying <script> and
# onerror= payloads), runs it, and dumps the DOM.  The test checks that the
# table is there, that xref's own script ran (it marks <html data-ready>,
# allowed by the CSP hash) and filtered as asked ("#q=…"), and that nothing
# from article text ran (no data-pwned attribute).
# Needs chromium (`make deps-browser`); `make check` skips it otherwise.
set -u
xref=${XREF:-./xref}
browser=${CHROMIUM:-chromium}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

dump () { # file url-suffix → DOM on stdout
  "$browser" --headless --no-sandbox --disable-gpu --no-first-run --no-default-browser-check \
    --user-data-dir="$tmp/profile" --virtual-time-budget=5000 --dump-dom "file://$1$2" 2>"$tmp/browser.err"
}

check () { # name pattern file: the DOM must (or, with !, must not) hold pattern
  name=$1; shift
  if [ "$1" = "!" ]; then
    shift
    if grep -q -- "$1" "$2"; then echo "FAIL $name"; fail=1; else echo "ok   $name"; fi
  elif grep -q -- "$1" "$2"; then echo "ok   $name"; else echo "FAIL $name"; fail=1; fi
}

for corpus in corpus tests/html/evil; do
  page="$tmp/$(basename "$corpus").html"
  NO_COLOR=1 "$xref" --format html -o "$page" "$corpus" || { echo "FAIL xref on $corpus"; exit 1; }
  dump "$page" "" >"$page.dom"
  if [ ! -s "$page.dom" ]; then echo "FAIL chromium dumped nothing:"; cat "$tmp/browser.err"; exit 1; fi
  check "$corpus: the table is there" '<table id="rows">' "$page.dom"
  check "$corpus: xref's script ran" 'data-ready="1"' "$page.dom"
  check "$corpus: every row shown" '<span id="shown">\([0-9]*\) of \1 rows</span>' "$page.dom"
  check "$corpus: no script from article text ran" ! '<html[^>]*data-pwned' "$page.dom"
done
check "evil: the payload is shown as text" '&lt;script&gt;document' "$tmp/evil.html.dom"

# were escaping ever to fail, the Content-Security-Policy would still stop
# a script that is not xref's own: inject one and see it blocked
sed 's|<h1>|<script>document.documentElement.setAttribute("data-pwned","csp")</script><h1>|' \
  "$tmp/evil.html" >"$tmp/injected.html"
dump "$tmp/injected.html" "" >"$tmp/injected.dom"
check "csp: an injected script is blocked" ! '<html[^>]*data-pwned' "$tmp/injected.dom"
check "csp: xref's own script still runs" 'data-ready="1"' "$tmp/injected.dom"

# the filter from the address: only differ rows hold "negation-flip"
dump "$tmp/evil.html" "#q=negation-flip" >"$tmp/filtered.dom"
check "filter: one row left" '<span id="shown">1 of [0-9]* rows</span>' "$tmp/filtered.dom"

[ $fail -eq 0 ] && echo "html: headless Chromium checks passed"
exit $fail

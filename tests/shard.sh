#!/bin/sh
# Sharded extraction + one match gives the same output as one run, byte for
# byte: `xref extract --format jsonl --shard K/N` over GNU parallel (the map
# step), `xref match` over the shards (the reduce step), compared with
# `xref` on the whole corpus in every format; and one thread against two.
#
#   XREF=build/plain/xref XREF_RULES=rules sh tests/shard.sh
set -eu
XREF=${XREF:-./xref}
case $XREF in /*) ;; *) XREF=$PWD/$XREF ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The seed corpus plus an article that only the corpus year pass can date.
mkdir -p "$tmp/corpus"
cp -R corpus/. "$tmp/corpus/"
cp tests/cases/shard/undated.txt "$tmp/corpus/zz-undated.txt"
story="--rules $tmp/corpus/.xref/rules"
fails=0
n=0

check () {   # NAME FILE1 FILE2
  n=$((n + 1))
  if cmp -s "$2" "$3"; then :; else
    echo "shard: FAIL $1"; diff "$2" "$3" | head -20; fails=$((fails + 1))
  fi
}

"$XREF" extract --format jsonl "$tmp/corpus" > "$tmp/all.jsonl"
grep -q '"undated":' "$tmp/all.jsonl" || { echo "shard: FAIL the test article is not undated"; exit 1; }

for shards in 2 3 7; do
  rm -f "$tmp"/part-*.jsonl
  # The map step: one xref per shard, run by GNU parallel.
  seq 0 $((shards - 1)) | parallel -j 2 "'$XREF' extract --format jsonl --shard {}/$shards '$tmp/corpus' > '$tmp/part-{}.jsonl'"
  for fmt in json table md csv html; do
    "$XREF" --format $fmt --width 120 "$tmp/corpus" > "$tmp/single.$fmt"
    # The reduce step: shards in any order.
    "$XREF" match --format $fmt --width 120 $story $(ls -r "$tmp"/part-*.jsonl) > "$tmp/sharded.$fmt"
    check "$shards shards, --format $fmt" "$tmp/single.$fmt" "$tmp/sharded.$fmt"
  done
done

# Threads: one against two, and extraction as jsonl (one line per document).
"$XREF" --format json --jobs 1 "$tmp/corpus" > "$tmp/j1.json"
"$XREF" --format json --jobs 2 "$tmp/corpus" > "$tmp/j2.json"
check "--jobs 1 against --jobs 2" "$tmp/j1.json" "$tmp/j2.json"
"$XREF" extract --format json --jobs 1 "$tmp/corpus" > "$tmp/x1.json"
"$XREF" extract --format json --jobs 3 "$tmp/corpus" > "$tmp/x3.json"
check "extract --jobs 1 against --jobs 3" "$tmp/x1.json" "$tmp/x3.json"
docs=$(ls "$tmp/corpus"/*.txt | wc -l)
lines=$(wc -l < "$tmp/all.jsonl")
n=$((n + 1))
[ "$docs" -eq "$lines" ] || { echo "shard: FAIL $lines jsonl lines for $docs documents"; fails=$((fails + 1)); }

# A line that is not a record is an error with file:line.
printf '{"document":{"id":"x"}}\n' > "$tmp/bad.jsonl"
n=$((n + 1))
if "$XREF" match $story "$tmp/all.jsonl" "$tmp/bad.jsonl" > /dev/null 2> "$tmp/err"; then
  echo "shard: FAIL a bad record was accepted"; fails=$((fails + 1))
else
  grep -q "bad.jsonl:1: " "$tmp/err" || { echo "shard: FAIL no file:line in: $(cat "$tmp/err")"; fails=$((fails + 1)); }
fi
# A hostile document length (the text is rebuilt at that length) is an
# error, not an attempt to allocate it.
printf '{"document":{"id":"x.txt","length":99999999999},"claims":[]}\n' > "$tmp/huge.jsonl"
n=$((n + 1))
st=0; "$XREF" match $story "$tmp/huge.jsonl" > /dev/null 2> "$tmp/err" || st=$?
[ $st -eq 2 ] && grep -q "huge.jsonl:1: document length exceeds" "$tmp/err" \
  || { echo "shard: FAIL a huge document length gave exit $st: $(cat "$tmp/err")"; fails=$((fails + 1)); }
n=$((n + 1))
if "$XREF" extract --shard 3/3 "$tmp/corpus" > /dev/null 2>&1; then
  echo "shard: FAIL --shard 3/3 was accepted"; fails=$((fails + 1))
fi

[ $fails -eq 0 ] || { echo "shard: $fails of $n checks failed"; exit 1; }
echo "shard: $n checks passed (sharded extraction + match = one run; threads = one thread)"

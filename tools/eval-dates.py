#!/usr/bin/env python3
"""Scores xref's time expressions against TimeML gold (TempEval-3 style).

    tools/eval-dates.py [--xref ./xref] [--data ../shared/data/timeml-train]
                        [--work build/eval-dates] [--rules DIR] [--errors N]
                        [--doc NAME] [--dump FILE]

Writes every document of DATA/docs with its creation date (gold `dct`) as
YAML front matter into WORK, runs `xref extract --format json` over WORK,
and compares the `timexes` of each document with DATA/gold/<doc>.json:

  - strict span match: same start and end; relaxed: the spans overlap
    (TempEval-3, UzZaman et al. 2013), one gold expression per system one;
  - precision, recall and F1 for both;
  - type and value accuracy over the relaxed matches, and the attribute
    F1 of TempEval-3 (relaxed F1 times the accuracy);
  - the most frequent value errors, missed and spurious expressions.

Gold offsets count code points of the .txt; xref's count bytes of the file
it read, front matter included, so each is mapped back to code points.
Dev data only: never part of `make check`.
"""

import argparse
import collections
import json
import os
import shutil
import subprocess
import sys


def load_gold(data):
    gold = {}
    for name in sorted(os.listdir(os.path.join(data, "gold"))):
        if not name.endswith(".json"):
            continue
        with open(os.path.join(data, "gold", name), encoding="utf-8") as f:
            g = json.load(f)
        gold[name[:-5]] = g
    return gold


def write_docs(data, work, gold):
    """Writes WORK/<doc>.txt with front matter; returns doc -> (prefix bytes, text bytes)."""
    if os.path.isdir(work):
        shutil.rmtree(work)
    os.makedirs(work)
    docs = {}
    for doc, g in gold.items():
        with open(os.path.join(data, "docs", doc + ".txt"), "rb") as f:
            body = f.read()
        dct = g["dct"]["value"][:10]
        prefix = ("---\ndate: %s\n---\n" % dct).encode()
        with open(os.path.join(work, doc + ".txt"), "wb") as f:
            f.write(prefix + body)
        docs[doc] = (len(prefix), body)
    return docs


def byte_to_cp(body, off):
    return len(body[:max(off, 0)].decode("utf-8", errors="replace"))


def run_xref(xref, work, rules):
    env = dict(os.environ)
    env["XREF_RULES"] = rules
    p = subprocess.run([xref, "extract", "--format", "json", work], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=env, check=False)
    if p.returncode != 0:
        sys.stderr.write(p.stderr.decode(errors="replace"))
        sys.exit("eval-dates: xref failed with exit code %d" % p.returncode)
    return json.loads(p.stdout)


def match(gold, system):
    """One-to-one pairs (g, s) of overlapping spans, largest overlap first."""
    cands = []
    for gi, g in enumerate(gold):
        for si, s in enumerate(system):
            ov = min(g["end"], s["end"]) - max(g["start"], s["start"])
            if ov > 0:
                cands.append((-ov, gi, si))
    cands.sort()
    used_g, used_s, pairs = set(), set(), []
    for _, gi, si in cands:
        if gi in used_g or si in used_s:
            continue
        used_g.add(gi)
        used_s.add(si)
        pairs.append((gi, si))
    return pairs


def prf(tp_p, n_sys, tp_r, n_gold):
    p = tp_p / n_sys if n_sys else 0.0
    r = tp_r / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--xref", default="./xref")
    ap.add_argument("--data", default="../shared/data/timeml-train")
    ap.add_argument("--work", default="build/eval-dates")
    ap.add_argument("--rules", default=os.environ.get("XREF_RULES") or
                    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "rules"))
    ap.add_argument("--errors", type=int, default=15, help="rows in each error list")
    ap.add_argument("--doc", help="score one document only and list everything")
    ap.add_argument("--dump", help="write every mismatch as TSV to this file")
    args = ap.parse_args()

    gold = load_gold(args.data)
    if args.doc:
        gold = {args.doc: gold[args.doc]}
    docs = write_docs(args.data, args.work, gold)
    out = run_xref(args.xref, args.work, args.rules)

    n_gold = n_sys = strict = relaxed = type_ok = value_ok = 0
    value_err = collections.Counter()
    type_err = collections.Counter()
    missed = collections.Counter()
    spurious = collections.Counter()
    dump = []
    seen = set()
    for d in out["documents"]:
        doc = d["id"][:-4] if d["id"].endswith(".txt") else d["id"]
        if doc not in gold:
            continue
        seen.add(doc)
        plen, body = docs[doc]
        gt = gold[doc]["timex"]
        st = []
        for t in d.get("timexes", []):
            st.append(dict(t, start=byte_to_cp(body, t["start"] - plen), end=byte_to_cp(body, t["end"] - plen)))
        n_gold += len(gt)
        n_sys += len(st)
        pairs = match(gt, st)
        mg = {gi for gi, _ in pairs}
        ms = {si for _, si in pairs}
        for gi, si in pairs:
            g, s = gt[gi], st[si]
            relaxed += 1
            if g["start"] == s["start"] and g["end"] == s["end"]:
                strict += 1
            else:
                dump.append((doc, "span", g["text"], s["text"], g["value"], s["value"], str(g["start"])))
            if g["type"] == s["type"]:
                type_ok += 1
            else:
                type_err[(g["type"], s["type"])] += 1
            if g["value"] == s["value"]:
                value_ok += 1
            else:
                value_err[(g["text"], g["value"], s["value"])] += 1
                dump.append((doc, "value", g["text"], s["text"], g["value"], s["value"], str(g["start"])))
        for gi, g in enumerate(gt):
            if gi not in mg:
                missed[g["text"].lower()] += 1
                dump.append((doc, "missed", g["text"], "", g["value"], "", str(g["start"])))
        for si, s in enumerate(st):
            if si not in ms:
                spurious[s["text"].lower()] += 1
                dump.append((doc, "spurious", "", s["text"], "", s["value"], str(s["start"])))
    for doc in gold:
        if doc not in seen:
            n_gold += len(gold[doc]["timex"])
            missed["<document %s not read>" % doc] += len(gold[doc]["timex"])

    sp, sr, sf = prf(strict, n_sys, strict, n_gold)
    rp, rr, rf = prf(relaxed, n_sys, relaxed, n_gold)
    tacc = type_ok / relaxed if relaxed else 0.0
    vacc = value_ok / relaxed if relaxed else 0.0
    print("eval-dates: %d documents, %d gold, %d found" % (len(gold), n_gold, n_sys))
    print("               P       R       F1")
    print("strict span   %.4f  %.4f  %.4f" % (sp, sr, sf))
    print("relaxed span  %.4f  %.4f  %.4f" % (rp, rr, rf))
    print("type accuracy  %.4f  (%d/%d matched)   type F1  %.4f" % (tacc, type_ok, relaxed, rf * tacc))
    print("value accuracy %.4f  (%d/%d matched)   value F1 %.4f" % (vacc, value_ok, relaxed, rf * vacc))

    def top(title, counter, fmt):
        if not counter:
            return
        print("\n%s (%d, top %d):" % (title, sum(counter.values()), min(args.errors, len(counter))))
        for k, n in counter.most_common(args.errors):
            print("  %3d  %s" % (n, fmt(k)))

    top("value errors: text  gold → xref", value_err, lambda k: "%-28s %s → %s" % k)
    top("type errors: gold → xref", type_err, lambda k: "%s → %s" % k)
    top("missed", missed, str)
    top("spurious", spurious, str)
    if args.dump:
        with open(args.dump, "w", encoding="utf-8") as f:
            for row in dump:
                f.write("\t".join(row) + "\n")


if __name__ == "__main__":
    main()

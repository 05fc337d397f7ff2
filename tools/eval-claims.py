#!/usr/bin/env python3
"""Action precision and recall of xref's claims on ECB+ (make eval-claims).

For every topic of DATA (ecbplus-train: docs/<topic>/<doc>.txt, gold/<topic>.json)
runs `xref extract --format json` on the topic's documents (each file fed as
is: one sentence per line) and maps the claims to the gold action mentions of
the annotated ("selected") sentences by their action spans:

  - a claim whose action span lies in a selected sentence is correct when it
    overlaps a gold action mention (precision);
  - a gold action mention of a selected sentence is found when some claim's
    action span overlaps it (recall).

Gold offsets count code points of the .txt; xref's count bytes: converted here.
Usage: eval-claims.py [--xref ./xref] [--data DIR] [--topics 1,2] [--misses N]
"""
import argparse
import collections
import json
import os
import subprocess
import sys


def byte_offsets(text):
    """Code point index -> byte offset, for every index 0..len(text)."""
    out = [0] * (len(text) + 1)
    b = 0
    for i, ch in enumerate(text):
        out[i] = b
        b += len(ch.encode("utf-8"))
    out[len(text)] = b
    return out


def overlaps(a0, a1, b0, b1):
    return a0 < b1 and b0 < a1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--xref", default="./xref")
    ap.add_argument("--data", default="../shared/data/ecbplus-train")
    ap.add_argument("--topics", default="")
    ap.add_argument("--misses", type=int, default=0,
                    help="print up to N missed gold actions and N wrong claims per topic")
    args = ap.parse_args()

    gold_dir = os.path.join(args.data, "gold")
    docs_dir = os.path.join(args.data, "docs")
    if not os.path.isdir(gold_dir):
        sys.exit("eval-claims: no ECB+ data in %s" % args.data)
    topics = sorted((f[:-5] for f in os.listdir(gold_dir) if f.endswith(".json")), key=int)
    if args.topics:
        want = set(args.topics.split(","))
        topics = [t for t in topics if t in want]

    total = collections.Counter()
    print("%-6s %6s %6s %6s %6s %7s %7s" % ("topic", "docs", "claims", "ok", "gold", "P", "R"))
    for topic in topics:
        with open(os.path.join(gold_dir, topic + ".json"), encoding="utf-8") as f:
            gold = json.load(f)
        tdir = os.path.join(docs_dir, topic)
        files = sorted(os.path.join(tdir, os.path.basename(d.get("file") or name + ".txt"))
                       for name, d in gold["documents"].items())
        files = [p for p in files if os.path.exists(p)]
        res = subprocess.run([args.xref, "extract", "--format", "json"] + files,
                             capture_output=True, text=True)
        if res.returncode != 0:
            sys.exit("eval-claims: xref failed on topic %s: %s" % (topic, res.stderr[-400:]))
        out = json.loads(res.stdout)
        claims_by_doc = collections.defaultdict(list)
        for c in out["claims"]:
            claims_by_doc[os.path.basename(c["doc"])].append(c)

        t = collections.Counter()
        misses, wrong = [], []
        for name, d in gold["documents"].items():
            fname = os.path.basename(d.get("file") or name + ".txt")
            path = os.path.join(tdir, fname)
            if not os.path.exists(path):
                continue
            with open(path, encoding="utf-8") as f:
                text = f.read()
            bo = byte_offsets(text)
            sel = [(bo[s["start"]], bo[s["end"]]) for s in d["sentences"] if s.get("selected")]
            acts = [(bo[m["start"]], bo[m["end"]], m["text"]) for m in d["mentions"]
                    if m["kind"] == "action" and m.get("selected")]
            t["docs"] += 1
            t["gold"] += len(acts)
            claims = claims_by_doc.get(fname, [])
            spans = []
            for c in claims:
                a = c["action"]
                if not any(s0 <= a["start"] and a["end"] <= s1 for s0, s1 in sel):
                    continue
                spans.append((a["start"], a["end"]))
                t["claims"] += 1
                if any(overlaps(a["start"], a["end"], g0, g1) for g0, g1, _ in acts):
                    t["ok"] += 1
                else:
                    wrong.append("%s %s (%s)" % (fname, a["text"], a["id"]))
            for g0, g1, gt in acts:
                if any(overlaps(a0, a1, g0, g1) for a0, a1 in spans):
                    t["found"] += 1
                else:
                    misses.append("%s %s" % (fname, gt))
        p = t["ok"] / t["claims"] if t["claims"] else 0.0
        r = t["found"] / t["gold"] if t["gold"] else 0.0
        print("%-6s %6d %6d %6d %6d %7.3f %7.3f" % (topic, t["docs"], t["claims"], t["ok"], t["gold"], p, r))
        for m in misses[:args.misses]:
            print("    miss  " + m)
        for w in wrong[:args.misses]:
            print("    wrong " + w)
        total.update(t)
    p = total["ok"] / total["claims"] if total["claims"] else 0.0
    r = total["found"] / total["gold"] if total["gold"] else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    print("%-6s %6d %6d %6d %6d %7.3f %7.3f" % ("all", total["docs"], total["claims"], total["ok"],
                                               total["gold"], p, r))
    print("action precision %.3f  recall %.3f  F1 %.3f  (%d claims, %d gold actions)"
          % (p, r, f1, total["claims"], total["gold"]))


if __name__ == "__main__":
    main()

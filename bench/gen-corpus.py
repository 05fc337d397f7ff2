#!/usr/bin/env python3
"""Generates a benchmark corpus for xref: files of about 4 KB whose sentences
are recombined from the seed articles (corpus/*.txt) and the ECB+ training
documents, with names, numbers and dates varied so that the corpus is not
byte repetition.  Deterministic for a given --seed.

    bench/gen-corpus.py --mb 10 --out build/bench/corpus-10 [--seed 1]
        [--seeds corpus] [--ecb ../shared/data/ecbplus-train/docs]

--ecb '' leaves ECB+ out: sentences from the seed articles only (the
training corpus of the profile-guided build, which needs no dev data).

The story rules of the seed corpus (corpus/.xref/rules) are copied into the
output so that the seed sentences extract their claims.  Generated corpora
live under build/ or /tmp and are never committed."""

import argparse
import os
import random
import re
import shutil
import sys

MONTHS = ["January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December"]
MONTH_ABBR = ["Jan.", "Feb.", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
            "Saturday", "Sunday"]
OUTLETS = ["Reuters", "AP", "TASS", "Politico", "The Guardian", "CNN",
           "Bloomberg", "Izvestia", "Le Monde", "Der Spiegel", "BBC", "NPR"]
STOP = set("""The A An In On At Of For And But Or If He She It They We I You
His Her Its Their Our This That These Those There Here When While After Before
Mr Mrs Ms Dr According Also Earlier Later However Meanwhile Moreover""".split())
STOP |= set(MONTHS) | set(WEEKDAYS)

SENT_RE = re.compile(r'(?<=[.!?”"])\s+(?=[A-Z“"])')
WORD_RE = re.compile(r"\b[A-Z][a-z]{2,}\b")
NUM_RE = re.compile(r"\b\d[\d,]*\b")
MONTH_RE = re.compile(r"\b(" + "|".join(MONTHS) + r")\b")
WDAY_RE = re.compile(r"\b(" + "|".join(WEEKDAYS) + r")\b")


def read_seed_sentences(folder):
    out = []
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".txt"):
            continue
        with open(os.path.join(folder, name), encoding="utf-8", errors="replace") as f:
            text = f.read()
        if text.startswith("---\n"):
            end = text.find("\n---\n", 4)
            if end > 0:
                text = text[end + 5:]
        for para in text.split("\n"):
            para = para.strip()
            if len(para) < 40:
                continue
            out.extend(s for s in SENT_RE.split(para) if len(s) > 30)
    return out


def read_ecb_sentences(folder):
    out = []
    if not folder or not os.path.isdir(folder):
        return out
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            if not name.endswith(".txt"):
                continue
            with open(os.path.join(root, name), encoding="utf-8", errors="replace") as f:
                for line in f:
                    line = line.strip()
                    if len(line) > 30:
                        out.append(line)
    return out


def vary(sentence, rng, names):
    def num(m):
        s = m.group(0)
        digits = s.replace(",", "")
        if len(digits) == 4 and digits[:2] in ("19", "20"):
            return str(rng.randint(2012, 2024))
        if len(digits) <= 2:
            return str(rng.randint(1, 28))
        v = rng.randint(10 ** (len(digits) - 1), 10 ** len(digits) - 1)
        return f"{v:,}" if "," in s else str(v)

    def name(m):
        w = m.group(0)
        if w in STOP or rng.random() > 0.1:
            return w
        return rng.choice(names)

    s = NUM_RE.sub(num, sentence)
    s = MONTH_RE.sub(lambda m: rng.choice(MONTHS), s)
    s = WDAY_RE.sub(lambda m: rng.choice(WEEKDAYS), s)
    return WORD_RE.sub(name, s)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    top = os.path.dirname(here)
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mb", type=float, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--seeds", default=os.path.join(top, "corpus"))
    ap.add_argument("--ecb", default=os.path.join(top, "..", "shared", "data", "ecbplus-train", "docs"))
    ap.add_argument("--file-kb", type=float, default=4.0)
    args = ap.parse_args()

    rng = random.Random(args.seed)
    seeds = read_seed_sentences(args.seeds)
    ecb = read_ecb_sentences(args.ecb)
    if not seeds:
        sys.exit("gen-corpus: no seed sentences in " + args.seeds)
    names = sorted({w for s in seeds + ecb for w in WORD_RE.findall(s) if w not in STOP})

    if os.path.exists(args.out):
        shutil.rmtree(args.out)
    os.makedirs(args.out)
    rules = os.path.join(args.seeds, ".xref", "rules")
    if os.path.isdir(rules):
        shutil.copytree(rules, os.path.join(args.out, ".xref", "rules"))

    target = int(args.mb * 1024 * 1024)
    file_bytes = int(args.file_kb * 1024)
    total = 0
    n = 0
    while total < target:
        year = rng.randint(2015, 2023)
        head = ("---\noutlet: %s\ndate: %04d-%02d-%02d\n---\n"
                % (rng.choice(OUTLETS), year, rng.randint(1, 12), rng.randint(1, 28)))
        body = []
        size = len(head)
        while size < file_bytes:
            para = []
            for _ in range(rng.randint(1, 4)):
                # Half the sentences from the seed story, half from ECB+.
                pool = seeds if (not ecb or rng.random() < 0.5) else ecb
                para.append(vary(rng.choice(pool), rng, names))
            p = " ".join(para)
            body.append(p)
            size += len(p.encode("utf-8")) + 2
        data = (head + "\n\n".join(body) + "\n").encode("utf-8")
        sub = os.path.join(args.out, "%03d" % (n // 1000))
        if n % 1000 == 0:
            os.makedirs(sub, exist_ok=True)
        with open(os.path.join(sub, "%06d.txt" % n), "wb") as f:
            f.write(data)
        total += len(data)
        n += 1
    print("gen-corpus: %s: %d files, %.1f MB" % (args.out, n, total / 1e6), file=sys.stderr)


if __name__ == "__main__":
    main()

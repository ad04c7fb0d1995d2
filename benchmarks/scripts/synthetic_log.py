#!/usr/bin/env python3
"""Writes a synthetic shop log (CSV: user,item,type,time) of a given size, for scale tests of
`carousel evaluate` (issue 13: an 85k-item, 66k-user log). Seeded, so the same arguments give the
same bytes. Not a quality benchmark: the structure (categories, Zipf popularity, a "next item in
the same category" habit) only keeps the models' work realistic.

  python3 benchmarks/scripts/synthetic_log.py --items 85000 --users 66000 --out /tmp/synth.csv.gz
  ./carousel evaluate --dataset file:/tmp/synth.csv.gz --no-text ...
"""
import argparse
import gzip
import random


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=85000)
    ap.add_argument("--users", type=int, default=66000)
    ap.add_argument("--mean-events", type=float, default=6.0, help="mean events per user (>= 3)")
    ap.add_argument("--category-size", type=int, default=100)
    ap.add_argument("--zipf", type=float, default=0.5, help="popularity exponent inside a category")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--out", required=True, help="output path; .gz compresses")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    cats = max(1, a.items // a.category_size)
    # Zipf-like weights inside each category; items are numbered category by category.
    weights = [1.0 / (r + 1) ** a.zipf for r in range(a.category_size)]
    opener = gzip.open if a.out.endswith(".gz") else open
    t0 = 1_700_000_000
    n = 0
    with opener(a.out, "wt") as f:
        f.write("user,item,type,time\n")
        for u in range(a.users):
            length = 3 + int(rng.expovariate(1.0 / max(0.1, a.mean_events - 3)))
            cat = rng.randrange(cats)
            t = t0 + rng.randrange(9 * 86400)
            for _ in range(length):
                if rng.random() < 0.15:
                    cat = rng.randrange(cats)
                rank = rng.choices(range(a.category_size), weights)[0]
                item = min(a.items - 1, cat * a.category_size + rank)
                f.write(f"u{u},i{item},view,{t}\n")
                t += 1 + rng.randrange(600)
                n += 1
    print(f"wrote {n} events, {a.users} users, up to {a.items} items to {a.out}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Compares two saved criterion runs of the same bench, row by row: the
relative difference of their medians, and the worst row. Issue 19 asks
that two runs on an idle machine agree within 5 %.

Usage:
  scripts/bench-run.sh rate_limit; scripts/bench-run.sh rate_limit
  scripts/criterion-agree.py RUN_A.txt RUN_B.txt [--limit 0.05]

Exits 1 when a row differs by more than the limit, or when the runs share
no row.
"""
import argparse
import importlib.util
import os

spec = importlib.util.spec_from_file_location(
    "criterion_table", os.path.join(os.path.dirname(__file__), "criterion-table.py"))
table = importlib.util.module_from_spec(spec)
spec.loader.exec_module(table)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--limit", type=float, default=0.05)
    args = ap.parse_args()
    (a, notes_a), (b, notes_b) = table.parse(args.a), table.parse(args.b)
    a, b = dict(a), dict(b)
    for name, notes in ((args.a, notes_a), (args.b, notes_b)):
        print(f"{name}: {'; '.join(notes) or 'no machine or load lines'}")
    shared = [k for k in a if k in b]
    worst = 0.0
    for k in shared:
        d = abs(a[k] - b[k]) / min(a[k], b[k])
        worst = max(worst, d)
        over = "  over the limit" if d > args.limit else ""
        print(f"{k}: {table.fmt(a[k])} / {table.fmt(b[k])}, {d * 100:.1f} %{over}")
    print(f"{len(shared)} rows in both runs, worst {worst * 100:.1f} % (limit {args.limit * 100:.0f} %)")
    return 0 if shared and worst <= args.limit else 1


if __name__ == "__main__":
    raise SystemExit(main())

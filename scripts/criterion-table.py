#!/usr/bin/env python3
"""Turns a saved criterion run into Markdown tables of median times (or,
with --throughput, median throughputs in decimal MB/s and GB/s, the units
the targets are stated in; criterion prints binary MiB/s).

Usage:
  scripts/bench-run.sh webhook_hmac            # saves benches/runs/webhook_hmac-<time>.txt
  scripts/criterion-table.py RUN.txt           # every benchmark, one per row
  scripts/criterion-table.py RUN.txt --filter webhook/standard \\
      --columns alphaguard,ring-verify --ratio alphaguard/ring-verify
  scripts/criterion-table.py RUN.txt --filter sanitize/ --throughput \\
      --columns safe_log_message,safe_embed_text,safe_prompt

With --columns, a benchmark whose name has a path segment equal to a column
goes in that column, in the row named by the rest of its name; --ratio
NUM/DEN adds the ratio of two columns (same run, same row). The machine and
load lines that scripts/bench-run.sh writes are printed above the table; a
run without them says so.
"""
import argparse
import re

UNITS = {"ps": 1e-3, "ns": 1.0, "µs": 1e3, "us": 1e3, "ms": 1e6, "s": 1e9}
RATES = {"B/s": 1, "KiB/s": 2**10, "MiB/s": 2**20, "GiB/s": 2**30, "TiB/s": 2**40}


def parse(path, throughput=False):
    """(benchmark, median) pairs: nanoseconds, or bytes per second."""
    name = None
    rows = []
    notes = []
    for line in open(path, encoding="utf-8"):
        line = line.rstrip()
        if line.startswith("# "):
            notes.append(line[2:])
            continue
        m = re.match(r"^(\S+/\S+)\s*(time:.*)?$", line)
        if m and not line.startswith(("Benchmarking", "Found", "change", "Warning")):
            name = m.group(1)
            line = m.group(2) or ""
        if throughput:
            t = re.search(r"thrpt:\s+\[\S+ \S+ (\S+) (\S+) \S+ \S+\]", line)
            if t and name:
                rows.append((name, float(t.group(1)) * RATES[t.group(2)]))
                name = None
            continue
        t = re.search(r"time:\s+\[\S+ \S+ (\S+) (\S+) \S+ \S+\]", line)
        if t and name:
            rows.append((name, float(t.group(1)) * UNITS[t.group(2)]))
            name = None
    return rows, notes


def fmt_rate(bytes_per_s):
    if bytes_per_s >= 1e9:
        return f"{bytes_per_s / 1e9:,.2f} GB/s"
    return f"{bytes_per_s / 1e6:,.1f} MB/s"


def fmt(ns):
    if ns >= 10_000:
        return f"{ns / 1000:,.1f} µs"
    return f"{ns:,.1f} ns"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("run")
    ap.add_argument("--filter", default="")
    ap.add_argument("--columns", default="")
    ap.add_argument("--ratio", action="append", default=[])
    ap.add_argument("--throughput", action="store_true")
    args = ap.parse_args()
    rows, notes = parse(args.run, args.throughput)
    fmt_value = fmt_rate if args.throughput else fmt
    rows = [(n, ns) for n, ns in rows if args.filter in n]
    machine = [n for n in notes if n.startswith(("machine", "run", "load"))]
    if machine:
        print("; ".join(machine) + ".")
    else:
        print("(no machine recorded: run it through scripts/bench-run.sh)")
    print()
    if not args.columns:
        print("| benchmark | median |")
        print("| --- | ---: |")
        for n, ns in rows:
            print(f"| {n} | {fmt_value(ns)} |")
        return
    columns = args.columns.split(",")
    table = {}
    order = []
    for n, ns in rows:
        parts = n.split("/")
        hit = [c for c in columns if c in parts]
        if not hit:
            continue
        col = hit[0]
        key = "/".join(p for p in parts if p != col)
        if key not in table:
            table[key] = {}
            order.append(key)
        table[key][col] = ns
    ratios = [r.split("/") for r in args.ratio]
    head = ["row"] + columns + [f"{a} / {b}" for a, b in ratios]
    print("| " + " | ".join(head) + " |")
    print("| --- |" + " ---: |" * (len(head) - 1))
    for key in order:
        cells = [key] + [fmt_value(table[key][c]) if c in table[key] else "—" for c in columns]
        for a, b in ratios:
            if a in table[key] and b in table[key]:
                cells.append(f"{table[key][a] / table[key][b]:.2f}×")
            else:
                cells.append("—")
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()

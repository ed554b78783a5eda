#!/usr/bin/env python3
"""Turns criterion's terminal output into a Markdown table of median times.

Usage: cargo bench ... 2>&1 | tee bench.txt; scripts/criterion-table.py bench.txt
"""
import re
import sys

UNITS = {"ps": 1e-3, "ns": 1.0, "µs": 1e3, "us": 1e3, "ms": 1e6, "s": 1e9}


def main(path):
    name = None
    rows = []
    for line in open(path, encoding="utf-8"):
        line = line.rstrip()
        m = re.match(r"^(\S+/\S+)\s*(time:.*)?$", line)
        if m and not line.startswith(("Benchmarking", "Found", "change", "Warning")):
            name = m.group(1)
            line = m.group(2) or ""
        t = re.search(r"time:\s+\[\S+ \S+ (\S+) (\S+) \S+ \S+\]", line)
        if t and name:
            rows.append((name, float(t.group(1)) * UNITS[t.group(2)]))
            name = None
    print("| benchmark | median (ns) |")
    print("| --- | ---: |")
    for n, ns in rows:
        print(f"| {n} | {ns:,.1f} |")


if __name__ == "__main__":
    main(sys.argv[1])

#!/usr/bin/env bash
# Runs one criterion bench and saves its output with the machine it ran on,
# for scripts/criterion-table.py:
#
#   scripts/bench-run.sh webhook_hmac ['<filter>']   # -> benches/runs/webhook_hmac-<time>.txt
#
# The header names the CPU model and core count (/proc/cpuinfo) and the load
# average before and after the run: README tables say where they came from.
set -euo pipefail
cd "$(dirname "$0")/.."
bench="$1"
shift
mkdir -p benches/runs
out="benches/runs/${bench}-$(date -u +%Y%m%dT%H%M%SZ).txt"
{
    echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
    echo "# run: $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD)$(git diff --quiet || echo '+changes')"
    echo "# load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$out"
cargo bench -p alphaguard-benches --bench "$bench" -- "$@" 2>&1 | tee -a "$out"
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out"
echo "saved $out" >&2

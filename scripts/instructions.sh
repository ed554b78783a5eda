#!/usr/bin/env bash
# Instructions per call of Standard Webhooks verification at 64 B, ours
# against ring's `hmac::verify` (the floor), counted by callgrind: the
# same on every run of one binary, unlike time on a shared VM. The
# webhook-hmac README quotes them.
#
#   scripts/instructions.sh [CALLS=100000]
#
# Needs valgrind (Debian: apt-get install valgrind). Under valgrind ring
# takes its AVX SHA-256 path (valgrind hides the SHA extensions), so the
# block function's share is larger than natively.
set -euo pipefail
cd "$(dirname "$0")/.."
calls="${1:-100000}"
command -v valgrind >/dev/null || { echo "valgrind not found (apt-get install valgrind)" >&2; exit 1; }
bin=$(cargo bench -p alphaguard-benches --bench webhook_instructions --no-run --message-format=json 2>/dev/null |
    python3 -c 'import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "webhook_instructions" and m.get("executable"):
        print(m["executable"])')
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
declare -A per_call
for which in ring ours; do
    valgrind --tool=callgrind --callgrind-out-file="$dir/$which" "$bin" "$which" "$calls" 2>/dev/null
    # Inclusive count of the one function the loop calls, per call.
    fn=$([ "$which" = ours ] && echo 'webhook_instructions::ours' || echo 'webhook_instructions::floor')
    total=$(callgrind_annotate --inclusive=yes "$dir/$which" 2>/dev/null |
        grep -E "^ *[0-9,]+ .*${fn} \[" | head -1 | awk '{gsub(",", "", $1); print $1}')
    per_call[$which]=$((total / calls))
    echo "$which: ${per_call[$which]} instructions a call"
done
python3 -c "print(f'ours / ring: {${per_call[ours]} / ${per_call[ring]}:.3f}')"
if [[ -n "${VERBOSE:-}" ]]; then
    callgrind_annotate --inclusive=yes "$dir/ours" 2>/dev/null | grep -E 'alphaguard|ring::|malloc|free' | head -30
fi

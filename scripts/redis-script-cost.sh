#!/usr/bin/env bash
# Server time per call of the rate limiter's Lua script, from Redis's own
# `INFO commandstats` (the round trip left out), for the three kinds of
# check: a new client each call, a client in a window being admitted, and
# a client past its limit being refused. Six counters of 12 s, as the
# seed's tiers have.
#
#   [BATCH=k] scripts/redis-script-cost.sh [ROUNDS] [OTHER_SCRIPT.lua]
#
# With OTHER_SCRIPT, the two alternate each round (compare within a round:
# a VM's speed moves between minutes). With BATCH=k, each call checks k
# keys, as the limiter sends the checks made at the same time, and the
# figures are per check (a call's time divided by k); an OTHER_SCRIPT must
# then take the same arguments (five a key). Needs redis-server, redis-cli and
# redis-benchmark; starts its own server on a free port and stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-3}"
other="${2:-}"
batch="${BATCH:-1}"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
dir=$(mktemp -d)
trap 'redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
redis-server --port "$port" --save '' --appendonly no --dir "$dir" --daemonize yes >/dev/null
for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
python3 - "$dir/current.lua" <<'PY'
import sys
src = open("crates/rate-limit/src/redis_store.rs").read()
open(sys.argv[1], "w").write(src.split('const SCRIPT: &str = r"', 1)[1].split('";', 1)[0])
PY
# usec_per_call of 200,000 pipelined calls over keys drawn from `range`,
# with `limit` per window.
cost() {
    local sha
    sha=$(redis-cli -p "$port" SCRIPT LOAD "$(cat "$1")")
    redis-cli -p "$port" FLUSHALL >/dev/null
    redis-cli -p "$port" CONFIG RESETSTAT >/dev/null
    local keys=() args=()
    for i in $(seq "$batch"); do
        keys+=("k$i:__rand_int__")
        args+=(1700000000000 12000 6 "$3" 72000)
    done
    redis-benchmark -p "$port" -c 1 -P 32 -n $((200000 / batch)) -r "$2" \
        EVALSHA "$sha" "$batch" "${keys[@]}" "${args[@]}" >/dev/null
    redis-cli -p "$port" INFO commandstats | grep -oE 'cmdstat_evalsha:.*usec_per_call=[0-9.]+' |
        sed 's/.*=//' | awk -v k="$batch" '{ printf "%.2f", $1 / k }'
}
echo "| round | script | keys a call | new client | in a window, admitted | refused |"
echo "| --- | --- | ---: | ---: | ---: | ---: |"
for r in $(seq "$rounds"); do
    for s in "$dir/current.lua" ${other:+"$other"}; do
        name=$([ "$s" = "$dir/current.lua" ] && echo current || basename "$s")
        echo "| $r | $name | $batch | $(cost "$s" 100000000 60) µs | $(cost "$s" 1000 1000000) µs | $(cost "$s" 10 60) µs |"
    done
done

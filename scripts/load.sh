#!/usr/bin/env bash
# Load test: the full gateway (rate limiting on, API-key auth, GET /api/me)
# against a bare hyper hello-world, same machine, same wrk settings, in one
# go. Needs `wrk` (Debian: apt-get install wrk).
#
#   scripts/load.sh [duration_seconds=15] [connections=32]
#
# Prints both throughputs, the ratio, and the gateway's latency percentiles,
# for each of ROUNDS rounds (default 3; each round measures the bare server
# then the gateway, so both see the same stretch of machine weather), then
# the median ratio: single runs move by 20-30 % on a shared 2-core VM.
#
# By default the load generator and the server under test get a core each
# (taskset: servers on core 0 with one tokio worker, wrk with one thread on
# core 1), the nearest a 2-core machine comes to wrk's advice of a separate
# load machine; both servers are measured the same way. PIN=0 lets all of
# them share both cores instead (wrk -t2, two tokio workers).
set -euo pipefail
cd "$(dirname "$0")/.."

duration="${1:-15}"
connections="${2:-32}"
pin="${PIN:-1}"
if [[ "$pin" == 1 ]] && command -v taskset >/dev/null && (( $(nproc) >= 2 )); then
  threads=1
  server_cpu=(taskset -c 0)
  client_cpu=(taskset -c 1)
  workers=1
  mode="pinned: servers on core 0 (1 tokio worker), wrk on core 1"
else
  threads=2
  server_cpu=()
  client_cpu=()
  workers=$(nproc)
  mode="shared: servers and wrk on all cores"
fi
key="load-test-key-0123456789abcdef"
gw_port=18080
hello_port=18081

command -v wrk >/dev/null || { echo "wrk not found (apt-get install wrk)" >&2; exit 1; }
cargo build --release --locked -q -p alphaguard -p example-hyper-hello

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

TOKIO_WORKER_THREADS=$workers "${server_cpu[@]}" target/release/example-hyper-hello "127.0.0.1:${hello_port}" >/dev/null &
pids+=($!)
# Limits high enough never to trip (every wrk connection is one client).
# The access log is on (one info line per request, as in production;
# ACCESS_LOG=off to compare), written to /dev/null. The inbox is in memory:
# GET /api/me never touches it, and no file is left behind.
access_log="${ACCESS_LOG:-on}"
"${server_cpu[@]}" env -i PATH="$PATH" RUST_LOG=info ACCESS_LOG="$access_log" TOKIO_WORKER_THREADS=$workers \
  BIND_ADDR="127.0.0.1:${gw_port}" API_KEY="$key" WEBHOOK_INBOX_URL=memory: \
  RATE_LIMIT_READ_PER_MIN=16777215 RATE_LIMIT_WRITE_PER_MIN=16777215 \
  RATE_LIMIT_PROBE_PER_MIN=16777215 \
  target/release/alphaguard >/dev/null &
pids+=($!)

for port in "$gw_port" "$hello_port"; do
  for _ in $(seq 50); do
    curl -fs -o /dev/null -H "X-Api-Key: $key" "http://127.0.0.1:${port}/api/me" && break
    sleep 0.1
  done
done
body=$(curl -fs -H "X-Api-Key: $key" "http://127.0.0.1:${gw_port}/api/me")
[[ "$body" == *'"method":"api_key"'* ]] || { echo "gateway did not authenticate: $body" >&2; exit 1; }

run() { # url -> wrk output
  "${client_cpu[@]}" wrk -t"$threads" -c"$connections" -d"${duration}s" --latency -H "X-Api-Key: $key" "$1"
}
# Warm both up, then measure.
"${client_cpu[@]}" wrk -t"$threads" -c"$connections" -d2s -H "X-Api-Key: $key" "http://127.0.0.1:${hello_port}/api/me" >/dev/null
"${client_cpu[@]}" wrk -t"$threads" -c"$connections" -d2s -H "X-Api-Key: $key" "http://127.0.0.1:${gw_port}/api/me" >/dev/null
rps() { awk '/Requests\/sec/ {print $2}' <<<"$1"; }
pct() { awk -v p="$2" '$1 == p {print $2}' <<<"$1"; }
errors() { awk '/Non-2xx|Socket errors/ {print}' <<<"$1"; }

rounds="${ROUNDS:-3}"
echo "$mode; gateway access log ${access_log}"
echo "wrk -t${threads} -c${connections} -d${duration}s, GET /api/me with X-Api-Key; ${rounds} rounds"
ratios=()
for round in $(seq "$rounds"); do
  hello_out=$(run "http://127.0.0.1:${hello_port}/api/me")
  gw_out=$(run "http://127.0.0.1:${gw_port}/api/me")
  hello_rps=$(rps "$hello_out")
  gw_rps=$(rps "$gw_out")
  ratio=$(awk -v a="$gw_rps" -v b="$hello_rps" 'BEGIN {printf "%.2f", a / b}')
  ratios+=("$ratio")
  echo "round ${round}: bare hyper ${hello_rps} req/s, gateway ${gw_rps} req/s, ratio ${ratio}"
  echo "  gateway latency: p50 $(pct "$gw_out" 50%)  p90 $(pct "$gw_out" 90%)  p99 $(pct "$gw_out" 99%); bare: p50 $(pct "$hello_out" 50%)  p99 $(pct "$hello_out" 99%)"
  e=$(errors "$gw_out"); [[ -z "$e" ]] || echo "  gateway: $e"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}')
echo "median ratio gateway/bare: ${median}"

#!/usr/bin/env bash
# Load under attack: the normal load test (wrk, GET /api/me with an API key,
# as in scripts/load.sh) against the gateway, once alone and once while a
# hostile client holds silent sockets open from one address (it opens
# them, sends nothing, and opens a new one a second after each is closed or
# refused). Runs alternate (quiet, attacked, quiet, attacked) so a loaded
# machine weighs on both alike. Needs `wrk` (Debian: apt-get install wrk)
# and python3.
#
#   scripts/load-under-attack.sh [duration_seconds=15] [connections=32] [hostile_sockets=1000]
#
# Prints each run's requests per second and p99, the attacked/quiet ratios,
# and what the gateway counted (connections refused and closed).
#
# Pinning as in load.sh: the gateway on core 0 (one tokio worker); wrk and
# the hostile client on core 1 (the "client machine"). PIN=0 lets everything
# share both cores. GATEWAY_ENV="VAR=value ..." passes more settings to the
# gateway (MAX_CONNECTIONS_PER_CLIENT=2000 lets the attacker really hold its
# 1,000 sockets).
set -euo pipefail
cd "$(dirname "$0")/.."

duration="${1:-15}"
connections="${2:-32}"
hostile="${3:-1000}"
pin="${PIN:-1}"
if [[ "$pin" == 1 ]] && command -v taskset >/dev/null && (( $(nproc) >= 2 )); then
  threads=1
  server_cpu=(taskset -c 0)
  client_cpu=(taskset -c 1)
  workers=1
  mode="pinned: gateway on core 0 (1 tokio worker), wrk and the hostile client on core 1"
else
  threads=2
  server_cpu=()
  client_cpu=()
  workers=$(nproc)
  mode="shared: gateway, wrk and the hostile client on all cores"
fi
key="load-test-key-0123456789abcdef"
gw_port=18090
target_dir="${CARGO_TARGET_DIR:-target}"

command -v wrk >/dev/null || { echo "wrk not found (apt-get install wrk)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "python3 not found" >&2; exit 1; }
ulimit -n "$(( hostile + 1024 ))" 2>/dev/null || true
cargo build --release --locked -q -p alphaguard
bin="$(cd "$target_dir/release" && pwd)/alphaguard"

pids=()
hostile_pid=""
cleanup() {
  [[ -n "$hostile_pid" ]] && kill "$hostile_pid" 2>/dev/null || true
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

# Rate limits high enough never to trip; every connection option at its
# default (MAX_CONNECTIONS 4096, MAX_CONNECTIONS_PER_CLIENT 256,
# HEADER_READ_TIMEOUT_MS 10000, ...).
data_dir=$(mktemp -d)
(cd "$data_dir" && exec "${server_cpu[@]}" env -i PATH="$PATH" RUST_LOG=warn TOKIO_WORKER_THREADS=$workers \
  BIND_ADDR="127.0.0.1:${gw_port}" API_KEY="$key" \
  RATE_LIMIT_READ_PER_MIN=16777215 RATE_LIMIT_WRITE_PER_MIN=16777215 \
  RATE_LIMIT_PROBE_PER_MIN=16777215 ${GATEWAY_ENV:-} \
  "$bin" >/dev/null) &
pids+=($!)
for _ in $(seq 50); do
  curl -fs -o /dev/null -H "X-Api-Key: $key" "http://127.0.0.1:${gw_port}/api/me" && break
  sleep 0.1
done
body=$(curl -fs -H "X-Api-Key: $key" "http://127.0.0.1:${gw_port}/api/me")
[[ "$body" == *'"method":"api_key"'* ]] || { echo "gateway did not authenticate: $body" >&2; exit 1; }

# The hostile client: holds up to N silent sockets from 127.0.0.9; a socket
# closed or refused by the server is opened again a second later. Prints
# how many it holds (connected, not yet closed) every second.
read -r -d '' hostile_py <<'PY' || true
import selectors, socket, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
sel = selectors.DefaultSelector()
due = [time.monotonic()] * n
closed = 0
last = time.monotonic()
def open_one():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setblocking(False)
    s.bind(("127.0.0.9", 0))
    s.connect_ex(("127.0.0.1", port))
    sel.register(s, selectors.EVENT_READ)
while True:
    now = time.monotonic()
    while due and due[0] <= now:
        due.pop(0)
        try:
            open_one()
        except OSError:
            due.append(now + 1.0)
    for key, _ in sel.select(timeout=0.05):
        s = key.fileobj
        try:
            data = s.recv(1024)
        except OSError:
            data = b""
        if not data:
            sel.unregister(s)
            s.close()
            closed += 1
            due.append(time.monotonic() + 1.0)
    if now - last >= 1.0:
        last = now
        print(f"held {len(sel.get_map())} closed {closed}", flush=True)
PY

run() { # -> wrk output
  "${client_cpu[@]}" wrk -t"$threads" -c"$connections" -d"${duration}s" --latency -H "X-Api-Key: $key" \
    "http://127.0.0.1:${gw_port}/api/me"
}
rps() { awk '/Requests\/sec/ {print $2}' <<<"$1"; }
p99() { awk '$1 == "99%" {print $2}' <<<"$1"; }
errors() { awk '/Non-2xx|Socket errors/ {print}' <<<"$1"; }
metric() { curl -fs "http://127.0.0.1:${gw_port}/metrics" | awk -v s="$1" 'index($0, s) == 1 {print $2}'; }

"${client_cpu[@]}" wrk -t"$threads" -c"$connections" -d2s -H "X-Api-Key: $key" "http://127.0.0.1:${gw_port}/api/me" >/dev/null

echo "$mode"
[[ -n "${GATEWAY_ENV:-}" ]] && echo "gateway settings: ${GATEWAY_ENV}"
echo "wrk -t${threads} -c${connections} -d${duration}s, GET /api/me with X-Api-Key; attack: ${hostile} silent sockets from 127.0.0.9"
quiet_rps=(); quiet_p99=(); attacked_rps=(); attacked_p99=()
for round in 1 2; do
  out=$(run)
  quiet_rps+=("$(rps "$out")"); quiet_p99+=("$(p99 "$out")")
  echo "round $round quiet:    $(rps "$out") req/s, p99 $(p99 "$out") $(errors "$out")"

  hostile_log=$(mktemp)
  "${client_cpu[@]}" python3 -c "$hostile_py" "$gw_port" "$hostile" >"$hostile_log" 2>&1 &
  hostile_pid=$!
  sleep 3 # let the attack build up
  echo "  hostile client: $(tail -n1 "$hostile_log"); gateway: $(metric alphaguard_connections_open) connections open"
  out=$(run)
  attacked_rps+=("$(rps "$out")"); attacked_p99+=("$(p99 "$out")")
  echo "round $round attacked: $(rps "$out") req/s, p99 $(p99 "$out") $(errors "$out")"
  echo "  hostile client: $(tail -n1 "$hostile_log"); gateway: $(metric alphaguard_connections_open) connections open"
  kill "$hostile_pid" 2>/dev/null || true
  wait "$hostile_pid" 2>/dev/null || true
  hostile_pid=""
  rm -f "$hostile_log"
  sleep 2
done

sum() { awk '{s = 0; for (i = 1; i <= NF; i++) s += $i; print s}' <<<"$*"; }
ratio=$(awk -v a="$(sum "${attacked_rps[@]}")" -v b="$(sum "${quiet_rps[@]}")" 'BEGIN {printf "%.2f", a / b}')
echo "throughput attacked/quiet: ${ratio} (quiet ${quiet_rps[*]} req/s; attacked ${attacked_rps[*]} req/s)"
echo "p99 quiet: ${quiet_p99[*]}; attacked: ${attacked_p99[*]}"
echo "gateway counted: refused per client $(metric 'alphaguard_connections_refused_total{reason="max_connections_per_client"}'), refused global $(metric 'alphaguard_connections_refused_total{reason="max_connections"}'), closed at the header deadline $(metric 'alphaguard_connections_closed_total{reason="header_timeout"}')"

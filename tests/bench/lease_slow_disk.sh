#!/usr/bin/env bash
# The longest stall a client sees with the lease file (restart safety) on a slow disk, under a
# steady SET NX PX load. The slow disk is made with strace's syscall fault injection: every
# fdatasync of the server returns <delay-us> late (--seccomp-bpf: only fdatasync stops the
# process, every other call runs at full speed). A warm-up runs first: the first grant of a TTL
# finds nothing reserved and waits once (INFO lease_grant_waits); the measured run is the steady
# state. Prints redis-benchmark's latency summary (ms) and the server's lease counters.
# Not part of the default test run.
#
#   tests/bench/lease_slow_disk.sh [locknode-binary] [delay-us] [requests] [warm-up requests]
set -euo pipefail
bin=${1:-build/locknode}
delay=${2:-200000}
requests=${3:-150000}
warm=${4:-2000}
[ -x "$bin" ] || { echo "no $bin: build first"; exit 1; }
for tool in strace redis-benchmark redis-cli; do
  command -v $tool >/dev/null || { echo "$tool missing (apt-get install strace redis-tools)"; exit 1; }
done
dir=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
strace -f --seccomp-bpf -qq -e trace=fdatasync -e inject=fdatasync:delay_exit="$delay" \
  -o "$dir/strace.log" "$bin" --port "$port" --lease-file "$dir/lease" --loglevel warn \
  >"$dir/server.log" 2>&1 &
tracer=$!
# Stop the server itself (killing strace would leave it running), then strace, then the files.
cleanup() {
  pkill -P "$tracer" 2>/dev/null || true
  wait "$tracer" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
redis-benchmark -p "$port" -c 20 -n "$warm" -r 1000000 SET warm:__rand_int__ tok NX PX 30000 \
  >/dev/null 2>&1
echo "fdatasync +$((delay / 1000)) ms, $requests x SET NX PX 30000 from 20 clients:"
redis-benchmark -p "$port" -c 20 -n "$requests" -r 1000000 \
  SET lock:__rand_int__ tok NX PX 30000 2>&1 | tr '\r' '\n' | grep -A2 "latency summary"
redis-cli -p "$port" info persistence | tr -d '\r' | grep -E '^lease_' || true
echo "fdatasync calls: $(grep -c fdatasync "$dir/strace.log" || true)"

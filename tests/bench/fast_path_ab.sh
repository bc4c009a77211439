#!/usr/bin/env bash
# A/B benchmark of the native fast path for lock-release scripts (issue: EVAL with real Lua).
# Runs, in the same session and alternating A B C per round: locknode with lua-fast-path yes,
# locknode with lua-fast-path no, and Debian's redis-server as the reference. Each server is
# pinned to CPU 0, redis-benchmark to CPU 1. Prints per workload the median ops/s of each and
# the ratios. Not part of the default test run.
#
#   tests/bench/fast_path_ab.sh [build-dir] [rounds] [requests]
set -euo pipefail
build=${1:-build}
rounds=${2:-3}
requests=${3:-200000}
locknode="$build/locknode"
[ -x "$locknode" ] || { echo "no $locknode: build first (cmake --build $build)"; exit 1; }
command -v redis-benchmark >/dev/null || { echo "redis-benchmark missing (apt-get install redis-tools)"; exit 1; }

# redis-py's release script (COMPAT.md §2.1), byte for byte; sha c3f8721c...
release=$'\n        local token = redis.call(\'get\', KEYS[1])\n        if not token or token ~= ARGV[1] then\n            return 0\n        end\n        redis.call(\'del\', KEYS[1])\n        return 1\n    '

tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT

start_locknode() {  # start_locknode <name> <fast-path yes|no>
  taskset -c 0 "$locknode" --port 0 --port-file "$tmp/$1.port" --lua-fast-path "$2" \
    --loglevel warn 2>"$tmp/$1.log" &
  pids+=($!)
  for _ in $(seq 100); do [ -s "$tmp/$1.port" ] && break; sleep 0.05; done
  port[$1]=$(cat "$tmp/$1.port")
}
start_redis() {
  local p
  p=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  taskset -c 0 redis-server --port "$p" --bind 127.0.0.1 --save '' --appendonly no \
    --dir "$tmp" --logfile "$tmp/redis.log" &
  pids+=($!)
  for _ in $(seq 100); do redis-cli -p "$p" ping >/dev/null 2>&1 && break; sleep 0.05; done
  port[redis]=$p
}

# Started in this shell (not in $(...)), so their pids reach the cleanup trap.
declare -A port
start_locknode fast yes
start_locknode lua no
start_redis

for name in fast lua redis; do
  sha=$(redis-cli -p "${port[$name]}" script load "$release")
  redis-cli -p "${port[$name]}" set lock:held someone-else >/dev/null
done
echo "release script sha: $sha"

# Workloads: release of an absent key (the common case after expiry or a lost race), and
# release attempted by a non-owner (GET + compare, nothing deleted).
declare -A workload
workload[release_absent]="EVALSHA $sha 1 lock:__rand_int__ 0123456789abcdef0123456789abcdef0123"
workload[release_not_owner]="EVALSHA $sha 1 lock:held 0123456789abcdef0123456789abcdef0123"

run() {  # run <port> <pipeline depth> <command...>: prints requests per second
  taskset -c 1 redis-benchmark -p "$1" -c 50 -P "$2" -n "$requests" -r 1000000 -q "${@:3}" 2>/dev/null |
    tr '\r' '\n' | awk '/requests per second/ {for (i=1;i<=NF;i++) if ($(i+1)=="requests") print $i}' |
    tail -1
}

# Unpipelined, every server is bound by one read and one write syscall per request; pipelined
# 32 deep, the script's own cost shows.
workloads=()
declare -A results
for w in release_absent release_not_owner; do
  for depth in 1 32; do
    workloads+=("$w/P$depth")
    for _ in $(seq "$rounds"); do
      for name in fast lua redis; do
        # shellcheck disable=SC2086
        results[$w/P$depth,$name]+="$(run "${port[$name]}" "$depth" ${workload[$w]}) "
      done
    done
  done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf '%-22s %12s %12s %12s %10s %10s\n' workload fast-path lua-only redis fast/lua fast/redis
for w in "${workloads[@]}"; do
  f=$(echo "${results[$w,fast]}" | median); l=$(echo "${results[$w,lua]}" | median)
  r=$(echo "${results[$w,redis]}" | median)
  awk -v w="$w" -v f="$f" -v l="$l" -v r="$r" \
    'BEGIN {printf "%-22s %12s %12s %12s %10.2f %10.2f\n", w, f, l, r, f / l, f / r}'
  echo "  rounds: fast=[${results[$w,fast]}] lua=[${results[$w,lua]}] redis=[${results[$w,redis]}]"
done

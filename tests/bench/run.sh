#!/usr/bin/env bash
# Side-by-side benchmark of locknode against Debian's redis-server (--save '' --appendonly no).
# Not part of the default test run. One command from a fresh clone (as root on Debian 12):
#
#   bash tests/bench/run.sh [--rounds 3] [--seconds 3] [--micro] [--only acquire,...]
#
# It installs what it needs (.ci/install-deps test: redis-server, Google Benchmark, python3),
# configures and builds build-bench (Release, LOCKNODE_BENCH=ON) unless --build names another
# build dir, then runs side_by_side.py with the remaining arguments.
#
# Servers run pinned to CPU 0 (taskset -c 0), the load generator (tests/bench/loadgen) to CPU 1.
# Each (round, workload, server) starts a fresh server; rounds alternate locknode, redis. Prints
# a table (medians, ratio, min..max of per-round ratios, target, met?) and the CPU both sides
# used, and writes JSON (default <build>/side_by_side.json). See side_by_side.py --help.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
build="$repo/build-bench"
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --build=*) build=${1#--build=}; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
case "$build" in /*) ;; *) build="$PWD/$build" ;; esac

if ! command -v redis-server >/dev/null || ! command -v taskset >/dev/null ||
   [ ! -f /usr/include/benchmark/benchmark.h ]; then
  bash "$repo/.ci/install-deps" test
fi
targets=(locknode locknode_loadgen locknode_bench_parser locknode_bench_wheel locknode_bench_dispatch)
cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release -DLOCKNODE_BENCH=ON >/dev/null
cmake --build "$build" -j"$(nproc)" --target "${targets[@]}" >/dev/null
exec python3 "$repo/tests/bench/side_by_side.py" --build "$build" "${args[@]}"

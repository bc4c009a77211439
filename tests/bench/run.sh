#!/usr/bin/env bash
# Side-by-side benchmark of locknode against Debian's redis-server (--save '' --appendonly no).
# Not part of the default test run. Builds nothing itself; configure and build first:
#
#   cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DLOCKNODE_BENCH=ON
#   cmake --build build-bench -j2 --target locknode locknode_loadgen \
#         locknode_bench_parser locknode_bench_wheel locknode_bench_dispatch
#   tests/bench/run.sh --build build-bench [--rounds 3] [--seconds 3] [--micro] [--only acquire,...]
#
# Servers run pinned to CPU 0 (taskset -c 0), the load generator (tests/bench/loadgen) to CPU 1.
# Each (round, workload, server) starts a fresh server; rounds alternate locknode, redis. Prints
# a table (medians, ratio, min..max of per-round ratios, target, met?) and the CPU both sides
# used, and writes JSON (default <build>/side_by_side.json). See side_by_side.py --help.
set -euo pipefail
command -v taskset >/dev/null || { echo "taskset missing (util-linux)"; exit 1; }
exec python3 "$(dirname "$0")/side_by_side.py" "$@"

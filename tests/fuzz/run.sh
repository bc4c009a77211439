#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (-DLOCKNODE_FUZZ=ON: fuzzer + ASan + UBSan) and runs
# each one for a bounded time on a copy of its seed corpus (docs/SAFETY.md §3.6, §4.2 row 22).
#   tests/fuzz/run.sh [SECONDS_PER_TARGET [TARGET...]]     default: 60 s, all three targets
#   FUZZ_BUILD_DIR=build-fuzz  FUZZ_WORK_DIR=$FUZZ_BUILD_DIR/fuzz-work   (environment overrides)
# Exits non-zero if any target crashes, leaks, times out (> 5 s on one input) or breaks an
# invariant. The reproducer is left in $FUZZ_WORK_DIR/<target>/artifacts/; to keep it as a
# regression test, copy it to tests/fuzz/corpus/<target>/crash-<name> (ctest replays it).
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(resp_parser dispatch lua_runner)
build=${FUZZ_BUILD_DIR:-build-fuzz}
work=${FUZZ_WORK_DIR:-$build/fuzz-work}
jobs=${FUZZ_BUILD_JOBS:-$(nproc)}

launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DLOCKNODE_FUZZ=ON -DLOCKNODE_WERROR=ON "${launcher[@]}" >/dev/null
cmake --build "$build" -j"$jobs" --target "${targets[@]/#/locknode_fuzz_}"

# Per target: the input size cap and the dictionary.
declare -A max_len=([resp_parser]=16384 [dispatch]=4096 [lua_runner]=4096)
declare -A dict=([resp_parser]=resp.dict [dispatch]=resp.dict [lua_runner]=lua.dict)
status=0
for t in "${targets[@]}"; do
  dir="$work/$t"
  rm -rf "$dir" && mkdir -p "$dir/corpus" "$dir/artifacts"
  cp tests/fuzz/corpus/"$t"/* "$dir/corpus/"
  echo "fuzz: $t for ${seconds}s"
  if ! "$build/tests/fuzz/locknode_fuzz_$t" "$dir/corpus" -max_total_time="$seconds" \
       -max_len="${max_len[$t]}" -timeout=5 -rss_limit_mb=2048 -dict="tests/fuzz/${dict[$t]}" \
       -artifact_prefix="$dir/artifacts/" -print_final_stats=1 >"$dir/log" 2>&1; then
    status=1
    echo "fuzz: $t FAILED; reproducer(s): $(ls "$dir/artifacts")"
    grep -E -m5 'ERROR|runtime error|invariant failed|SUMMARY' "$dir/log" || true
  fi
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)|^#[0-9]+ +DONE' \
    "$dir/log" | sed "s/^/fuzz: $t /" || true
  echo "fuzz: $t corpus $(ls "$dir/corpus" | wc -l) inputs"
done
exit $status

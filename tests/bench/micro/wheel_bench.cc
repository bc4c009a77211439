// TimingWheel and Keyspace micro-benchmarks: the lock workload is schedule-then-cancel (most
// locks are released long before their PX), so Schedule+Cancel is the number that matters.

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "locknode/keyspace/keyspace.h"
#include "locknode/keyspace/timing_wheel.h"

namespace locknode::keyspace {
namespace {

constexpr Millis kStart = 1'000'000;

// Schedule + Cancel of one node with `range` ms of TTL, against a wheel holding range(1) nodes.
// Node i of an array registered with AddRange has handle first + i * kStride.
constexpr Handle kStride = sizeof(WheelNode) / HandleSpace::kGranule;

void BM_ScheduleCancel(benchmark::State& state) {
  // Node 0 is the measured one, the rest are background.
  std::vector<WheelNode> nodes(1 + static_cast<size_t>(state.range(1)));
  HandleSpace space;
  const Handle first = space.AddRange(nodes.data(), nodes.size() * sizeof(WheelNode));
  TimingWheel wheel(kStart, space);
  std::mt19937_64 rng(1);
  for (Handle i = 1; i < nodes.size(); ++i) {
    wheel.Schedule(first + i * kStride, kStart + static_cast<Millis>(rng() % 60'000));
  }
  const Millis ttl = state.range(0);
  for (auto _ : state) {
    benchmark::DoNotOptimize(wheel.Schedule(first, kStart + ttl));
    wheel.Cancel(first);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ScheduleCancel)->Args({100, 0})->Args({30'000, 0})->Args({30'000, 100'000});

// Advance over N nodes spread over 10 s, 1 ms at a time: the per-expiry cost including cascades.
void BM_AdvanceAll(benchmark::State& state) {
  const auto n = static_cast<size_t>(state.range(0));
  std::vector<WheelNode> nodes(n);
  HandleSpace space;
  const Handle first = space.AddRange(nodes.data(), n * sizeof(WheelNode));
  std::mt19937_64 rng(2);
  for (auto _ : state) {
    state.PauseTiming();
    TimingWheel wheel(kStart, space);
    for (Handle i = 0; i < n; ++i) {
      wheel.Schedule(first + i * kStride, kStart + static_cast<Millis>(rng() % 10'000));
    }
    state.ResumeTiming();
    size_t fired = 0;
    for (Millis now = kStart; now <= kStart + 10'001; ++now) {
      fired += wheel.Advance(now, SIZE_MAX, [](Handle) {});
    }
    benchmark::DoNotOptimize(fired);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(n));
}
BENCHMARK(BM_AdvanceAll)->Arg(10'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

// The lock fast path: SET NX PX then CompareAndDelete, with range(0) other locks held.
void BM_KeyspaceLockUnlock(benchmark::State& state) {
  Keyspace ks(kStart);
  const std::string token(36, 't');
  for (int64_t i = 0; i < state.range(0); ++i) {
    ks.Set("held:" + std::to_string(i), token, SetCond::kIfAbsent, TtlMode::kAt, kStart + 30'000,
           kStart);
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        ks.Set("lock:1", token, SetCond::kIfAbsent, TtlMode::kAt, kStart + 30'000, kStart));
    benchmark::DoNotOptimize(ks.CompareAndDelete("lock:1", token, kStart));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_KeyspaceLockUnlock)->Arg(0)->Arg(1'000'000);

}  // namespace
}  // namespace locknode::keyspace

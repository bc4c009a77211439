// Dispatch cost of the lock commands, in process: the real Dispatcher (lookup, arity, time
// snapshot, handler) and RespWriter, no sockets. SET NX PX acquiring fresh keys and refused on a
// held key, and EVALSHA of redis-py's release script on an absent key (native fast path).
#include <string>
#include <string_view>
#include <vector>

#include <benchmark/benchmark.h>

#include "locknode/base/clock.h"
#include "locknode/base/config.h"
#include "locknode/command/client_state.h"
#include "locknode/command/dispatcher.h"
#include "locknode/command/shard.h"
#include "locknode/protocol/out_buffer.h"
#include "locknode/protocol/resp_writer.h"

#include "support/compat_scripts.h"

namespace locknode::command {
namespace {

constexpr std::string_view kToken = "0123abcd-4567-89ef-0123-456789abcdef";  // 36 bytes
constexpr int kKeys = 1 << 20;

struct Fixture {
  Fixture() : shard(config, clock, nullptr), dispatcher(shard), writer(&out) {
    keys.reserve(kKeys);
    for (int i = 0; i < kKeys; ++i) keys.push_back("lock:" + std::to_string(i));
  }
  void Run(std::vector<std::string_view>& args) {
    out.Clear();
    dispatcher.Execute(ArgList(args.data(), args.size()), client, writer);
  }
  Config config;
  ManualClock clock;
  Shard shard;
  Dispatcher dispatcher;
  ClientState client;
  protocol::OutBuffer out;
  protocol::RespWriter writer;
  std::vector<std::string> keys;
};

void BM_DispatchSetNxPxAcquire(benchmark::State& state) {
  Fixture f;
  std::vector<std::string_view> args = {"SET", "", kToken, "NX", "PX", "30000"};
  size_t i = 0;
  for (auto _ : state) {
    if (i == f.keys.size()) {  // every key held: start over on an empty keyspace
      state.PauseTiming();
      f.shard.keyspace().Clear();
      i = 0;
      state.ResumeTiming();
    }
    args[1] = f.keys[i++];
    f.Run(args);
    benchmark::DoNotOptimize(f.out.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DispatchSetNxPxAcquire);

void BM_DispatchSetNxPxRefused(benchmark::State& state) {
  Fixture f;
  std::vector<std::string_view> args = {"SET", "lock:contended", kToken, "NX", "PX", "30000"};
  f.Run(args);
  for (auto _ : state) {
    f.Run(args);
    benchmark::DoNotOptimize(f.out.data());
  }
  if (f.out.view() != "$-1\r\n") state.SkipWithError("expected a refusal");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DispatchSetNxPxRefused);

void BM_DispatchEvalshaReleaseAbsent(benchmark::State& state) {
  Fixture f;
  const std::string script(script::testdata::FindCompatScript("redispy_release")->body);
  std::vector<std::string_view> load = {"SCRIPT", "LOAD", script};
  f.Run(load);
  const std::string reply(f.out.view());  // $40\r\n<sha>\r\n
  const std::string sha = reply.substr(reply.find('\n') + 1, 40);
  std::vector<std::string_view> args = {"EVALSHA", sha, "1", "", kToken};
  size_t i = 0;
  for (auto _ : state) {
    args[3] = f.keys[i++ & (kKeys - 1)];
    f.Run(args);
    benchmark::DoNotOptimize(f.out.data());
  }
  if (f.out.view() != ":0\r\n") state.SkipWithError("expected :0");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DispatchEvalshaReleaseAbsent);

}  // namespace
}  // namespace locknode::command

// Parse throughput (bytes/s) for the lock workload's requests, the way the session feeds them:
// a whole pipelined batch at a time, one Parse call per request. Also the reply side (RESP2).
#include <cstdint>
#include <string>

#include <benchmark/benchmark.h>

#include "locknode/protocol/out_buffer.h"
#include "locknode/protocol/request_parser.h"
#include "locknode/protocol/resp_writer.h"

namespace locknode::protocol {
namespace {

std::string SetNxPx(int i) {
  const std::string key = "lock:resource:" + std::to_string(i % 1000);
  const std::string token = "0123456789abcdef0123456789abcdef";
  return "*6\r\n$3\r\nSET\r\n$" + std::to_string(key.size()) + "\r\n" + key + "\r\n$" +
         std::to_string(token.size()) + "\r\n" + token +
         "\r\n$2\r\nNX\r\n$2\r\nPX\r\n$5\r\n30000\r\n";
}

// Parses `batch` (a pipeline of `count` requests) per iteration.
void ParseBatch(benchmark::State& state, std::string batch, int64_t count) {
  RequestParser parser;
  for (auto _ : state) {
    size_t offset = 0;
    int64_t parsed = 0;
    while (true) {
      size_t consumed = 0;
      std::span<char> data(batch.data() + offset, batch.size() - offset);
      if (parser.Parse(data, &consumed) != RequestParser::Status::kComplete) break;
      benchmark::DoNotOptimize(parser.args().data());
      offset += consumed;
      ++parsed;
    }
    if (parsed != count) state.SkipWithError("parse failed");
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(batch.size()));
  state.SetItemsProcessed(state.iterations() * count);
}

void BM_ParseSetNxPxPipeline(benchmark::State& state) {
  const int64_t count = state.range(0);
  std::string batch;
  for (int i = 0; i < count; ++i) batch += SetNxPx(i);
  ParseBatch(state, std::move(batch), count);
}
BENCHMARK(BM_ParseSetNxPxPipeline)->Arg(1)->Arg(16)->Arg(256);

void BM_ParseInlinePing(benchmark::State& state) {
  const int64_t count = state.range(0);
  std::string batch;
  for (int i = 0; i < count; ++i) batch += "PING\r\n";
  ParseBatch(state, std::move(batch), count);
}
BENCHMARK(BM_ParseInlinePing)->Arg(16);

// One 1 MiB argument fed in 16 KiB reads: resuming must not rescan what was already read.
void BM_ParseBigBulkIncrementally(benchmark::State& state) {
  const std::string payload(1 << 20, 'v');
  const std::string request = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + std::to_string(payload.size()) +
                              "\r\n" + payload + "\r\n";
  std::string buf = request;
  for (auto _ : state) {
    RequestParser parser;
    size_t consumed = 0;
    RequestParser::Status status = RequestParser::Status::kNeedMore;
    for (size_t have = 16384; status == RequestParser::Status::kNeedMore; have += 16384) {
      status = parser.Parse({buf.data(), std::min(have, buf.size())}, &consumed);
    }
    benchmark::DoNotOptimize(status);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(request.size()));
}
BENCHMARK(BM_ParseBigBulkIncrementally);

void BM_WriteLockReplies(benchmark::State& state) {
  OutBuffer out;
  RespWriter writer(&out);
  for (auto _ : state) {
    out.Clear();
    for (int i = 0; i < 16; ++i) {
      writer.Ok();
      writer.Null();
      writer.Integer(i);
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * 48);
}
BENCHMARK(BM_WriteLockReplies);

}  // namespace
}  // namespace locknode::protocol

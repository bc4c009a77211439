// libFuzzer target: the input is a Lua script body, run by EVAL through the real Dispatcher
// and sandboxed engine with tiny instruction and memory budgets (SAFETY §3.6, §4.2 rows 20, 22).
//
// Invariants: the reply is one well-formed RESP value; a script aborted by a budget leaves the
// keyspace exactly as it was; the engine still runs `return 1` afterwards and its heap, after a
// full collection, is back under a small bound (nothing a script did survives it).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "locknode/base/clock.h"
#include "locknode/base/config.h"
#include "locknode/command/dispatcher.h"
#include "locknode/command/shard.h"
#include "locknode/protocol/out_buffer.h"
#include "locknode/protocol/resp_writer.h"

#include "fuzz_check.h"

namespace {

using locknode::command::ArgList;

struct Harness {
  Harness() : shard(config, clock, nullptr), dispatcher(shard), writer(&out) {}

  std::string Run(std::vector<std::string_view> argv) {
    out.Clear();
    writer.set_resp_version(client.resp_version);
    dispatcher.Execute(ArgList(argv.data(), argv.size()), client, writer);
    return std::string(out.view());
  }

  std::string Snapshot() {
    std::string s = std::to_string(shard.keyspace().size());
    for (std::string_view key : {"k", "w", "x"}) {
      const auto entry = shard.keyspace().Find(key, clock.NowMs());
      s += '|';
      if (entry) s.append(entry->value).append("@").append(std::to_string(entry->deadline));
    }
    return s;
  }

  static locknode::Config TinyBudgets() {
    locknode::Config c;
    c.lua_instruction_limit = 10'000;
    c.lua_memory_limit = 256 * 1024;
    c.lua_max_script_bytes = 8192;
    return c;
  }

  locknode::Config config = TinyBudgets();
  locknode::ManualClock clock;
  locknode::command::Shard shard;
  locknode::command::Dispatcher dispatcher;
  locknode::command::ClientState client;
  locknode::protocol::OutBuffer out;
  locknode::protocol::RespWriter writer;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Harness h;
  h.Run({"SET", "k", "tok", "PX", "5000"});
  h.Run({"SET", "x", "1"});
  const std::string before = h.Snapshot();
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const std::string reply = h.Run({"EVAL", body, "2", "k", "w", "tok", "5000"});
  FUZZ_CHECK(locknode::fuzz::RespValueLength(reply) == reply.size());
  if (reply.starts_with("-ERR Script aborted")) FUZZ_CHECK(h.Snapshot() == before);
  FUZZ_CHECK(h.Run({"EVAL", "return 1", "0"}) == ":1\r\n");
  h.shard.lua().CollectGarbage();
  FUZZ_CHECK(h.shard.lua().memory_bytes() < (size_t{2} << 20));
  return 0;
}

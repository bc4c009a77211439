// libFuzzer target: the input is a Lua script body, run by EVAL through the real Dispatcher
// and sandboxed engine with tiny instruction and memory budgets (SAFETY §3.6, §4.2 rows 20, 22).
// An input starting with byte 0xFF is instead decoded into calls of every sandbox function with
// extreme arguments (huge, negative and NaN numbers, long patterns and subjects, tables whose
// metatables loop or raise, read-only proxies), and a hostile value to return or raise.
//
// Invariants: the reply is one well-formed RESP value; a script aborted by a budget leaves the
// keyspace exactly as it was; no EVAL runs longer than kStallBound (a stall: some C work that
// no budget bounds); the engine still runs `return 1` afterwards and its heap, after a full
// collection, is back under a small bound (nothing a script did survives it).
#include <chrono>
#include <cstdint>
#include <iterator>
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
    writer.set_resp_version(client.resp_version());
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

// Every script-visible function (issue 14's audit list) and the arguments to call them with.
constexpr const char* kFunctions[] = {"string.find",
                                      "string.match",
                                      "string.gmatch",
                                      "string.gsub",
                                      "string.rep",
                                      "string.sub",
                                      "string.byte",
                                      "string.char",
                                      "string.upper",
                                      "string.lower",
                                      "string.reverse",
                                      "string.format",
                                      "string.len",
                                      "table.insert",
                                      "table.remove",
                                      "table.concat",
                                      "table.sort",
                                      "table.maxn",
                                      "table.foreach",
                                      "table.foreachi",
                                      "table.getn",
                                      "tonumber",
                                      "tostring",
                                      "unpack",
                                      "select",
                                      "type",
                                      "rawset",
                                      "rawget",
                                      "rawequal",
                                      "next",
                                      "pairs",
                                      "ipairs",
                                      "getmetatable",
                                      "setmetatable",
                                      "assert",
                                      "error",
                                      "pcall",
                                      "xpcall",
                                      "math.floor",
                                      "math.random",
                                      "math.fmod",
                                      "math.ldexp",
                                      "math.pow",
                                      "math.max",
                                      "math.frexp",
                                      "math.modf",
                                      "math.sqrt",
                                      "redis.call",
                                      "redis.pcall",
                                      "redis.sha1hex",
                                      "redis.error_reply",
                                      "redis.status_reply",
                                      "redis.log",
                                      "redis.setresp",
                                      "redis.set_repl",
                                      "redis.replicate_commands",
                                      "G",
                                      "F"};
constexpr const char* kValues[] = {
    "nil",       "true",     "0",         "-1",   "1e308", "-1e308",    "0/0",   "1/0",
    "2^31",      "-2^31",    "2^53",      "1.5",  "''",    "'a'",       "S",     "P",
    "'(a*)%1b'", "'%b()'",   "'^(%d+)$'", "'%'",  "'[%]'", "T",         "M",     "F",
    "G",         "redis",    "string",    "KEYS", "B",     "{err = M}", "'get'", "'set'",
    "'%q'",      "'%5000d'", "'*'",       "1e9",  "-1e9"};
// Script prelude: B is a 1 MiB argument (arguments do not count against the memory budget).
constexpr char kPrelude[] =
    "local S = string.rep('ab', 2048) local B = ARGV[3] "
    "local P = '[' .. string.rep('a-z', 300) .. ']' local T = {3, 1, 2} "
    "local F = function() while true do end end local G = function() error(T) end "
    "local M = setmetatable({}, {__index = F, __newindex = F, __tostring = F, __len = F, "
    "__eq = F, __lt = F, __le = F, __concat = F, __call = F, __unm = F, __add = F}) ";
// Longer than any EVAL may take, whatever it calls: the budgets here are 10,000 instructions.
constexpr auto kStallBound = std::chrono::seconds(1);

template <size_t N>
const char* Pick(const char* const (&table)[N], uint8_t byte) {
  return table[byte % N];
}

// 0xFF, then per call: function, argument count (0-3) and three arguments; the last byte picks
// what the script ends with.
std::string DecodeCalls(const uint8_t* data, size_t size) {
  std::string body = kPrelude;
  size_t i = 1;
  for (; i + 5 <= size; i += 5) {
    body.append("pcall(").append(Pick(kFunctions, data[i]));
    for (int a = 0; a < data[i + 1] % 4; ++a) {
      body.append(", ").append(Pick(kValues, data[i + 2 + a]));
    }
    body.append(") ");
  }
  const uint8_t last = i < size ? data[i] : 0;
  body.append(last % 2 == 0 ? "return " : "error(").append(Pick(kValues, last / 2));
  if (last % 2 != 0) body.append(")");
  return body;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Harness h;
  h.Run({"SET", "k", "tok", "PX", "5000"});
  h.Run({"SET", "x", "1"});
  const std::string before = h.Snapshot();
  const bool structured = size > 0 && data[0] == 0xFF;
  const std::string decoded = structured ? DecodeCalls(data, size) : std::string();
  const std::string_view body = structured
                                    ? std::string_view(decoded)
                                    : std::string_view(reinterpret_cast<const char*>(data), size);
  static const std::string big_arg(size_t{1} << 20, '1');
  std::vector<std::string_view> eval = {"EVAL", body, "2", "k", "w", "tok", "5000"};
  if (structured) eval.push_back(big_arg);
  const auto start = std::chrono::steady_clock::now();
  const std::string reply = h.Run(eval);
  FUZZ_CHECK(std::chrono::steady_clock::now() - start < kStallBound);
  FUZZ_CHECK(locknode::fuzz::RespValueLength(reply) == reply.size());
  if (reply.starts_with("-ERR Script aborted")) FUZZ_CHECK(h.Snapshot() == before);
  FUZZ_CHECK(h.Run({"EVAL", "return 1", "0"}) == ":1\r\n");
  h.shard.lua().CollectGarbage();
  FUZZ_CHECK(h.shard.lua().memory_bytes() < (size_t{2} << 20));
  return 0;
}

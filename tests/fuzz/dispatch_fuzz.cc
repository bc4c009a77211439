// libFuzzer target: argv lists derived from the input, run through the real Dispatcher over a
// real Shard (keyspace, command table, Lua engine, script cache) under a ManualClock, replies
// captured by the real RESP writer (SAFETY §3.6, §4.2 row 22).
//
// Input format (readable, so seeds and crash files can be written by hand): one command per
// line ('\n'), arguments separated by single spaces; a line "@N" advances the clock by N ms and
// runs the expiry cycle. Every command, EVAL included, runs with tight script budgets.
//
// Invariants: every command yields exactly one well-formed RESP value; after each EVAL aborted
// by a budget, the keyspace holds what it held before the EVAL (its writes were rolled back).
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "locknode/base/clock.h"
#include "locknode/base/config.h"
#include "locknode/base/strings.h"
#include "locknode/command/dispatcher.h"
#include "locknode/command/shard.h"
#include "locknode/protocol/out_buffer.h"
#include "locknode/protocol/resp_writer.h"

#include "fuzz_check.h"

namespace {

using locknode::Config;
using locknode::ManualClock;
using locknode::command::ArgList;
using locknode::command::ClientState;
using locknode::command::Dispatcher;
using locknode::command::Shard;

constexpr size_t kMaxCommands = 64;  // keeps one input well under a millisecond or so

Config TightConfig() {
  Config config;
  config.lua_time_limit = 50;  // the ManualClock does not move during a script: never fires
  config.lua_instruction_limit = 20'000;
  config.lua_memory_limit = 512 * 1024;
  config.lua_max_scripts = 8;
  config.lua_cache_max_bytes = 16 * 1024;
  config.lua_max_script_bytes = 4096;
  return config;
}

bool IsEval(std::string_view name) {
  return locknode::EqualsIgnoreCase(name, "eval") || locknode::EqualsIgnoreCase(name, "evalsha") ||
         locknode::EqualsIgnoreCase(name, "eval_ro") ||
         locknode::EqualsIgnoreCase(name, "evalsha_ro");
}

class Harness {
 public:
  Harness() : shard_(config_, clock_, nullptr), dispatcher_(shard_), writer_(&out_) {}

  void Line(std::string_view line) {
    if (line.size() > 1 && line[0] == '@') {
      const auto ms = locknode::ParseInt64(line.substr(1));
      if (ms && *ms >= 0 && *ms <= 10'000'000) {
        clock_.Advance(*ms);
        shard_.keyspace().ExpireDue(clock_.NowMs(), 1000);
      }
      return;
    }
    std::vector<std::string_view> argv;
    size_t start = 0;
    while (start <= line.size()) {
      const size_t space = std::min(line.find(' ', start), line.size());
      argv.push_back(line.substr(start, space - start));
      start = space + 1;
    }
    Execute(argv);
  }

 private:
  // CONFIG SET of a lua-* budget could lift the limits (lua-instruction-limit 0 makes
  // `while true do end` run forever under a clock that never moves): a real hang, but one the
  // operator asked for, so such lines are skipped.
  static bool LiftsBudgets(const std::vector<std::string_view>& argv) {
    if (!locknode::EqualsIgnoreCase(argv[0], "config")) return false;
    for (std::string_view a : argv) {
      if (a.size() >= 3 && locknode::EqualsIgnoreCase(a.substr(0, 3), "lua")) return true;
    }
    return false;
  }

  void Execute(const std::vector<std::string_view>& argv) {
    if (LiftsBudgets(argv)) return;
    Remember(argv);
    const bool eval = IsEval(argv[0]);
    const std::string before = eval ? Snapshot() : std::string();
    const std::string reply = Run(argv);
    FUZZ_CHECK(locknode::fuzz::RespValueLength(reply) == reply.size());
    if (eval && reply.starts_with("-ERR Script aborted")) FUZZ_CHECK(Snapshot() == before);
  }

  std::string Run(const std::vector<std::string_view>& argv) {
    out_.Clear();
    writer_.set_resp_version(client_.resp_version());
    dispatcher_.Execute(ArgList(argv.data(), argv.size()), client_, writer_);
    return std::string(out_.view());
  }

  // The keyspace as a string: its size plus value and deadline of every argument seen so far
  // and of the key names the seed scripts use. Expired keys are reclaimed first so lazy
  // expiry inside the script cannot change the count.
  std::string Snapshot() {
    shard_.keyspace().ExpireDue(clock_.NowMs(), size_t{1} << 20);
    std::string s = std::to_string(shard_.keyspace().size());
    for (const std::string& key : names_) {
      const auto entry = shard_.keyspace().Find(key, clock_.NowMs());
      s += '|';
      if (entry) s.append(entry->value).append("@").append(std::to_string(entry->deadline));
    }
    return s;
  }

  void Remember(const std::vector<std::string_view>& argv) {
    for (std::string_view a : argv) {
      if (names_.size() < 256) names_.emplace(a);
    }
  }

  Config config_ = TightConfig();
  ManualClock clock_;
  Shard shard_;
  Dispatcher dispatcher_;
  ClientState client_;
  locknode::protocol::OutBuffer out_;
  locknode::protocol::RespWriter writer_;
  std::set<std::string> names_{"k", "w", "lock", "a", "b", "x"};
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  Harness harness;
  size_t start = 0;
  for (size_t n = 0; n < kMaxCommands && start < input.size(); ++n) {
    const size_t nl = std::min(input.find('\n', start), input.size());
    harness.Line(input.substr(start, nl - start));
    start = nl + 1;
  }
  return 0;
}

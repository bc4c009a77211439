#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "locknode/protocol/reply_sink.h"
#include "locknode/script/command_invoker.h"

namespace locknode::script {

namespace internal {
class EngineCore;
}

// Budgets for one script run. Exceeding any of them aborts the script (RunStatus::kAborted):
// Redis only warns (BUSY) and needs SCRIPT KILL or SHUTDOWN NOSAVE; a lock node instead kills
// the script and the caller rolls its writes back (GUIDE §6.2).
struct EngineLimits {
  // Elapsed time per run, read through EngineOptions::now_ms every kHookInterval instructions.
  // Redis's lua-time-limit is 5000 ms; lock scripts finish in microseconds.
  int64_t time_limit_ms = 5000;
  // Lua VM instructions per run; 0 disables the check. Deterministic, so tests rely on it.
  uint64_t instruction_limit = 1'000'000'000;
  // Bytes one run (or one compilation) may add to the Lua heap on top of what it started with.
  size_t memory_limit_bytes = size_t{64} << 20;
};

// How often (in VM instructions) the count hook checks the budgets.
inline constexpr int kHookInterval = 1000;

enum class RunStatus : uint8_t {
  kOk,       // the script returned; its value was written to the reply sink
  kError,    // the script raised an error; Redis's error text was written to the sink
  kAborted,  // killed by a budget; the error was written; the caller must undo its writes
};

enum class AbortReason : uint8_t { kNone, kTime, kInstructions, kMemory };

// Flags from a `#!lua flags=...` shebang line (Redis 7 evalExtractShebangFlags).
struct ScriptFlags {
  bool has_shebang = false;
  bool no_writes = false;
  bool allow_oom = false;
  bool allow_stale = false;
  bool no_cluster = false;
  bool allow_cross_slot_keys = false;
};

// Handle of a compiled script inside one engine (a Lua registry reference).
using FunctionRef = int;
inline constexpr FunctionRef kNoFunction = -1;

struct EngineOptions {
  EngineLimits limits;
  // Monotonic milliseconds; required. Only the budget reads it (never a global clock).
  std::function<int64_t()> now_ms;
  // redis.log(level, ...): level is Redis's LL_DEBUG(0)..LL_WARNING(3). May be empty.
  std::function<void(int level, std::string_view message)> log;
  // redis.REDIS_VERSION ("X.Y.Z", what INFO and HELLO report; option redis-version) and its
  // REDIS_VERSION_NUM (0x00XXYYZZ).
  std::string redis_version = "8.4.0";
};

// One sandboxed Lua 5.1 state (GUIDE §2.5, SAFETY §2.4). Single-threaded: one engine per shard,
// used only from the shard's thread. Not reentrant: Run must not be called from inside a run.
//
// Sandbox: only base/table/string/math are opened; library tables, _G and the string
// metatable are read-only proxies; bytecode is refused; unpack, string.rep and pattern
// matching are bounded; a count hook enforces the time/instruction budgets and a counting
// allocator the memory budget. See lua_sandbox.cc for the exact list.
class LuaEngine {
 public:
  explicit LuaEngine(EngineOptions options);
  ~LuaEngine();
  LuaEngine(const LuaEngine&) = delete;
  LuaEngine& operator=(const LuaEngine&) = delete;

  // Compiles `body` as Redis's luaCreateFunction does: chunk name "@user_script", so messages
  // read "user_script:N:". On failure returns kNoFunction and sets *error to Redis's reply
  // text (without '-'), e.g. "ERR Error compiling script (new function): user_script:1: ...".
  FunctionRef Compile(std::string_view body, ScriptFlags* flags, std::string* error);
  // Drops a compiled function (cache eviction, SCRIPT FLUSH).
  void Release(FunctionRef fn);

  // Runs a compiled script with KEYS/ARGV. `sha` (40 hex) names it in runtime errors
  // ("... script: <sha>, on @user_script:1."). Every redis.call goes to `invoker`. The final
  // reply (value or error) is written to `reply` exactly once. Views need only outlive the call.
  RunStatus Run(FunctionRef fn, std::string_view sha, std::span<const std::string_view> keys,
                std::span<const std::string_view> argv, CommandInvoker& invoker,
                protocol::ReplySink& reply);

  // Why the last run was aborted (kNone if it was not).
  AbortReason last_abort() const;
  // Bytes currently held by the Lua heap (compiled scripts plus garbage not yet collected).
  size_t memory_bytes() const;
  const EngineLimits& limits() const;
  // Replaces the redis.log callback (the app wires it to its logger after construction).
  void set_log(std::function<void(int level, std::string_view message)> log);
  void set_limits(const EngineLimits& limits);
  // Full garbage collection (after SCRIPT FLUSH).
  void CollectGarbage();

 private:
  std::unique_ptr<internal::EngineCore> core_;
};

// The error texts of aborted scripts (locknode-specific; Redis has no equivalent because it
// never kills a script that wrote). The printf argument is the configured limit.
inline constexpr char kAbortTimeFmt[] =
    "ERR Script aborted: exceeded the time limit of %lld ms; its writes were rolled back";
inline constexpr char kAbortInstructionsFmt[] =
    "ERR Script aborted: exceeded the limit of %llu Lua instructions; its writes were rolled back";
inline constexpr char kAbortMemoryFmt[] =
    "ERR Script aborted: exceeded the memory limit of %zu bytes; its writes were rolled back";

}  // namespace locknode::script

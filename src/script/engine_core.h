#pragma once

// Private to the script module: the state shared by LuaEngine and the C functions it exposes
// to Lua. Every lua_CFunction finds it through the allocator's userdata (CoreOf).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <lua.hpp>

#include "locknode/script/lua_engine.h"
#include "locknode/script/lua_reply_sink.h"

namespace locknode::script::internal {

// Extra heap granted once a script is being aborted, so unwinding (error strings, the handler's
// table) cannot fail a second time.
inline constexpr size_t kAbortGraceBytes = size_t{1} << 20;

// C work done by library functions is measured in units of about a nanosecond of a simple loop
// step on the reference machine (lua_bounded_lib.cc has the weights per function). The count
// hook only runs between VM instructions, so a C call is bounded before it starts:
// - a call whose estimated work exceeds kMaxCallWork is refused with a script error;
// - a call estimated above kTimeCheckWork checks the time budget first, so a script past its
//   limit cannot start one more long call, and between two hook ticks (kHookInterval
//   instructions) unchecked calls add at most kHookInterval * kTimeCheckWork units.
// The work also counts against the instruction budget, one instruction per
// kWorkPerInstruction units (about what one VM instruction costs), so the deterministic budget
// bounds C work too.
inline constexpr double kMaxCallWork = 2e7;
inline constexpr double kTimeCheckWork = 1e4;
inline constexpr double kWorkPerInstruction = 10;

class EngineCore {
 public:
  explicit EngineCore(EngineOptions options);
  ~EngineCore();

  // Memory accounting (lua_Alloc). Growth beyond `cap_` fails while `enforce_` is set.
  static void* Alloc(void* ud, void* ptr, size_t osize, size_t nsize);
  // Marks the run as aborted for `reason` and makes the abort sticky: the hook then fires on
  // every instruction, so pcall inside the script cannot swallow it.
  void MarkAborted(AbortReason reason);
  // Pushes the abort error object (used by the hook and by C functions) and raises it.
  int RaiseAbort(lua_State* lua);
  // The client-visible text for the current abort reason.
  void FormatAbort(char* text, size_t size) const;
  void ArmHook(int count);
  // Counts `units` of C work about to be done by a library call against the time and
  // instruction budgets. Returns only if the run may go on; otherwise marks the abort and raises
  // it (a longjmp: the caller's frame must hold no C++ object with a destructor).
  void ChargeWork(lua_State* lua, double units);

  lua_State* L = nullptr;
  EngineOptions options;
  // Heap accounting.
  size_t used = 0;
  size_t cap = SIZE_MAX;
  bool enforce = false;
  // Per-run state.
  bool running = false;
  CommandInvoker* invoker = nullptr;
  int resp = 2;  // the script client's protocol (redis.setresp)
  int64_t start_ms = 0;
  uint64_t instructions = 0;
  AbortReason abort = AbortReason::kNone;
  AbortReason last_abort = AbortReason::kNone;
  int hook_count = kHookInterval;
  uint64_t runs = 0;
  // Scratch reused by redis.call (members, so no C++ object lives in a frame a Lua error
  // could longjmp over).
  std::vector<std::string_view> call_args;
  std::vector<size_t> number_ends;  // arena offsets for formatted numbers
  std::string number_arena;
  LuaReplySink call_sink{nullptr};
  int error_handler_ref = LUA_NOREF;
};

inline EngineCore* CoreOf(lua_State* lua) {
  void* ud = nullptr;
  lua_getallocf(lua, &ud);
  return static_cast<EngineCore*>(ud);
}

// lua_sandbox.cc: opens the allowed libraries, removes the dangerous globals, installs the
// read-only proxies. Leaves the script environment table at registry[kEnvKey].
void BuildSandbox(lua_State* lua, std::string_view redis_version);
// lua_redis_api.cc: builds the `redis` table (left on the stack).
void PushRedisApi(lua_State* lua, std::string_view redis_version);
// lua_to_reply.cc: converts the value on top of the stack to a reply and pops it.
void LuaToReply(lua_State* lua, int resp, protocol::ReplySink& sink);
// The number of values LuaToReply would write for the value on top of the stack (left there),
// found by the same traversal with nothing encoded.
size_t CountReplyValues(lua_State* lua, int resp);
// Error handler for the top-level pcall (Redis's __redis__err__handler, in C).
int ErrorHandler(lua_State* lua);
// Makes the table at `index` reachable only through a read-only proxy; pushes the proxy.
void PushReadonlyProxy(lua_State* lua, int index);
// Whether the value at `index` is one of the sandbox's read-only proxies (userdata or table).
bool IsReadonlyProxy(lua_State* lua, int index);
// lua_bounded_lib.cc: replaces the library functions whose C work the count hook cannot see
// with bounded versions (the audit table is at the top of that file).
void BoundLibraries(lua_State* lua);
// Raises Redis's "Attempt to modify a readonly table" (with the script position).
int RaiseReadonly(lua_State* lua);

inline constexpr char kEnvKey[] = "locknode.env";
inline constexpr char kLockedMetaKey[] = "locknode.locked_meta";

}  // namespace locknode::script::internal

// EngineCore: the Lua state, its counting allocator, the budget hook and the error handler.
#include "script/engine_core.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace locknode::script::internal {
namespace {

// An error outside any pcall means a bug here; like Redis's zmalloc OOM handler, stop hard.
int Panic(lua_State* lua) {
  std::fprintf(stderr, "locknode: unprotected Lua error: %s\n", lua_tostring(lua, -1));
  std::abort();
}

// Why the run must stop now, or kNone. Reads the clock only when `check_time` is set.
AbortReason ExceededBudget(const EngineCore& core, bool check_time) {
  const EngineLimits& limits = core.options.limits;
  if (limits.instruction_limit != 0 && core.instructions > limits.instruction_limit) {
    return AbortReason::kInstructions;
  }
  if (check_time && core.options.now_ms() - core.start_ms > limits.time_limit_ms) {
    return AbortReason::kTime;
  }
  return AbortReason::kNone;
}

void CountHook(lua_State* lua, lua_Debug* /*ar*/) {
  EngineCore* core = CoreOf(lua);
  if (!core->running) return;
  if (core->abort == AbortReason::kNone) {
    core->instructions += static_cast<uint64_t>(core->hook_count);
    const AbortReason reason = ExceededBudget(*core, /*check_time=*/true);
    if (reason == AbortReason::kNone) return;
    core->MarkAborted(reason);
  }
  core->RaiseAbort(lua);
}

// tostring() without metamethods: the handler must not run script code.
void PushPlainToString(lua_State* lua, int index) {
  switch (lua_type(lua, index)) {
    case LUA_TSTRING:
    case LUA_TNUMBER:
      lua_pushvalue(lua, index);
      lua_tostring(lua, -1);
      break;
    case LUA_TNIL:
      lua_pushliteral(lua, "nil");
      break;
    case LUA_TBOOLEAN:
      lua_pushstring(lua, lua_toboolean(lua, index) ? "true" : "false");
      break;
    default:
      lua_pushfstring(lua, "%s: %p", luaL_typename(lua, index), lua_topointer(lua, index));
  }
}

// Copies t[field] (raw) of the table at `from` into the table at -1 if it is a string or a
// number; anything else is dropped.
void CopyPlainField(lua_State* lua, int from, const char* field) {
  lua_pushstring(lua, field);
  lua_pushvalue(lua, -1);
  lua_rawget(lua, from);
  const int type = lua_type(lua, -1);
  if (type == LUA_TSTRING || type == LUA_TNUMBER) {
    lua_rawset(lua, -3);
  } else {
    lua_pop(lua, 2);
  }
}

}  // namespace

// Redis's __redis__err__handler (eval.c), in C: make the error a table {err=...} and record the
// script position: the frame that raised, or its caller when that frame is a C function
// (error(), redis.call(), a metamethod), which is what a user debugging the script wants.
//
// It runs inside the protected call, and it hands back a NEW plain table holding only strings
// and numbers, read with raw access: nothing after lua_pcall returns can reach a metamethod of
// the script's error object (Redis 7.0 reads it with lua_gettable and panics on
// error(setmetatable({}, {__index = function() error() end}))).
int ErrorHandler(lua_State* lua) {
  lua_Debug ar;
  bool have = lua_getstack(lua, 1, &ar) != 0 && lua_getinfo(lua, "Sl", &ar) != 0;
  if (have && std::strcmp(ar.what, "C") == 0) {
    have = lua_getstack(lua, 2, &ar) != 0 && lua_getinfo(lua, "Sl", &ar) != 0;
  }
  lua_settop(lua, 1);
  lua_createtable(lua, 0, 3);
  if (lua_istable(lua, 1)) {
    CopyPlainField(lua, 1, "err");
  } else {
    lua_pushliteral(lua, "err");
    lua_pushliteral(lua, "ERR ");
    PushPlainToString(lua, 1);
    lua_concat(lua, 2);
    lua_rawset(lua, -3);
  }
  if (have) {
    lua_pushliteral(lua, "source");
    lua_pushstring(lua, ar.source);
    lua_rawset(lua, -3);
    lua_pushliteral(lua, "line");
    lua_pushinteger(lua, ar.currentline);
    lua_rawset(lua, -3);
  }
  return 1;
}

EngineCore::EngineCore(EngineOptions opts) : options(std::move(opts)) {
  L = lua_newstate(&EngineCore::Alloc, this);
  if (L == nullptr) std::abort();
  lua_atpanic(L, Panic);
  call_sink = LuaReplySink(L);
  BuildSandbox(L, options.redis_version);
  lua_pushcfunction(L, ErrorHandler);
  error_handler_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  // Anchor the field names the reply converter looks up, so pushing them never allocates.
  lua_createtable(L, 0, 0);
  const char* fields[] = {"err", "ok", "double", "big_number", "map", "set", "source", "line"};
  for (const char* field : fields) {
    lua_pushstring(L, field);
    lua_pushboolean(L, 1);
    lua_rawset(L, -3);
  }
  lua_setfield(L, LUA_REGISTRYINDEX, "locknode.anchored_names");
  ArmHook(kHookInterval);
  lua_gc(L, LUA_GCCOLLECT, 0);
}

EngineCore::~EngineCore() { lua_close(L); }

void* EngineCore::Alloc(void* ud, void* ptr, size_t osize, size_t nsize) {
  auto* core = static_cast<EngineCore*>(ud);
  if (nsize == 0) {
    std::free(ptr);
    core->used -= osize;
    return nullptr;
  }
  // Lua 5.1 requires that shrinking never fails, so only growth is checked.
  if (nsize > osize && core->enforce && core->used - osize + nsize > core->cap) {
    if (core->running) core->MarkAborted(AbortReason::kMemory);
    return nullptr;
  }
  void* p = std::realloc(ptr, nsize);
  if (p == nullptr) return nullptr;
  core->used = core->used - osize + nsize;
  return p;
}

void EngineCore::MarkAborted(AbortReason reason) {
  if (abort != AbortReason::kNone) return;
  abort = reason;
  cap = (used > cap ? used : cap) + kAbortGraceBytes;
  ArmHook(1);
}

void EngineCore::FormatAbort(char* text, size_t size) const {
  const EngineLimits& limits = options.limits;
  switch (abort) {
    case AbortReason::kTime:
      std::snprintf(text, size, kAbortTimeFmt, static_cast<long long>(limits.time_limit_ms));
      break;
    case AbortReason::kInstructions:
      std::snprintf(text, size, kAbortInstructionsFmt,
                    static_cast<unsigned long long>(limits.instruction_limit));
      break;
    default:
      std::snprintf(text, size, kAbortMemoryFmt, limits.memory_limit_bytes);
  }
}

int EngineCore::RaiseAbort(lua_State* lua) {
  char text[160];
  FormatAbort(text, sizeof(text));
  PushErrorTable(lua, text, /*coded=*/true);
  return lua_error(lua);
}

void EngineCore::ChargeWork(lua_State* lua, double units) {
  if (!running) return;
  if (abort == AbortReason::kNone) {
    instructions += static_cast<uint64_t>(units / kWorkPerInstruction);
    const AbortReason reason = ExceededBudget(*this, units >= kTimeCheckWork);
    if (reason == AbortReason::kNone) return;
    MarkAborted(reason);
  }
  RaiseAbort(lua);
}

void EngineCore::ArmHook(int count) {
  hook_count = count;
  lua_sethook(L, CountHook, LUA_MASKCOUNT, count);
}

}  // namespace locknode::script::internal

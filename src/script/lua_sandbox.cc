// The Lua sandbox: which globals a script sees and how they are protected (SAFETY §2.4).
//
// Decisions, each tighter than or equal to Redis 7.0:
//  * Only base, table, string and math are opened (never luaL_openlibs: CVE-2022-0543 was
//    Debian's Redis leaving `package` reachable). No os, io, package, debug, cjson, bit, struct,
//    cmsgpack (CVE-2022-24834, CVE-2024-31449).
//  * Removed from base: dofile, loadfile, load, loadstring, require, module, getfenv, setfenv,
//    newproxy, print, collectgarbage, gcinfo and coroutine; string.dump and string.gfind.
//    Redis keeps loadstring/load/collectgarbage/coroutine; lock scripts never use them and they
//    are the CVE-2025-49844 exploit path.
//  * Stock Lua 5.1 has no read-only tables (Redis patches its Lua). Instead the scripts see
//    read-only proxies: `string`, `table`, `math`, `redis` and `_G` are userdata whose
//    metatable reads through to the real table and whose __newindex raises Redis's
//    "Attempt to modify a readonly table". Userdata cannot be rawset, table.insert-ed or
//    setmetatable-d, so no raw write path exists. (Visible difference: type(string) is
//    "userdata" and pairs(string) fails.) Scripts run with a shared, always-empty environment
//    table whose __newindex raises the same error and whose reads fall through to the real
//    globals; reading a missing global raises Redis's "Script attempted to access nonexistent
//    global variable 'x'". KEYS and ARGV are stored raw per run by the engine.
//  * The string metatable's __metatable is a read-only proxy of {__index = string proxy}, so
//    getmetatable('').__index.upper = f fails as in Redis (CVE-2025-46818 class).
//  * unpack computes counts in 64 bits and refuses more than kMaxUnpack results
//    (CVE-2025-46817); string.rep and pattern matching refuse work the count hook could not
//    interrupt (C loops run no VM instructions).
#include <algorithm>
#include <cmath>
#include <cstring>

#include "script/engine_core.h"

namespace locknode::script::internal {
namespace {

constexpr char kReadonlyMsg[] = "Attempt to modify a readonly table";
// Lua's own LUAI_MAXCSTACK: unpack never returned more than this anyway.
constexpr double kMaxUnpack = 8000;
// Rough upper bound on the steps of one pattern-matching call (about a second of C time).
constexpr double kPatternCostLimit = 1e9;

int ReadonlyNewIndex(lua_State* lua) { return luaL_error(lua, kReadonlyMsg); }

int NonexistentGlobal(lua_State* lua) {
  return luaL_error(lua, "Script attempted to access nonexistent global variable '%s'",
                    lua_tostring(lua, 2));
}

// Redis raises this one without a position (lua_setmetatable on a read-only table).
int SafeSetmetatable(lua_State* lua) {
  if (lua_type(lua, 1) == LUA_TUSERDATA) {
    lua_pushstring(lua, kReadonlyMsg);
    return lua_error(lua);
  }
  lua_pushvalue(lua, lua_upvalueindex(1));
  lua_insert(lua, 1);
  lua_call(lua, lua_gettop(lua) - 1, 1);
  return 1;
}

// Redis's pcall (luaRedisPcall): an error table {err=s} is returned as the string s. An abort
// is re-raised at once so a script cannot swallow it.
int SafePcall(lua_State* lua) {
  luaL_checkany(lua, 1);
  const int argc = lua_gettop(lua);
  lua_pushboolean(lua, 1);
  lua_insert(lua, 1);
  if (lua_pcall(lua, argc - 1, LUA_MULTRET, 0) != 0) {
    if (CoreOf(lua)->abort != AbortReason::kNone) return lua_error(lua);
    lua_remove(lua, 1);
    if (lua_istable(lua, -1)) {
      lua_getfield(lua, -1, "err");
      if (lua_isstring(lua, -1)) lua_replace(lua, -2);
    }
    lua_pushboolean(lua, 0);
    lua_insert(lua, 1);
  }
  return lua_gettop(lua);
}

double ToIntegral(double v) {
  if (std::isnan(v)) return 0;
  return std::trunc(std::fmax(-9.0e15, std::fmin(9.0e15, v)));
}

int SafeUnpack(lua_State* lua) {
  luaL_checktype(lua, 1, LUA_TTABLE);
  const double first = ToIntegral(luaL_optnumber(lua, 2, 1));
  const double last = ToIntegral(lua_isnoneornil(lua, 3) ? static_cast<double>(lua_objlen(lua, 1))
                                                         : luaL_checknumber(lua, 3));
  if (first > last) return 0;
  const double count = last - first + 1;
  if (count > kMaxUnpack || !lua_checkstack(lua, static_cast<int>(count))) {
    return luaL_error(lua, "too many results to unpack");
  }
  for (double k = first; k <= last; k += 1) {
    lua_pushnumber(lua, k);
    lua_rawget(lua, 1);
  }
  return static_cast<int>(count);
}

// string.rep without Lua 5.1's char-by-char loop: a zero-length or huge request would spin
// in C where the count hook never fires. Oversized results abort like any allocation failure.
int SafeRep(lua_State* lua) {
  size_t len = 0;
  const char* s = luaL_checklstring(lua, 1, &len);
  const double n = ToIntegral(luaL_checknumber(lua, 2));
  if (n <= 0 || len == 0) {
    lua_pushliteral(lua, "");
    return 1;
  }
  EngineCore* core = CoreOf(lua);
  const double total = n * static_cast<double>(len);
  if (core->enforce &&
      (core->used >= core->cap || total > static_cast<double>(core->cap - core->used))) {
    core->MarkAborted(AbortReason::kMemory);
    return core->RaiseAbort(lua);
  }
  const auto bytes = static_cast<size_t>(total);
  auto* buf = static_cast<char*>(lua_newuserdata(lua, bytes));
  // Doubling copies: O(log n) memcpy calls, so string.rep('x', 4e6) is not four million.
  std::memcpy(buf, s, len);
  for (size_t filled = len; filled < bytes; filled *= 2) {
    std::memcpy(buf + filled, buf, std::min(filled, bytes - filled));
  }
  lua_pushlstring(lua, buf, bytes);
  return 1;
}

// Repetition items (*, +, -, ?, %b) in a Lua pattern: each can multiply backtracking by the
// subject length.
int CountRepetitions(const char* p, size_t m) {
  int count = 0;
  for (size_t i = 0; i < m; ++i) {
    const char c = p[i];
    if (c == '%') {
      if (i + 1 < m && p[i + 1] == 'b') {
        ++count;
        i += 3;
      } else {
        ++i;
      }
    } else if (c == '[') {
      ++i;
      if (i < m && p[i] == '^') ++i;
      if (i < m && p[i] == ']') ++i;
      while (i < m && p[i] != ']') i += (p[i] == '%') ? 2 : 1;
    } else if (c == '*' || c == '+' || c == '-' || c == '?') {
      ++count;
    }
  }
  return count;
}

// find/match/gmatch/gsub: refuse calls whose worst case could run for seconds inside C.
// Upvalue 1: the original function; upvalue 2: whether argument 4 can request a plain find.
int GuardedPattern(lua_State* lua) {
  size_t n = 0, m = 0;
  luaL_checklstring(lua, 1, &n);
  const char* p = luaL_checklstring(lua, 2, &m);
  const bool plain = (lua_toboolean(lua, lua_upvalueindex(2)) && lua_toboolean(lua, 4)) ||
                     std::strpbrk(p, "^$*+?.([%-") == nullptr;
  const double subject = static_cast<double>(n) + 1;
  const double cost = plain ? subject * (static_cast<double>(m) + 1)
                            : std::pow(subject, CountRepetitions(p, m) + 1);
  if (cost > kPatternCostLimit) {
    return luaL_error(lua, "pattern too complex for the script sandbox (%d-byte subject)",
                      static_cast<int>(n));
  }
  lua_pushvalue(lua, lua_upvalueindex(1));
  lua_insert(lua, 1);
  lua_call(lua, lua_gettop(lua) - 1, LUA_MULTRET);
  return lua_gettop(lua);
}

void OpenLib(lua_State* lua, const char* name, lua_CFunction open) {
  lua_pushcfunction(lua, open);
  lua_pushstring(lua, name);
  lua_call(lua, 1, 0);
}

void SetGlobalNil(lua_State* lua, const char* name) {
  lua_pushnil(lua);
  lua_setfield(lua, LUA_GLOBALSINDEX, name);
}

// Replaces table[name] (table at -1) with a closure of GuardedPattern over the original.
void GuardPattern(lua_State* lua, const char* name, bool has_plain_arg) {
  lua_getfield(lua, -1, name);
  lua_pushboolean(lua, has_plain_arg);
  lua_pushcclosure(lua, GuardedPattern, 2);
  lua_setfield(lua, -2, name);
}

void HardenStringLibrary(lua_State* lua) {
  lua_getfield(lua, LUA_GLOBALSINDEX, "string");
  lua_pushnil(lua);
  lua_setfield(lua, -2, "dump");
  lua_pushnil(lua);
  lua_setfield(lua, -2, "gfind");
  lua_pushcfunction(lua, SafeRep);
  lua_setfield(lua, -2, "rep");
  GuardPattern(lua, "find", true);
  GuardPattern(lua, "match", false);
  GuardPattern(lua, "gmatch", false);
  GuardPattern(lua, "gsub", false);
  lua_pop(lua, 1);
}

void ReplaceBaseFunctions(lua_State* lua) {
  static constexpr const char* kRemoved[] = {
      "collectgarbage", "dofile",   "gcinfo", "getfenv", "load",    "loadfile", "loadstring",
      "module",         "newproxy", "print",  "require", "setfenv", "coroutine"};
  for (const char* name : kRemoved) SetGlobalNil(lua, name);
  lua_pushcfunction(lua, SafePcall);
  lua_setfield(lua, LUA_GLOBALSINDEX, "pcall");
  lua_pushcfunction(lua, SafeUnpack);
  lua_setfield(lua, LUA_GLOBALSINDEX, "unpack");
  lua_getfield(lua, LUA_GLOBALSINDEX, "setmetatable");
  lua_pushcclosure(lua, SafeSetmetatable, 1);
  lua_setfield(lua, LUA_GLOBALSINDEX, "setmetatable");
}

// The metatable every proxy hands out through getmetatable(): itself read-only.
void CreateLockedMeta(lua_State* lua) {
  lua_newuserdata(lua, 0);
  lua_createtable(lua, 0, 3);
  lua_newtable(lua);
  lua_setfield(lua, -2, "__index");
  lua_pushcfunction(lua, ReadonlyNewIndex);
  lua_setfield(lua, -2, "__newindex");
  lua_pushvalue(lua, -2);
  lua_setfield(lua, -2, "__metatable");
  lua_setmetatable(lua, -2);
  lua_setfield(lua, LUA_REGISTRYINDEX, kLockedMetaKey);
}

void ProxyGlobal(lua_State* lua, const char* name) {
  lua_getfield(lua, LUA_GLOBALSINDEX, name);
  PushReadonlyProxy(lua, -1);
  lua_setfield(lua, LUA_GLOBALSINDEX, name);
  lua_pop(lua, 1);
}

void ProtectStringMetatable(lua_State* lua) {
  lua_pushliteral(lua, "");
  lua_getmetatable(lua, -1);
  lua_createtable(lua, 0, 1);
  lua_getfield(lua, LUA_GLOBALSINDEX, "string");
  lua_setfield(lua, -2, "__index");
  PushReadonlyProxy(lua, -1);
  lua_setfield(lua, -3, "__metatable");
  lua_pop(lua, 3);
}

// Gives the value on top of the stack a locked metatable that reads through to the table at
// absolute stack index `target` and refuses every write.
void SetReadonlyMetatable(lua_State* lua, int target) {
  lua_createtable(lua, 0, 3);
  lua_pushvalue(lua, target);
  lua_setfield(lua, -2, "__index");
  lua_pushcfunction(lua, ReadonlyNewIndex);
  lua_setfield(lua, -2, "__newindex");
  lua_getfield(lua, LUA_REGISTRYINDEX, kLockedMetaKey);
  lua_setfield(lua, -2, "__metatable");
  lua_setmetatable(lua, -2);
}

// The shared environment of every script: always empty, reads fall through to the globals.
void CreateScriptEnvironment(lua_State* lua) {
  lua_newtable(lua);
  SetReadonlyMetatable(lua, LUA_GLOBALSINDEX);
  lua_setfield(lua, LUA_REGISTRYINDEX, kEnvKey);
}

}  // namespace

void PushReadonlyProxy(lua_State* lua, int index) {
  const int target = index < 0 && index > LUA_REGISTRYINDEX ? lua_gettop(lua) + index + 1 : index;
  lua_newuserdata(lua, 0);
  SetReadonlyMetatable(lua, target);
}

void BuildSandbox(lua_State* lua) {
  OpenLib(lua, "", luaopen_base);
  OpenLib(lua, LUA_TABLIBNAME, luaopen_table);
  OpenLib(lua, LUA_STRLIBNAME, luaopen_string);
  OpenLib(lua, LUA_MATHLIBNAME, luaopen_math);
  ReplaceBaseFunctions(lua);
  HardenStringLibrary(lua);
  CreateLockedMeta(lua);
  PushRedisApi(lua);
  lua_setfield(lua, LUA_GLOBALSINDEX, "redis");
  for (const char* name : {"string", "table", "math", "redis"}) ProxyGlobal(lua, name);
  ProtectStringMetatable(lua);
  PushReadonlyProxy(lua, LUA_GLOBALSINDEX);
  lua_setfield(lua, LUA_GLOBALSINDEX, "_G");
  // Last: from here on a missing global raises, even for lua_getfield from C.
  lua_pushvalue(lua, LUA_GLOBALSINDEX);
  lua_createtable(lua, 0, 1);
  lua_pushcfunction(lua, NonexistentGlobal);
  lua_setfield(lua, -2, "__index");
  lua_setmetatable(lua, -2);
  lua_pop(lua, 1);
  CreateScriptEnvironment(lua);
}

}  // namespace locknode::script::internal

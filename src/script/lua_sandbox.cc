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
//    read-only proxies: `string`, `table`, `math` and `_G` are userdata whose metatable reads
//    through to the real table and whose __newindex raises Redis's "Attempt to modify a
//    readonly table". Userdata cannot be rawset, table.insert-ed or setmetatable-d, so no raw
//    write path exists. `redis` is an empty table with the same metatable (type(redis) is
//    "table" as in Redis), and every raw writer refuses it. (Visible differences: type(string)
//    is "userdata", pairs(string) fails, pairs(redis) is empty.) Scripts run with a shared,
//    always-empty environment table whose __newindex raises the same error and whose reads fall
//    through to the real globals; reading a missing global raises Redis's "Script attempted to
//    access nonexistent global variable 'x'". KEYS and ARGV are stored raw per run by the engine.
//  * The string metatable's __metatable is a read-only proxy of {__index = string proxy}, so
//    getmetatable('').__index.upper = f fails as in Redis (CVE-2025-46818 class).
//  * Library functions whose C work the count hook cannot interrupt are bounded: see the audit
//    table in lua_bounded_lib.cc (unpack, CVE-2025-46817, is one of them).
#include "script/engine_core.h"

namespace locknode::script::internal {
namespace {

constexpr char kReadonlyMsg[] = "Attempt to modify a readonly table";

int NonexistentGlobal(lua_State* lua) {
  return luaL_error(lua, "Script attempted to access nonexistent global variable '%s'",
                    lua_tostring(lua, 2));
}

// Redis raises this one without a position (lua_setmetatable on a read-only table).
int SafeSetmetatable(lua_State* lua) {
  if (lua_type(lua, 1) == LUA_TUSERDATA || IsReadonlyProxy(lua, 1)) {
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

// The error handler xpcall installs: the script's handler, unless the run is being aborted.
// When the count hook raises the abort, Lua calls the error handler from inside the hook, where
// hooks are off (allowhook = 0): a script handler that loops there could never be stopped, so
// it does not run at all and the abort object passes through untouched.
int XpcallHandler(lua_State* lua) {
  if (CoreOf(lua)->abort != AbortReason::kNone) return 1;
  lua_pushvalue(lua, lua_upvalueindex(1));
  lua_insert(lua, 1);
  lua_call(lua, lua_gettop(lua) - 1, 1);
  return 1;
}

// Lua 5.1's xpcall(f, handler) with the handler behind XpcallHandler, and an abort re-raised
// at once as in SafePcall.
int SafeXpcall(lua_State* lua) {
  luaL_checkany(lua, 2);
  lua_settop(lua, 2);
  lua_pushcclosure(lua, XpcallHandler, 1);
  lua_insert(lua, 1);
  const int status = lua_pcall(lua, 0, LUA_MULTRET, 1);
  if (status != 0 && CoreOf(lua)->abort != AbortReason::kNone) return lua_error(lua);
  lua_pushboolean(lua, status == 0 ? 1 : 0);
  lua_replace(lua, 1);
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

void RemoveStringFunctions(lua_State* lua) {
  lua_getfield(lua, LUA_GLOBALSINDEX, "string");
  lua_pushnil(lua);
  lua_setfield(lua, -2, "dump");
  lua_pushnil(lua);
  lua_setfield(lua, -2, "gfind");
  lua_pop(lua, 1);
}

void ReplaceBaseFunctions(lua_State* lua) {
  static constexpr const char* kRemoved[] = {
      "collectgarbage", "dofile",   "gcinfo", "getfenv", "load",    "loadfile", "loadstring",
      "module",         "newproxy", "print",  "require", "setfenv", "coroutine"};
  for (const char* name : kRemoved) SetGlobalNil(lua, name);
  lua_pushcfunction(lua, SafePcall);
  lua_setfield(lua, LUA_GLOBALSINDEX, "pcall");
  lua_pushcfunction(lua, SafeXpcall);
  lua_setfield(lua, LUA_GLOBALSINDEX, "xpcall");
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
  lua_pushcfunction(lua, RaiseReadonly);
  lua_setfield(lua, -2, "__newindex");
  lua_pushvalue(lua, -2);
  lua_setfield(lua, -2, "__metatable");
  lua_setmetatable(lua, -2);
  lua_setfield(lua, LUA_REGISTRYINDEX, kLockedMetaKey);
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
  lua_pushcfunction(lua, RaiseReadonly);
  lua_setfield(lua, -2, "__newindex");
  lua_getfield(lua, LUA_REGISTRYINDEX, kLockedMetaKey);
  lua_setfield(lua, -2, "__metatable");
  lua_setmetatable(lua, -2);
}

// `redis` is an empty table proxy rather than userdata because scripts and libraries check
// type(redis) == "table" as in Redis. A table could be written raw, so rawset, table.insert,
// table.remove, table.sort and setmetatable refuse read-only proxies (IsReadonlyProxy).
void ProxyGlobal(lua_State* lua, const char* name, bool as_table) {
  lua_getfield(lua, LUA_GLOBALSINDEX, name);
  if (as_table) {
    lua_newtable(lua);
    SetReadonlyMetatable(lua, lua_gettop(lua) - 1);
  } else {
    PushReadonlyProxy(lua, -1);
  }
  lua_setfield(lua, LUA_GLOBALSINDEX, name);
  lua_pop(lua, 1);
}

// The shared environment of every script: always empty, reads fall through to the globals.
void CreateScriptEnvironment(lua_State* lua) {
  lua_newtable(lua);
  SetReadonlyMetatable(lua, LUA_GLOBALSINDEX);
  lua_setfield(lua, LUA_REGISTRYINDEX, kEnvKey);
}

}  // namespace

int RaiseReadonly(lua_State* lua) { return luaL_error(lua, kReadonlyMsg); }

bool IsReadonlyProxy(lua_State* lua, int index) {
  if (lua_getmetatable(lua, index) == 0) return false;
  lua_pushliteral(lua, "__newindex");
  lua_rawget(lua, -2);
  const bool readonly = lua_tocfunction(lua, -1) == RaiseReadonly;
  lua_pop(lua, 2);
  return readonly;
}

void PushReadonlyProxy(lua_State* lua, int index) {
  const int target = index < 0 && index > LUA_REGISTRYINDEX ? lua_gettop(lua) + index + 1 : index;
  lua_newuserdata(lua, 0);
  SetReadonlyMetatable(lua, target);
}

void BuildSandbox(lua_State* lua, std::string_view redis_version) {
  OpenLib(lua, "", luaopen_base);
  OpenLib(lua, LUA_TABLIBNAME, luaopen_table);
  OpenLib(lua, LUA_STRLIBNAME, luaopen_string);
  OpenLib(lua, LUA_MATHLIBNAME, luaopen_math);
  ReplaceBaseFunctions(lua);
  RemoveStringFunctions(lua);
  BoundLibraries(lua);
  CreateLockedMeta(lua);
  PushRedisApi(lua, redis_version);
  lua_setfield(lua, LUA_GLOBALSINDEX, "redis");
  for (const char* name : {"string", "table", "math"}) ProxyGlobal(lua, name, false);
  ProxyGlobal(lua, "redis", true);
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

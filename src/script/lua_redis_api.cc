// The `redis` table (Redis 7.0 script_lua.c luaRegisterRedisAPI), with Redis's exact error
// texts. Longjmp rule (GUIDE §2.5): a function that calls into C++ (redis.call -> invoker,
// redis.log -> callback) does that work in a helper whose frame holds no C++ object with a
// destructor; lua_error is called only after the helper has returned.
#include <cmath>
#include <cstdio>

#include "locknode/base/sha1.h"

#include "script/engine_core.h"

namespace locknode::script::internal {
namespace {

// SHA-1 (base/sha1.cc) costs about 10 units of work a byte (lua_bounded_lib.cc has the other
// weights).
constexpr double kHashByteWork = 10;

int RaiseMessage(lua_State* lua, const char* message) {
  PushErrorTable(lua, message, /*coded=*/false);
  return lua_error(lua);
}

// Redis converts these arguments with a C cast, `int v = lua_tonumber(...)`, which is
// undefined for NaN and out-of-range values. Same result for every defined case: true when the
// value truncates into [lo, hi], with the truncation in *out; NaN and anything else is refused.
bool TruncatesInto(lua_State* lua, int index, int lo, int hi, int* out) {
  const double v = std::trunc(lua_tonumber(lua, index));
  if (!(v >= lo && v <= hi)) return false;  // NaN fails both comparisons
  *out = static_cast<int>(v);
  return true;
}

// Redis luaArgsToRedisArgv: strings as they are, numbers through "%.17g" (Redis 7.0; 7.2 uses
// the shortest round-trip form), anything else refused. Views stay valid because the
// arguments remain on the Lua stack until the reply has been built.
bool MarshalArgs(EngineCore& core, lua_State* lua, int argc) {
  core.call_args.clear();
  core.number_ends.clear();
  core.number_arena.clear();
  for (int j = 1; j <= argc; ++j) {
    const int type = lua_type(lua, j);
    if (type == LUA_TNUMBER) {
      char buf[64];
      const int n = std::snprintf(buf, sizeof(buf), "%.17g", lua_tonumber(lua, j));
      core.number_arena.append(buf, static_cast<size_t>(n));
      core.number_ends.push_back(core.number_arena.size());
    } else if (type != LUA_TSTRING) {
      return false;
    }
  }
  size_t number = 0, start = 0;
  for (int j = 1; j <= argc; ++j) {
    if (lua_type(lua, j) == LUA_TNUMBER) {
      const size_t end = core.number_ends[number++];
      core.call_args.emplace_back(core.number_arena.data() + start, end - start);
      start = end;
    } else {
      size_t len = 0;
      const char* s = lua_tolstring(lua, j, &len);
      core.call_args.emplace_back(s, len);
    }
  }
  return true;
}

enum class CallOutcome { kValue, kErrorValue, kAbort };

// Runs one command for redis.call/pcall. Leaves exactly one value (reply or error table) on
// the stack. The memory cap is lifted while the command writes into the Lua sink, so no Lua
// error can longjmp over the command module's frames; the cap is re-checked afterwards.
CallOutcome DoRedisCall(EngineCore& core, lua_State* lua) {
  const int argc = lua_gettop(lua);
  if (argc == 0) {
    PushErrorTable(lua, "Please specify at least one argument for this redis lib call", false);
    return CallOutcome::kErrorValue;
  }
  if (!MarshalArgs(core, lua, argc)) {
    PushErrorTable(lua, "Lua redis lib command arguments must be strings or integers", false);
    return CallOutcome::kErrorValue;
  }
  core.enforce = false;
  core.call_sink.Begin(core.resp);
  core.invoker->SetProtocol(core.resp);
  core.invoker->Call(core.call_args, core.call_sink);
  const bool is_error = core.call_sink.Finish();
  core.enforce = true;
  lua_replace(lua, 1);
  lua_settop(lua, 1);
  if (core.used > core.cap) {
    core.MarkAborted(AbortReason::kMemory);
    return CallOutcome::kAbort;
  }
  return is_error ? CallOutcome::kErrorValue : CallOutcome::kValue;
}

int RedisCallGeneric(lua_State* lua, bool raise_error) {
  EngineCore* core = CoreOf(lua);
  switch (DoRedisCall(*core, lua)) {
    case CallOutcome::kValue:
      return 1;
    case CallOutcome::kErrorValue:
      return raise_error ? lua_error(lua) : 1;
    case CallOutcome::kAbort:
      break;
  }
  return core->RaiseAbort(lua);
}

int RedisCall(lua_State* lua) { return RedisCallGeneric(lua, true); }
int RedisPcall(lua_State* lua) { return RedisCallGeneric(lua, false); }

int RedisSha1hex(lua_State* lua) {
  if (lua_gettop(lua) != 1) return RaiseMessage(lua, "wrong number of arguments");
  size_t len = 0;
  const char* s = lua_tolstring(lua, 1, &len);
  const double work = static_cast<double>(len) * kHashByteWork;
  if (work > kMaxCallWork) return RaiseMessage(lua, "redis.sha1hex: too much work for one call");
  CoreOf(lua)->ChargeWork(lua, work);
  char digest[40];
  Sha1Hex(std::string_view(s ? s : "", s ? len : 0), digest);
  lua_pushlstring(lua, digest, sizeof(digest));
  return 1;
}

// Redis returns (not raises) this error table when the argument is wrong.
bool CheckSingleString(lua_State* lua) {
  if (lua_gettop(lua) == 1 && lua_type(lua, -1) == LUA_TSTRING) return true;
  PushErrorTable(lua, "wrong number or type of arguments", false);
  return false;
}

int RedisErrorReply(lua_State* lua) {
  if (!CheckSingleString(lua)) return 1;
  size_t len = 0;
  const char* s = lua_tolstring(lua, 1, &len);
  std::string_view text(s, len);
  if (!text.empty() && text.front() == '-') text.remove_prefix(1);
  PushErrorTable(lua, text, /*coded=*/true);
  return 1;
}

int RedisStatusReply(lua_State* lua) {
  if (!CheckSingleString(lua)) return 1;
  lua_createtable(lua, 0, 1);
  lua_pushvalue(lua, 1);
  lua_setfield(lua, -2, "ok");
  return 1;
}

// Builds the message with a Lua buffer, then hands a view to the injected callback, which
// returns normally before anything can raise.
int RedisLog(lua_State* lua) {
  const int argc = lua_gettop(lua);
  if (argc < 2) return RaiseMessage(lua, "redis.log() requires two arguments or more.");
  if (!lua_isnumber(lua, 1))
    return RaiseMessage(lua, "First argument must be a number (log level).");
  int level = 0;
  if (!TruncatesInto(lua, 1, 0, 3, &level)) return RaiseMessage(lua, "Invalid debug level.");
  luaL_Buffer buf;
  luaL_buffinit(lua, &buf);
  for (int j = 2; j <= argc; ++j) {
    size_t len = 0;
    // In place (numbers become strings in their slot), so the text stays anchored.
    const char* s = lua_tolstring(lua, j, &len);
    if (j != 2) luaL_addchar(&buf, ' ');
    if (s != nullptr) luaL_addlstring(&buf, s, len);
  }
  luaL_pushresult(&buf);
  size_t len = 0;
  const char* message = lua_tolstring(lua, -1, &len);
  EngineCore* core = CoreOf(lua);
  if (core->options.log) core->options.log(level, std::string_view(message, len));
  return 0;
}

int RedisSetResp(lua_State* lua) {
  if (lua_gettop(lua) != 1) return RaiseMessage(lua, "redis.setresp() requires one argument.");
  int resp = 0;
  if (!TruncatesInto(lua, 1, 2, 3, &resp)) {
    return RaiseMessage(lua, "RESP version must be 2 or 3.");
  }
  CoreOf(lua)->resp = resp;
  return 0;
}

// Replication does not exist here; validate like Redis and do nothing.
int RedisSetRepl(lua_State* lua) {
  if (lua_gettop(lua) != 1) return RaiseMessage(lua, "redis.set_repl() requires two arguments.");
  int flags = 0;
  if (!TruncatesInto(lua, 1, 0, 3, &flags)) {
    return RaiseMessage(
        lua, "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.");
  }
  return 0;
}

// Redis 7: effects replication is always on, the call just returns true.
int RedisReplicateCommands(lua_State* lua) {
  lua_pushboolean(lua, 1);
  return 1;
}

void SetNumber(lua_State* lua, const char* name, double v) {
  lua_pushnumber(lua, v);
  lua_setfield(lua, -2, name);
}

// Redis's REDIS_VERSION_NUM: (major << 16) | (minor << 8) | patch, from "X.Y.Z".
double VersionNumber(std::string_view version) {
  int parts[3] = {0, 0, 0};
  size_t part = 0;
  for (const char c : version) {
    if (c == '.') {
      if (++part == 3) break;
    } else if (c >= '0' && c <= '9') {
      parts[part] = parts[part] * 10 + (c - '0');
      if (parts[part] > 255) parts[part] = 255;
    }
  }
  return static_cast<double>((parts[0] << 16) | (parts[1] << 8) | parts[2]);
}

}  // namespace

void PushRedisApi(lua_State* lua, std::string_view redis_version) {
  static constexpr luaL_Reg kFunctions[] = {
      {"call", RedisCall},
      {"pcall", RedisPcall},
      {"sha1hex", RedisSha1hex},
      {"error_reply", RedisErrorReply},
      {"status_reply", RedisStatusReply},
      {"log", RedisLog},
      {"setresp", RedisSetResp},
      {"set_repl", RedisSetRepl},
      {"replicate_commands", RedisReplicateCommands},
  };
  lua_createtable(lua, 0, 24);
  for (const luaL_Reg& reg : kFunctions) {
    lua_pushcfunction(lua, reg.func);
    lua_setfield(lua, -2, reg.name);
  }
  SetNumber(lua, "LOG_DEBUG", 0);
  SetNumber(lua, "LOG_VERBOSE", 1);
  SetNumber(lua, "LOG_NOTICE", 2);
  SetNumber(lua, "LOG_WARNING", 3);
  SetNumber(lua, "REPL_NONE", 0);
  SetNumber(lua, "REPL_AOF", 1);
  SetNumber(lua, "REPL_SLAVE", 2);
  SetNumber(lua, "REPL_REPLICA", 2);
  SetNumber(lua, "REPL_ALL", 3);
  // The Redis version locknode answers as (INFO and HELLO say the same).
  lua_pushlstring(lua, redis_version.data(), redis_version.size());
  lua_setfield(lua, -2, "REDIS_VERSION");
  SetNumber(lua, "REDIS_VERSION_NUM", VersionNumber(redis_version));
}

}  // namespace locknode::script::internal

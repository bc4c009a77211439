#include "locknode/script/lua_engine.h"

#include <cstdio>
#include <string>
#include <vector>

#include "locknode/base/dcheck.h"
#include "locknode/base/strings.h"

#include "script/engine_core.h"

namespace locknode::script {
namespace {

using internal::EngineCore;

constexpr std::string_view kCompileErrorPrefix = "ERR Error compiling script (new function): ";
// Redis runs an incremental GC step every 50 scripts (luaCallFunction, LUA_GC_CYCLE_PERIOD).
constexpr uint64_t kGcPeriod = 50;
// Replies with fewer values are converted without looking at the clock.
constexpr size_t kReplyCheckValues = 10000;
// Units of work (about ns, engine_core.h) to encode and send one reply value.
constexpr double kReplyValueWork = 100;

void MapCrLf(std::string& s) {
  for (char& c : s) {
    if (c == '\r' || c == '\n') c = ' ';
  }
}

// Redis 7 evalExtractShebangFlags. `*skip` is the shebang length; the '\n' stays in the body so
// line numbers are unchanged.
bool ParseShebang(std::string_view body, ScriptFlags* flags, size_t* skip, std::string* error) {
  const size_t eol = body.find('\n');
  if (eol == std::string_view::npos) {
    *error = "ERR Invalid script shebang";
    return false;
  }
  *skip = eol;
  std::vector<std::string_view> parts;
  std::string_view line = body.substr(0, eol);
  while (!line.empty()) {
    const size_t start = line.find_first_not_of(" \t\r");
    if (start == std::string_view::npos) break;
    line.remove_prefix(start);
    const size_t end = std::min(line.find_first_of(" \t\r"), line.size());
    parts.push_back(line.substr(0, end));
    line.remove_prefix(end);
  }
  if (parts.empty()) {
    *error = "ERR Invalid script shebang";
    return false;
  }
  if (parts[0] != "#!lua") {
    *error = "ERR Unexpected engine in script shebang: " + std::string(parts[0]);
    return false;
  }
  flags->has_shebang = true;
  for (size_t i = 1; i < parts.size(); ++i) {
    if (parts[i].size() < 6 || !EqualsIgnoreCase(parts[i].substr(0, 6), "flags=")) {
      *error = "ERR Unknown lua shebang option: " + std::string(parts[i]);
      return false;
    }
    std::string_view list = parts[i].substr(6);
    while (!list.empty()) {
      const size_t comma = std::min(list.find(','), list.size());
      const std::string_view flag = list.substr(0, comma);
      list.remove_prefix(comma == list.size() ? comma : comma + 1);
      if (flag == "no-writes") {
        flags->no_writes = true;
      } else if (flag == "allow-oom") {
        flags->allow_oom = true;
      } else if (flag == "allow-stale") {
        flags->allow_stale = true;
      } else if (flag == "no-cluster") {
        flags->no_cluster = true;
      } else if (flag == "allow-cross-slot-keys") {
        flags->allow_cross_slot_keys = true;
      } else {
        *error = "ERR Unexpected flag in script shebang: " + std::string(flag);
        return false;
      }
    }
  }
  return true;
}

// t[field] of the table at -1 as text, read raw (no metamethod can run after the pcall).
std::string FieldText(lua_State* lua, const char* field) {
  lua_pushstring(lua, field);
  lua_rawget(lua, -2);
  std::string out;
  if (lua_type(lua, -1) == LUA_TNUMBER) {
    char buf[32];
    const int n = std::snprintf(buf, sizeof(buf), "%.14g", lua_tonumber(lua, -1));
    out.assign(buf, static_cast<size_t>(n));
  } else if (lua_type(lua, -1) == LUA_TSTRING) {
    size_t len = 0;
    const char* s = lua_tolstring(lua, -1, &len);
    out.assign(s, len);
  }
  lua_pop(lua, 1);
  return out;
}

// Redis 7 luaCallFunction error reply: "<err> script: <sha>, on <source>:<line>." from the
// handler's table (a plain copy the handler made). A non-table error object only happens when
// the handler itself failed ("error in error handling").
void WriteRunError(lua_State* lua, std::string_view sha, protocol::ReplySink& reply) {
  std::string text;
  if (lua_istable(lua, -1)) {
    // error({}) crashes Redis 7.0.15; later versions also fall back to a generic text.
    lua_pushliteral(lua, "err");
    lua_rawget(lua, -2);
    const bool has_err = lua_isstring(lua, -1) != 0;
    lua_pop(lua, 1);
    text = has_err ? FieldText(lua, "err") : "ERR unknown error";
    const std::string source = FieldText(lua, "source");
    const std::string line = FieldText(lua, "line");
    if (!source.empty() && !line.empty()) {
      text.append(" script: ").append(sha).append(", on ").append(source).append(":");
      text.append(line).append(".");
    }
  } else {
    const char* msg = lua_isstring(lua, -1) ? lua_tostring(lua, -1) : "execution failure";
    text = "ERR Error running script ";
    text.append(sha).append(", ").append(std::string_view(msg).substr(0, 100));
  }
  MapCrLf(text);
  reply.Error(text);
}

void SetArray(lua_State* lua, const char* name, std::span<const std::string_view> items) {
  lua_pushstring(lua, name);
  lua_createtable(lua, static_cast<int>(items.size()), 0);
  for (size_t i = 0; i < items.size(); ++i) {
    lua_pushlstring(lua, items[i].data(), items[i].size());
    lua_rawseti(lua, -2, static_cast<int>(i + 1));
  }
  lua_rawset(lua, LUA_GLOBALSINDEX);  // raw: the globals are read-only for scripts only
}

void ClearArray(lua_State* lua, const char* name) {
  lua_pushstring(lua, name);
  lua_pushnil(lua);
  lua_rawset(lua, LUA_GLOBALSINDEX);
}

// The reply is converted after the script, outside the hook, so a script could return a table
// that takes longer to encode than its whole budget. A big reply is counted first (a cheaper
// pass) and refused as a time overrun when its encoding would end past the limit.
bool ReplyOverBudget(EngineCore& core, lua_State* lua) {
  if (!lua_istable(lua, -1)) return false;
  const size_t values = internal::CountReplyValues(lua, core.resp);
  if (values < kReplyCheckValues) return false;
  const double encode_ms = static_cast<double>(values) * kReplyValueWork / 1e6;
  const double elapsed_ms = static_cast<double>(core.options.now_ms() - core.start_ms);
  return elapsed_ms + encode_ms > static_cast<double>(core.options.limits.time_limit_ms);
}

}  // namespace

LuaEngine::LuaEngine(EngineOptions options)
    : core_(std::make_unique<EngineCore>(std::move(options))) {
  LOCKNODE_DCHECK(core_->options.now_ms);
}

LuaEngine::~LuaEngine() = default;

FunctionRef LuaEngine::Compile(std::string_view body, ScriptFlags* flags, std::string* error) {
  EngineCore& core = *core_;
  lua_State* lua = core.L;
  *flags = ScriptFlags{};
  size_t skip = 0;
  if (body.starts_with("#!") && !ParseShebang(body, flags, &skip, error)) return kNoFunction;
  const std::string_view chunk = body.substr(skip);
  // Bytecode would bypass the parser (CVE-2015-4335). Redis's patched f_parser always uses the
  // text parser, which fails on the signature byte with exactly this message.
  if (!chunk.empty() && chunk.front() == '\x1b') {
    *error = std::string(kCompileErrorPrefix) + "user_script:1: unexpected symbol near 'char(27)'";
    return kNoFunction;
  }
  lua_settop(lua, 0);
  core.cap = core.used + core.options.limits.memory_limit_bytes;
  core.enforce = true;
  const int status = luaL_loadbuffer(lua, chunk.data(), chunk.size(), "@user_script");
  core.enforce = false;
  if (status != 0) {
    const char* msg = status == LUA_ERRMEM ? "not enough memory" : lua_tostring(lua, -1);
    *error = std::string(kCompileErrorPrefix) + (msg != nullptr ? msg : "unknown error");
    MapCrLf(*error);
    lua_settop(lua, 0);
    return kNoFunction;
  }
  lua_getfield(lua, LUA_REGISTRYINDEX, internal::kEnvKey);
  lua_setfenv(lua, -2);
  return luaL_ref(lua, LUA_REGISTRYINDEX);
}

void LuaEngine::Release(FunctionRef fn) {
  if (fn != kNoFunction) luaL_unref(core_->L, LUA_REGISTRYINDEX, fn);
}

RunStatus LuaEngine::Run(FunctionRef fn, std::string_view sha,
                         std::span<const std::string_view> keys,
                         std::span<const std::string_view> argv, CommandInvoker& invoker,
                         protocol::ReplySink& reply) {
  EngineCore& core = *core_;
  lua_State* lua = core.L;
  LOCKNODE_DCHECK(!core.running);
  lua_settop(lua, 0);
  lua_rawgeti(lua, LUA_REGISTRYINDEX, core.error_handler_ref);
  lua_rawgeti(lua, LUA_REGISTRYINDEX, fn);
  SetArray(lua, "KEYS", keys);
  SetArray(lua, "ARGV", argv);
  core.invoker = &invoker;
  core.resp = 2;  // the script's own client starts in RESP2 (Redis 7 scriptRunCtx)
  core.abort = AbortReason::kNone;
  core.instructions = 0;
  core.start_ms = core.options.now_ms();
  if (core.hook_count != kHookInterval) core.ArmHook(kHookInterval);
  core.cap = core.used + core.options.limits.memory_limit_bytes;
  core.running = true;
  core.enforce = true;
  const int status = lua_pcall(lua, 0, 1, 1);
  core.enforce = false;
  core.running = false;
  core.invoker = nullptr;
  if (core.hook_count != kHookInterval) core.ArmHook(kHookInterval);
  if (status == 0 && core.abort == AbortReason::kNone && ReplyOverBudget(core, lua)) {
    core.abort = AbortReason::kTime;
  }
  core.last_abort = core.abort;
  RunStatus result = RunStatus::kOk;
  if (core.abort != AbortReason::kNone) {
    char text[160];
    core.FormatAbort(text, sizeof(text));
    reply.Error(text);
    result = RunStatus::kAborted;
  } else if (status != 0) {
    WriteRunError(lua, sha, reply);
    result = RunStatus::kError;
  } else {
    internal::LuaToReply(lua, core.resp, reply);
  }
  lua_settop(lua, 0);
  ClearArray(lua, "KEYS");
  ClearArray(lua, "ARGV");
  if (core.abort == AbortReason::kMemory) {
    lua_gc(lua, LUA_GCCOLLECT, 0);
  } else if (++core.runs % kGcPeriod == 0) {
    lua_gc(lua, LUA_GCSTEP, static_cast<int>(kGcPeriod));
  }
  return result;
}

AbortReason LuaEngine::last_abort() const { return core_->last_abort; }
size_t LuaEngine::memory_bytes() const { return core_->used; }
const EngineLimits& LuaEngine::limits() const { return core_->options.limits; }
void LuaEngine::set_limits(const EngineLimits& limits) { core_->options.limits = limits; }
void LuaEngine::set_log(std::function<void(int, std::string_view)> log) {
  core_->options.log = std::move(log);
}
void LuaEngine::CollectGarbage() { lua_gc(core_->L, LUA_GCCOLLECT, 0); }

}  // namespace locknode::script

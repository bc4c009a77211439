// Script return value -> reply (Redis 7.0 script_lua.c luaReplyToRedisReply). Runs after the
// script's pcall has returned, with the memory cap lifted, so no Lua error can occur here.
#include <cmath>
#include <cstdint>
#include <string>

#include "script/engine_core.h"

namespace locknode::script::internal {
namespace {

// Redis stops converting deeper tables with "reached lua stack limit"; a smaller depth keeps
// this recursion far from the C stack's end.
constexpr int kMaxDepth = 200;

// C's (long long) cast as Redis does it, with the x86 result for what is undefined in C
// (NaN, +-inf, out of range -> INT64_MIN; observed on 7.0.15: `return 1/0` ->
// :-9223372036854775808).
int64_t TruncateToInt64(double v) {
  if (!(v >= -9223372036854775808.0 && v < 9223372036854775808.0)) return INT64_MIN;
  return static_cast<int64_t>(v);
}

// Status and error lines cannot carry CR/LF (Redis sdsmapchars "\r\n" -> "  ").
std::string MapCrLf(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return out;
}

std::string_view ViewAt(lua_State* lua, int index) {
  size_t len = 0;
  const char* s = lua_tolstring(lua, index, &len);
  return {s, len};
}

// Pushes table[field] (raw) and returns its type; the table is at -1.
int RawField(lua_State* lua, const char* field) {
  lua_pushstring(lua, field);
  lua_rawget(lua, -2);
  return lua_type(lua, -1);
}

void Convert(lua_State* lua, int resp, protocol::ReplySink& sink, int depth);

// Counts pairs of the table at -1 with lua_next.
size_t CountPairs(lua_State* lua) {
  size_t n = 0;
  lua_pushnil(lua);
  while (lua_next(lua, -2) != 0) {
    lua_pop(lua, 1);
    ++n;
  }
  return n;
}

void ConvertMap(lua_State* lua, int resp, protocol::ReplySink& sink, int depth, bool is_set) {
  const size_t n = CountPairs(lua);
  if (is_set) {
    sink.Set(n);
  } else {
    sink.Map(n);
  }
  lua_pushnil(lua);
  while (lua_next(lua, -2) != 0) {
    if (is_set) lua_pop(lua, 1);
    lua_pushvalue(lua, is_set ? -1 : -2);  // the key, kept for lua_next
    Convert(lua, resp, sink, depth + 1);
    if (!is_set) Convert(lua, resp, sink, depth + 1);
  }
}

// Tables with a recognised field become that reply type; others are arrays of t[1..] up to
// the first nil (a `false` element is a null, not the end).
bool ConvertSpecialTable(lua_State* lua, int resp, protocol::ReplySink& sink, int depth) {
  if (RawField(lua, "err") == LUA_TSTRING) {
    std::string_view err = ViewAt(lua, -1);
    while (!err.empty() && (err.back() == '\r' || err.back() == '\n')) err.remove_suffix(1);
    sink.Error(MapCrLf(err));  // sdstrim, then sdsmapchars (addReplyErrorFormatEx)
    lua_pop(lua, 1);
    return true;
  }
  lua_pop(lua, 1);
  if (RawField(lua, "ok") == LUA_TSTRING) {
    sink.Simple(MapCrLf(ViewAt(lua, -1)));
    lua_pop(lua, 1);
    return true;
  }
  lua_pop(lua, 1);
  if (RawField(lua, "double") == LUA_TNUMBER) {
    sink.Double(lua_tonumber(lua, -1));
    lua_pop(lua, 1);
    return true;
  }
  lua_pop(lua, 1);
  if (RawField(lua, "big_number") == LUA_TSTRING) {
    sink.Bulk(MapCrLf(ViewAt(lua, -1)));  // RESP2 big numbers are bulk strings
    lua_pop(lua, 1);
    return true;
  }
  lua_pop(lua, 1);
  for (const char* field : {"map", "set"}) {
    if (RawField(lua, field) == LUA_TTABLE) {
      ConvertMap(lua, resp, sink, depth, field[0] == 's');
      lua_pop(lua, 1);
      return true;
    }
    lua_pop(lua, 1);
  }
  return false;
}

void ConvertArray(lua_State* lua, int resp, protocol::ReplySink& sink, int depth) {
  size_t n = 0;
  while (true) {
    lua_rawgeti(lua, -1, static_cast<int>(n + 1));
    const bool end = lua_isnil(lua, -1);
    lua_pop(lua, 1);
    if (end) break;
    ++n;
  }
  sink.Array(n);
  for (size_t i = 1; i <= n; ++i) {
    lua_rawgeti(lua, -1, static_cast<int>(i));
    Convert(lua, resp, sink, depth + 1);
  }
}

void ConvertTable(lua_State* lua, int resp, protocol::ReplySink& sink, int depth) {
  if (depth > kMaxDepth || !lua_checkstack(lua, 8)) {
    sink.Error("ERR reached lua stack limit");
    return;
  }
  if (!ConvertSpecialTable(lua, resp, sink, depth)) ConvertArray(lua, resp, sink, depth);
}

// Converts the value at -1 and pops it.
void Convert(lua_State* lua, int resp, protocol::ReplySink& sink, int depth) {
  switch (lua_type(lua, -1)) {
    case LUA_TSTRING:
      sink.Bulk(ViewAt(lua, -1));
      break;
    case LUA_TBOOLEAN:
      // RESP2 script client: true -> :1, false -> null. After redis.setresp(3) Redis emits a
      // RESP3 boolean, which a RESP2 caller sees as :1/:0; the sink has no boolean, so :1/:0.
      if (resp == 3) {
        sink.Integer(lua_toboolean(lua, -1) ? 1 : 0);
      } else if (lua_toboolean(lua, -1)) {
        sink.Integer(1);
      } else {
        sink.Null();
      }
      break;
    case LUA_TNUMBER:
      sink.Integer(TruncateToInt64(lua_tonumber(lua, -1)));
      break;
    case LUA_TTABLE:
      ConvertTable(lua, resp, sink, depth);
      break;
    default:
      sink.Null();
  }
  lua_pop(lua, 1);
}

// Counts the values a reply holds without encoding anything (CountReplyValues).
class CountingSink final : public protocol::ReplySink {
 public:
  void Simple(std::string_view /*s*/) override { ++count; }
  void Error(std::string_view /*full*/) override { ++count; }
  void Integer(int64_t /*v*/) override { ++count; }
  void Bulk(std::string_view /*s*/) override { ++count; }
  void Null() override { ++count; }
  void NullArray() override { ++count; }
  void Array(size_t /*n*/) override { ++count; }
  void Map(size_t /*n*/) override { ++count; }
  void Set(size_t /*n*/) override { ++count; }
  void Verbatim(std::string_view /*s*/) override { ++count; }
  void Double(double /*d*/) override { ++count; }
  size_t count = 0;
};

}  // namespace

void LuaToReply(lua_State* lua, int resp, protocol::ReplySink& sink) {
  Convert(lua, resp, sink, 0);
}

size_t CountReplyValues(lua_State* lua, int resp) {
  lua_pushvalue(lua, -1);
  CountingSink counter;
  Convert(lua, resp, counter, 0);
  return counter.count;
}

}  // namespace locknode::script::internal

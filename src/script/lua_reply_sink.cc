#include "locknode/script/lua_reply_sink.h"

#include <algorithm>
#include <cstdio>

#include <lua.hpp>

#include "locknode/base/dcheck.h"

namespace locknode::script {
namespace {

// Preallocation hint only: a command announcing a huge aggregate must not make one huge
// allocation up front.
constexpr size_t kMaxPrealloc = 1024;

int Hint(size_t n) { return static_cast<int>(std::min(n, kMaxPrealloc)); }

std::string_view TrimCrLf(std::string_view s) {
  while (!s.empty() && (s.front() == '\r' || s.front() == '\n')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

}  // namespace

void PushErrorTable(lua_State* lua, std::string_view text, bool coded) {
  std::string_view code = "ERR";
  std::string_view message = text;
  if (coded) {
    const size_t space = text.find(' ');
    if (space != std::string_view::npos) {
      code = text.substr(0, space);
      message = text.substr(space + 1);
    }
  }
  message = TrimCrLf(message);
  lua_createtable(lua, 0, 1);
  lua_pushlstring(lua, code.data(), code.size());
  lua_pushliteral(lua, " ");
  lua_pushlstring(lua, message.data(), message.size());
  lua_concat(lua, 3);
  lua_setfield(lua, -2, "err");
}

void LuaReplySink::Begin(int resp) {
  frames_.clear();
  resp_ = resp;
  top_values_ = 0;
  top_error_ = false;
  base_top_ = lua_gettop(lua_);
}

bool LuaReplySink::Finish() {
  if (!frames_.empty() || top_values_ != 1) {
    // A command that announced more elements than it wrote, or wrote no/several replies, is a
    // bug in the command module; the script gets an error instead of a corrupt stack.
    LOCKNODE_DCHECK(false && "malformed reply written to the Lua sink");
    lua_settop(lua_, base_top_);
    PushErrorTable(lua_, "internal error: malformed command reply", false);
    top_error_ = true;
  }
  frames_.clear();
  return top_error_;
}

void LuaReplySink::Attach() {
  while (!frames_.empty()) {
    Frame& f = frames_.back();
    switch (f.kind) {
      case FrameKind::kArray:
        lua_rawseti(lua_, -2, f.next_index++);
        break;
      case FrameKind::kMap3:
        if (!f.awaiting_value) {
          f.awaiting_value = true;  // the key waits on the stack for its value
        } else {
          f.awaiting_value = false;
          if (lua_isnil(lua_, -2)) {
            lua_pop(lua_, 2);  // a nil key cannot index a table
          } else {
            lua_rawset(lua_, -3);
          }
        }
        break;
      case FrameKind::kSet3:
        if (lua_isnil(lua_, -1)) {
          lua_pop(lua_, 1);
        } else {
          lua_pushboolean(lua_, 1);
          lua_rawset(lua_, -3);
        }
        break;
    }
    if (--f.remaining > 0) return;
    const bool wrapped = f.kind != FrameKind::kArray;
    frames_.pop_back();
    if (wrapped) lua_rawset(lua_, -3);  // wrapper[field] = inner; the wrapper is the value now
  }
  ++top_values_;
}

void LuaReplySink::OpenAggregate(FrameKind kind, size_t elements, std::string_view field) {
  lua_checkstack(lua_, 8);
  if (kind == FrameKind::kArray) {
    lua_createtable(lua_, Hint(elements), 0);
  } else {
    lua_createtable(lua_, 0, 1);
    lua_pushlstring(lua_, field.data(), field.size());
    lua_createtable(lua_, 0, Hint(elements));
  }
  if (elements == 0) {
    if (kind != FrameKind::kArray) lua_rawset(lua_, -3);
    Attach();
    return;
  }
  frames_.push_back(Frame{kind, false, elements, 1});
}

void LuaReplySink::Simple(std::string_view s) {
  lua_createtable(lua_, 0, 1);
  lua_pushlstring(lua_, s.data(), s.size());
  lua_setfield(lua_, -2, "ok");
  Attach();
}

void LuaReplySink::Error(std::string_view full) {
  NoteError(full);
  if (frames_.empty()) top_error_ = true;
  PushErrorTable(lua_, full, /*coded=*/true);
  Attach();
}

void LuaReplySink::Integer(int64_t v) {
  lua_pushnumber(lua_, static_cast<lua_Number>(v));
  Attach();
}

void LuaReplySink::Bulk(std::string_view s) {
  lua_pushlstring(lua_, s.data(), s.size());
  Attach();
}

// RESP2 null bulk and null array are `false`; a RESP3 null is nil (redisProtocolToLuaType).
void LuaReplySink::Null() {
  if (resp_ == 3) {
    lua_pushnil(lua_);
  } else {
    lua_pushboolean(lua_, 0);
  }
  Attach();
}

void LuaReplySink::NullArray() { Null(); }

void LuaReplySink::Array(size_t n) { OpenAggregate(FrameKind::kArray, n, {}); }

void LuaReplySink::Map(size_t n) {
  if (resp_ == 3) {
    OpenAggregate(FrameKind::kMap3, 2 * n, "map");
  } else {
    OpenAggregate(FrameKind::kArray, 2 * n, {});
  }
}

void LuaReplySink::Set(size_t n) {
  if (resp_ == 3) {
    OpenAggregate(FrameKind::kSet3, n, "set");
  } else {
    OpenAggregate(FrameKind::kArray, n, {});
  }
}

void LuaReplySink::Verbatim(std::string_view s) {
  if (resp_ != 3) {
    Bulk(s);
    return;
  }
  lua_createtable(lua_, 0, 1);
  lua_createtable(lua_, 0, 2);
  lua_pushliteral(lua_, "txt");
  lua_setfield(lua_, -2, "format");
  lua_pushlstring(lua_, s.data(), s.size());
  lua_setfield(lua_, -2, "string");
  lua_setfield(lua_, -2, "verbatim_string");
  Attach();
}

// RESP2 doubles arrive as bulk strings of "%.17g" (Redis 7.0 addReplyDouble).
void LuaReplySink::Double(double d) {
  if (resp_ != 3) {
    char buf[64];
    const int n = std::snprintf(buf, sizeof(buf), "%.17g", d);
    Bulk(std::string_view(buf, static_cast<size_t>(n)));
    return;
  }
  lua_createtable(lua_, 0, 1);
  lua_pushnumber(lua_, d);
  lua_setfield(lua_, -2, "double");
  Attach();
}

}  // namespace locknode::script

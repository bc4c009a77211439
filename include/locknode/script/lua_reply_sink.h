#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "locknode/protocol/reply_sink.h"

struct lua_State;

namespace locknode::script {

// Builds a command's reply directly as Lua values on the Lua stack, with no RESP round trip
// (Dragonfly's InterpreterReplier; Redis's redisProtocolToLuaType tables, script_lua.c):
//   integer -> number, bulk -> string, null / null array -> false (RESP3: nil),
//   array -> table (nested), status -> {ok=s}, error -> {err="CODE msg"},
//   RESP2 (the script client's default): map -> flat array, set -> array, double -> string of
//   %.17g, verbatim -> string; after redis.setresp(3): map -> {map={k=v}},
//   set -> {set={m=true}}, double -> {double=n}, verbatim -> {verbatim_string={format,string}}.
//
// Longjmp safety: the engine lifts the memory cap while a command writes into this sink, so the
// pushes cannot raise a Lua error inside the command module's C++ frames.
class LuaReplySink final : public protocol::ReplySink {
 public:
  explicit LuaReplySink(lua_State* lua) : lua_(lua) {}

  // Starts one reply; `resp` is the script client's protocol (2, or 3 after redis.setresp(3)).
  void Begin(int resp);
  // Ends it. Leaves exactly one Lua value on the stack (a malformed reply from a buggy command
  // becomes an error table) and returns whether the top-level reply was an error.
  bool Finish();

  void Simple(std::string_view s) override;
  void Error(std::string_view full) override;
  void Integer(int64_t v) override;
  void Bulk(std::string_view s) override;
  void Null() override;
  void NullArray() override;
  void Array(size_t n) override;
  void Map(size_t n) override;
  void Set(size_t n) override;
  void Verbatim(std::string_view s) override;
  void Double(double d) override;

 private:
  enum class FrameKind : uint8_t { kArray, kMap3, kSet3 };
  struct Frame {
    FrameKind kind;
    bool awaiting_value;  // kMap3: a key is on the stack, its value comes next
    size_t remaining;
    int next_index;
  };

  void Attach();  // a value was pushed: store it into the open aggregate, closing finished ones
  void OpenAggregate(FrameKind kind, size_t elements, std::string_view wrapper_field);

  lua_State* lua_;
  std::vector<Frame> frames_;
  int base_top_ = 0;
  int resp_ = 2;
  int top_values_ = 0;
  bool top_error_ = false;
};

// Pushes Redis's error table {err="CODE msg"} (luaPushErrorBuff, script_lua.c). `coded`: `text`
// is a reply error such as "WRONGTYPE Operation..." (Redis's "-CODE msg" form without the '-'):
// the first word is the code, or "ERR" when there is no space. Not coded: a bare message that
// gets the generic "ERR " prefix. Leading/trailing CR and LF of the message are trimmed.
void PushErrorTable(lua_State* lua, std::string_view text, bool coded);

}  // namespace locknode::script

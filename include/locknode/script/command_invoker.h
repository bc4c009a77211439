#pragma once

#include <span>
#include <string_view>

#include "locknode/protocol/reply_sink.h"

namespace locknode::script {

// The one way a script reaches the server: redis.call/redis.pcall hand the argument vector to
// this interface (dependency inversion, as Dragonfly's Interpreter::SetRedisFunc). It is
// implemented by the command module, above this one, over the real command table.
//
// Contract for implementations:
//  * look the command up case-insensitively in the same table clients use;
//  * refuse commands flagged kNoScript, check the Redis arity rule, then run the handler with
//    the script's frozen time snapshot (one `now` for the whole script);
//  * write exactly one top-level reply into `sink`. Errors are replies too: sink.Error(...).
//    The Lua side learns from the sink whether the reply was an error (redis.call then raises
//    it; redis.pcall returns it as {err=...});
//  * never throw and never call back into Lua. `args` and the sink are valid only during Call.
//
// The texts Redis 7 uses for the script-specific refusals (src/script.c scriptCall), to be
// written with sink.Error() so scripts see byte-identical errors:
class CommandInvoker {
 public:
  virtual ~CommandInvoker() = default;
  virtual void Call(std::span<const std::string_view> args, protocol::ReplySink& sink) = 0;
  // The script client's protocol before each Call: 2, or 3 after redis.setresp(3). Commands
  // whose reply shape depends on it (ZRANGE WITHSCORES pairs, ZPOP with a count) read it from
  // their client, as Redis's run on the Lua client's c->resp.
  virtual void SetProtocol(int /*resp*/) {}
};

inline constexpr std::string_view kErrScriptUnknownCommand =
    "ERR Unknown Redis command called from script";
inline constexpr std::string_view kErrScriptWrongArity =
    "ERR Wrong number of args calling Redis command from script";
inline constexpr std::string_view kErrScriptNotAllowed =
    "ERR This Redis command is not allowed from script";
// Redis 7 (scriptVerifyWriteCommandAllow) for a write inside EVAL_RO / a no-writes script.
inline constexpr std::string_view kErrScriptWriteInReadOnly =
    "ERR Write commands are not allowed from read-only scripts.";

}  // namespace locknode::script

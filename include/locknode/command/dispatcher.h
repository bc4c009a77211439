#pragma once

#include "locknode/command/client_state.h"
#include "locknode/command/command_table.h"
#include "locknode/command/shard.h"
#include "locknode/protocol/reply_sink.h"

namespace locknode::command {

// The one funnel every command goes through (Redis processCommand): case-insensitive lookup,
// the unknown-command and arity errors with Redis's exact texts, the auth check, one time
// snapshot, then the handler. Network sessions, tests and (later) Lua all call it.
class Dispatcher {
 public:
  explicit Dispatcher(Shard& shard) : shard_(shard) {}

  // Runs one command; its reply (exactly one top-level reply) goes to `reply`.
  void Execute(ArgList args, ClientState& client, protocol::ReplySink& reply);

  Shard& shard() { return shard_; }

 private:
  Shard& shard_;
};

}  // namespace locknode::command

#pragma once

#include "locknode/command/client_state.h"
#include "locknode/command/command_table.h"
#include "locknode/command/shard.h"
#include "locknode/protocol/reply_sink.h"

namespace locknode::command {

// The client entry of the one command funnel (src/command/funnel.h, Redis processCommand):
// takes the command's time snapshot and runs lookup, arity, auth, session-mode rules, the write
// policy and the handler. redis.call reaches the same funnel through ScriptInvoker.
class Dispatcher {
 public:
  explicit Dispatcher(Shard& shard) : shard_(shard) {}

  // Runs one command; its reply (exactly one top-level reply) goes to `reply`.
  void Execute(ArgList args, ClientState& client, protocol::ReplySink& reply);

  // The connection of `client` is closing: its subscriptions, transaction queue, WATCHed keys,
  // MONITOR and blocked wait go, so nothing in the shard refers to the ClientState after this and
  // no message reaches a closed client.
  void ClientClosed(ClientState& client);
  // The blocked client's timeout passed (SessionSignals::BlockDeadline): it gets the timeout
  // reply (a null array) and leaves kBlocked. Nothing if it is no longer blocked.
  void BlockTimedOut(ClientState& client);
  // Heap bytes the shard holds for `client` (its queued transaction and watched keys), counted
  // in the client's memory and query-buffer limits.
  size_t ClientMemory(const ClientState& client) {
    const MultiState* state = shard_.transactions().Find(client.id);
    return state == nullptr ? 0 : state->MemoryBytes();
  }

  // CLIENT PAUSE WRITE holds this command (Redis is_may_replicate_command: writes, EVAL/FCALL,
  // PUBLISH, and EXEC of a transaction that writes). pause_policy.cc.
  bool HeldByWritePause(ArgList args, const ClientState& client);

  // All that net sees of the shard (it never reaches the Shard itself): the counters it keeps
  // (connections, limit disconnections) and the keyspace whose expiry its timer drives.
  Stats& stats() { return shard_.stats(); }
  keyspace::Keyspace& keyspace() { return shard_.keyspace(); }

 private:
  Shard& shard_;
};

}  // namespace locknode::command

#pragma once

// Private to the command module: the one function every command goes through, whoever sends it
// (Redis processCommand + scriptCall in one place). Dispatcher::Execute calls it for clients,
// ScriptInvoker::Call for redis.call, and EXEC (multi_cmds.cc) for queued commands.

#include <cstdint>

#include "locknode/base/millis.h"
#include "locknode/command/client_state.h"
#include "locknode/command/command_table.h"
#include "locknode/command/shard.h"
#include "locknode/protocol/reply_sink.h"

namespace locknode::command {

class UndoLog;

// Who sent the command. It selects the error texts (a script gets Redis's scriptCall texts) and
// the script-only checks; everything else is the same for every origin.
enum class Origin : uint8_t {
  kClient,       // a session's command (Dispatcher::Execute)
  kScript,       // redis.call / redis.pcall
  kTransaction,  // a command queued by MULTI, run by EXEC (maxmemory was checked for all of them)
};

// One call's sender and time snapshot. `now`/`wall_us` are read once per client command and
// frozen for a whole script (Redis commandTimeSnapshot).
struct Caller {
  Origin origin;
  ClientState& client;
  Millis now;
  int64_t wall_us;
  bool read_only = false;   // kScript: EVAL_RO or a no-writes script
  UndoLog* undo = nullptr;  // kScript: every key a write may touch is saved here first
  int64_t start_ns = 0;     // the clock read `now` came from (NowNs); 0: RunCommand reads it
};

// Lookup (subcommands included), arity, auth, session-mode rules (subscribed context, no-multi),
// script rules (noscript, read-only, undo), the write policy (write_policy.h), then either the
// handler or, for a session queuing a transaction, its CommandQueue. Exactly one reply is
// written to `reply`. Counts the command in stats unless it was refused.
void RunCommand(Shard& shard, ArgList args, const Caller& caller, protocol::ReplySink& reply);

// MONITOR's feed (monitor_cmds.cc), called only while someone monitors: one command as Redis's
// call() shows it. FeedsBefore: the command is fed before it runs (EVAL: so the script's own
// commands follow it), else after.
void FeedMonitors(Shard& shard, const CommandSpec& cmd, ArgList args, const Caller& caller);
bool FeedsBefore(const CommandSpec& cmd);

// Script side of the funnel (script_exec.cc): saves the keys `cmd` may write into `undo`; false
// for a write that names no keys (FLUSHALL) and so could not be undone.
bool SaveKeysForUndo(UndoLog& undo, Shard& shard, const CommandSpec& cmd, ArgList args, Millis now);

}  // namespace locknode::command

// Transactions: MULTI EXEC DISCARD WATCH UNWATCH, with Redis 7.0's semantics and texts
// (multi.c, and processCommand's checks around them). The queue and the WATCH registry live in
// Transactions (locknode/command/transactions.h); queued commands run at EXEC through the same
// funnel as direct ones (Origin::kTransaction), under EXEC's one time snapshot, so no key can
// expire and no expiry timer can run between two of them.

#include <string_view>
#include <vector>

#include "locknode/command/client_state.h"
#include "locknode/command/command_table.h"
#include "locknode/command/families.h"
#include "locknode/command/shard.h"
#include "locknode/command/transactions.h"
#include "locknode/protocol/errors.h"
#include "locknode/protocol/reply_sink.h"

#include "command/funnel.h"
#include "command/write_policy.h"

namespace locknode::command {
namespace {

// Redis shared.execaborterr, and execCommandAbort's prefix for a refusal of EXEC itself.
constexpr std::string_view kErrExecAbort =
    "EXECABORT Transaction discarded because of previous errors.";
constexpr std::string_view kErrExecAbortOom =
    "EXECABORT Transaction discarded because of: OOM command not allowed when used memory > "
    "'maxmemory'.";

void CmdMulti(CommandContext& ctx, ArgList /*args*/) {
  if (ctx.client.mode() == SessionMode::kQueuing) {
    ctx.reply.Error("ERR MULTI calls can not be nested");  // not a queuing error: no abort
    return;
  }
  MultiState& state = ctx.shard.transactions().For(ctx.client.id);
  ctx.client.EnterMode(SessionMode::kQueuing, &state);
  ctx.reply.Ok();
}

void CmdDiscard(CommandContext& ctx, ArgList /*args*/) {
  if (ctx.client.mode() != SessionMode::kQueuing) {
    ctx.reply.Error("ERR DISCARD without MULTI");
    return;
  }
  ctx.shard.transactions().End(ctx.client);
  ctx.reply.Ok();
}

// Redis processCommand refuses EXEC past maxmemory when a queued command is denyoom (the
// queued commands themselves are not checked again), and rejectCommand turns that into
// execCommandAbort.
bool ExecOverMaxmemory(Shard& shard, const MultiState& state) {
  return (state.cmd_flags & kDenyOom) != 0 && OverMaxmemory(shard);
}

void CmdExec(CommandContext& ctx, ArgList /*args*/) {
  ClientState& client = ctx.client;
  if (client.mode() != SessionMode::kQueuing) {
    ctx.reply.Error("ERR EXEC without MULTI");
    return;
  }
  Transactions& txns = ctx.shard.transactions();
  MultiState& state = *txns.Find(client.id);  // made by MULTI, kept while queuing
  if (ExecOverMaxmemory(ctx.shard, state)) {
    txns.End(client);
    ctx.reply.Error(kErrExecAbortOom);
    return;
  }
  txns.CheckExpired(state, ctx.now);
  if (state.dirty_exec || state.dirty_cas) {
    // Refused commands abort with an error; a changed watched key is the null array.
    if (state.dirty_exec) {
      ctx.reply.Error(kErrExecAbort);
    } else {
      ctx.reply.NullArray();
    }
    txns.End(client);
    return;
  }
  txns.UnwatchAll(state);  // "Unwatch ASAP otherwise we'll waste CPU cycles"
  client.EnterMode(SessionMode::kNormal);
  const size_t n = state.queued();
  ctx.reply.Array(n);
  std::vector<std::string_view> argv;
  const Caller caller{Origin::kTransaction, client, ctx.now, ctx.wall_us};
  for (size_t i = 0; i < n; ++i) {
    // No queued command can touch this queue (MULTI, EXEC, DISCARD, RESET are never queued,
    // and nothing closes a connection from inside a command).
    state.CommandArgs(i, &argv);
    RunCommand(ctx.shard, argv, caller, ctx.reply);
  }
  state.ClearQueue();
  client.last_command.assign("exec");  // CLIENT LIST shows the EXEC, not its last command
}

void CmdWatch(CommandContext& ctx, ArgList args) {
  if (ctx.client.mode() == SessionMode::kQueuing) {
    ctx.reply.Error("ERR WATCH inside MULTI is not allowed");
    return;
  }
  Transactions& txns = ctx.shard.transactions();
  MultiState& state = txns.For(ctx.client.id);
  // "No point in watching if the client is already dirty."
  if (!state.dirty_cas) {
    for (size_t i = 1; i < args.size(); ++i) txns.Watch(state, args[i], ctx.now);
  }
  ctx.reply.Ok();
}

void CmdUnwatch(CommandContext& ctx, ArgList /*args*/) {
  Transactions& txns = ctx.shard.transactions();
  if (MultiState* state = txns.Find(ctx.client.id)) {
    txns.UnwatchAll(*state);
    state->dirty_cas = false;
  }
  ctx.reply.Ok();
}

constexpr CommandSpec TxnRow(std::string_view name, int arity, uint32_t flags, int8_t first_key,
                             int8_t last_key, Handler handler, std::string_view summary,
                             std::string_view arguments) {
  return CommandSpec{.name = name,
                     .arity = arity,
                     .flags = flags,
                     .first_key = first_key,
                     .last_key = last_key,
                     .key_step = static_cast<int8_t>(first_key != 0 ? 1 : 0),
                     .handler = handler,
                     .summary = summary,
                     .arguments = arguments,
                     .group = "transactions"};
}

}  // namespace

// Flags and arities as Redis 7.0 COMMAND INFO reports them (stale and allow_busy have no
// meaning here). MULTI EXEC DISCARD WATCH run at once inside MULTI (Redis processCommand's
// exceptions to queuing); UNWATCH is queued like any command.
void RegisterTransactionCommands(CommandTable& table) {
  constexpr uint32_t kTxn = kNoScript | kLoading;
  table.Add(TxnRow("multi", 1, kTxn | kFast | kNotQueued, 0, 0, CmdMulti,
                   "Mark the start of a transaction block", ""));
  table.Add(TxnRow("exec", 1, kTxn | kNotQueued, 0, 0, CmdExec,
                   "Execute all commands issued after MULTI", ""));
  table.Add(TxnRow("discard", 1, kTxn | kFast | kNotQueued, 0, 0, CmdDiscard,
                   "Discard all commands issued after MULTI", ""));
  table.Add(TxnRow("watch", -2, kTxn | kFast | kNotQueued, 1, -1, CmdWatch,
                   "Watch the given keys to determine execution of the MULTI/EXEC block",
                   "key [key ...]"));
  table.Add(
      TxnRow("unwatch", 1, kTxn | kFast, 0, 0, CmdUnwatch, "Forget about all watched keys", ""));
}

}  // namespace locknode::command

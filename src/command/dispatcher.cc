// The command funnel (src/command/funnel.h) and Dispatcher, its client entry point.
#include "locknode/command/dispatcher.h"

#include <string>

#include "locknode/base/dcheck.h"
#include "locknode/base/strings.h"
#include "locknode/protocol/errors.h"
#include "locknode/script/command_invoker.h"

#include "command/blocking_family.h"
#include "command/funnel.h"
#include "command/reply_text.h"
#include "command/write_policy.h"

namespace locknode::command {
namespace {

// Redis commandCheckExistence prints the name with "%.128s" and stops adding arguments once
// their text reaches 128 characters.
constexpr size_t kErrNameMax = 128;
constexpr size_t kErrArgsMax = 128;

// Redis full name: "get", or "client|setname" for a subcommand.
template <size_t N>
void AppendFullName(FixedText<N>& text, const ResolvedCommand& found) {
  text.Append(found.container->name);
  if (found.cmd != found.container) {
    const std::string_view sub = found.cmd->name;
    text.Append("|").Append(sub.substr(sub.find('|') + 1));  // npos + 1 == 0: the whole name
  }
}

// "ERR unknown command 'FOOBAR', with args beginning with: 'a' 'b' " -- note the trailing space,
// and that each argument is cut so the list stops right after passing 128 characters (Redis
// 7.0 server.c commandCheckExistence: "'%.*s' " with 128 - sdslen(args)).
void ReplyUnknownCommand(ArgList args, protocol::ReplySink& reply) {
  FixedText<512> text;
  text.Append("ERR unknown command '")
      .AppendMapped(CStringPrefix(args[0]).substr(0, kErrNameMax))
      .Append("', with args beginning with: ");
  size_t args_len = 0;
  for (size_t i = 1; i < args.size() && args_len < kErrArgsMax; ++i) {
    const std::string_view arg = CStringPrefix(args[i]).substr(0, kErrArgsMax - args_len);
    text.Append("'").AppendMapped(arg).Append("' ");
    args_len += arg.size() + 3;
  }
  reply.Error(text.view());
}

// "ERR unknown subcommand 'foo'. Try CLIENT HELP." (container name upper-cased).
void ReplyUnknownSubcommand(std::string_view container, std::string_view sub,
                            protocol::ReplySink& reply) {
  char upper[64];
  size_t n = 0;
  for (; n < container.size() && n < sizeof(upper); ++n) {
    const char c = container[n];
    upper[n] = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
  }
  FixedText<256> text;
  text.Append("ERR unknown subcommand '")
      .AppendMapped(CStringPrefix(sub).substr(0, kErrNameMax))
      .Append("'. Try ")
      .Append({upper, n})
      .Append(" HELP.");
  reply.Error(text.view());
}

void ReplyWrongArity(const ResolvedCommand& found, protocol::ReplySink& reply) {
  FixedText<160> text;
  text.Append("ERR wrong number of arguments for '");
  AppendFullName(text, found);
  text.Append("' command");
  reply.Error(text.view());
}

// Redis 7.0 processCommand, for a RESP2 client in subscribed mode.
void ReplyNotInSubscribedContext(const ResolvedCommand& found, protocol::ReplySink& reply) {
  FixedText<192> text;
  text.Append("ERR Can't execute '");
  AppendFullName(text, found);
  text.Append(
      "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this "
      "context");
  reply.Error(text.view());
}

// Redis commandCheckArity: N means exactly N arguments, -N at least N (name included).
bool ArityOk(int arity, size_t argc) {
  return arity > 0 ? argc == static_cast<size_t>(arity) : argc >= static_cast<size_t>(-arity);
}

// Short names fit the string's inline buffer (or reuse its capacity), so this does not allocate.
void SetLastCommand(ClientState& client, const ResolvedCommand& found) {
  client.last_command.assign(found.container->name);
  if (found.cmd != found.container) {
    const std::string_view sub = found.cmd->name;
    client.last_command.append("|").append(sub.substr(sub.find('|') + 1));
  }
}

// Redis scriptCall's refusals, in its order (noscript, then the write checks); a script gets
// its own texts for them. True if the command may go on.
bool ScriptAllows(Shard& shard, const CommandSpec& cmd, ArgList args, const Caller& caller,
                  protocol::ReplySink& reply) {
  if ((cmd.flags & kNoScript) != 0) {
    reply.Error(script::kErrScriptNotAllowed);
    return false;
  }
  if ((cmd.flags & kWrite) == 0) return true;
  if (caller.read_only) {
    reply.Error(script::kErrScriptWriteInReadOnly);
    return false;
  }
  if (caller.undo != nullptr && !SaveKeysForUndo(*caller.undo, shard, cmd, args, caller.now)) {
    reply.Error(script::kErrScriptNotAllowed);
    return false;
  }
  return true;
}

// Redis processCommand: past maxmemory a client inside MULTI may queue nothing at all ("queuing
// may consume an unlimited amount of memory"), denyoom or not; only EXEC, DISCARD, QUIT and
// RESET still run. Out of line: it is reached only while queuing.
[[gnu::noinline]] bool RefusedWhileQueuingOom(Shard& shard, const CommandSpec& cmd,
                                              protocol::ReplySink& reply) {
  if (!OverMaxmemory(shard)) return false;
  const std::string_view name = cmd.name;
  if (name == "exec" || name == "discard" || name == "quit" || name == "reset") return false;
  reply.Error(protocol::kErrOom);
  return true;
}

// Everything before the handler, in Redis processCommand's order: existence, arity, auth,
// no-multi, (script rules), the write policy (OOM, quarantine, TTL rules), the subscribed
// context. Returns the row to run, or nullptr after replying the refusal.
const CommandSpec* Admit(Shard& shard, ArgList args, const Caller& caller,
                         protocol::ReplySink& reply, ResolvedCommand& found) {
  const bool script = caller.origin == Origin::kScript;
  ClientState& client = caller.client;
  found = shard.table().Resolve(args);
  if (found.cmd == nullptr) {
    client.last_command.clear();  // Redis: c->lastcmd = NULL (CLIENT LIST shows cmd=NULL)
    if (script) {
      reply.Error(script::kErrScriptUnknownCommand);
    } else if (found.container == nullptr) {
      ReplyUnknownCommand(args, reply);
    } else {
      ReplyUnknownSubcommand(found.container->name, args[1], reply);
    }
    return nullptr;
  }
  const CommandSpec& cmd = *found.cmd;
  // Redis sets c->lastcmd at lookup, so rejected-for-arity/auth commands still show in CLIENT LIST.
  SetLastCommand(client, found);
  if (!ArityOk(cmd.arity, args.size())) {
    if (script) {
      reply.Error(script::kErrScriptWrongArity);
    } else {
      ReplyWrongArity(found, reply);
    }
    return nullptr;
  }
  if (!client.authenticated() && (cmd.flags & kNoAuth) == 0) {
    reply.Error(protocol::kErrNoAuth);
    return nullptr;
  }
  if (client.mode() == SessionMode::kQueuing && (cmd.flags & kNoMulti) != 0) {
    reply.Error("ERR Command not allowed inside a transaction");
    return nullptr;
  }
  if (script && !ScriptAllows(shard, cmd, args, caller, reply)) return nullptr;
  if (client.mode() == SessionMode::kQueuing && RefusedWhileQueuingOom(shard, cmd, reply)) {
    return nullptr;
  }
  // EXEC decided maxmemory for all its commands (multi_cmds.cc); the TTL rules and the lease
  // watermark apply to each as it runs.
  const bool check_oom = caller.origin != Origin::kTransaction;
  if (!AdmitWrite(shard, cmd, args, caller.now, caller.wall_us, reply, check_oom)) return nullptr;
  if (client.subscribed_context() && (cmd.flags & kPubSubOk) == 0) {
    ReplyNotInSubscribedContext(found, reply);
    return nullptr;
  }
  LOCKNODE_DCHECK(cmd.handler != nullptr);  // a container without a handler fails arity first
  return &cmd;
}

// Keeps the one error a refusal writes (Admit replies nothing else).
class RefusalCapture final : public protocol::DiscardSink {
 public:
  void Error(std::string_view full) override { error.assign(full); }
  std::string error;
};

// Redis rejectCommand for EXEC itself (wrong arity, -OOM...), inside MULTI or not:
// execCommandAbort discards the transaction (and the watches) and answers "EXECABORT
// Transaction discarded because of: <the refusal>".
// Returns Admit's row, or nullptr after the EXECABORT reply.
[[gnu::noinline]] const CommandSpec* AdmitExecOrAbort(Shard& shard, ArgList args,
                                                      const Caller& caller,
                                                      protocol::ReplySink& reply,
                                                      ResolvedCommand& found) {
  RefusalCapture refusal;
  const CommandSpec* cmd = Admit(shard, args, caller, refusal, found);
  if (cmd != nullptr) return cmd;
  shard.transactions().End(caller.client);
  // Redis hands over its error without the "-", and its generic texts carry no "ERR " prefix
  // (addReplyError adds it), while -OOM's does: so "ERR " is dropped and any other code kept.
  std::string_view why = refusal.error;
  if (why.starts_with("ERR ")) why.remove_prefix(4);
  reply.Error("EXECABORT Transaction discarded because of: " + std::string(why));
  return nullptr;
}

// Error replies not yet counted go to errorstats under the last one's code (a command that
// writes several, EXEC, has each counted by its inner command first).
void AccountErrors(Shard& shard, protocol::ReplySink& reply) {
  const uint64_t fresh = reply.errors_written() - reply.errors_accounted;
  if (fresh == 0) return;
  reply.errors_accounted = reply.errors_written();
  shard.error_stats().Count(reply.last_error_code(), fresh);
}

// Redis slowlogPushCurrentCommand. Script-inner commands are logged too (as Redis's call()).
[[gnu::noinline]] void LogSlow(Shard& shard, ArgList args, const Caller& caller, int64_t us) {
  shard.slowlog().Add(args, caller.wall_us / 1'000'000, us, caller.client.peer, caller.client.name,
                      static_cast<size_t>(shard.config().slowlog_max_len));
}

}  // namespace

void RunCommand(Shard& shard, ArgList args, const Caller& caller, protocol::ReplySink& reply) {
  LOCKNODE_DCHECK(!args.empty());
  ClientState& client = caller.client;
  const uint64_t errors_before = reply.errors_written();
  ResolvedCommand found;
  const CommandSpec* cmd = nullptr;
  // (Scripts get scriptCall's own texts: EXEC is noscript.)
  if (args[0].size() == 4 && caller.origin != Origin::kScript && EqualsIgnoreCase(args[0], "exec"))
      [[unlikely]] {
    cmd = AdmitExecOrAbort(shard, args, caller, reply, found);  // a refusal ends the MULTI
  } else {
    cmd = Admit(shard, args, caller, reply, found);
  }
  const bool queuing = client.mode() == SessionMode::kQueuing;
  if (cmd == nullptr) {
    if (found.cmd != nullptr) ++shard.command_stats().For(found).rejected;
    AccountErrors(shard, reply);
    if (queuing) client.queue()->MarkFailed();  // Redis flagTransaction: EXEC will abort
    return;
  }
  if (queuing && (cmd->flags & kNotQueued) == 0) {
    client.queue()->Queue(*cmd, args, reply);  // checked now, run (through here again) by EXEC
    return;
  }
  // Rejected commands do not add to total_commands_processed; commands called from scripts do.
  ++shard.stats().commands_processed;
  const bool may_block = caller.origin == Origin::kClient && client.can_push();
  CommandContext ctx{shard, client, reply, caller.now, caller.wall_us, may_block};
  const Clock& clock = shard.clock();
  // Redis call(): the handler's duration, read on the monotonic clock around it. A client
  // command's start is the read its time snapshot came from, so this adds one clock read.
  const int64_t start_ns = caller.start_ns != 0 ? caller.start_ns : clock.NowNs();
  if (!shard.monitors().empty()) [[unlikely]] {
    const bool before = FeedsBefore(*cmd);
    if (before) FeedMonitors(shard, *cmd, args, caller);
    cmd->handler(ctx, args);
    if (!before) FeedMonitors(shard, *cmd, args, caller);
  } else {
    cmd->handler(ctx, args);
  }
  const auto elapsed_ns = static_cast<uint64_t>(clock.NowNs() - start_ns);
  CommandCounters& counters = shard.command_stats().For(found);
  ++counters.calls;
  counters.ns += elapsed_ns;
  if (counters.latency == nullptr) counters.latency = std::make_unique<LatencyHistogram>();
  counters.latency->Record(elapsed_ns);
  if (reply.errors_written() != errors_before) {
    ++counters.failed;
    AccountErrors(shard, reply);
  }
  const Config& config = shard.config();
  const auto elapsed_us = static_cast<int64_t>(elapsed_ns / 1000);
  if (config.slowlog_log_slower_than >= 0 && elapsed_us >= config.slowlog_log_slower_than) {
    LogSlow(shard, args, caller, elapsed_us);
  }
  if (config.latency_monitor_threshold > 0 &&
      elapsed_us / 1000 >= config.latency_monitor_threshold) {
    shard.latency_monitor().Add((cmd->flags & kFast) != 0 ? "fast-command" : "command",
                                caller.wall_us / 1'000'000, elapsed_us / 1000);
  }
}

// One time snapshot per command (Redis commandTimeSnapshot): a key cannot expire halfway
// through it, and PXAT conversions use the same instant as the lazy-expiry checks.
void Dispatcher::Execute(ArgList args, ClientState& client, protocol::ReplySink& reply) {
  const Clock& clock = shard_.clock();
  const int64_t start_ns = clock.NowNs();
  Caller caller{Origin::kClient, client, start_ns / 1'000'000, clock.WallUs()};
  caller.start_ns = start_ns;
  RunCommand(shard_, args, caller, reply);
  // Redis handleClientsBlockedOnKeys after call(): keys the command (or its whole script or
  // transaction) pushed to feed the clients blocked on them. Only set while someone is blocked.
  if (shard_.blocking().has_ready()) [[unlikely]] {
    ServeBlockedClients(shard_, caller.now, caller.wall_us);
  }
}

void Dispatcher::ClientClosed(ClientState& client) {
  shard_.pubsub().RemoveClient(client);
  shard_.transactions().Drop(client.id);
  shard_.monitors().Remove(client);
  shard_.blocking().Remove(client);
}

void Dispatcher::BlockTimedOut(ClientState& client) {
  UnblockClient(shard_, client, /*error=*/false);
}

}  // namespace locknode::command

// The ops commands of a node without replicas or persistence, with Redis 7's replies: SLOWLOG,
// LATENCY, ROLE, WAIT, WAITAOF, LASTSAVE, SAVE, BGSAVE, DEBUG.
#include <string>
#include <string_view>

#include "locknode/base/strings.h"
#include "locknode/command/families.h"
#include "locknode/command/shard.h"
#include "locknode/protocol/errors.h"
#include "locknode/protocol/reply_sink.h"

#include "command/help_reply.h"

namespace locknode::command {
namespace {

// ---- SLOWLOG --------------------------------------------------------------------------------

// SLOWLOG GET [count]: newest first, 10 by default, -1 for all (Redis 7.0 slowlogCommand).
void CmdSlowlogGet(CommandContext& ctx, ArgList args) {
  if (args.size() > 3) {  // Redis addReplySubcommandSyntaxError, the name as typed
    ctx.reply.Error("ERR unknown subcommand or wrong number of arguments for '" +
                    std::string(args[1]) + "'. Try SLOWLOG HELP.");
    return;
  }
  const auto& entries = ctx.shard.slowlog().entries();
  size_t count = 10;
  if (args.size() == 3) {
    const auto n = ParseInt64(args[2]);
    if (!n || *n < -1) {
      ctx.reply.Error("ERR count should be greater than or equal to -1");
      return;
    }
    count = *n == -1 ? entries.size() : static_cast<size_t>(*n);
  }
  if (count > entries.size()) count = entries.size();
  ctx.reply.Array(count);
  for (size_t i = 0; i < count; ++i) {
    const SlowLog::Entry& e = entries[i];
    ctx.reply.Array(6);
    ctx.reply.Integer(static_cast<int64_t>(e.id));
    ctx.reply.Integer(e.unix_seconds);
    ctx.reply.Integer(e.micros);
    ctx.reply.Array(e.args.size());
    for (const std::string& a : e.args) ctx.reply.Bulk(a);
    ctx.reply.Bulk(e.peer);
    ctx.reply.Bulk(e.name);
  }
}

void CmdSlowlogLen(CommandContext& ctx, ArgList /*args*/) {
  ctx.reply.Integer(static_cast<int64_t>(ctx.shard.slowlog().entries().size()));
}

void CmdSlowlogReset(CommandContext& ctx, ArgList /*args*/) {
  ctx.shard.slowlog().Reset();
  ctx.reply.Ok();
}

void CmdSlowlogHelp(CommandContext& ctx, ArgList /*args*/) {
  static constexpr std::string_view kLines[] = {
      "GET [<count>]",
      "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
      "    Entries are made of:",
      "    id, timestamp, time in microseconds, arguments array, client IP and port,",
      "    client name",
      "LEN",
      "    Return the length of the slowlog.",
      "RESET",
      "    Reset the slowlog.",
  };
  ReplyHelp(ctx, "SLOWLOG", kLines);
}

// ---- LATENCY --------------------------------------------------------------------------------

// LATENCY LATEST: [event, time of the latest sample, latest ms, max ms] per event.
void CmdLatencyLatest(CommandContext& ctx, ArgList /*args*/) {
  const auto& events = ctx.shard.latency_monitor().events();
  ctx.reply.Array(events.size());
  for (const auto& [name, e] : events) {
    ctx.reply.Array(4);
    ctx.reply.Bulk(name);
    ctx.reply.Integer(e.history.back().unix_seconds);
    ctx.reply.Integer(e.history.back().ms);
    ctx.reply.Integer(e.max_ms);
  }
}

void CmdLatencyHistory(CommandContext& ctx, ArgList args) {
  const auto& events = ctx.shard.latency_monitor().events();
  const auto it = events.find(args[2]);
  if (it == events.end()) {
    ctx.reply.Array(0);
    return;
  }
  ctx.reply.Array(it->second.history.size());
  for (const LatencyMonitor::Sample& s : it->second.history) {
    ctx.reply.Array(2);
    ctx.reply.Integer(s.unix_seconds);
    ctx.reply.Integer(s.ms);
  }
}

void CmdLatencyReset(CommandContext& ctx, ArgList args) {
  ctx.reply.Integer(static_cast<int64_t>(ctx.shard.latency_monitor().Reset(args.subspan(2))));
}

// Redis createLatencyReport's opening lines; with events, one line per event (Redis goes on
// with advice about the causes it can detect, which do not exist here: no fork, no AOF, no
// swap of the keyspace, no transparent huge pages check).
void CmdLatencyDoctor(CommandContext& ctx, ArgList /*args*/) {
  const auto& events = ctx.shard.latency_monitor().events();
  std::string text;
  if (ctx.shard.config().latency_monitor_threshold == 0 && events.empty()) {
    text =
        "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis "
        "instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order "
        "to enable it. If we weren't in a deep space mission I'd suggest to take a look at "
        "https://redis.io/topics/latency-monitor.\n";
  } else if (events.empty()) {
    text =
        "Dave, no latency spike was observed during the lifetime of this Redis instance, not in "
        "the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, "
        "and think things over.\n";
  } else {
    text = "Dave, I have observed latency spikes in this Redis instance.\n\n";
    int n = 1;
    for (const auto& [name, e] : events) {
      text += std::to_string(n++) + ". " + name + ": " + std::to_string(e.history.size()) +
              " latency spikes (max " + std::to_string(e.max_ms) + " milliseconds).\n";
    }
    text +=
        "\nI have a few advices for you:\n\n- Check SLOWLOG GET: the slow commands are there, "
        "with their arguments (locknode runs scripts and commands on one thread).\n";
  }
  ctx.reply.Verbatim(text);
}

void CmdLatencyHelp(CommandContext& ctx, ArgList /*args*/) {
  static constexpr std::string_view kLines[] = {
      "DOCTOR",
      "    Return a human readable latency analysis report.",
      "HISTORY <event>",
      "    Return time-latency samples for the <event> class.",
      "LATEST",
      "    Return the latest latency samples for all events.",
      "RESET [<event> ...]",
      "    Reset latency data of one or more <event> classes.",
      "    (default: reset all data for all event classes)",
  };
  ReplyHelp(ctx, "LATENCY", kLines);
}

// ---- Replication and persistence, as a Redis with neither ----------------------------------

void CmdRole(CommandContext& ctx, ArgList /*args*/) {
  ctx.reply.Array(3);
  ctx.reply.Bulk("master");
  ctx.reply.Integer(0);  // replication offset
  ctx.reply.Array(0);    // no replicas
}

// WAIT numreplicas timeout: no replica can acknowledge, so 0 at once (a Redis without replicas
// answers the same once the timeout passes; with timeout 0 it would block forever, which no
// lock client wants from a node that will never have replicas).
void CmdWait(CommandContext& ctx, ArgList args) {
  const auto replicas = ParseInt64(args[1]);
  const auto timeout = ParseInt64(args[2]);
  if (!replicas || !timeout) {
    ctx.reply.Error(protocol::kErrNotInteger);
    return;
  }
  if (*timeout < 0) {
    ctx.reply.Error("ERR timeout is negative");
    return;
  }
  ctx.reply.Integer(0);
}

// WAITAOF numlocal numreplicas timeout (Redis 7.2): the AOF is always off here.
void CmdWaitAof(CommandContext& ctx, ArgList args) {
  const auto local = ParseInt64(args[1]);
  const auto replicas = ParseInt64(args[2]);
  const auto timeout = ParseInt64(args[3]);
  if (!local || !replicas || !timeout) {
    ctx.reply.Error(protocol::kErrNotInteger);
    return;
  }
  if (*timeout < 0) {
    ctx.reply.Error("ERR timeout is negative");
    return;
  }
  if (*local != 0) {
    ctx.reply.Error("ERR WAITAOF cannot be used when numlocal is set but appendonly is disabled.");
    return;
  }
  ctx.reply.Array(2);
  ctx.reply.Integer(0);
  ctx.reply.Integer(0);
}

void CmdLastSave(CommandContext& ctx, ArgList /*args*/) {
  ctx.reply.Integer(ctx.shard.last_save_unix());
}

// SAVE/BGSAVE answer as Redis does (a Redis with `save ""` still saves on demand), and LASTSAVE
// moves; there is nothing to write: a lock node keeps no keys on disk by design (locks must not
// outlive a restart: the restart quarantine covers them instead).
void CmdSave(CommandContext& ctx, ArgList /*args*/) {
  ctx.shard.set_last_save_unix(ctx.wall_us / 1'000'000);
  ctx.reply.Ok();
}

void CmdBgSave(CommandContext& ctx, ArgList args) {
  if (args.size() > 2 || (args.size() == 2 && !EqualsIgnoreCase(args[1], "schedule"))) {
    ctx.reply.Error(protocol::kErrSyntax);
    return;
  }
  ctx.shard.set_last_save_unix(ctx.wall_us / 1'000'000);
  ctx.reply.Simple(args.size() == 2 ? "Background saving scheduled" : "Background saving started");
}

// Redis 7's default (enable-debug-command no), which locknode never changes.
void CmdDebug(CommandContext& ctx, ArgList /*args*/) {
  ctx.reply.Error(
      "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", "
      "you can run it from a local connection, otherwise you need to set this option in the "
      "configuration file, and then restart the server.");
}

constexpr uint32_t kOps = kAdmin | kLoading;

constexpr CommandSpec kSlowlogSubcommands[] = {
    {"get",
     -2,
     kOps,
     0,
     0,
     0,
     CmdSlowlogGet,
     {},
     "Get the slow log's entries",
     "[count]",
     "server"},
    {"len", 2, kOps, 0, 0, 0, CmdSlowlogLen, {}, "Get the slow log's length", "", "server"},
    {"reset",
     2,
     kOps,
     0,
     0,
     0,
     CmdSlowlogReset,
     {},
     "Clear all entries from the slow log",
     "",
     "server"},
    {"help",
     2,
     kLoading,
     0,
     0,
     0,
     CmdSlowlogHelp,
     {},
     "Show helpful text about the different "
     "subcommands",
     "",
     "server"},
};

constexpr CommandSpec kLatencySubcommands[] = {
    {"latest",
     2,
     kOps,
     0,
     0,
     0,
     CmdLatencyLatest,
     {},
     "Return the latest latency samples for all events",
     "",
     "server"},
    {"history",
     3,
     kOps,
     0,
     0,
     0,
     CmdLatencyHistory,
     {},
     "Return timestamp-latency samples for an event",
     "event",
     "server"},
    {"reset",
     -2,
     kOps,
     0,
     0,
     0,
     CmdLatencyReset,
     {},
     "Reset latency data for one or more events",
     "[event [event ...]]",
     "server"},
    {"doctor",
     2,
     kOps,
     0,
     0,
     0,
     CmdLatencyDoctor,
     {},
     "Return a human readable latency analysis "
     "report",
     "",
     "server"},
    {"help",
     2,
     kLoading,
     0,
     0,
     0,
     CmdLatencyHelp,
     {},
     "Show helpful text about the different "
     "subcommands",
     "",
     "server"},
};

}  // namespace

void RegisterOpsCommands(CommandTable& table) {
  table.Add({"slowlog", -2, 0, 0, 0, 0, nullptr, kSlowlogSubcommands,
             "A container for slow log commands", "", "server"});
  table.Add({"latency", -2, 0, 0, 0, 0, nullptr, kLatencySubcommands,
             "A container for latency diagnostics commands", "", "server"});
  table.Add({"role",
             1,
             kNoScript | kLoading | kFast,
             0,
             0,
             0,
             CmdRole,
             {},
             "Return the role of the instance in the context of replication",
             "",
             "server"});
  table.Add({"wait",
             3,
             kNoScript,
             0,
             0,
             0,
             CmdWait,
             {},
             "Wait for the synchronous replication of all the write commands sent in the context "
             "of the current connection",
             "numreplicas timeout",
             "generic"});
  table.Add({"waitaof",
             4,
             kNoScript,
             0,
             0,
             0,
             CmdWaitAof,
             {},
             "Wait for all write commands sent by the client to be fsynced to AOF in the local "
             "host or replicas",
             "numlocal numreplicas timeout",
             "generic"});
  table.Add({"lastsave",
             1,
             kLoading | kFast,
             0,
             0,
             0,
             CmdLastSave,
             {},
             "Get the Unix timestamp of the last successful save to disk",
             "",
             "server"});
  table.Add({"save",
             1,
             kAdmin | kNoScript,
             0,
             0,
             0,
             CmdSave,
             {},
             "Synchronously save the dataset to disk",
             "",
             "server"});
  table.Add({"bgsave",
             -1,
             kAdmin | kNoScript,
             0,
             0,
             0,
             CmdBgSave,
             {},
             "Asynchronously save the dataset to disk",
             "[SCHEDULE]",
             "server"});
  table.Add({"debug",
             -2,
             kAdmin | kNoScript | kLoading,
             0,
             0,
             0,
             CmdDebug,
             {},
             "A container for debugging commands",
             "subcommand [argument [argument ...]]",
             "server"});
}

}  // namespace locknode::command

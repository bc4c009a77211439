// Server commands: INFO (info_cmd.cc), CONFIG, COMMAND (command_docs.cc), DBSIZE, FLUSHDB,
// FLUSHALL, TIME, SHUTDOWN. Texts checked against redis-server 7.0.15.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "locknode/base/config.h"
#include "locknode/base/options.h"
#include "locknode/base/strings.h"
#include "locknode/command/command_table.h"
#include "locknode/command/families.h"
#include "locknode/command/shard.h"
#include "locknode/protocol/errors.h"
#include "locknode/protocol/reply_sink.h"

#include "command/help_reply.h"
#include "glob_match.h"
#include "server_family.h"

namespace locknode::command {
namespace {

using ConfigList = std::vector<std::pair<std::string, std::string>>;

// Redis 7.0 configGetCommand: a plain name is looked up directly and echoed as typed
// ("CONFIG GET PORT" -> "PORT"); a pattern is matched case-insensitively against every name.
// Each option appears once however many arguments select it.
void CmdConfigGet(CommandContext& ctx, ArgList args) {
  ConfigList entries = ConfigEntries(ctx.shard.config());
  // With --port 0 the configured port is 0; report the port actually bound, as INFO does.
  if (ctx.shard.control() != nullptr) {
    for (auto& [name, value] : entries) {
      if (name == "port") value = std::to_string(ctx.shard.control()->BoundPort());
      if (name == "tls-port") value = std::to_string(ctx.shard.control()->BoundTlsPort());
    }
  }
  for (auto& [name, value] : entries) {
    if (name == "notify-keyspace-events") value = KeyspaceEventsText(ctx.shard.events().flags());
  }
  std::vector<bool> taken(entries.size(), false);
  std::vector<std::pair<std::string_view, std::string_view>> out;
  for (size_t a = 2; a < args.size(); ++a) {
    const bool glob = HasGlobChars(args[a]);
    for (size_t i = 0; i < entries.size(); ++i) {
      if (taken[i]) continue;
      const bool match = glob ? GlobMatch(args[a], entries[i].first, /*nocase=*/true)
                              : EqualsIgnoreCase(args[a], entries[i].first);
      if (!match) continue;
      taken[i] = true;
      out.emplace_back(glob ? std::string_view(entries[i].first) : args[a], entries[i].second);
    }
  }
  ctx.reply.Map(out.size());  // RESP2: flat name/value array; RESP3: map
  for (const auto& [name, value] : out) {
    ctx.reply.Bulk(name);
    ctx.reply.Bulk(value);
  }
}

// Redis 7.0 configSetCommand: every name is checked first (unknown -> its own error; a name
// twice -> "duplicate parameter"), then the values are applied to a copy, and the copy replaces
// the live config only if all of them parsed: all or nothing. Options not flagged kOptMutable
// (read once at startup) answer as Redis does for an immutable one.
void CmdConfigSet(CommandContext& ctx, ArgList args) {
  if (args.size() % 2 != 0) {
    ctx.reply.Error(protocol::kErrSyntax);
    return;
  }
  auto failed = [&](std::string_view name, std::string_view why) {
    ctx.reply.Error("ERR CONFIG SET failed (possibly related to argument '" + std::string(name) +
                    "') - " + std::string(why));
  };
  std::vector<const OptionSpec*> options;
  for (size_t i = 2; i < args.size(); i += 2) {
    const OptionSpec* option = FindOption(args[i]);
    if (option == nullptr || (option->flags & kOptReportOnly) != 0) {
      ctx.reply.Error("ERR Unknown option or number of arguments for CONFIG SET - '" +
                      std::string(args[i]) + "'");
      return;
    }
    for (const OptionSpec* seen : options) {
      if (seen == option) return failed(args[i], "duplicate parameter");
    }
    options.push_back(option);
  }
  Config* live = ctx.shard.mutable_config();
  for (size_t i = 0; i < options.size(); ++i) {
    if (live == nullptr || (options[i]->flags & kOptMutable) == 0) {
      return failed(args[2 + 2 * i], "can't set immutable config");
    }
  }
  Config next = *live;
  for (size_t i = 0; i < options.size(); ++i) {
    const std::string why = SetOptionText(*options[i], args[3 + 2 * i], &next);
    if (!why.empty()) return failed(args[2 + 2 * i], why);
  }
  *live = std::move(next);
  // The shard keeps the parsed classes (checked on every write); options.cc validated the text.
  ctx.shard.events().SetFlags(ParseKeyspaceEvents(live->notify_keyspace_events).value_or(0));
  ctx.reply.Ok();
}

// Redis resetServerStats + resetCommandTableStats + resetErrorTableStats (not SLOWLOG, not
// LATENCY: they have their own RESET).
void CmdConfigResetStat(CommandContext& ctx, ArgList /*args*/) {
  ctx.shard.stats() = Stats{};
  ctx.shard.command_stats().Reset();
  ctx.shard.error_stats().Reset();
  ctx.shard.lock_stats().Reset();
  ctx.reply.Ok();
}

// Redis 7.0 configRewriteCommand's texts.
void CmdConfigRewrite(CommandContext& ctx, ArgList /*args*/) {
  const std::string& path = ctx.shard.config().config_file;
  if (path.empty()) {
    ctx.reply.Error("ERR The server is running without a config file");
    return;
  }
  const std::string why = RewriteConfigFile(path, ctx.shard.config());
  if (!why.empty()) {
    ctx.reply.Error("ERR Rewriting config file: " + why);
    return;
  }
  ctx.reply.Ok();
}

void CmdConfigHelp(CommandContext& ctx, ArgList /*args*/) {
  static constexpr std::string_view kLines[] = {
      "GET <pattern>",
      "    Return parameters matching the glob-like <pattern> and their values.",
      "SET <directive> <value>",
      "    Set the configuration <directive> to <value>.",
      "RESETSTAT",
      "    Reset statistics reported by the INFO command.",
      "REWRITE",
      "    Rewrite the configuration file.",
  };
  ReplyHelp(ctx, "CONFIG", kLines);
}

constexpr uint32_t kConfigFlags = kAdmin | kNoScript | kLoading;

constexpr CommandSpec kConfigSubcommands[] = {
    {"get",
     -3,
     kConfigFlags,
     0,
     0,
     0,
     CmdConfigGet,
     {},
     "Get the values of configuration parameters",
     "parameter [parameter ...]",
     "server"},
    {"set",
     -4,
     kConfigFlags,
     0,
     0,
     0,
     CmdConfigSet,
     {},
     "Set configuration parameters to the given values",
     "parameter value [parameter value ...]",
     "server"},
    {"rewrite",
     2,
     kConfigFlags,
     0,
     0,
     0,
     CmdConfigRewrite,
     {},
     "Rewrite the configuration file with the in memory configuration",
     "",
     "server"},
    {"resetstat",
     2,
     kConfigFlags,
     0,
     0,
     0,
     CmdConfigResetStat,
     {},
     "Reset the stats returned by INFO",
     "",
     "server"},
    {"help",
     2,
     kLoading,
     0,
     0,
     0,
     CmdConfigHelp,
     {},
     "Show helpful text about the different subcommands",
     "",
     "server"},
};

void CmdDbSize(CommandContext& ctx, ArgList /*args*/) {
  ctx.reply.Integer(static_cast<int64_t>(ctx.shard.keyspace().size()));
}

// FLUSHDB / FLUSHALL [ASYNC|SYNC] (db.c getFlushCommandFlags): one optional mode, anything else
// is a syntax error. Both modes free synchronously here; the keyspace is small.
void CmdFlush(CommandContext& ctx, ArgList args) {
  if (args.size() > 2 || (args.size() == 2 && !EqualsIgnoreCase(args[1], "ASYNC") &&
                          !EqualsIgnoreCase(args[1], "SYNC"))) {
    ctx.reply.Error(protocol::kErrSyntax);
    return;
  }
  ctx.shard.keyspace().Clear();
  ctx.reply.Ok();
}

void CmdTime(CommandContext& ctx, ArgList /*args*/) {
  // Two bulk strings: seconds and microseconds of the wall clock (Redis timeCommand).
  ctx.reply.Array(2);
  ctx.reply.Bulk(IntText(ctx.wall_us / 1'000'000).view);
  ctx.reply.Bulk(IntText(ctx.wall_us % 1'000'000).view);
}

// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT] (server.c shutdownCommand). On success Redis
// sends no reply at all: the connection just closes (redis-cli expects exactly that). locknode
// has nothing to save, so SAVE and NOSAVE behave alike, and a shutdown is never "in progress"
// long enough to ABORT.
void CmdShutdown(CommandContext& ctx, ArgList args) {
  bool save = false, nosave = false, abort = false, other = false;
  for (size_t i = 1; i < args.size(); ++i) {
    if (EqualsIgnoreCase(args[i], "NOSAVE")) {
      nosave = true;
    } else if (EqualsIgnoreCase(args[i], "SAVE")) {
      save = true;
    } else if (EqualsIgnoreCase(args[i], "NOW") || EqualsIgnoreCase(args[i], "FORCE")) {
      other = true;
    } else if (EqualsIgnoreCase(args[i], "ABORT")) {
      abort = true;
    } else {
      ctx.reply.Error(protocol::kErrSyntax);
      return;
    }
  }
  if ((abort && (save || nosave || other)) || (save && nosave)) {
    ctx.reply.Error(protocol::kErrSyntax);
    return;
  }
  if (abort) {
    ctx.reply.Error("ERR No shutdown in progress.");
    return;
  }
  ServerControl* control = ctx.shard.control();
  if (control == nullptr) {  // no server to stop (unit tests): Redis's prepareForShutdown failure
    ctx.reply.Error("ERR Errors trying to SHUTDOWN. Check logs.");
    return;
  }
  control->RequestShutdown();
  ctx.client.RequestClose();  // deliberately no reply
}

}  // namespace

void RegisterServerCommands(CommandTable& table) {
  table.Add({"info",
             -1,
             kLoading,
             0,
             0,
             0,
             CmdInfo,
             {},
             "Get information and statistics about the server",
             "[section [section ...]]",
             "server"});
  table.Add({"config", -2, 0, 0, 0, 0, nullptr, kConfigSubcommands,
             "A container for server configuration commands", "", "server"});
  table.Add({"command", -1, kLoading, 0, 0, 0, CmdCommand, CommandSubcommands(),
             "Get array of Redis command details", "", "server"});
  table.Add({"dbsize",
             1,
             kReadOnly | kFast,
             0,
             0,
             0,
             CmdDbSize,
             {},
             "Return the number of keys in the selected database",
             "",
             "server"});
  table.Add({"flushdb",
             -1,
             kWrite,
             0,
             0,
             0,
             CmdFlush,
             {},
             "Remove all keys from the current database",
             "[ASYNC|SYNC]",
             "server",
             Lifetime::kRemoves});
  table.Add({"flushall",
             -1,
             kWrite,
             0,
             0,
             0,
             CmdFlush,
             {},
             "Remove all keys from all databases",
             "[ASYNC|SYNC]",
             "server",
             Lifetime::kRemoves});
  table.Add({"time",
             1,
             kLoading | kFast,
             0,
             0,
             0,
             CmdTime,
             {},
             "Return the current server time",
             "",
             "server"});
  table.Add({"shutdown",
             -1,
             kAdmin | kNoScript | kLoading | kNoMulti,
             0,
             0,
             0,
             CmdShutdown,
             {},
             "Synchronously save the dataset to disk and then shut down the server",
             "[NOSAVE|SAVE] [NOW] [FORCE] [ABORT]",
             "server"});
}

}  // namespace locknode::command

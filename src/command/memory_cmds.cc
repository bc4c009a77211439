// MEMORY USAGE key [SAMPLES count] and MEMORY HELP, what `redis-cli --memkeys` needs. Options and
// error texts follow Redis 7.0 memoryCommand (src/object.c); the number is what the key truly
// costs here (Keyspace::MemoryUsage), not Redis's estimate. DOCTOR, STATS, MALLOC-STATS and
// PURGE describe Redis's allocator and are not served (unknown subcommand).

#include <cstdint>
#include <optional>
#include <string_view>

#include "locknode/base/strings.h"
#include "locknode/command/command_table.h"
#include "locknode/command/families.h"
#include "locknode/command/shard.h"
#include "locknode/protocol/errors.h"
#include "locknode/protocol/reply_sink.h"

#include "command/help_reply.h"

namespace locknode::command {
namespace {

// Redis checks every option before it looks the key up, so a bad option is an error even for a
// missing key. SAMPLES only bounds Redis's sampling of nested values; locknode counts exactly.
void CmdMemoryUsage(CommandContext& ctx, ArgList args) {
  for (size_t i = 3; i < args.size(); i += 2) {
    if (!EqualsIgnoreCase(args[i], "samples") || i + 1 >= args.size()) {
      ctx.reply.Error(protocol::kErrSyntax);
      return;
    }
    const std::optional<int64_t> samples = ParseInt64(args[i + 1]);
    if (!samples) {
      ctx.reply.Error(protocol::kErrNotInteger);
      return;
    }
    if (*samples < 0) {
      ctx.reply.Error(protocol::kErrSyntax);
      return;
    }
  }
  // Redis reads the dict without lookupKey (no hit/miss counted); an expired key is gone here,
  // as everywhere in locknode, where Redis would still report its size.
  const std::optional<size_t> bytes = ctx.shard.keyspace().MemoryUsage(args[2], ctx.now);
  if (bytes) {
    ctx.reply.Integer(static_cast<int64_t>(*bytes));
  } else {
    ctx.reply.Null();
  }
}

void CmdMemoryHelp(CommandContext& ctx, ArgList /*args*/) {
  static constexpr std::string_view kLines[] = {
      "USAGE <key> [SAMPLES <count>]",
      "    Return memory in bytes used by <key> and its value. Nested values are",
      "    sampled up to <count> times (default: 5, 0 means sample all).",
  };
  ReplyHelp(ctx, "MEMORY", kLines);
}

constexpr CommandSpec kMemorySubcommands[] = {
    {.name = "usage",
     .arity = -3,
     .flags = kReadOnly,
     .first_key = 2,
     .last_key = 2,
     .key_step = 1,
     .handler = CmdMemoryUsage,
     .summary = "Estimate the memory usage of a key",
     .arguments = "key [SAMPLES count]",
     .group = "server"},
    {.name = "help",
     .arity = 2,
     .flags = kLoading,
     .first_key = 0,
     .last_key = 0,
     .key_step = 0,
     .handler = CmdMemoryHelp,
     .summary = "Show helpful text about the different subcommands",
     .group = "server"},
};

}  // namespace

void RegisterMemoryCommands(CommandTable& table) {
  table.Add({.name = "memory",
             .arity = -2,
             .flags = 0,
             .first_key = 0,
             .last_key = 0,
             .key_step = 0,
             .handler = nullptr,  // a container: the funnel resolves the subcommand row
             .subcommands = kMemorySubcommands,
             .summary = "A container for memory diagnostics commands",
             .group = "server"});
}

}  // namespace locknode::command

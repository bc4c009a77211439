// MEMORY USAGE, STATS, DOCTOR and HELP (Redis 7.0 object.c memoryCommand). USAGE is what the
// key truly costs here (Keyspace::MemoryUsage), not Redis's estimate; STATS and DOCTOR read the
// figures INFO memory reports (info_cmd.cc ReadMemory). MALLOC-STATS and PURGE describe Redis's
// allocator and are not served (unknown subcommand).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "locknode/base/strings.h"
#include "locknode/command/command_table.h"
#include "locknode/command/families.h"
#include "locknode/command/shard.h"
#include "locknode/protocol/errors.h"
#include "locknode/protocol/reply_sink.h"

#include "command/help_reply.h"
#include "command/info_text.h"

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

double Ratio(uint64_t a, uint64_t b) {
  return b == 0 ? 0 : static_cast<double>(a) / static_cast<double>(b);
}

// Redis's field names and order; figures locknode has no counterpart for (replication backlog,
// AOF buffer, cluster links, functions) are 0 as on a Redis without them.
void CmdMemoryStats(CommandContext& ctx, ArgList /*args*/) {
  const MemoryFigures m = ReadMemory(ctx.shard);
  const keyspace::Keyspace& ks = ctx.shard.keyspace();
  const uint64_t keys = ks.size();
  const uint64_t overhead = m.used - m.dataset;
  protocol::ReplySink& r = ctx.reply;
  auto field = [&](std::string_view name, uint64_t v) {
    r.Bulk(name);
    r.Integer(static_cast<int64_t>(v));
  };
  auto ratio = [&](std::string_view name, double v) {
    r.Bulk(name);
    r.Double(v);
  };
  r.Map(28);
  field("peak.allocated", m.peak);
  field("total.allocated", m.used);
  field("startup.allocated", 0);
  field("replication.backlog", 0);
  field("clients.slaves", 0);
  field("clients.normal", 0);
  field("cluster.links", 0);
  field("aof.buffer", 0);
  field("lua.caches", ctx.shard.lua().memory_bytes());
  field("functions.caches", 0);
  r.Bulk("db.0");
  r.Map(3);
  // The index (and out-of-line bodies): the keys' bytes beyond the arena's blocks.
  const uint64_t index =
      ks.used_bytes() > ks.arena_live_bytes() ? ks.used_bytes() - ks.arena_live_bytes() : 0;
  field("overhead.hashtable.main", index);
  field("overhead.hashtable.expires", 0);
  field("overhead.hashtable.slot-to-keys", 0);
  field("overhead.total", overhead);
  field("keys.count", keys);
  field("keys.bytes-per-key", keys == 0 ? 0 : m.used / keys);
  field("dataset.bytes", m.dataset);
  ratio("dataset.percentage", 100.0 * Ratio(m.dataset, m.used));
  ratio("peak.percentage", 100.0 * Ratio(m.used, m.peak));
  field("allocator.allocated", m.used);
  field("allocator.active", m.active);
  field("allocator.resident", m.rss);
  ratio("allocator-fragmentation.ratio", Ratio(m.active, m.used));
  field("allocator-fragmentation.bytes", m.active > m.used ? m.active - m.used : 0);
  ratio("allocator-rss.ratio", Ratio(m.rss, m.active));
  field("allocator-rss.bytes", m.rss > m.active ? m.rss - m.active : 0);
  ratio("rss-overhead.ratio", 1.0);
  field("rss-overhead.bytes", 0);
  ratio("fragmentation", Ratio(m.rss, m.used));
  field("fragmentation.bytes", m.rss > m.used ? m.rss - m.used : 0);
}

// Redis getMemoryDoctorReport's verdicts for the cases it can judge here (below 5 MB it does not
// judge; otherwise peak and fragmentation checks).
void CmdMemoryDoctor(CommandContext& ctx, ArgList /*args*/) {
  const MemoryFigures m = ReadMemory(ctx.shard);
  std::string text;
  if (m.used < uint64_t{5} * 1024 * 1024) {
    text =
        "Hi Sam, this instance is empty or is using very little memory, my issues detector can't "
        "be used in these conditions. Please, leave for your mission on Earth and fill it with "
        "some data. The new Sam and I will be back to our programming as soon as I finished "
        "rebooting.\n";
  } else if (Ratio(m.peak, m.used) <= 1.5 && Ratio(m.rss, m.used) <= 1.4) {
    text =
        "Hi Sam, I can't find any memory issue in your instance. I can only account for what "
        "occurs on this base.\n";
  } else {
    text = "Sam, I detected a few issues in this Redis instance memory implants:\n\n";
    if (Ratio(m.peak, m.used) > 1.5) {
      text +=
          " * Peak memory: In the past this instance used more than 150% the memory that is "
          "currently using. The allocator is normally not able to release memory after a peak, "
          "so you can expect to see a big fragmentation ratio, however this is actually "
          "harmless and is only due to the memory peak, and if the Redis instance Resident Set "
          "Size (RSS) is currently bigger than expected, the memory will be used as soon as you "
          "fill the Redis instance with more data. If the memory peak was only occasional and "
          "you want to try to reclaim memory, please try the MEMORY PURGE command, otherwise the "
          "only other option is to shutdown and restart the instance.\n\n";
    }
    if (Ratio(m.rss, m.used) > 1.4) {
      text +=
          " * High total RSS: This instance has a memory fragmentation and RSS overhead greater "
          "than 1.4 (this means that the Resident Set Size of the Redis process is much larger "
          "than the sum of the logical allocations Redis performed). This problem is usually due "
          "either to a large peak memory (check if there is a peak memory entry above in the "
          "report) or may result from a workload that causes the allocator to fragment memory a "
          "lot. If the problem is a large peak memory, then there is no issue. Otherwise, make "
          "sure you are using the Jemalloc allocator and not the default libc malloc.\n\n";
    }
    text += "I'm here to keep you safe, Sam. I want to help you.\n";
  }
  ctx.reply.Verbatim(text);
}

void CmdMemoryHelp(CommandContext& ctx, ArgList /*args*/) {
  static constexpr std::string_view kLines[] = {
      "DOCTOR",
      "    Return memory problems reports.",
      "STATS",
      "    Return information about the memory usage of the server.",
      "USAGE <key> [SAMPLES <count>]",
      "    Return memory in bytes used by <key> and its value. Nested values are",
      "    sampled up to <count> times (default: 5, 0 means sample all).",
  };
  ReplyHelp(ctx, "MEMORY", kLines);
}

constexpr CommandSpec kMemorySubcommands[] = {
    {.name = "doctor",
     .arity = 2,
     .flags = 0,
     .first_key = 0,
     .last_key = 0,
     .key_step = 0,
     .handler = CmdMemoryDoctor,
     .summary = "Outputs memory problems report",
     .group = "server"},
    {.name = "stats",
     .arity = 2,
     .flags = 0,
     .first_key = 0,
     .last_key = 0,
     .key_step = 0,
     .handler = CmdMemoryStats,
     .summary = "Show memory usage details",
     .group = "server"},
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

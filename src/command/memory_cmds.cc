// MEMORY STATS / DOCTOR / HELP (Redis 7.0 object.c memoryCommand) over the figures INFO memory
// reports (info_cmd.cc ReadMemory). MEMORY USAGE is another branch's (issue 19): merge its row
// into kMemorySubcommands and its lines into the HELP text.
#include <string>
#include <string_view>

#include "locknode/command/families.h"
#include "locknode/command/shard.h"
#include "locknode/protocol/reply_sink.h"

#include "command/help_reply.h"
#include "command/info_text.h"

namespace locknode::command {
namespace {

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
  if (m.used < 5 * 1024 * 1024) {
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
  };
  ReplyHelp(ctx, "MEMORY", kLines);
}

constexpr CommandSpec kMemorySubcommands[] = {
    {"doctor", 2, 0, 0, 0, 0, CmdMemoryDoctor, {}, "Outputs memory problems report", "", "server"},
    {"stats", 2, 0, 0, 0, 0, CmdMemoryStats, {}, "Show memory usage details", "", "server"},
    {"help",
     2,
     kLoading,
     0,
     0,
     0,
     CmdMemoryHelp,
     {},
     "Show helpful text about the different subcommands",
     "",
     "server"},
};

}  // namespace

void RegisterMemoryCommands(CommandTable& table) {
  table.Add({"memory", -2, 0, 0, 0, 0, nullptr, kMemorySubcommands,
             "A container for memory diagnostics commands", "", "server"});
}

}  // namespace locknode::command

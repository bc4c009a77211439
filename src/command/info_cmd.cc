// INFO [section ...]: the subset of Redis 7.0's INFO that clients and tools read (COMPAT §4):
// ioredis waits on `loading`, redis_exporter labels from redis_version/role/run_id and reads
// # Keyspace, StackExchange.Redis wants redis_version and role:master.

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <malloc.h>
#include <random>
#include <string>
#include <string_view>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "locknode/base/strings.h"
#include "locknode/command/shard.h"
#include "locknode/protocol/reply_sink.h"

#include "command/info_text.h"
#include "server_family.h"

namespace locknode::command {
namespace {

// The sections in Redis's fixed output order (genRedisInfoString), whatever order they were asked.
enum Section : uint32_t {
  kServer = 1u << 0,
  kClients = 1u << 1,
  kMemory = 1u << 2,
  kPersistence = 1u << 3,
  kStats = 1u << 4,
  kReplication = 1u << 5,
  kCpu = 1u << 6,
  kModules = 1u << 7,
  kCluster = 1u << 8,
  kKeyspace = 1u << 9,
  kCommandStats = 1u << 10,
  kErrorStats = 1u << 11,
  kLatencyStats = 1u << 12,
  kLocks = 1u << 13,  // locknode's own
  kAllSections = (1u << 14) - 1,
  // Redis 7.0: commandstats and latencystats only when asked for (or all/everything).
  kDefaultSections = kAllSections & ~(kCommandStats | kLatencyStats),
};

struct SectionName {
  std::string_view name;
  uint32_t bits;
};
constexpr SectionName kSectionNames[] = {
    {"server", kServer},
    {"clients", kClients},
    {"memory", kMemory},
    {"persistence", kPersistence},
    {"stats", kStats},
    {"replication", kReplication},
    {"cpu", kCpu},
    {"modules", kModules},
    {"cluster", kCluster},
    {"keyspace", kKeyspace},
    {"commandstats", kCommandStats},
    {"errorstats", kErrorStats},
    {"latencystats", kLatencyStats},
    {"locks", kLocks},
    {"default", kDefaultSections},
    {"all", kAllSections},
    {"everything", kAllSections},
};

// No argument means "default"; unknown names select nothing (Redis replies an empty bulk).
uint32_t SelectedSections(ArgList args) {
  if (args.size() == 1) return kDefaultSections;
  uint32_t bits = 0;
  for (size_t i = 1; i < args.size(); ++i) {
    for (const SectionName& s : kSectionNames) {
      if (EqualsIgnoreCase(args[i], s.name)) bits |= s.bits;
    }
  }
  return bits;
}

// Process-wide, like Redis's server.runid: random once per process, stable across INFO calls.
const std::string& RunId() {
  static const std::string id = [] {
    std::random_device rd;
    std::string s(40, '0');
    for (char& c : s) c = "0123456789abcdef"[rd() % 16];
    return s;
  }();
  return id;
}

void AddServer(CommandContext& ctx, InfoText& info) {
  const Shard& shard = ctx.shard;
  info.Header("Server");
  // What clients gate features on (HELLO says the same; option redis-version).
  info.Line("redis_version", ctx.shard.config().redis_version);
  info.Line("locknode_version", LOCKNODE_VERSION);
  info.Line("redis_git_sha1", "00000000");
  info.Line("redis_git_dirty", 0);
  info.Line("redis_build_id", "0");
  info.Line("redis_mode", "standalone");
  utsname name{};
  if (uname(&name) == 0) {
    info.Line("os", std::string(name.sysname) + " " + name.release + " " + name.machine);
  }
  info.Line("arch_bits", static_cast<int64_t>(sizeof(void*) * 8));
  info.Line("multiplexing_api", "epoll");
  info.Line("process_id", static_cast<int64_t>(getpid()));
  info.Line("run_id", RunId());
  const int port = shard.control() != nullptr ? shard.control()->BoundPort() : shard.config().port;
  info.Line("tcp_port", port);
  info.Line("server_time_usec", ctx.wall_us);
  const int64_t uptime_s = (ctx.now - shard.start_ms()) / 1000;
  info.Line("uptime_in_seconds", uptime_s);
  info.Line("uptime_in_days", uptime_s / 86400);
  info.Line("hz", 10);
  info.Line("configured_hz", 10);
  info.Line("config_file", shard.config().config_file);
}

void AddClients(CommandContext& ctx, InfoText& info) {
  const ServerControl* control = ctx.shard.control();
  info.Header("Clients");
  info.Line("connected_clients",
            control != nullptr ? static_cast<int64_t>(control->ClientCount()) : 1);
  info.Line("cluster_connections", 0);
  info.Line("maxclients", ctx.shard.config().maxclients);
  info.Line("blocked_clients", static_cast<int64_t>(ctx.shard.blocking().blocked_count()));
  info.Line("tracking_clients", 0);
}

// Resident set size from /proc/self/statm (Redis zmalloc_get_rss reads /proc/self/stat).
uint64_t ResidentBytes() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  unsigned long long pages = 0;
  unsigned long long resident = 0;
  const int n = std::fscanf(f, "%llu %llu", &pages, &resident);
  std::fclose(f);
  return n == 2 ? resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE)) : 0;
}

// The binary uses glibc malloc (no jemalloc/tcmalloc is linked: mem_allocator:libc, as a Redis
// built with MALLOC=libc) plus the keyspace's entry arena, which maps its own chunks. used_memory
// is what both have handed out: mallinfo2 sums every malloc arena, so every thread's heap
// (the lease writer's too), plus the arena's live blocks. mallinfo2 walks the arenas' bins:
// microseconds, fine for INFO, never on a command's path.
}  // namespace

MemoryFigures ReadMemory(Shard& shard) {
  const struct mallinfo2 mi = mallinfo2();
  const keyspace::Keyspace& ks = shard.keyspace();
  MemoryFigures m;
  m.used = mi.uordblks + mi.hblkhd + ks.arena_live_bytes();
  m.active = mi.arena + mi.hblkhd + ks.arena_mapped_bytes();  // taken from the OS
  m.rss = ResidentBytes();
  m.dataset = std::min<uint64_t>(ks.used_bytes(), m.used);
  uint64_t& peak = shard.stats().used_memory_peak;  // Redis samples it in serverCron
  peak = std::max(peak, m.used);
  m.peak = peak;
  return m;
}

namespace {

void AddMemory(CommandContext& ctx, InfoText& info) {
  const MemoryFigures m = ReadMemory(ctx.shard);
  const uint64_t used = m.used;
  const uint64_t active = m.active;
  const uint64_t rss = m.rss;
  const uint64_t dataset = m.dataset;
  const uint64_t peak = m.peak;
  const uint64_t total_system =
      static_cast<uint64_t>(sysconf(_SC_PHYS_PAGES)) * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  info.Header("Memory");
  info.Line("used_memory", used);
  info.Line("used_memory_human", HumanBytes(used));
  info.Line("used_memory_rss", rss);
  info.Line("used_memory_rss_human", HumanBytes(rss));
  info.Line("used_memory_peak", peak);
  info.Line("used_memory_peak_human", HumanBytes(peak));
  info.Line("used_memory_overhead", used - dataset);
  info.Line("used_memory_dataset", dataset);  // the keys, as maxmemory counts them
  info.Line("allocator_allocated", used);
  info.Line("allocator_active", active);
  info.Line("allocator_resident", rss);
  info.Line("total_system_memory", total_system);
  info.Line("total_system_memory_human", HumanBytes(total_system));
  info.Line("used_memory_lua", static_cast<uint64_t>(ctx.shard.lua().memory_bytes()));
  info.Line("number_of_cached_scripts", static_cast<uint64_t>(ctx.shard.scripts().size()));
  // maxmemory limits the keys' memory (used_memory_dataset); nothing is ever evicted.
  const uint64_t maxmemory = static_cast<uint64_t>(ctx.shard.config().maxmemory);
  info.Line("maxmemory", maxmemory);
  info.Line("maxmemory_human", HumanBytes(maxmemory));
  info.Line("maxmemory_policy", "noeviction");
  info.Line("allocator_frag_ratio",
            Fixed(used == 0 ? 0 : static_cast<double>(active) / static_cast<double>(used), 2));
  info.Line("mem_fragmentation_ratio",
            Fixed(used == 0 ? 0 : static_cast<double>(rss) / static_cast<double>(used), 2));
  info.Line("mem_fragmentation_bytes", static_cast<int64_t>(rss) - static_cast<int64_t>(used));
  info.Line("mem_allocator", "libc");
}

void AddPersistence(CommandContext& ctx, InfoText& info) {
  // loading:0 ends ioredis's ready check; locknode keeps no keys on disk. The restart
  // quarantine does not say loading:1: reads and DEL must keep working during it.
  const LeaseGuard& lease = ctx.shard.lease();
  info.Header("Persistence");
  info.Line("loading", 0);
  info.Line("restart_safety", lease.restart_safety() ? "on" : "off");
  info.Line("quarantine_remaining_ms", lease.QuarantineRemaining(ctx.now));
  // The lease file's writes (all off the serving thread) and the grants that still had to wait
  // for one because the watermark reserved ahead had fallen behind (lease_guard.h).
  const LeaseStats ls = lease.stats();
  info.Line("lease_fsyncs", static_cast<int64_t>(ls.fsyncs));
  info.Line("lease_write_errors", static_cast<int64_t>(ls.write_errors));
  info.Line("lease_grant_waits", static_cast<int64_t>(ls.grant_waits));
  info.Line("lease_grant_wait_us", static_cast<int64_t>(ls.grant_wait_us));
  info.Line("lease_grant_wait_max_us", static_cast<int64_t>(ls.grant_wait_max_us));
  info.Line("lease_reserve_ahead_ms", ls.reserve_ahead_ms);
  info.Line("lease_watermark_ahead_ms",
            lease.restart_safety() ? std::max<Millis>(lease.watermark() - ctx.now, 0) : 0);
  info.Line("max_ttl_ms", lease.max_ttl());
  info.Line("require_ttl", ctx.shard.config().require_ttl ? 1 : 0);
  info.Line("async_loading", 0);
  info.Line("rdb_changes_since_last_save", 0);
  info.Line("rdb_bgsave_in_progress", 0);
  info.Line("rdb_last_bgsave_status", "ok");
  info.Line("aof_enabled", 0);
  info.Line("aof_rewrite_in_progress", 0);
}

void AddStats(CommandContext& ctx, InfoText& info) {
  const Stats& s = ctx.shard.stats();
  info.Header("Stats");
  info.Line("total_connections_received", static_cast<int64_t>(s.connections_received));
  info.Line("total_commands_processed", static_cast<int64_t>(s.commands_processed));
  info.Line("instantaneous_ops_per_sec", 0);
  info.Line("rejected_connections", static_cast<int64_t>(s.rejected_connections));
  info.Line("expired_keys", static_cast<int64_t>(ctx.shard.keyspace().expired_total()));
  info.Line("evicted_keys", 0);
  info.Line("evicted_clients", static_cast<int64_t>(s.evicted_clients));
  info.Line("keyspace_hits", static_cast<int64_t>(s.keyspace_hits));
  info.Line("keyspace_misses", static_cast<int64_t>(s.keyspace_misses));
  info.Line("pubsub_channels", 0);
  info.Line("pubsub_patterns", 0);
  info.Line("client_query_buffer_limit_disconnections",
            static_cast<int64_t>(s.client_query_buffer_limit_disconnections));
  info.Line("client_output_buffer_limit_disconnections",
            static_cast<int64_t>(s.client_output_buffer_limit_disconnections));
  info.Line("client_request_timeout_disconnections",
            static_cast<int64_t>(s.client_request_timeout_disconnections));
  info.Line("total_error_replies", ctx.shard.error_stats().total());
}

void AddReplication(InfoText& info) {
  // role:master lets StackExchange.Redis (and RedLock.net's DemandMaster) use the node.
  info.Header("Replication");
  info.Line("role", "master");
  info.Line("connected_slaves", 0);
  info.Line("master_failover_state", "no-failover");
  info.Line("master_replid", RunId());
  info.Line("master_repl_offset", 0);
}

void AddCpu(InfoText& info) {
  rusage self{};
  getrusage(RUSAGE_SELF, &self);
  char buf[64];
  info.Header("CPU");
  std::snprintf(buf, sizeof(buf), "%ld.%06ld", static_cast<long>(self.ru_stime.tv_sec),
                static_cast<long>(self.ru_stime.tv_usec));
  info.Line("used_cpu_sys", buf);
  std::snprintf(buf, sizeof(buf), "%ld.%06ld", static_cast<long>(self.ru_utime.tv_sec),
                static_cast<long>(self.ru_utime.tv_usec));
  info.Line("used_cpu_user", buf);
}

void AddKeyspace(CommandContext& ctx, InfoText& info) {
  // Redis omits a db line for an empty database; the header stays.
  info.Header("Keyspace");
  const keyspace::Keyspace& ks = ctx.shard.keyspace();
  if (ks.size() == 0) return;
  info.Line("db0",
            "keys=" + std::string(IntText(static_cast<int64_t>(ks.size())).view) +
                ",expires=" + std::string(IntText(static_cast<int64_t>(ks.expires_count())).view) +
                ",avg_ttl=" + std::string(IntText(ks.AverageTtl(ctx.now)).view));
}

}  // namespace

std::string HumanBytes(uint64_t n) {
  char buf[32];
  const double d = static_cast<double>(n);
  if (n < 1024) {
    std::snprintf(buf, sizeof(buf), "%" PRIu64 "B", n);
  } else if (n < uint64_t{1024} * 1024) {
    std::snprintf(buf, sizeof(buf), "%.2fK", d / 1024);
  } else if (n < 1024ull * 1024 * 1024) {
    std::snprintf(buf, sizeof(buf), "%.2fM", d / (1024 * 1024));
  } else {
    std::snprintf(buf, sizeof(buf), "%.2fG", d / (1024.0 * 1024 * 1024));
  }
  return buf;
}

void CmdInfo(CommandContext& ctx, ArgList args) {
  const uint32_t sections = SelectedSections(args);
  InfoText info;
  if (sections & kServer) AddServer(ctx, info);
  if (sections & kClients) AddClients(ctx, info);
  if (sections & kMemory) AddMemory(ctx, info);
  if (sections & kPersistence) AddPersistence(ctx, info);
  if (sections & kStats) AddStats(ctx, info);
  if (sections & kReplication) AddReplication(info);
  if (sections & kCpu) AddCpu(info);
  if (sections & kModules) info.Header("Modules");
  if (sections & kCommandStats) AddCommandStats(ctx, info);
  if (sections & kErrorStats) AddErrorStats(ctx, info);
  if (sections & kLatencyStats) AddLatencyStats(ctx, info);
  if (sections & kCluster) {
    info.Header("Cluster");
    info.Line("cluster_enabled", 0);  // 1 would make redis_exporter send CLUSTER INFO
  }
  if (sections & kLocks) AddLocks(ctx, info);  // before Keyspace: Redis's last section stays last
  if (sections & kKeyspace) AddKeyspace(ctx, info);
  ctx.reply.Verbatim(info.text());  // RESP3: "=len\r\ntxt:..." as Redis; RESP2: a bulk
}

}  // namespace locknode::command

#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <iterator>

#include "locknode/base/clock.h"
#include "locknode/base/config.h"
#include "locknode/base/password_digest.h"
#include "locknode/command/blocking.h"
#include "locknode/command/command_stats.h"
#include "locknode/command/command_table.h"
#include "locknode/command/key_events.h"
#include "locknode/command/keyspace_events.h"
#include "locknode/command/lease_guard.h"
#include "locknode/command/monitors.h"
#include "locknode/command/ops_log.h"
#include "locknode/command/pubsub.h"
#include "locknode/command/scripting.h"
#include "locknode/command/server_control.h"
#include "locknode/command/transactions.h"
#include "locknode/keyspace/keyspace.h"
#include "locknode/script/lua_engine.h"
#include "locknode/script/script_cache.h"

namespace locknode::command {

// Counters reported by INFO stats.
struct Stats {
  uint64_t commands_processed = 0;
  uint64_t connections_received = 0;
  uint64_t rejected_connections = 0;
  uint64_t keyspace_hits = 0;
  uint64_t keyspace_misses = 0;
  // Clients closed by a limit (net/client_limits.h). The first two are Redis 7.4's INFO names,
  // evicted_clients is Redis 7.0's (maxmemory-clients); the request timeout is locknode's.
  uint64_t client_query_buffer_limit_disconnections = 0;
  uint64_t client_output_buffer_limit_disconnections = 0;
  uint64_t client_request_timeout_disconnections = 0;
  uint64_t evicted_clients = 0;
  uint64_t used_memory_peak = 0;  // the highest used_memory INFO/MEMORY STATS computed
};

// All state one serving thread owns: keyspace, lease guard, command table, stats, the Lua
// engine and script cache. Throws LeaseError when the lease file is unusable. No globals: going to
// N shards later is a wiring change (GUIDE §2.6).
class Shard {
 public:
  Shard(const Config& config, const Clock& clock, ServerControl* control)
      : config_(config),
        clock_(clock),
        control_(control),
        lease_(config, clock),
        keyspace_(clock.NowMs()),
        key_events_(keyspace_),
        transactions_(key_events_, keyspace_),
        requirepass_digest_(HashPassword(config.requirepass)),
        table_(BuildCommandTable()),
        command_stats_(table_),
        start_ms_(clock.NowMs()),
        lua_(ScriptEngineOptions(config, clock)),
        scripts_(lua_, ScriptCacheLimits(config)),
        events_(key_events_, pubsub_),
        blocking_(key_events_) {
    // Validated when the configuration was read (options.cc).
    events_.SetFlags(ParseKeyspaceEvents(config.notify_keyspace_events).value_or(0));
    for (size_t i = 0; i < fast_path_writes_.size(); ++i) {
      fast_path_writes_[i] = table_.Find(script::kFastPathWriteCommands[i]);
    }
  }

  const Config& config() const { return config_; }
  const Clock& clock() const { return clock_; }
  ServerControl* control() const { return control_; }  // may be null in unit tests
  keyspace::Keyspace& keyspace() { return keyspace_; }
  // Fan-out of keyspace changes (WATCH; later notifications and blocked pops).
  KeyEvents& key_events() { return key_events_; }
  // Every client's MULTI queue and WATCHed keys.
  Transactions& transactions() { return transactions_; }
  // SHA-256 of config().requirepass, hashed once: AUTH compares digests (conn_cmds.cc).
  const PasswordDigest& requirepass_digest() const { return requirepass_digest_; }
  LeaseGuard& lease() { return lease_; }  // restart safety, max-ttl, require-ttl
  const CommandTable& table() const { return table_; }
  Stats& stats() { return stats_; }
  CommandStats& command_stats() { return command_stats_; }  // INFO commandstats, latencystats
  ErrorStats& error_stats() { return error_stats_; }        // INFO errorstats
  LockStats& lock_stats() { return lock_stats_; }           // INFO # Locks
  SlowLog& slowlog() { return slowlog_; }
  LatencyMonitor& latency_monitor() { return latency_monitor_; }
  // CONFIG SET writes the options flagged kOptMutable here; null (unit tests, a shard built
  // over a const Config) makes every option immutable. It must be the object config() reads.
  Config* mutable_config() const { return mutable_config_; }
  void set_mutable_config(Config* config) { mutable_config_ = config; }
  int64_t last_save_unix() const { return last_save_unix_; }  // LASTSAVE
  void set_last_save_unix(int64_t t) { last_save_unix_ = t; }
  Millis start_ms() const { return start_ms_; }
  script::LuaEngine& lua() { return lua_; }            // EVAL's sandboxed Lua state
  script::ScriptCache& scripts() { return scripts_; }  // sha1 -> compiled script
  PubSub& pubsub() { return pubsub_; }                 // channels, patterns, delivery
  KeyspaceEvents& events() { return events_; }         // notify-keyspace-events
  Monitors& monitors() { return monitors_; }           // clients in MONITOR mode
  Blocking& blocking() { return blocking_; }           // clients blocked on keys (BLPOP...)
  // The row of a fast-path script's write (DEL, PEXPIRE, SET), looked up once at start.
  const CommandSpec& fast_path_write(script::FastPathWrite write) const {
    return *fast_path_writes_[static_cast<size_t>(write)];
  }

 private:
  const Config& config_;
  const Clock& clock_;
  ServerControl* control_;
  LeaseGuard lease_;
  keyspace::Keyspace keyspace_;
  KeyEvents key_events_;       // after keyspace_: clears its observer when destroyed
  Transactions transactions_;  // after key_events_: unsubscribes when destroyed
  PasswordDigest requirepass_digest_;
  CommandTable table_;
  Stats stats_;
  CommandStats command_stats_;  // after table_: indexes its rows
  ErrorStats error_stats_;
  LockStats lock_stats_;
  SlowLog slowlog_;
  LatencyMonitor latency_monitor_;
  Config* mutable_config_ = nullptr;
  int64_t last_save_unix_ = clock_.WallUs() / 1'000'000;  // Redis: the start time, until a SAVE
  Millis start_ms_;
  Monitors monitors_;
  script::LuaEngine lua_;  // declared before scripts_: the cache releases into it
  script::ScriptCache scripts_;
  PubSub pubsub_;
  KeyspaceEvents events_;  // after key_events_ and pubsub_, which it uses
  Blocking blocking_;      // after key_events_: unsubscribes when destroyed
  std::array<const CommandSpec*, std::size(script::kFastPathWriteCommands)> fast_path_writes_{};
};

}  // namespace locknode::command

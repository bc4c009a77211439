#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "locknode/base/millis.h"

namespace locknode::protocol {
class ReplySink;
}

namespace locknode::command {

class Shard;
class ClientState;

using ArgList = std::span<const std::string_view>;  // args[0] is the command name as sent

// Everything a handler may touch for one command. `now` is the single time snapshot of the
// command (monotonic ms); `wall_us` the wall clock read at the same moment (PXAT/EXAT, TIME).
struct CommandContext {
  Shard& shard;
  ClientState& client;
  protocol::ReplySink& reply;
  Millis now;
  int64_t wall_us;
  // A client's own command, outside MULTI/EXEC and scripts: a blocking command may block
  // (Redis CLIENT_DENY_BLOCKING is the opposite).
  bool may_block = false;
};

using Handler = void (*)(CommandContext& ctx, ArgList args);  // plain fn ptr: no std::function

enum CommandFlag : uint32_t {
  kWrite = 1u << 0,
  kReadOnly = 1u << 1,
  kFast = 1u << 2,
  kNoScript = 1u << 3,  // refused from Lua (CLIENT, AUTH, HELLO, EVAL...)
  kNoAuth = 1u << 4,    // allowed before AUTH (AUTH, HELLO, QUIT)
  kLoading = 1u << 5,   // allowed while the node refuses writes after a restart
  kDenyOom = 1u << 6,
  kAdmin = 1u << 7,
  kNoMulti = 1u << 8,  // refused while a transaction is being queued (Redis CMD_NO_MULTI)
  // Internal (not in COMMAND INFO), read by the funnel's session-mode checks:
  kPubSubOk = 1u << 9,    // allowed in a RESP2 subscribed session (PING, QUIT, RESET, *SUBSCRIBE)
  kNotQueued = 1u << 10,  // runs at once while queuing a transaction (QUIT, RESET; EXEC, DISCARD)
  kBlocking = 1u << 11,   // may block the client (BLPOP...): COMMAND INFO's "blocking"
};

// What a write command does to key lifetimes, declared on its row. The funnel derives the whole
// write policy from it (restart quarantine, max-ttl, require-ttl, the lease watermark; see
// write_policy.h): a handler never calls the lease guard itself, so a new write command cannot
// forget it. Every kWrite row declares something other than kNone (CommandTable::Add checks).
enum class Lifetime : uint8_t {
  kNone,          // not a write
  kRemoves,       // can only delete keys (DEL, FLUSHALL): allowed during the restart quarantine
  kNoTtl,         // leaves keys without a TTL (SETNX, MSET, PERSIST): refused by require-ttl
  kSetOptions,    // SET's [EX|PX|EXAT|PXAT|KEEPTTL] options, from args[ttl_arg] on
  kSeconds,       // args[ttl_arg] is a TTL in seconds (SETEX, EXPIRE)
  kMillis,        // ... in milliseconds (PSETEX, PEXPIRE)
  kUnixSeconds,   // ... a unix time in seconds (EXPIREAT)
  kUnixMillis,    // ... a unix time in milliseconds (PEXPIREAT)
  kKeepsTtl,      // changes a value in place, keeping its key's TTL, or creates it without one
                  // (INCR, APPEND, HSET, ZADD, LPUSH, SADD; RENAME/COPY: the TTL of the key at
                  // first_key); like SET ... KEEPTTL, so a new key is refused by require-ttl
  kGetExOptions,  // GETEX's [EX|PX|EXAT|PXAT|PERSIST] options, from args[ttl_arg] on
};

// One row of the command table (Redis redisCommand, Dragonfly CI{}). Arity follows Redis: N means
// exactly N arguments including the name, -N at least N. Subcommands (CLIENT SETNAME, SCRIPT LOAD)
// are rows of a container's `subcommands` list, named "client|setname" in errors, and resolved
// by the same lookup (CommandTable::Resolve). A container row whose arity needs a subcommand
// (CLIENT, CONFIG, SCRIPT: -2) has no handler; COMMAND's (-1) answers the bare call.
struct CommandSpec {
  std::string_view name;  // lower-case canonical
  int arity;
  uint32_t flags;
  int8_t first_key, last_key, key_step;  // 0,0,0 for no keys; last_key -1 = up to the last arg
  Handler handler;
  std::span<const CommandSpec> subcommands = {};
  std::string_view summary = {};    // one line for COMMAND DOCS (redis-cli hints)
  std::string_view arguments = {};  // hint text, e.g. "key value [NX|XX] [PX milliseconds]"
  std::string_view group = "generic";
  Lifetime lifetime = Lifetime::kNone;  // write policy declaration (see Lifetime)
  int8_t ttl_arg = 0;                   // where the TTL (or SET's options) starts
};

// A command line looked up in the table (Redis lookupCommand). `cmd` is the row to run and
// `container` its parent (the same row for a top-level command). Unknown name: both null.
// A container given an unknown subcommand: container set, cmd null.
struct ResolvedCommand {
  const CommandSpec* container = nullptr;
  const CommandSpec* cmd = nullptr;
};

// Name -> spec, looked up case-insensitively without allocation.
class CommandTable {
 public:
  void Add(const CommandSpec& spec);
  const CommandSpec* Find(std::string_view name) const;
  // Name, then (for a container called with more arguments) subcommand; no allocation. Redis
  // lookupCommandLogic: a container called with no subcommand is the container itself (its own
  // arity decides: bare CLIENT is an arity error, bare COMMAND runs). Inline: it is on every
  // command's path.
  ResolvedCommand Resolve(ArgList args) const {
    const CommandSpec* container = Find(args[0]);
    if (container == nullptr || container->subcommands.empty() || args.size() < 2) {
      return {container, container};
    }
    return {container, FindSubcommand(*container, args[1])};
  }
  // A container's row named `name` ("setname" or "client|setname" rows), case-insensitive.
  static const CommandSpec* FindSubcommand(const CommandSpec& container, std::string_view name);
  std::span<const CommandSpec> all() const { return specs_; }

 private:
  // Direct-mapped cache in front of the binary search (callgrind: Find was ~350 instructions
  // of a pipelined SET, ~40 with the cache). Holds row index + 1 (0 = empty), so copies of the
  // table stay valid; Add clears it. Single-threaded like the rest of the shard.
  static constexpr size_t kCacheSlots = 64;
  static size_t CacheSlot(std::string_view name) {
    return (name.size() * 7 + static_cast<unsigned char>(name[0] | 0x20)) % kCacheSlots;
  }
  std::vector<CommandSpec> specs_;
  mutable std::array<uint16_t, kCacheSlots> cache_{};
};

// Builds the table with every command family (one Register* per family file).
CommandTable BuildCommandTable();

}  // namespace locknode::command

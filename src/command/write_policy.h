#pragma once

// Private to the command module: the write policy the funnel applies to every write, whoever
// sends it (client, redis.call, the native fast path of the lock scripts, EXEC later). It is
// derived from the command row alone (flags + Lifetime declaration + arguments), never from
// the handler, so a new write command cannot forget it.

#include <cstdint>

#include "locknode/base/millis.h"
#include "locknode/command/command_table.h"
#include "locknode/command/shard.h"
#include "locknode/protocol/reply_sink.h"

namespace locknode::command {

// What a write does to key lifetimes, resolved from its row's Lifetime and its arguments.
struct LifetimeEffect {
  enum class Kind : uint8_t {
    kNone,      // no TTL effect (not a write)
    kRemoves,   // only deletes keys
    kNoTtl,     // leaves keys without a TTL
    kKeepsTtl,  // SET ... KEEPTTL, HSET...: keeps the key's TTL, if it has one
    kDeadline,  // grants `deadline` (a deadline <= now deletes the key: grants nothing)
    kInvalid,   // the arguments do not parse: the handler replies its error and writes nothing
  };
  Kind kind = Kind::kNone;
  Millis deadline = 0;
};

// Parses exactly what the handler parses (set_options.h, ExpireDeadline), so the deadline
// checked is the deadline granted.
LifetimeEffect ResolveLifetime(const CommandSpec& cmd, ArgList args, Millis now, int64_t wall_us);

// Redis processCommand's write refusals plus locknode's TTL policy, in this order: past
// maxmemory a denyoom command gets -OOM (nothing is ever evicted, so every existing lock stays
// exactly as it was); during the restart quarantine every write that can create or extend a key
// gets -QUARANTINE (reads, DEL and FLUSHALL still run); a write leaving a key without a TTL is
// refused under require-ttl; a granted deadline goes through max-ttl and is made durable in the
// lease watermark before the handler runs. Non-writes pass untouched. False after replying.
// `check_oom` false: the maxmemory refusal was decided already (a command run by EXEC: Redis
// checks OOM once, for the whole EXEC).
bool AdmitWriteCommand(Shard& shard, const CommandSpec& cmd, ArgList args, Millis now,
                       int64_t wall_us, protocol::ReplySink& reply, bool check_oom = true);
// Inline: every command passes here, and most are not writes.
inline bool AdmitWrite(Shard& shard, const CommandSpec& cmd, ArgList args, Millis now,
                       int64_t wall_us, protocol::ReplySink& reply, bool check_oom = true) {
  return (cmd.flags & kWrite) == 0 ||
         AdmitWriteCommand(shard, cmd, args, now, wall_us, reply, check_oom);
}
// Past maxmemory (nothing is evicted, so "over" is "out of memory").
bool OverMaxmemory(Shard& shard);

}  // namespace locknode::command

#pragma once

// Private to the command module: read-lookup accounting shared by the string and key families.

#include <string_view>

#include "locknode/command/command_table.h"
#include "locknode/command/shard.h"
#include "locknode/protocol/reply_sink.h"

namespace locknode::command {

// Redis lookupKeyRead counts a hit or a miss for INFO stats; write lookups do not.
inline void CountLookup(Shard& shard, bool hit) {
  ++(hit ? shard.stats().keyspace_hits : shard.stats().keyspace_misses);
}

// GET's reply for one key, also each element of MGET (Redis getGenericCommand): the value as a
// bulk, or null when the key is missing or expired. Counted as a read lookup.
inline void ReplyValueOrNull(CommandContext& ctx, std::string_view key) {
  const auto entry = ctx.shard.keyspace().Find(key, ctx.now);
  CountLookup(ctx.shard, entry.has_value());
  if (entry) {
    ctx.reply.Bulk(entry->value);
  } else {
    ctx.reply.Null();
  }
}

}  // namespace locknode::command

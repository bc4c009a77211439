#pragma once

// Private to the command module: typed lookups and read accounting shared by the string and key
// families.

#include <string_view>

#include "locknode/command/command_table.h"
#include "locknode/command/keyspace_events.h"
#include "locknode/command/shard.h"
#include "locknode/keyspace/keyspace.h"
#include "locknode/protocol/errors.h"
#include "locknode/protocol/reply_sink.h"

namespace locknode::command {

// Redis lookupKey with LOOKUP_NONOTIFY (OBJECT): a hit or a miss for INFO stats only.
inline void CountLookupQuiet(Shard& shard, bool hit) {
  ++(hit ? shard.stats().keyspace_hits : shard.stats().keyspace_misses);
}

// Redis lookupKeyRead counts a hit or a miss for INFO stats, and a miss is the "keymiss"
// keyspace event (flag m); write lookups do neither. A hit costs what it did; a miss adds one
// flag test while notifications are off.
inline void CountLookup(Shard& shard, std::string_view key, bool hit) {
  CountLookupQuiet(shard, hit);
  if (!hit) NotifyKeyspaceEvent(shard.events(), kNotifyKeyMiss, "keymiss", key);
}

// Looks `key` up expecting a `kind` value (Redis lookupKey* + checkType): the one place a handler
// turns a key of another kind into the WRONGTYPE error. On Match::kWrongType the error has been
// replied and the handler must stop; kMissing and kFound are the handler's to answer. A read
// lookup (`read`) counts a hit for any live key, as Redis counts before checking the type.
inline keyspace::TypedEntry LookupTyped(CommandContext& ctx, std::string_view key,
                                        keyspace::ValueKind kind, bool read) {
  const keyspace::TypedEntry found = ctx.shard.keyspace().FindTyped(key, kind, ctx.now);
  if (read) CountLookup(ctx.shard, key, found.match != keyspace::Match::kMissing);
  if (found.match == keyspace::Match::kWrongType) ctx.reply.Error(protocol::kErrWrongType);
  return found;
}

// GET's reply for one key (Redis getGenericCommand): the string as a bulk, null when the key is
// missing or expired, WRONGTYPE for another kind. Counted as a read lookup.
inline void ReplyStringOrNull(CommandContext& ctx, std::string_view key) {
  const auto found = LookupTyped(ctx, key, keyspace::ValueKind::kString, true);
  if (found.match == keyspace::Match::kFound) {
    ctx.reply.Bulk(found.entry.value);
  } else if (found.match == keyspace::Match::kMissing) {
    ctx.reply.Null();
  }
}

}  // namespace locknode::command

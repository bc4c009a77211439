// Multi-key and range string commands: MSET, MSETNX, MGET, GETRANGE (bsm/redislock's obtain and
// release scripts call them, COMPAT.md §2.8). Semantics and texts follow Redis 7.0
// src/t_string.c (msetGenericCommand, mgetCommand, getrangeCommand).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "locknode/command/arg_cursor.h"
#include "locknode/command/command_table.h"
#include "locknode/command/families.h"
#include "locknode/command/shard.h"
#include "locknode/protocol/reply_sink.h"

#include "command/read_lookup.h"

namespace locknode::command {
namespace {

using keyspace::SetCond;
using keyspace::TtlMode;
using keyspace::ValueKind;

// Redis addReplyErrorArity texts, for the odd argument counts the table's arity (-3) admits.
constexpr std::string_view kErrMSetArity = "ERR wrong number of arguments for 'mset' command";
constexpr std::string_view kErrMSetNxArity = "ERR wrong number of arguments for 'msetnx' command";

// Redis msetGenericCommand checks `argc % 2 == 0` itself: "MSET k v k2" passes the arity -3
// check, then fails with the generic arity error before anything is written.
bool PairsComplete(CommandContext& ctx, ArgList args, std::string_view arity_error) {
  if (args.size() % 2 == 1) return true;
  ctx.reply.Error(arity_error);
  return false;
}

// Redis setKey for every pair: a plain SET, so an overwritten key loses its TTL. A key given
// twice ends with its last value ("MSET k 1 k 2" leaves "2").
void SetPairs(CommandContext& ctx, ArgList args) {
  keyspace::Keyspace& ks = ctx.shard.keyspace();
  for (size_t i = 1; i + 1 < args.size(); i += 2) {
    ks.Set(args[i], args[i + 1], SetCond::kAlways, TtlMode::kClear, 0, ctx.now);
    NotifyKeyspaceEvent(ctx.shard.events(), kNotifyString, "set", args[i]);
  }
}

void CmdMSet(CommandContext& ctx, ArgList args) {
  if (!PairsComplete(ctx, args, kErrMSetArity)) return;
  SetPairs(ctx, args);
  ctx.reply.Ok();
}

// All or nothing: :0 and no write if any key exists, else every pair is set and :1. The checks
// are write lookups (Redis lookupKeyWrite), so they count no keyspace hits or misses. Duplicate
// keys are fine: "MSETNX k 1 k 2" on a missing k replies :1 and leaves "2".
void CmdMSetNx(CommandContext& ctx, ArgList args) {
  if (!PairsComplete(ctx, args, kErrMSetNxArity)) return;
  keyspace::Keyspace& ks = ctx.shard.keyspace();
  for (size_t i = 1; i < args.size(); i += 2) {
    if (ks.Exists(args[i], ctx.now)) {
      ctx.reply.Integer(0);  // shared.czero
      return;
    }
  }
  SetPairs(ctx, args);
  ctx.reply.Integer(1);  // shared.cone
}

// One element per key: the string, or null for a missing key and (unlike GET, Redis
// mgetCommand) for a key of another kind; every key is a read lookup for INFO's hits and misses.
void CmdMGet(CommandContext& ctx, ArgList args) {
  ctx.reply.Array(args.size() - 1);
  for (size_t i = 1; i < args.size(); ++i) {
    const auto found = ctx.shard.keyspace().FindTyped(args[i], ValueKind::kString, ctx.now);
    CountLookup(ctx.shard, args[i], found.match != keyspace::Match::kMissing);
    if (found.match == keyspace::Match::kFound) {
      ctx.reply.Bulk(found.entry.value);
    } else {
      ctx.reply.Null();
    }
  }
}

// Redis getrangeCommand's index rules for [start, end], both inclusive:
//  - both negative with start > end is empty *before* conversion ("-1 -5" is "", not "d");
//  - a negative index counts from the end, and one still negative after that is clamped to 0
//    ("-100 -1" is the whole string, "0 -100" the first byte);
//  - end is clamped to the last byte; start > end, or an empty value, is empty.
// len + index cannot overflow: the index is negative there and len is small.
std::string_view Substring(std::string_view value, int64_t start, int64_t end) {
  if (start < 0 && end < 0 && start > end) return {};
  const int64_t len = static_cast<int64_t>(value.size());
  if (start < 0) start = std::max<int64_t>(len + start, 0);
  if (end < 0) end = std::max<int64_t>(len + end, 0);
  end = std::min(end, len - 1);
  if (start > end || len == 0) return {};
  return value.substr(static_cast<size_t>(start), static_cast<size_t>(end - start + 1));
}

// Both indexes are parsed (strict string2ll) before the key is looked up, so a bad index is an
// error even on a missing key; a missing key is the empty bulk (shared.emptybulk), not null, and
// a key of another kind is WRONGTYPE.
void CmdGetRange(CommandContext& ctx, ArgList args) {
  ArgCursor cursor(args, 2);
  const int64_t start = cursor.NextInt64();
  const int64_t end = cursor.NextInt64();
  if (!cursor.ok()) {
    ctx.reply.Error(cursor.error());
    return;
  }
  const auto found = LookupTyped(ctx, args[1], ValueKind::kString, true);
  if (found.match == keyspace::Match::kWrongType) return;
  ctx.reply.Bulk(found.match == keyspace::Match::kFound ? Substring(found.entry.value, start, end)
                                                        : std::string_view());
}

// Flags and key positions as Redis 7.0 COMMAND INFO reports them. MSET/MSETNX keys are every
// other argument (1,-1,2): EVAL's undo log saves exactly those before the command writes.
constexpr CommandSpec kMultiStringCommands[] = {
    {.name = "mset",
     .arity = -3,
     .flags = kWrite | kDenyOom,
     .first_key = 1,
     .last_key = -1,
     .key_step = 2,
     .handler = CmdMSet,
     .summary = "Set multiple keys to multiple values",
     .arguments = "key value [key value ...]",
     .group = "string",
     .lifetime = Lifetime::kNoTtl},
    {.name = "msetnx",
     .arity = -3,
     .flags = kWrite | kDenyOom,
     .first_key = 1,
     .last_key = -1,
     .key_step = 2,
     .handler = CmdMSetNx,
     .summary = "Set multiple keys to multiple values, only if none of the keys exist",
     .arguments = "key value [key value ...]",
     .group = "string",
     .lifetime = Lifetime::kNoTtl},
    {.name = "mget",
     .arity = -2,
     .flags = kReadOnly | kFast | kLoading,
     .first_key = 1,
     .last_key = -1,
     .key_step = 1,
     .handler = CmdMGet,
     .summary = "Get the values of all the given keys",
     .arguments = "key [key ...]",
     .group = "string"},
    {.name = "getrange",
     .arity = 4,
     .flags = kReadOnly | kLoading,
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .handler = CmdGetRange,
     .summary = "Get a substring of the string stored at a key",
     .arguments = "key start end",
     .group = "string"},
};

}  // namespace

void RegisterMultiStringCommands(CommandTable& table) {
  for (const CommandSpec& spec : kMultiStringCommands) table.Add(spec);
}

}  // namespace locknode::command

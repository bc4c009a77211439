// Blocking pops: BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BZPOPMIN, BZPOPMAX, BLMPOP, BZMPOP (Redis
// 7.0 t_list.c, t_zset.c and blocking.c). With data they act at once like their non-blocking
// forms; without, a client's own command blocks the session (SessionMode::kBlocked, registered
// in the Shard's Blocking registry) and returns no reply: the reply comes later through the
// client's push sink, written by the command that fed the key (ServeBlockedClients), by the
// timeout or by CLIENT UNBLOCK. Inside MULTI/EXEC they never block (Redis CLIENT_DENY_BLOCKING);
// scripts cannot call them (noscript, as Redis 7.0; BLMPOP/BZMPOP: see MPopRow).

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "locknode/base/strings.h"
#include "locknode/command/blocking.h"
#include "locknode/command/command_table.h"
#include "locknode/command/families.h"
#include "locknode/command/shard.h"
#include "locknode/keyspace/list.h"
#include "locknode/keyspace/zset.h"
#include "locknode/protocol/errors.h"
#include "locknode/protocol/reply_sink.h"

#include "command/blocking_family.h"
#include "command/collection_util.h"
#include "command/list_family.h"
#include "command/long_double.h"
#include "command/read_lookup.h"

namespace locknode::command {
namespace {

using keyspace::List;
using keyspace::Match;
using keyspace::ValueKind;
using keyspace::ZSet;

// A timeout this long never fires in practice; no timer is armed (and none can overflow).
constexpr long double kForeverMs = 10.0L * 365 * 24 * 3600 * 1000;

// Redis getTimeoutFromObjectOrReply (UNIT_SECONDS): a long double of seconds, converted to
// milliseconds by (long long)ceill(x * 1000). The conversion of a value outside long long (1e20,
// inf) gives LLONG_MIN on x86, so Redis calls those "negative"; a tiny negative (-0.0001) rounds
// to 0 and waits forever, as there. Returns the wait in ms (0: forever), or nullopt after
// replying the error.
std::optional<Millis> ParseTimeout(CommandContext& ctx, std::string_view arg) {
  const std::optional<long double> seconds = ParseLongDouble(arg);
  if (!seconds) {
    ctx.reply.Error("ERR timeout is not a float or out of range");
    return std::nullopt;
  }
  const long double ms = std::ceil(*seconds * 1000.0L);
  constexpr long double kTwo63 = 9223372036854775808.0L;
  if (!(ms < kTwo63) || ms < 0) {  // also inf
    ctx.reply.Error("ERR timeout is negative");
    return std::nullopt;
  }
  if (ms > kForeverMs) return Millis{0};
  return static_cast<Millis>(ms);
}

// Registers the wait and leaves the session blocked; no reply now.
void Block(CommandContext& ctx, BlockedPop pop, Millis timeout_ms) {
  ctx.shard.blocking().Block(ctx.client, std::move(pop));
  ctx.client.EnterMode(SessionMode::kBlocked);
  if (timeout_ms > 0) ctx.client.SetBlockDeadline(ctx.now + timeout_ms);
}

// BLPOP/BRPOP's reply [key, element] (serveClientBlockedOnList without a target); with a
// count (BLMPOP) [key, [up to count elements]] (listPopRangeAndReplyWithKey).
void PopListReply(CommandContext& ctx, std::string_view key, List& list, bool front,
                  int64_t count) {
  ctx.reply.Array(2);
  ctx.reply.Bulk(key);
  if (count < 0) {
    ctx.reply.Bulk(front ? list.PopFront() : list.PopBack());
  } else {
    const size_t n = std::min(static_cast<size_t>(count), list.size());
    ctx.reply.Array(n);
    for (size_t i = 0; i < n; ++i) ctx.reply.Bulk(front ? list.PopFront() : list.PopBack());
  }
  AfterRemoval(ctx, key, list);
}

// BZPOPMIN/BZPOPMAX's reply [key, member, score] (genericZpopCommand with emitkey, count 1):
// flat in RESP3 too, the score a double. With a count (BZMPOP): [key, [[member, score]...]].
void PopZSetReply(CommandContext& ctx, std::string_view key, ZSet& zset, bool max, int64_t count) {
  const size_t n = count < 0 ? 1 : std::min(static_cast<size_t>(count), zset.size());
  const size_t from = max ? zset.size() - n : 0;
  const std::vector<ZSet::Item> items = zset.Items(from, from + n);
  if (count < 0) {
    ctx.reply.Array(3);
    ctx.reply.Bulk(key);
  } else {
    ctx.reply.Array(2);
    ctx.reply.Bulk(key);
    ctx.reply.Array(n);
  }
  for (size_t i = 0; i < n; ++i) {
    const ZSet::Item& item = items[max ? n - 1 - i : i];
    if (count >= 0) ctx.reply.Array(2);
    ctx.reply.Bulk(item.member);
    ctx.reply.Double(item.score);
  }
  zset.RemoveRanks(from, from + n);
  AfterRemoval(ctx, key, zset);
}

// blockingPopGenericCommand / blockingGenericZpopCommand: the timeout first, then the keys in
// order: the first of the wrong kind is WRONGTYPE, the first with data is popped.
void BlockingPop(CommandContext& ctx, ArgList keys, std::string_view timeout_arg, BlockOp op,
                 bool from_front, int64_t count) {
  const std::optional<Millis> timeout = ParseTimeout(ctx, timeout_arg);
  if (!timeout) return;
  const ValueKind kind = op == BlockOp::kZPop ? ValueKind::kZSet : ValueKind::kList;
  for (const std::string_view key : keys) {
    const auto found = LookupTyped(ctx, key, kind, false);
    if (found.match == Match::kWrongType) return;
    if (found.match == Match::kMissing) continue;
    if (op == BlockOp::kZPop) {
      return PopZSetReply(ctx, key, *static_cast<ZSet*>(found.entry.object), !from_front, count);
    }
    return PopListReply(ctx, key, *static_cast<List*>(found.entry.object), from_front, count);
  }
  if (!ctx.may_block) return ctx.reply.NullArray();
  BlockedPop pop;
  pop.op = op;
  pop.from_front = from_front;
  pop.count = count;
  pop.keys.assign(keys.begin(), keys.end());
  Block(ctx, std::move(pop), *timeout);
}

// BLPOP key [key ...] timeout and its kin.
void BlockingPopLastTimeout(CommandContext& ctx, ArgList args, BlockOp op, bool from_front) {
  BlockingPop(ctx, args.subspan(1, args.size() - 2), args.back(), op, from_front, -1);
}

// lmpopGenericCommand / zmpopGenericCommand (blocking): timeout numkeys key [key ...]
// LEFT|RIGHT (MIN|MAX) [COUNT count], checked in that order before the timeout.
void BlockingMPop(CommandContext& ctx, ArgList args, BlockOp op) {
  const std::optional<int64_t> numkeys = ParseInt64(args[2]);
  if (!numkeys || *numkeys < 1) return ctx.reply.Error("ERR numkeys should be greater than 0");
  if (*numkeys > static_cast<int64_t>(args.size()) - 4) {
    return ctx.reply.Error(protocol::kErrSyntax);
  }
  const size_t where_idx = 3 + static_cast<size_t>(*numkeys);
  bool from_front = false;
  if (op == BlockOp::kZPop) {
    from_front = EqualsIgnoreCase(args[where_idx], "min");
    if (!from_front && !EqualsIgnoreCase(args[where_idx], "max")) {
      return ctx.reply.Error(protocol::kErrSyntax);
    }
  } else if (!ParseListEnd(args[where_idx], &from_front)) {
    return ctx.reply.Error(protocol::kErrSyntax);
  }
  int64_t count = -1;
  for (size_t j = where_idx + 1; j < args.size(); ++j) {
    if (count == -1 && EqualsIgnoreCase(args[j], "count") && j + 1 < args.size()) {
      const std::optional<int64_t> n = ParseInt64(args[++j]);
      if (!n || *n < 1) return ctx.reply.Error("ERR count should be greater than 0");
      count = *n;
    } else {
      return ctx.reply.Error(protocol::kErrSyntax);
    }
  }
  BlockingPop(ctx, args.subspan(3, static_cast<size_t>(*numkeys)), args[1], op, from_front,
              count == -1 ? 1 : count);
}

// blmoveGenericCommand: the source's type first; with data it is LMOVE.
void BlockingMove(CommandContext& ctx, ArgList args, bool from_left, bool to_left,
                  std::string_view timeout_arg) {
  const std::optional<Millis> timeout = ParseTimeout(ctx, timeout_arg);
  if (!timeout) return;
  const auto found = LookupTyped(ctx, args[1], ValueKind::kList, false);
  if (found.match == Match::kWrongType) return;
  if (found.match == Match::kFound) return ListMove(ctx, args[1], args[2], from_left, to_left);
  if (!ctx.may_block) return ctx.reply.Null();
  BlockedPop pop{.op = BlockOp::kListMove,
                 .from_front = from_left,
                 .to_front = to_left,
                 .dest = std::string(args[2]),
                 .keys = {std::string(args[1])}};
  Block(ctx, std::move(pop), *timeout);
}

void CmdBLPop(CommandContext& ctx, ArgList args) {
  BlockingPopLastTimeout(ctx, args, BlockOp::kListPop, true);
}
void CmdBRPop(CommandContext& ctx, ArgList args) {
  BlockingPopLastTimeout(ctx, args, BlockOp::kListPop, false);
}
void CmdBZPopMin(CommandContext& ctx, ArgList args) {
  BlockingPopLastTimeout(ctx, args, BlockOp::kZPop, true);
}
void CmdBZPopMax(CommandContext& ctx, ArgList args) {
  BlockingPopLastTimeout(ctx, args, BlockOp::kZPop, false);
}
void CmdBLMPop(CommandContext& ctx, ArgList args) { BlockingMPop(ctx, args, BlockOp::kListPop); }
void CmdBZMPop(CommandContext& ctx, ArgList args) { BlockingMPop(ctx, args, BlockOp::kZPop); }

void CmdBLMove(CommandContext& ctx, ArgList args) {
  bool from_left = false, to_left = false;
  if (!ParseListEnd(args[3], &from_left) || !ParseListEnd(args[4], &to_left)) {
    return ctx.reply.Error(protocol::kErrSyntax);
  }
  BlockingMove(ctx, args, from_left, to_left, args[5]);
}

void CmdBRPopLPush(CommandContext& ctx, ArgList args) {
  BlockingMove(ctx, args, false, true, args[3]);
}

// Serves `client`, blocked on `key` which holds data of the kind it waits for.
void Serve(Shard& shard, ClientState& client, std::string_view key, void* object, Millis now,
           int64_t wall_us) {
  const BlockedPop pop = *shard.blocking().Take(client);
  CommandContext ctx{shard, client, client.PushSink(), now, wall_us, false};
  switch (pop.op) {
    case BlockOp::kListPop:
      PopListReply(ctx, key, *static_cast<List*>(object), pop.from_front, pop.count);
      break;
    case BlockOp::kListMove:
      // A destination of another kind: WRONGTYPE to the waiter, nothing moves (Redis pops, fails
      // and pushes the element back where it was).
      ListMove(ctx, key, pop.dest, pop.from_front, pop.to_front);
      break;
    case BlockOp::kZPop:
      PopZSetReply(ctx, key, *static_cast<ZSet*>(object), !pop.from_front, pop.count);
      break;
  }
  client.PushWritten();
  client.EnterMode(SessionMode::kNormal);
}

// Redis 7.0 rows: all noscript and blocking; BLMOVE and BRPOPLPUSH are denyoom (they may create
// the destination, hence kNoTtl as LMOVE), BZPOP* fast.
constexpr uint32_t kBlockFlags = kWrite | kNoScript | kBlocking;

constexpr CommandSpec PopRow(std::string_view name, uint32_t flags, Handler handler,
                             std::string_view summary, std::string_view group) {
  CommandSpec spec = CollectionRow(name, -3, flags, handler, summary, "key [key ...] timeout",
                                   group, Lifetime::kRemoves);
  spec.last_key = -2;
  return spec;
}

constexpr CommandSpec MoveRow(std::string_view name, int arity, Handler handler,
                              std::string_view summary, std::string_view arguments) {
  CommandSpec spec = CollectionRow(name, arity, kBlockFlags | kDenyOom, handler, summary, arguments,
                                   "list", Lifetime::kNoTtl);
  spec.last_key = 2;
  return spec;
}

// The hints name the LEFT|RIGHT (MIN|MAX) argument in words: the hint parser (command_hints.cc)
// reads a bare oneof before an optional block as one alternative, so Redis's text does not
// round-trip there.
// BLMPOP/BZMPOP find their keys through numkeys (Redis "movablekeys"): no key positions in the
// row, so scripts, whose undo log needs them, cannot call them (Redis allows it; they do not
// block there).
constexpr CommandSpec MPopRow(std::string_view name, Handler handler, std::string_view summary,
                              std::string_view arguments, std::string_view group) {
  CommandSpec spec = CollectionRow(name, -5, kWrite | kBlocking, handler, summary, arguments, group,
                                   Lifetime::kRemoves);
  spec.first_key = 0;
  spec.last_key = 0;
  spec.key_step = 0;
  return spec;
}

constexpr CommandSpec kBlockingCommands[] = {
    PopRow("blpop", kBlockFlags, CmdBLPop,
           "Remove and get the first element in a list, or block until one is available", "list"),
    PopRow("brpop", kBlockFlags, CmdBRPop,
           "Remove and get the last element in a list, or block until one is available", "list"),
    PopRow("bzpopmin", kBlockFlags | kFast, CmdBZPopMin,
           "Remove and return the member with the lowest score from one or more sorted sets, or "
           "block until one is available",
           "sorted-set"),
    PopRow("bzpopmax", kBlockFlags | kFast, CmdBZPopMax,
           "Remove and return the member with the highest score from one or more sorted sets, or "
           "block until one is available",
           "sorted-set"),
    MoveRow("blmove", 6, CmdBLMove,
            "Pop an element from a list, push it to another list and return it; or block until "
            "one is available",
            "source destination LEFT|RIGHT LEFT|RIGHT timeout"),
    MoveRow("brpoplpush", 4, CmdBRPopLPush,
            "Pop an element from a list, push it to another list and return it; or block until "
            "one is available",
            "source destination timeout"),
    MPopRow("blmpop", CmdBLMPop, "Pop elements from a list, or block until one is available",
            "timeout numkeys key [key ...] left-or-right [COUNT count]", "list"),
    MPopRow("bzmpop", CmdBZMPop,
            "Remove and return members with scores in a sorted set or block until one is available",
            "timeout numkeys key [key ...] min-or-max [COUNT count]", "sorted-set"),
};

}  // namespace

void ServeBlockedClients(Shard& shard, Millis now, int64_t wall_us) {
  Blocking& blocking = shard.blocking();
  while (blocking.has_ready()) {
    for (const std::string& key : blocking.TakeReady()) {
      blocking.ForEachWaiter(key, [&](ClientState& client) {
        const BlockedPop* pop = blocking.Find(client);
        const ValueKind kind = pop->op == BlockOp::kZPop ? ValueKind::kZSet : ValueKind::kList;
        const keyspace::TypedEntry found = shard.keyspace().FindTyped(key, kind, now);
        if (found.match == Match::kMissing) return false;  // emptied: the rest keep waiting
        if (found.match == Match::kFound)
          Serve(shard, client, key, found.entry.object, now, wall_us);
        return true;  // kWrongType: it waits for the other kind
      });
    }
  }
}

bool UnblockClient(Shard& shard, ClientState& client, bool error) {
  if (!shard.blocking().Remove(client)) return false;
  protocol::ReplySink& sink = client.PushSink();
  if (error) {
    sink.Error("UNBLOCKED client unblocked via CLIENT UNBLOCK");
  } else {
    sink.NullArray();  // replyToBlockedClientTimedOut: lists and sorted sets alike
  }
  client.PushWritten();
  client.EnterMode(SessionMode::kNormal);
  return true;
}

void RegisterBlockingCommands(CommandTable& table) {
  for (const CommandSpec& spec : kBlockingCommands) table.Add(spec);
}

}  // namespace locknode::command

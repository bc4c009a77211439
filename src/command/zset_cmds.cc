// Sorted-set family, point commands: ZADD, ZINCRBY, ZREM, ZSCORE, ZMSCORE, ZCARD, ZCOUNT,
// ZLEXCOUNT, ZRANK, ZREVRANK, ZPOPMIN, ZPOPMAX, ZRANDMEMBER, ZSCAN. Semantics, reply shapes and
// error texts follow Redis 7.0 src/t_zset.c; the ranges are in zset_range_cmds.cc.

#include <algorithm>
#include <climits>
#include <cmath>
#include <memory>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "locknode/base/strings.h"
#include "locknode/command/command_table.h"
#include "locknode/command/families.h"
#include "locknode/command/keyspace_events.h"
#include "locknode/command/shard.h"
#include "locknode/keyspace/zset.h"
#include "locknode/protocol/errors.h"
#include "locknode/protocol/reply_sink.h"

#include "command/collection_util.h"
#include "command/read_lookup.h"
#include "command/zset_args.h"

namespace locknode::command {
namespace {

using keyspace::Match;
using keyspace::ValueKind;
using keyspace::ZSet;

struct ZAddFlags {
  bool nx = false, xx = false, gt = false, lt = false, ch = false, incr = false;
};

enum class ZAddOut : uint8_t { kNop, kAdded, kUpdated, kSame };

// Redis zsetAdd for one member. False when the result is NaN (INCR of inf by -inf).
bool ZAddOne(ZSet& zset, std::string_view member, double score, const ZAddFlags& f, ZAddOut* out,
             double* new_score) {
  const auto current = zset.Score(member);
  if (!current) {
    if (f.xx) {
      *out = ZAddOut::kNop;
      return true;
    }
    zset.Add(member, score);
    *new_score = score;
    *out = ZAddOut::kAdded;
    return true;
  }
  if (f.nx) {
    *out = ZAddOut::kNop;
    return true;
  }
  if (f.incr) {
    score += *current;
    if (std::isnan(score)) return false;
  }
  if ((f.lt && score >= *current) || (f.gt && score <= *current)) {
    *out = ZAddOut::kNop;
    return true;
  }
  *new_score = score;
  *out = score != *current ? ZAddOut::kUpdated : ZAddOut::kSame;
  if (score != *current) zset.Update(member, *current, score);
  return true;
}

// Redis zaddGenericCommand: options, then the checks in Redis's order (pairs, NX+XX, GT/LT/NX,
// INCR with one pair), every score before the key is looked up, then the adds.
void ZAddGeneric(CommandContext& ctx, ArgList args, bool zincrby) {
  ZAddFlags f;
  f.incr = zincrby;
  size_t at = 2;
  for (; at < args.size(); ++at) {
    const std::string_view opt = args[at];
    bool* flag = EqualsIgnoreCase(opt, "nx")     ? &f.nx
                 : EqualsIgnoreCase(opt, "xx")   ? &f.xx
                 : EqualsIgnoreCase(opt, "ch")   ? &f.ch
                 : EqualsIgnoreCase(opt, "incr") ? &f.incr
                 : EqualsIgnoreCase(opt, "gt")   ? &f.gt
                 : EqualsIgnoreCase(opt, "lt")   ? &f.lt
                                                 : nullptr;
    if (flag == nullptr) break;
    *flag = true;
  }
  const size_t elements = args.size() - at;
  if (elements % 2 != 0 || elements == 0) return ctx.reply.Error(protocol::kErrSyntax);
  if (f.nx && f.xx) {
    return ctx.reply.Error("ERR XX and NX options at the same time are not compatible");
  }
  if ((f.gt && f.nx) || (f.lt && f.nx) || (f.gt && f.lt)) {
    return ctx.reply.Error("ERR GT, LT, and/or NX options at the same time are not compatible");
  }
  if (f.incr && elements > 2) {
    return ctx.reply.Error("ERR INCR option supports a single increment-element pair");
  }
  // Every score parses before anything is added (all or nothing); the usual single pair (the
  // semaphore scripts' ZADD) needs no heap.
  double one_score = 0;
  std::vector<double> many;
  if (elements > 2) many.reserve(elements / 2);
  for (size_t i = at; i < args.size(); i += 2) {
    const auto score = ParseScore(args[i]);
    if (!score) return ctx.reply.Error(kErrNotFloat);
    if (elements > 2) {
      many.push_back(*score);
    } else {
      one_score = *score;
    }
  }
  const std::span<const double> scores =
      elements > 2 ? std::span<const double>(many) : std::span<const double>(&one_score, 1);
  const std::string_view key = args[1];
  const auto found = LookupTyped(ctx, key, ValueKind::kZSet, false);
  if (found.match == Match::kWrongType) return;
  std::unique_ptr<ZSet> created;
  ZSet* zset = nullptr;
  if (found.match == Match::kFound) {
    zset = static_cast<ZSet*>(found.entry.object);
  } else if (!f.xx) {
    created = std::make_unique<ZSet>();
    zset = created.get();
  }
  int64_t added = 0, updated = 0, processed = 0;
  double score = 0;
  bool nan = false;
  for (size_t j = 0; zset != nullptr && j < scores.size(); ++j) {
    ZAddOut out = ZAddOut::kNop;
    if (!ZAddOne(*zset, args[at + 1 + 2 * j], scores[j], f, &out, &score)) {
      nan = true;
      break;
    }
    added += out == ZAddOut::kAdded;
    updated += out == ZAddOut::kUpdated;
    processed += out != ZAddOut::kNop;
  }
  if (created != nullptr) {
    StoreNew(ctx, key, std::move(created));
  } else if (added + updated > 0) {
    ctx.shard.keyspace().ObjectChanged(key, *zset);
  }
  if (nan) {
    ctx.reply.Error("ERR resulting score is not a number (NaN)");
  } else if (!f.incr) {
    ctx.reply.Integer(f.ch ? added + updated : added);
  } else if (processed > 0) {
    ctx.reply.Double(score);
  } else {
    ctx.reply.Null();
  }
  // Redis zaddGenericCommand notifies after its reply, whenever something changed.
  if (added + updated > 0) {
    NotifyKeyspaceEvent(ctx.shard.events(), kNotifyZset, f.incr ? "zincr" : "zadd", key);
  }
}

void CmdZAdd(CommandContext& ctx, ArgList args) { ZAddGeneric(ctx, args, false); }
void CmdZIncrBy(CommandContext& ctx, ArgList args) { ZAddGeneric(ctx, args, true); }

// The set a lookup found, or null when the key is missing.
ZSet* AsZSet(const keyspace::TypedEntry& found) {
  return found.match == Match::kFound ? static_cast<ZSet*>(found.entry.object) : nullptr;
}

void CmdZRem(CommandContext& ctx, ArgList args) {
  const auto found = LookupTyped(ctx, args[1], ValueKind::kZSet, false);
  if (found.match == Match::kWrongType) return;
  ZSet* zset = AsZSet(found);
  int64_t deleted = 0;
  for (size_t i = 2; zset != nullptr && i < args.size() && zset->size() > 0; ++i) {
    deleted += zset->Remove(args[i]) ? 1 : 0;
  }
  if (deleted > 0) {
    NotifyKeyspaceEvent(ctx.shard.events(), kNotifyZset, "zrem", args[1]);  // before any "del"
    AfterRemoval(ctx, args[1], *zset);
  }
  ctx.reply.Integer(deleted);
}

void CmdZScore(CommandContext& ctx, ArgList args) {
  const auto found = LookupTyped(ctx, args[1], ValueKind::kZSet, true);
  if (found.match == Match::kWrongType) return;
  const auto score = found.match == Match::kFound
                         ? static_cast<ZSet*>(found.entry.object)->Score(args[2])
                         : std::nullopt;
  if (score) return ctx.reply.Double(*score);
  ctx.reply.Null();
}

void CmdZMScore(CommandContext& ctx, ArgList args) {
  const auto found = LookupTyped(ctx, args[1], ValueKind::kZSet, true);
  if (found.match == Match::kWrongType) return;
  const ZSet* zset =
      found.match == Match::kFound ? static_cast<ZSet*>(found.entry.object) : nullptr;
  ctx.reply.Array(args.size() - 2);
  for (size_t i = 2; i < args.size(); ++i) {
    const auto score = zset != nullptr ? zset->Score(args[i]) : std::nullopt;
    if (score) {
      ctx.reply.Double(*score);
    } else {
      ctx.reply.Null();
    }
  }
}

void CmdZCard(CommandContext& ctx, ArgList args) {
  const auto found = LookupTyped(ctx, args[1], ValueKind::kZSet, true);
  if (found.match == Match::kWrongType) return;
  ctx.reply.Integer(found.match == Match::kFound
                        ? static_cast<int64_t>(static_cast<ZSet*>(found.entry.object)->size())
                        : 0);
}

// ZCOUNT / ZLEXCOUNT: the range is parsed before the key is looked up.
template <typename Range, typename Span>
void CountInRange(CommandContext& ctx, std::string_view key, const std::optional<Range>& range,
                  std::string_view error, Span span_of) {
  if (!range) return ctx.reply.Error(error);
  const auto found = LookupTyped(ctx, key, ValueKind::kZSet, true);
  if (found.match == Match::kWrongType) return;
  if (found.match == Match::kMissing) return ctx.reply.Integer(0);
  const RankSpan span = span_of(*static_cast<ZSet*>(found.entry.object), *range);
  ctx.reply.Integer(static_cast<int64_t>(span.end - span.begin));
}

void CmdZCount(CommandContext& ctx, ArgList args) {
  CountInRange(ctx, args[1], ParseScoreRange(args[2], args[3]), kErrMinMaxNotFloat, ScoreSpan);
}
void CmdZLexCount(CommandContext& ctx, ArgList args) {
  CountInRange(ctx, args[1], ParseLexRange(args[2], args[3]), kErrMinMaxNotLex,
               [](const ZSet& zset, const LexRange& range) { return LexSpan(zset, range, false); });
}

void RankGeneric(CommandContext& ctx, ArgList args, bool reverse) {
  const auto found = LookupTyped(ctx, args[1], ValueKind::kZSet, true);
  if (found.match == Match::kWrongType) return;
  if (found.match == Match::kMissing) return ctx.reply.Null();
  const ZSet& zset = *static_cast<ZSet*>(found.entry.object);
  const auto score = zset.Score(args[2]);
  if (!score) return ctx.reply.Null();
  const size_t rank = zset.Rank(args[2], *score);
  ctx.reply.Integer(static_cast<int64_t>(reverse ? zset.size() - 1 - rank : rank));
}

void CmdZRank(CommandContext& ctx, ArgList args) { RankGeneric(ctx, args, false); }
void CmdZRevRank(CommandContext& ctx, ArgList args) { RankGeneric(ctx, args, true); }

// Redis zpopMinMaxCommand + genericZpopCommand (no key name, not blocking).
void PopGeneric(CommandContext& ctx, ArgList args, bool max) {
  if (args.size() > 3) return ctx.reply.Error(protocol::kErrSyntax);
  int64_t count = -1;  // a plain single pop
  if (args.size() == 3) {
    // getPositiveLongFromObjectOrReply: one text for a non-integer and a negative count.
    const auto parsed = ParseInt64(args[2]);
    if (!parsed || *parsed < 0) return ctx.reply.Error(kErrNotPositive);
    count = *parsed;
  }
  const bool nested = ctx.client.resp_version() > 2 && count != -1;
  const auto found = LookupTyped(ctx, args[1], ValueKind::kZSet, false);
  if (found.match == Match::kWrongType) return;
  ZSet* zset = AsZSet(found);
  if (zset == nullptr || count == 0) return ctx.reply.Array(0);
  const size_t n = count == -1 ? 1 : std::min(static_cast<size_t>(count), zset->size());
  const size_t from = max ? zset->size() - n : 0;
  std::vector<ZSet::Item> items = zset->Items(from, from + n);
  ctx.reply.Array(nested ? n : n * 2);
  for (size_t i = 0; i < n; ++i) {
    const ZSet::Item& item = items[max ? n - 1 - i : i];
    if (nested) ctx.reply.Array(2);
    ctx.reply.Bulk(item.member);
    ctx.reply.Double(item.score);
  }
  zset->RemoveRanks(from, from + n);
  // Redis genericZpopCommand: after the reply, "zpopmin"/"zpopmax", then "del" if emptied.
  NotifyKeyspaceEvent(ctx.shard.events(), kNotifyZset, max ? "zpopmax" : "zpopmin", args[1]);
  AfterRemoval(ctx, args[1], *zset);
}

void CmdZPopMin(CommandContext& ctx, ArgList args) { PopGeneric(ctx, args, false); }
void CmdZPopMax(CommandContext& ctx, ArgList args) { PopGeneric(ctx, args, true); }

// Redis zrandmemberWithCountCommand: a negative count samples with repetition (and count 1 is
// one random pick); a count at least the size returns the whole set from the highest score down
// (zuiNext walks backwards); otherwise `count` distinct members, here in set order as Redis's
// listpack sampling gives them.
void RandWithCount(CommandContext& ctx, std::string_view key, int64_t l, bool withscores) {
  const auto found = LookupTyped(ctx, key, ValueKind::kZSet, true);
  if (found.match == Match::kWrongType) return;
  if (found.match == Match::kMissing || l == 0) return ctx.reply.Array(0);
  const ZSet& zset = *static_cast<ZSet*>(found.entry.object);
  const bool resp3 = ctx.client.resp_version() > 2;
  const bool uniq = l > 0;
  const auto count = static_cast<size_t>(uniq ? l : -l);
  if (!uniq && count > kMaxRandomReplies) return ctx.reply.Error(kErrRandomCount);
  std::vector<size_t> ranks;
  if (!uniq || count == 1) {
    std::uniform_int_distribution<size_t> pick(0, zset.size() - 1);
    for (size_t i = 0; i < count; ++i) ranks.push_back(pick(CollectionRng()));
  } else if (count >= zset.size()) {
    for (size_t r = zset.size(); r > 0; --r) ranks.push_back(r - 1);
  } else {
    ranks = SampleRanks(zset.size(), count, CollectionRng());
  }
  ctx.reply.Array(withscores && !resp3 ? ranks.size() * 2 : ranks.size());
  for (const size_t rank : ranks) {
    ReplyMember(ctx.reply, zset.Items(rank, rank + 1)[0], withscores, resp3);
  }
}

void CmdZRandMember(CommandContext& ctx, ArgList args) {
  if (args.size() >= 3) {
    const auto l = ParseInt64(args[2]);
    if (!l) return ctx.reply.Error(protocol::kErrNotInteger);
    if (*l == INT64_MIN) return ctx.reply.Error(kErrRandomRange);
    if (args.size() > 4 || (args.size() == 4 && !EqualsIgnoreCase(args[3], "withscores"))) {
      return ctx.reply.Error(protocol::kErrSyntax);
    }
    const bool withscores = args.size() == 4;
    if (withscores && (*l < -(INT64_MAX / 2) || *l > INT64_MAX / 2)) {
      return ctx.reply.Error("ERR value is out of range");
    }
    return RandWithCount(ctx, args[1], *l, withscores);
  }
  const auto found = LookupTyped(ctx, args[1], ValueKind::kZSet, true);
  if (found.match == Match::kWrongType) return;
  if (found.match == Match::kMissing) return ctx.reply.Null();
  const ZSet& zset = *static_cast<ZSet*>(found.entry.object);
  const size_t rank = std::uniform_int_distribution<size_t>(0, zset.size() - 1)(CollectionRng());
  ctx.reply.Bulk(zset.Items(rank, rank + 1)[0].member);
}

// ZSCAN: every member in one reply with cursor 0, as Redis answers for a listpack. Redis walks a
// skiplist's dict by cursor; here the ordered encoding is answered whole too (a complete scan in
// one step meets SCAN's guarantees).
void CmdZScan(CommandContext& ctx, ArgList args) {
  if (!ParseScanCursor(args[2])) return ctx.reply.Error(kErrInvalidCursor);
  const auto found = LookupTyped(ctx, args[1], ValueKind::kZSet, true);
  if (found.match == Match::kWrongType) return;
  if (found.match == Match::kMissing) return ReplyEmptyScan(ctx.reply);
  ScanOptions options;
  if (!ParseScanOptions(args, 3, &options)) return ctx.reply.Error(options.error);
  const ZSet& zset = *static_cast<ZSet*>(found.entry.object);
  std::vector<std::string> out;
  for (const ZSet::Item& item : zset.Items(0, zset.size())) {
    if (!options.Matches(item.member)) continue;
    out.emplace_back(item.member);
    out.push_back(ScanScoreText(item.score, zset.compact()));
  }
  ReplyScan(ctx.reply, out);
}

constexpr CommandSpec kZSetCommands[] = {
    ZRow("zadd", -4, kWrite | kDenyOom | kFast, CmdZAdd, "Add one or more members to a sorted set",
         "key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]", Lifetime::kKeepsTtl),
    ZRow("zincrby", 4, kWrite | kDenyOom | kFast, CmdZIncrBy,
         "Increment the score of a member in a sorted set", "key increment member",
         Lifetime::kKeepsTtl),
    ZRow("zrem", -3, kWrite | kFast, CmdZRem, "Remove one or more members from a sorted set",
         "key member [member ...]", Lifetime::kRemoves),
    ZRow("zscore", 3, kReadOnly | kFast, CmdZScore,
         "Get the score associated with the given member in a sorted set", "key member"),
    ZRow("zmscore", -3, kReadOnly | kFast, CmdZMScore,
         "Get the score associated with the given members in a sorted set",
         "key member [member ...]"),
    ZRow("zcard", 2, kReadOnly | kFast, CmdZCard, "Get the number of members in a sorted set",
         "key"),
    ZRow("zcount", 4, kReadOnly | kFast, CmdZCount,
         "Count the members in a sorted set with scores within the given values", "key min max"),
    ZRow("zlexcount", 4, kReadOnly | kFast, CmdZLexCount,
         "Count the number of members in a sorted set between a given lexicographical range",
         "key min max"),
    ZRow("zrank", 3, kReadOnly | kFast, CmdZRank, "Determine the index of a member in a sorted set",
         "key member"),
    ZRow("zrevrank", 3, kReadOnly | kFast, CmdZRevRank,
         "Determine the index of a member in a sorted set, with scores ordered from high to low",
         "key member"),
    ZRow("zpopmin", -2, kWrite | kFast, CmdZPopMin,
         "Remove and return members with the lowest scores in a sorted set", "key [count]",
         Lifetime::kRemoves),
    ZRow("zpopmax", -2, kWrite | kFast, CmdZPopMax,
         "Remove and return members with the highest scores in a sorted set", "key [count]",
         Lifetime::kRemoves),
    ZRow("zrandmember", -2, kReadOnly, CmdZRandMember,
         "Get one or multiple random elements from a sorted set", "key [count [WITHSCORES]]"),
    ZRow("zscan", -3, kReadOnly, CmdZScan,
         "Incrementally iterate sorted sets elements and "
         "associated scores",
         "key cursor [MATCH pattern] [COUNT count]"),
};

}  // namespace

void RegisterZSetCommands(CommandTable& table) {
  for (const CommandSpec& spec : kZSetCommands) table.Add(spec);
  RegisterZSetRangeCommands(table);
}

}  // namespace locknode::command

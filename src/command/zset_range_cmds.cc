// Sorted-set family, ranges: ZRANGE (BYSCORE|BYLEX, REV, LIMIT, WITHSCORES), ZRANGEBYSCORE,
// ZREVRANGEBYSCORE, ZREVRANGE, ZRANGEBYLEX, ZREVRANGEBYLEX, ZREMRANGEBYSCORE, ZREMRANGEBYRANK,
// ZREMRANGEBYLEX. Redis 7.0 zrangeGenericCommand / zremrangeGenericCommand (src/t_zset.c).

#include <optional>
#include <string_view>
#include <vector>

#include "locknode/base/strings.h"
#include "locknode/command/command_table.h"
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

enum class RangeType : uint8_t { kAuto, kRank, kScore, kLex };
enum class Direction : uint8_t { kAuto, kForward, kReverse };

struct RangeOptions {
  RangeType type = RangeType::kAuto;
  Direction dir = Direction::kAuto;
  bool withscores = false;
  int64_t offset = 0;
  int64_t limit = -1;
};

// Step 1 of zrangeGenericCommand: the options after <key> <min> <max>. False after replying.
bool ParseRangeOptions(CommandContext& ctx, ArgList args, RangeOptions* o) {
  for (size_t j = 4; j < args.size(); ++j) {
    const size_t left = args.size() - j - 1;
    const std::string_view arg = args[j];
    if (EqualsIgnoreCase(arg, "withscores")) {
      o->withscores = true;
    } else if (EqualsIgnoreCase(arg, "limit") && left >= 2) {
      const auto offset = ParseInt64(args[j + 1]);
      const auto limit = offset ? ParseInt64(args[j + 2]) : std::nullopt;
      if (!limit) {
        ctx.reply.Error(protocol::kErrNotInteger);
        return false;
      }
      o->offset = *offset;
      o->limit = *limit;
      j += 2;
    } else if (o->dir == Direction::kAuto && EqualsIgnoreCase(arg, "rev")) {
      o->dir = Direction::kReverse;
    } else if (o->type == RangeType::kAuto && EqualsIgnoreCase(arg, "bylex")) {
      o->type = RangeType::kLex;
    } else if (o->type == RangeType::kAuto && EqualsIgnoreCase(arg, "byscore")) {
      o->type = RangeType::kScore;
    } else {
      ctx.reply.Error(protocol::kErrSyntax);
      return false;
    }
  }
  if (o->dir == Direction::kAuto) o->dir = Direction::kForward;
  if (o->type == RangeType::kAuto) o->type = RangeType::kRank;
  if (o->limit != -1 && o->type == RangeType::kRank) {
    ctx.reply.Error(
        "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
    return false;
  }
  if (o->withscores && o->type == RangeType::kLex) {
    ctx.reply.Error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
    return false;
  }
  return true;
}

void ReplyItems(CommandContext& ctx, const std::vector<ZSet::Item>& items, bool reverse,
                bool withscores) {
  const bool resp3 = ctx.client.resp_version() > 2;
  ctx.reply.Array(withscores && !resp3 ? items.size() * 2 : items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    ReplyMember(ctx.reply, items[reverse ? items.size() - 1 - i : i], withscores, resp3);
  }
}

// BYSCORE / BYLEX with LIMIT: Redis walks from the first (or, reversed, the last) member in
// range, skips `offset` (a negative offset walks off the end: nothing), then takes up to `limit`
// (negative: all) while in range.
RankSpan Limited(RankSpan span, size_t size, const RangeOptions& o) {
  const bool reverse = o.dir == Direction::kReverse;
  if ((o.offset > 0 && static_cast<size_t>(o.offset) >= size) || o.offset < 0) return {};
  const auto in_range = span.end - span.begin;
  const auto skip = static_cast<size_t>(o.offset);
  if (skip >= in_range) return {};
  size_t take = in_range - skip;
  if (o.limit >= 0 && static_cast<size_t>(o.limit) < take) take = static_cast<size_t>(o.limit);
  if (reverse) return {span.end - skip - take, span.end - skip};
  return {span.begin + skip, span.begin + skip + take};
}

void RangeGeneric(CommandContext& ctx, ArgList args, RangeType type, Direction dir) {
  RangeOptions o{type, dir};
  if (!ParseRangeOptions(ctx, args, &o)) return;
  const bool reverse = o.dir == Direction::kReverse;
  // Reversed score and lex ranges are given as <max> <min>.
  const bool swap = reverse && o.type != RangeType::kRank;
  const std::string_view min = swap ? args[3] : args[2];
  const std::string_view max = swap ? args[2] : args[3];
  std::optional<int64_t> start, stop;
  std::optional<ScoreRange> scores;
  std::optional<LexRange> lex;
  if (o.type == RangeType::kRank) {
    start = ParseInt64(min);
    stop = start ? ParseInt64(max) : std::nullopt;
    if (!stop) return ctx.reply.Error(protocol::kErrNotInteger);
  } else if (o.type == RangeType::kScore) {
    scores = ParseScoreRange(min, max);
    if (!scores) return ctx.reply.Error(kErrMinMaxNotFloat);
  } else {
    lex = ParseLexRange(min, max);
    if (!lex) return ctx.reply.Error(kErrMinMaxNotLex);
  }
  const auto found = LookupTyped(ctx, args[1], ValueKind::kZSet, true);
  if (found.match == Match::kWrongType) return;
  if (found.match == Match::kMissing) return ctx.reply.Array(0);
  const ZSet& zset = *static_cast<ZSet*>(found.entry.object);
  RankSpan span;
  if (o.type == RangeType::kRank) {
    span = RankArgsSpan(*start, *stop, zset.size());
    if (reverse && span.end > span.begin) {  // ranks counted from the highest score
      span = {zset.size() - span.end, zset.size() - span.begin};
    }
  } else {
    span =
        Limited(scores ? ScoreSpan(zset, *scores) : LexSpan(zset, *lex, reverse), zset.size(), o);
  }
  ReplyItems(ctx, zset.Items(span.begin, span.end), reverse, o.withscores);
}

void CmdZRange(CommandContext& ctx, ArgList args) {
  RangeGeneric(ctx, args, RangeType::kAuto, Direction::kAuto);
}
void CmdZRevRange(CommandContext& ctx, ArgList args) {
  RangeGeneric(ctx, args, RangeType::kRank, Direction::kReverse);
}
void CmdZRangeByScore(CommandContext& ctx, ArgList args) {
  RangeGeneric(ctx, args, RangeType::kScore, Direction::kForward);
}
void CmdZRevRangeByScore(CommandContext& ctx, ArgList args) {
  RangeGeneric(ctx, args, RangeType::kScore, Direction::kReverse);
}
void CmdZRangeByLex(CommandContext& ctx, ArgList args) {
  RangeGeneric(ctx, args, RangeType::kLex, Direction::kForward);
}
void CmdZRevRangeByLex(CommandContext& ctx, ArgList args) {
  RangeGeneric(ctx, args, RangeType::kLex, Direction::kReverse);
}

// Redis zremrangeGenericCommand: the range is parsed first, then the key looked up.
void RemRangeGeneric(CommandContext& ctx, ArgList args, RangeType type) {
  std::optional<int64_t> start, stop;
  std::optional<ScoreRange> scores;
  std::optional<LexRange> lex;
  if (type == RangeType::kRank) {
    start = ParseInt64(args[2]);
    stop = start ? ParseInt64(args[3]) : std::nullopt;
    if (!stop) return ctx.reply.Error(protocol::kErrNotInteger);
  } else if (type == RangeType::kScore) {
    scores = ParseScoreRange(args[2], args[3]);
    if (!scores) return ctx.reply.Error(kErrMinMaxNotFloat);
  } else {
    lex = ParseLexRange(args[2], args[3]);
    if (!lex) return ctx.reply.Error(kErrMinMaxNotLex);
  }
  const auto found = LookupTyped(ctx, args[1], ValueKind::kZSet, false);
  if (found.match == Match::kWrongType) return;
  if (found.match == Match::kMissing) return ctx.reply.Integer(0);
  ZSet& zset = *static_cast<ZSet*>(found.entry.object);
  const RankSpan span = start    ? RankArgsSpan(*start, *stop, zset.size())
                        : scores ? ScoreSpan(zset, *scores)
                                 : LexSpan(zset, *lex, false);
  const size_t deleted = span.end - span.begin;
  if (deleted > 0) {
    zset.RemoveRanks(span.begin, span.end);
    // Redis zremrangeGenericCommand: the event, then "del" if emptied, then the reply.
    constexpr std::string_view kEvents[] = {"zremrangebyrank", "zremrangebyscore",
                                            "zremrangebylex"};
    const std::string_view event = start ? kEvents[0] : scores ? kEvents[1] : kEvents[2];
    NotifyKeyspaceEvent(ctx.shard.events(), kNotifyZset, event, args[1]);
    AfterRemoval(ctx, args[1], zset);
  }
  ctx.reply.Integer(static_cast<int64_t>(deleted));
}

void CmdZRemRangeByScore(CommandContext& ctx, ArgList args) {
  RemRangeGeneric(ctx, args, RangeType::kScore);
}
void CmdZRemRangeByRank(CommandContext& ctx, ArgList args) {
  RemRangeGeneric(ctx, args, RangeType::kRank);
}
void CmdZRemRangeByLex(CommandContext& ctx, ArgList args) {
  RemRangeGeneric(ctx, args, RangeType::kLex);
}

constexpr CommandSpec kZSetRangeCommands[] = {
    ZRow("zrange", -4, kReadOnly, CmdZRange, "Return a range of members in a sorted set",
         "key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]"),
    ZRow("zrangebyscore", -4, kReadOnly, CmdZRangeByScore,
         "Return a range of members in a sorted set, by score",
         "key min max [WITHSCORES] [LIMIT offset count]"),
    ZRow("zrevrangebyscore", -4, kReadOnly, CmdZRevRangeByScore,
         "Return a range of members in a sorted set, by score, with scores ordered from high to "
         "low",
         "key max min [WITHSCORES] [LIMIT offset count]"),
    ZRow("zrevrange", -4, kReadOnly, CmdZRevRange,
         "Return a range of members in a sorted set, by index, with scores ordered from high to "
         "low",
         "key start stop [WITHSCORES]"),
    ZRow("zrangebylex", -4, kReadOnly, CmdZRangeByLex,
         "Return a range of members in a sorted set, by lexicographical range",
         "key min max [LIMIT offset count]"),
    ZRow("zrevrangebylex", -4, kReadOnly, CmdZRevRangeByLex,
         "Return a range of members in a sorted set, by lexicographical range, ordered from "
         "higher to lower strings",
         "key max min [LIMIT offset count]"),
    ZRow("zremrangebyscore", 4, kWrite, CmdZRemRangeByScore,
         "Remove all members in a sorted set within the given scores", "key min max",
         Lifetime::kRemoves),
    ZRow("zremrangebyrank", 4, kWrite, CmdZRemRangeByRank,
         "Remove all members in a sorted set within the given indexes", "key start stop",
         Lifetime::kRemoves),
    ZRow("zremrangebylex", 4, kWrite, CmdZRemRangeByLex,
         "Remove all members in a sorted set between the given lexicographical range",
         "key min max", Lifetime::kRemoves),
};

}  // namespace

void RegisterZSetRangeCommands(CommandTable& table) {
  for (const CommandSpec& spec : kZSetRangeCommands) table.Add(spec);
}

}  // namespace locknode::command

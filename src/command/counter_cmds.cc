// Counter family: INCR, INCRBY, DECR, DECRBY, INCRBYFLOAT. Semantics and texts follow Redis 7.0
// src/t_string.c (incrDecrCommand, incrbyfloatCommand) and src/util.c (string2ll, string2ld,
// ld2string), checked against redis-server 7.0.15 (tests/compat/diff/counter_diff_test.cc).
// Fencing-token counters (Redisson RFencedLock, bsm/redislock) and Laravel's cache counters use
// them; a counter keeps its TTL, as in Redis (dbReplaceValue keeps the expire).

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "locknode/base/strings.h"
#include "locknode/command/command_table.h"
#include "locknode/command/families.h"
#include "locknode/command/keyspace_events.h"
#include "locknode/command/shard.h"
#include "locknode/protocol/errors.h"
#include "locknode/protocol/reply_sink.h"

#include "command/expire_time.h"
#include "command/glob_match.h"
#include "command/long_double.h"
#include "command/read_lookup.h"

namespace locknode::command {
namespace {

using keyspace::Match;
using keyspace::SetCond;
using keyspace::StringEnc;
using keyspace::TtlMode;
using keyspace::ValueKind;

constexpr std::string_view kErrOverflow = "ERR increment or decrement would overflow";
constexpr std::string_view kErrDecrOverflow = "ERR decrement would overflow";
constexpr std::string_view kErrNotFloat = "ERR value is not a valid float";
constexpr std::string_view kErrNanInf = "ERR increment would produce NaN or Infinity";

// Redis MAX_LONG_DOUBLE_CHARS: string2ld refuses longer input, ld2string's buffer.
constexpr size_t kMaxLongDoubleChars = size_t{5} * 1024;

// Stores `value` under `key` keeping its TTL (Redis dbReplaceValue / dbAdd).
void StoreKeepTtl(CommandContext& ctx, std::string_view key, std::string_view value,
                  StringEnc enc) {
  ctx.shard.keyspace().Set(key, value, SetCond::kAlways, TtlMode::kKeep, 0, ctx.now, enc);
}

// fencing-keys (README "Fencing tokens"): a counter matching the pattern never counts from below
// epoch << 40, so every token of this start is above every token of the starts before it (the
// epoch is on disk before the first command, one fsync per start, none per INCR). Holds while
// one start moves a counter by less than 2^40. INT64_MIN (no floor: a negative counter stays
// negative) for every other key.
constexpr int kFencingEpochShift = 40;

int64_t FencingFloor(CommandContext& ctx, std::string_view key) {
  const std::string& pattern = ctx.shard.config().fencing_keys;
  if (pattern.empty() || !GlobMatch(pattern, key, false)) {
    return std::numeric_limits<int64_t>::min();
  }
  return ctx.shard.lease().epoch() << kFencingEpochShift;
}

// Redis incrDecrCommand: a write lookup (no hit/miss counted), WRONGTYPE, the stored value as
// a strict int64 (string2ll), the overflow check, then the new value as a decimal (an "int"
// encoded string: StringEnc::kAuto reports it so).
void IncrDecr(CommandContext& ctx, std::string_view key, int64_t incr) {
  const auto found = LookupTyped(ctx, key, ValueKind::kString, false);
  if (found.match == Match::kWrongType) return;
  int64_t old = 0;
  if (found.match == Match::kFound) {
    const auto parsed = ParseInt64(found.entry.value);
    if (!parsed) {
      ctx.reply.Error(protocol::kErrNotInteger);
      return;
    }
    old = *parsed;
  }
  if (const int64_t floor = FencingFloor(ctx, key); old < floor) old = floor;
  int64_t value = 0;
  if (__builtin_add_overflow(old, incr, &value)) {
    ctx.reply.Error(kErrOverflow);
    return;
  }
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  (void)ec;  // 24 bytes hold any int64
  StoreKeepTtl(ctx, key, std::string_view(buf, static_cast<size_t>(end - buf)), StringEnc::kAuto);
  NotifyKeyspaceEvent(ctx.shard.events(), kNotifyString, "incrby", key);  // DECR's too
  ctx.reply.Integer(value);
}

void CmdIncr(CommandContext& ctx, ArgList args) { IncrDecr(ctx, args[1], 1); }
void CmdDecr(CommandContext& ctx, ArgList args) { IncrDecr(ctx, args[1], -1); }

// The increment is parsed before the key is looked up (Redis incrbyCommand), so a bad number
// wins over WRONGTYPE.
void CmdIncrBy(CommandContext& ctx, ArgList args) {
  const auto incr = ParseInt64(args[2]);
  if (!incr) {
    ctx.reply.Error(protocol::kErrNotInteger);
    return;
  }
  IncrDecr(ctx, args[1], *incr);
}

void CmdDecrBy(CommandContext& ctx, ArgList args) {
  const auto incr = ParseInt64(args[2]);
  if (!incr) {
    ctx.reply.Error(protocol::kErrNotInteger);
    return;
  }
  if (*incr == kInt64Min) {  // -incr would overflow (Redis decrbyCommand)
    ctx.reply.Error(kErrDecrOverflow);
    return;
  }
  IncrDecr(ctx, args[1], -*incr);
}

// Redis ld2string(LD_STR_HUMAN): "%.17Lf", trailing zeros (and a bare '.') dropped, "-0" -> "0".
// `value` is finite here (INCRBYFLOAT refuses NaN and infinity first). Returns the length.
size_t FormatLongDouble(long double value, char* buf, size_t size) {
  int n = std::snprintf(buf, size, "%.17Lf", value);
  if (n <= 0 || static_cast<size_t>(n) >= size) return 0;
  size_t len = static_cast<size_t>(n);
  if (std::memchr(buf, '.', len) != nullptr) {
    while (buf[len - 1] == '0') --len;
    if (buf[len - 1] == '.') --len;
  }
  if (len == 2 && buf[0] == '-' && buf[1] == '0') {
    buf[0] = '0';
    len = 1;
  }
  return len;
}

// Redis incrbyfloatCommand: WRONGTYPE first, then the stored value, then the increment. The
// result is stored with createStringObject, never int-encoded (StringEnc::kEmbstr).
void CmdIncrByFloat(CommandContext& ctx, ArgList args) {
  const auto found = LookupTyped(ctx, args[1], ValueKind::kString, false);
  if (found.match == Match::kWrongType) return;
  long double value = 0;
  if (found.match == Match::kFound) {
    const auto parsed = ParseLongDouble(found.entry.value);
    if (!parsed) {
      ctx.reply.Error(kErrNotFloat);
      return;
    }
    value = *parsed;
  }
  const auto incr = ParseLongDouble(args[2]);
  if (!incr) {
    ctx.reply.Error(kErrNotFloat);
    return;
  }
  value += *incr;
  if (std::isnan(value) || std::isinf(value)) {
    ctx.reply.Error(kErrNanInf);
    return;
  }
  char buf[kMaxLongDoubleChars];
  const size_t len = FormatLongDouble(value, buf, sizeof(buf));
  const std::string_view text(buf, len);
  StoreKeepTtl(ctx, args[1], text, StringEnc::kEmbstr);
  NotifyKeyspaceEvent(ctx.shard.events(), kNotifyString, "incrbyfloat", args[1]);
  ctx.reply.Bulk(text);
}

constexpr CommandSpec Counter(std::string_view name, int arity, Handler handler,
                              std::string_view summary, std::string_view arguments) {
  return CommandSpec{.name = name,
                     .arity = arity,
                     .flags = kWrite | kDenyOom | kFast,
                     .first_key = 1,
                     .last_key = 1,
                     .key_step = 1,
                     .handler = handler,
                     .summary = summary,
                     .arguments = arguments,
                     .group = "string",
                     // A new counter has no TTL; an existing one keeps its own (like KEEPTTL).
                     .lifetime = Lifetime::kKeepsTtl};
}

// Flags and key positions as Redis 7.0 COMMAND INFO reports them.
constexpr CommandSpec kCounterCommands[] = {
    Counter("incr", 2, CmdIncr, "Increment the integer value of a key by one", "key"),
    Counter("incrby", 3, CmdIncrBy, "Increment the integer value of a key by the given amount",
            "key increment"),
    Counter("decr", 2, CmdDecr, "Decrement the integer value of a key by one", "key"),
    Counter("decrby", 3, CmdDecrBy, "Decrement the integer value of a key by the given number",
            "key decrement"),
    Counter("incrbyfloat", 3, CmdIncrByFloat,
            "Increment the float value of a key by the given amount", "key increment"),
};

}  // namespace

void RegisterCounterCommands(CommandTable& table) {
  for (const CommandSpec& spec : kCounterCommands) table.Add(spec);
}

}  // namespace locknode::command

// String commands that read-and-write or edit a value: APPEND, STRLEN, GETDEL, GETEX, GETSET,
// SETRANGE. Semantics, check order and texts follow Redis 7.0 src/t_string.c, checked against
// redis-server 7.0.15 (tests/compat/diff/string_edit_diff_test.cc).

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include "locknode/base/strings.h"
#include "locknode/command/arg_cursor.h"
#include "locknode/command/command_table.h"
#include "locknode/command/families.h"
#include "locknode/command/keyspace_events.h"
#include "locknode/command/shard.h"
#include "locknode/keyspace/value.h"
#include "locknode/protocol/errors.h"
#include "locknode/protocol/reply_sink.h"

#include "command/expire_time.h"
#include "command/read_lookup.h"
#include "command/set_options.h"

namespace locknode::command {
namespace {

using keyspace::Match;
using keyspace::SetCond;
using keyspace::StringEnc;
using keyspace::TtlMode;
using keyspace::ValueKind;

constexpr std::string_view kErrTooBig =
    "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
constexpr std::string_view kErrOffset = "ERR offset is out of range";

// Redis checkStringLength: a grown string may not pass proto-max-bulk-len (and here never the
// entry's own limit, kMaxStringBytes). Replies the error.
bool StringLengthOk(CommandContext& ctx, uint64_t size) {
  const auto limit = std::min<uint64_t>(
      static_cast<uint64_t>(ctx.shard.config().proto_max_bulk_len), keyspace::kMaxStringBytes);
  if (size <= limit) return true;
  ctx.reply.Error(kErrTooBig);
  return false;
}

// Stores an edited string keeping the key's TTL; APPEND/SETRANGE results are "raw" in Redis
// (dbUnshareStringValue).
void StoreEdited(CommandContext& ctx, std::string_view key, std::string_view value) {
  ctx.shard.keyspace().Set(key, value, SetCond::kAlways, TtlMode::kKeep, 0, ctx.now,
                           StringEnc::kRaw);
}

// Redis appendCommand: a missing key is created from the argument as SET would store it;
// an existing string grows (write lookup: no hit/miss counted).
void CmdAppend(CommandContext& ctx, ArgList args) {
  const auto found = LookupTyped(ctx, args[1], ValueKind::kString, false);
  if (found.match == Match::kWrongType) return;
  if (found.match == Match::kMissing) {
    ctx.shard.keyspace().Set(args[1], args[2], SetCond::kAlways, TtlMode::kClear, 0, ctx.now);
    NotifyKeyspaceEvent(ctx.shard.events(), kNotifyString, "append", args[1]);
    ctx.reply.Integer(static_cast<int64_t>(args[2].size()));
    return;
  }
  const uint64_t total = found.entry.value.size() + args[2].size();
  if (!StringLengthOk(ctx, total)) return;
  std::string grown;
  grown.reserve(total);
  grown.append(found.entry.value).append(args[2]);
  StoreEdited(ctx, args[1], grown);
  NotifyKeyspaceEvent(ctx.shard.events(), kNotifyString, "append", args[1]);
  ctx.reply.Integer(static_cast<int64_t>(total));
}

void CmdStrlen(CommandContext& ctx, ArgList args) {
  const auto found = LookupTyped(ctx, args[1], ValueKind::kString, true);
  if (found.match == Match::kWrongType) return;
  ctx.reply.Integer(static_cast<int64_t>(found.entry.value.size()));  // 0 when missing
}

// Redis getdelCommand: GET's lookup and reply, then the key is deleted.
void CmdGetDel(CommandContext& ctx, ArgList args) {
  const auto found = LookupTyped(ctx, args[1], ValueKind::kString, true);
  if (found.match == Match::kWrongType) return;
  if (found.match == Match::kMissing) {
    ctx.reply.Null();
    return;
  }
  ctx.reply.Bulk(found.entry.value);
  ctx.shard.keyspace().Erase(args[1], ctx.now);  // the observer says "del", as Redis does
}

// Redis getsetCommand: GET (read lookup, WRONGTYPE stops it), then a plain SET that drops the
// TTL.
void CmdGetSet(CommandContext& ctx, ArgList args) {
  const auto found = LookupTyped(ctx, args[1], ValueKind::kString, true);
  if (found.match == Match::kWrongType) return;
  if (found.match == Match::kFound) {
    ctx.reply.Bulk(found.entry.value);
  } else {
    ctx.reply.Null();
  }
  ctx.shard.keyspace().Set(args[1], args[2], SetCond::kAlways, TtlMode::kClear, 0, ctx.now);
  NotifyKeyspaceEvent(ctx.shard.events(), kNotifyString, "set", args[1]);
}

// Redis getexCommand: options (syntax errors first), then the read lookup (a missing key is
// null even with a bad expire), WRONGTYPE, then the expire value, then the reply and the TTL
// change. EXAT/PXAT in the past delete the key ("del", from the observer); EX/PX/EXAT/PXAT
// notify "expire", and PERSIST "persist" when it removed a TTL.
void CmdGetEx(CommandContext& ctx, ArgList args) {
  GetExParams params;
  ArgCursor cursor(args, 2);
  if (!ParseGetExParams(cursor, &params)) {
    ctx.reply.Error(cursor.error());
    return;
  }
  const auto found = LookupTyped(ctx, args[1], ValueKind::kString, true);
  if (found.match == Match::kWrongType) return;
  if (found.match == Match::kMissing) {
    ctx.reply.Null();
    return;
  }
  Millis deadline = kNoDeadline;
  if (params.expire != ExpireKind::kNone) {
    const SetExpire expire =
        ResolveSetExpire(params.expire, params.expire_arg, ctx.now, WallMs(ctx.wall_us));
    if (expire.error == ExpireError::kNotInteger) {
      ctx.reply.Error(protocol::kErrNotInteger);
      return;
    }
    if (expire.error == ExpireError::kInvalid) {
      ReplyInvalidExpire(ctx.reply, "getex");
      return;
    }
    deadline = expire.deadline;
  }
  ctx.reply.Bulk(found.entry.value);
  keyspace::Keyspace& ks = ctx.shard.keyspace();
  if (params.expire != ExpireKind::kNone) {
    ks.SetDeadline(args[1], deadline, ctx.now);  // a deadline <= now deletes (EXAT in the past)
    if (deadline > ctx.now)
      NotifyKeyspaceEvent(ctx.shard.events(), kNotifyGeneric, "expire", args[1]);
  } else if (params.persist && found.entry.deadline != kNoDeadline) {
    ks.SetDeadline(args[1], kNoDeadline, ctx.now);
    NotifyKeyspaceEvent(ctx.shard.events(), kNotifyGeneric, "persist", args[1]);
  }
}

// Redis setrangeCommand: the offset first (not an integer; negative: "offset is out of range"),
// then the key; an empty value changes nothing and replies the current length (0 when missing);
// a missing key is created zero-padded. The result is "raw" and keeps the key's TTL.
void CmdSetRange(CommandContext& ctx, ArgList args) {
  const auto offset = ParseInt64(args[2]);
  if (!offset) {
    ctx.reply.Error(protocol::kErrNotInteger);
    return;
  }
  if (*offset < 0) {
    ctx.reply.Error(kErrOffset);
    return;
  }
  const std::string_view value = args[3];
  const auto found = LookupTyped(ctx, args[1], ValueKind::kString, false);
  if (found.match == Match::kWrongType) return;
  const std::string_view old = found.entry.value;  // empty when missing
  if (value.empty()) {
    ctx.reply.Integer(static_cast<int64_t>(old.size()));
    return;
  }
  const uint64_t end = static_cast<uint64_t>(*offset) + value.size();
  if (!StringLengthOk(ctx, end)) return;
  std::string edited(old);
  if (edited.size() < end) edited.resize(end, '\0');
  edited.replace(static_cast<size_t>(*offset), value.size(), value);
  StoreEdited(ctx, args[1], edited);
  NotifyKeyspaceEvent(ctx.shard.events(), kNotifyString, "setrange", args[1]);
  ctx.reply.Integer(static_cast<int64_t>(edited.size()));
}

constexpr CommandSpec StringRow(std::string_view name, int arity, uint32_t flags, Handler handler,
                                std::string_view summary, std::string_view arguments,
                                Lifetime lifetime = Lifetime::kNone, int8_t ttl_arg = 0) {
  return CommandSpec{.name = name,
                     .arity = arity,
                     .flags = flags,
                     .first_key = 1,
                     .last_key = 1,
                     .key_step = 1,
                     .handler = handler,
                     .summary = summary,
                     .arguments = arguments,
                     .group = "string",
                     .lifetime = lifetime,
                     .ttl_arg = ttl_arg};
}

// Flags and key positions as Redis 7.0 COMMAND INFO reports them.
constexpr uint32_t kWriteOom = kWrite | kDenyOom;
constexpr CommandSpec kStringEditCommands[] = {
    StringRow("append", 3, kWriteOom, CmdAppend, "Append a value to a key", "key value",
              Lifetime::kKeepsTtl),
    StringRow("strlen", 2, kReadOnly | kFast | kLoading, CmdStrlen,
              "Get the length of the value stored in a key", "key"),
    StringRow("getdel", 2, kWrite | kFast, CmdGetDel, "Get the value of a key and delete the key",
              "key", Lifetime::kRemoves),
    StringRow("getex", -2, kWrite | kFast, CmdGetEx,
              "Get the value of a key and optionally set its expiration",
              "key [EX seconds|PX milliseconds|EXAT unix-time-seconds|"
              "PXAT unix-time-milliseconds|PERSIST]",
              Lifetime::kGetExOptions, 2),
    StringRow("getset", 3, kWriteOom | kFast, CmdGetSet,
              "Set the string value of a key and return its old value", "key value",
              Lifetime::kNoTtl),
    StringRow("setrange", 4, kWriteOom, CmdSetRange,
              "Overwrite part of a string at key starting at the specified offset",
              "key offset value", Lifetime::kKeepsTtl),
};

}  // namespace

void RegisterStringEditCommands(CommandTable& table) {
  for (const CommandSpec& spec : kStringEditCommands) table.Add(spec);
}

}  // namespace locknode::command

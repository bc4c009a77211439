// String family: SET (with NX|XX, 8.4's IFEQ|IFNE|IFDEQ|IFDNE, GET, EX|PX|EXAT|PXAT|KEEPTTL),
// SETNX, SETEX, PSETEX, GET.
// Semantics and texts follow Redis 7.0 src/t_string.c (COMPAT.md §3.1, §3.2).

#include <cstdint>
#include <optional>
#include <string_view>

#include "locknode/base/digest.h"
#include "locknode/base/strings.h"
#include "locknode/command/arg_cursor.h"
#include "locknode/command/command_table.h"
#include "locknode/command/families.h"
#include "locknode/command/shard.h"
#include "locknode/protocol/errors.h"
#include "locknode/protocol/reply_sink.h"

#include "command/expire_time.h"
#include "command/read_lookup.h"
#include "command/set_options.h"

namespace locknode::command {
namespace {

using keyspace::SetCond;
using keyspace::TtlMode;

// The handler's side of ResolveSetExpire (set_options.h): replies its error.
std::optional<Millis> SetExpireOrReply(CommandContext& ctx, ExpireKind kind, std::string_view arg,
                                       std::string_view command) {
  const SetExpire expire = ResolveSetExpire(kind, arg, ctx.now, WallMs(ctx.wall_us));
  if (expire.error == ExpireError::kNotInteger) {
    ctx.reply.Error(protocol::kErrNotInteger);
    return std::nullopt;
  }
  if (expire.error == ExpireError::kInvalid) {
    ReplyInvalidExpire(ctx.reply, command);
    return std::nullopt;
  }
  return expire.deadline;
}

enum class SetReply : uint8_t { kOkOrNull, kOneOrZero };

// A lock acquisition is SET NX with a TTL (INFO # Locks; README "Operating").
void CountLockAttempt(CommandContext& ctx, SetCond cond, TtlMode ttl, bool done) {
  if (cond != SetCond::kIfAbsent || ttl != TtlMode::kAt) return;
  LockStats& locks = ctx.shard.lock_stats();
  ++(done ? locks.acquired : locks.refused);
}

// Redis setGenericCommand's notifications after a write: "set", then "expire" for a TTL. An
// already-past deadline removed the key at once here (the keyspace told no one but watchers),
// while Redis stores it and expires it at its next touch: "expired" follows, as it would there
// before anyone could see the key.
void NotifySet(CommandContext& ctx, std::string_view key, TtlMode ttl, Millis deadline) {
  KeyspaceEvents& events = ctx.shard.events();
  if (events.flags() == 0) return;  // the lock path's only cost
  NotifyKeyspaceEvent(events, kNotifyString, "set", key);
  if (ttl != TtlMode::kAt) return;
  NotifyKeyspaceEvent(events, kNotifyGeneric, "expire", key);
  if (deadline <= ctx.now) NotifyKeyspaceEvent(events, kNotifyExpired, "expired", key);
}

// SET with Redis 8.4's IFEQ|IFNE|IFDEQ|IFDNE: the key must hold a string (WRONGTYPE otherwise,
// nothing written); with GET the old value is the reply whatever the outcome, without it a
// failed condition replies null. IFNE/IFDNE create a missing key, IFEQ/IFDEQ never do.
void SetIfValue(CommandContext& ctx, std::string_view key, std::string_view value,
                const SetParams& params, TtlMode ttl, Millis deadline) {
  const auto old = LookupTyped(ctx, key, keyspace::ValueKind::kString, params.get);
  if (old.match == keyspace::Match::kWrongType) return;
  if (IsDigestCond(params.cond) && !IsDigestText(params.cond_arg)) {
    ctx.reply.Error(kErrDigestFormat);
    return;
  }
  const bool found = old.match == keyspace::Match::kFound;
  const bool holds = ValueCondHolds(params.cond, found, old.entry.value, params.cond_arg);
  if (params.get) {
    if (found) {
      ctx.reply.Bulk(old.entry.value);  // before the write: the view dies with it
    } else {
      ctx.reply.Null();
    }
  } else if (!holds) {
    ctx.reply.Null();
  }
  if (!holds) return;
  ctx.shard.keyspace().Set(key, value, SetCond::kAlways, ttl, deadline, ctx.now);
  NotifySet(ctx, key, ttl, deadline);
  if (!params.get) ctx.reply.Ok();
}

// Redis setGenericCommand after the expire is validated: GET reads the old value first, then
// NX/XX decide. With GET the reply is the old value (or null) whether or not the write
// happened; it is sent before the write because the view dies at the next mutating call. An old
// value of another kind fails the GET with WRONGTYPE, and then nothing is written.
// The write policy (quarantine, max-ttl, require-ttl, the lease watermark) was applied by the
// funnel from the row's Lifetime declaration before the handler ran.
void SetGeneric(CommandContext& ctx, std::string_view key, std::string_view value,
                const SetParams& params, Millis deadline, SetReply style) {
  keyspace::Keyspace& ks = ctx.shard.keyspace();
  const SetCond cond =
      params.nx ? SetCond::kIfAbsent : (params.xx ? SetCond::kIfPresent : SetCond::kAlways);
  const TtlMode ttl = params.keepttl                       ? TtlMode::kKeep
                      : params.expire != ExpireKind::kNone ? TtlMode::kAt
                                                           : TtlMode::kClear;
  if (params.cond != ValueCond::kNone) {
    SetIfValue(ctx, key, value, params, ttl, deadline);
    return;
  }
  if (params.get) {
    const auto old = LookupTyped(ctx, key, keyspace::ValueKind::kString, true);
    if (old.match == keyspace::Match::kWrongType) return;
    if (old.match == keyspace::Match::kFound) {
      ctx.reply.Bulk(old.entry.value);
    } else {
      ctx.reply.Null();
    }
    const bool set = ks.Set(key, value, cond, ttl, deadline, ctx.now);
    CountLockAttempt(ctx, cond, ttl, set);
    if (set) NotifySet(ctx, key, ttl, deadline);
    return;
  }
  const bool done = ks.Set(key, value, cond, ttl, deadline, ctx.now);
  CountLockAttempt(ctx, cond, ttl, done);
  if (done) NotifySet(ctx, key, ttl, deadline);
  if (style == SetReply::kOneOrZero) {
    ctx.reply.Integer(done ? 1 : 0);  // SETNX: shared.cone / shared.czero
  } else if (done) {
    ctx.reply.Ok();
  } else {
    ctx.reply.Null();
  }
}

void CmdSet(CommandContext& ctx, ArgList args) {
  SetParams params;
  ArgCursor cursor(args, 3);
  if (!ParseSetParams(cursor, &params)) {
    ctx.reply.Error(cursor.error());
    return;
  }
  Millis deadline = kNoDeadline;
  if (params.expire != ExpireKind::kNone) {
    const auto resolved = SetExpireOrReply(ctx, params.expire, params.expire_arg, "set");
    if (!resolved) return;
    deadline = *resolved;
  }
  SetGeneric(ctx, args[1], args[2], params, deadline, SetReply::kOkOrNull);
}

void CmdSetNx(CommandContext& ctx, ArgList args) {
  SetParams params;
  params.nx = true;
  SetGeneric(ctx, args[1], args[2], params, kNoDeadline, SetReply::kOneOrZero);
}

// SETEX key seconds value / PSETEX key milliseconds value: SET with EX/PX (Redis setexCommand).
void SetExGeneric(CommandContext& ctx, ArgList args, ExpireKind kind, std::string_view command) {
  const auto deadline = SetExpireOrReply(ctx, kind, args[2], command);
  if (!deadline) return;
  SetParams params;
  params.expire = kind;
  SetGeneric(ctx, args[1], args[3], params, *deadline, SetReply::kOkOrNull);
}

void CmdSetEx(CommandContext& ctx, ArgList args) {
  SetExGeneric(ctx, args, ExpireKind::kEx, "setex");
}

void CmdPSetEx(CommandContext& ctx, ArgList args) {
  SetExGeneric(ctx, args, ExpireKind::kPx, "psetex");
}

void CmdGet(CommandContext& ctx, ArgList args) { ReplyStringOrNull(ctx, args[1]); }

// Flags and key positions as Redis 7.0 COMMAND INFO reports them. kLoading: reads are answered
// during the post-restart write refusal (an empty answer is the truth then); writes are not.
constexpr CommandSpec kStringCommands[] = {
    {.name = "set",
     .arity = -3,
     .flags = kWrite | kDenyOom,
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .handler = CmdSet,
     .summary = "Set the string value of a key",
     .arguments = "key value [NX|XX|IFEQ value|IFNE value|IFDEQ digest|IFDNE digest] [GET] "
                  "[EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|"
                  "KEEPTTL]",
     .group = "string",
     .lifetime = Lifetime::kSetOptions,
     .ttl_arg = 3},
    {.name = "setnx",
     .arity = 3,
     .flags = kWrite | kDenyOom | kFast,
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .handler = CmdSetNx,
     .summary = "Set the value of a key, only if the key does not exist",
     .arguments = "key value",
     .group = "string",
     .lifetime = Lifetime::kNoTtl},
    {.name = "setex",
     .arity = 4,
     .flags = kWrite | kDenyOom,
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .handler = CmdSetEx,
     .summary = "Set the value and expiration of a key",
     .arguments = "key seconds value",
     .group = "string",
     .lifetime = Lifetime::kSeconds,
     .ttl_arg = 2},
    {.name = "psetex",
     .arity = 4,
     .flags = kWrite | kDenyOom,
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .handler = CmdPSetEx,
     .summary = "Set the value and expiration in milliseconds of a key",
     .arguments = "key milliseconds value",
     .group = "string",
     .lifetime = Lifetime::kMillis,
     .ttl_arg = 2},
    {.name = "get",
     .arity = 2,
     .flags = kReadOnly | kFast | kLoading,
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .handler = CmdGet,
     .summary = "Get the value of a key",
     .arguments = "key",
     .group = "string"},
};

}  // namespace

void RegisterStringCommands(CommandTable& table) {
  for (const CommandSpec& spec : kStringCommands) table.Add(spec);
}

}  // namespace locknode::command

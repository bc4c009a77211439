// String family: SET (with NX|XX, GET, EX|PX|EXAT|PXAT|KEEPTTL), SETNX, SETEX, PSETEX, GET.
// Semantics and texts follow Redis 7.0 src/t_string.c (COMPAT.md §3.1, §3.2).

#include <cstdint>
#include <optional>
#include <string_view>

#include "locknode/base/strings.h"
#include "locknode/command/arg_cursor.h"
#include "locknode/command/command_table.h"
#include "locknode/command/families.h"
#include "locknode/command/lease_guard.h"
#include "locknode/command/shard.h"
#include "locknode/protocol/errors.h"
#include "locknode/protocol/reply_sink.h"

#include "command/expire_time.h"
#include "command/read_lookup.h"

namespace locknode::command {
namespace {

using keyspace::SetCond;
using keyspace::TtlMode;

enum class ExpireKind : uint8_t { kNone = 0, kEx = 1, kPx = 2, kExAt = 4, kPxAt = 8 };

// SET's options after parsing; conflicts are checked once, at the end (ParseSetParams).
struct SetParams {
  bool nx = false;
  bool xx = false;
  bool get = false;
  bool keepttl = false;
  ExpireKind expire = ExpireKind::kNone;  // the last expire option given
  uint8_t expire_kinds = 0;               // every expire option given (bit per ExpireKind)
  std::string_view expire_arg;            // its raw value, parsed only after the syntax checks
};

ExpireKind ExpireKindOf(std::string_view opt) {
  if (EqualsIgnoreCase(opt, "EX")) return ExpireKind::kEx;
  if (EqualsIgnoreCase(opt, "PX")) return ExpireKind::kPx;
  if (EqualsIgnoreCase(opt, "EXAT")) return ExpireKind::kExAt;
  if (EqualsIgnoreCase(opt, "PXAT")) return ExpireKind::kPxAt;
  return ExpireKind::kNone;
}

// Redis parseExtendedStringArgumentsOrReply, as a set of rules rather than per-token checks:
// any unknown token, NX with XX, KEEPTTL with an expire, or two *different* expire options is a
// syntax error; repeating the same flag (NX NX, PX 1 PX 2: the last value wins) is allowed.
// The expire value is not parsed here: Redis reports syntax errors before number errors.
bool ParseSetParams(ArgCursor& cursor, SetParams* params) {
  while (cursor.HasNext()) {
    // Redis compares options as C strings (opt[2] == '\0', strcasecmp): "NX\0junk" is NX.
    const std::string_view opt = CStringPrefix(cursor.Next());
    if (EqualsIgnoreCase(opt, "NX")) {
      params->nx = true;
    } else if (EqualsIgnoreCase(opt, "XX")) {
      params->xx = true;
    } else if (EqualsIgnoreCase(opt, "GET")) {
      params->get = true;
    } else if (EqualsIgnoreCase(opt, "KEEPTTL")) {
      params->keepttl = true;
    } else if (const ExpireKind kind = ExpireKindOf(opt); kind != ExpireKind::kNone) {
      params->expire = kind;
      params->expire_kinds |= static_cast<uint8_t>(kind);
      params->expire_arg = cursor.Next();  // missing value: syntax error
    } else {
      cursor.FailUnknown(opt);
    }
  }
  const uint8_t kinds = params->expire_kinds;
  const bool many_kinds = (kinds & (kinds - 1)) != 0;
  if ((params->nx && params->xx) || (params->keepttl && kinds != 0) || many_kinds) {
    cursor.Fail(protocol::kErrSyntax);
  }
  return cursor.ok();
}

// Redis getExpireMillisecondsOrReply: the value must be a positive integer; EX*1000 and the
// relative forms' "+ now" must not overflow. Redis adds the *wall* clock, so that is the bound
// checked (same threshold as Redis), then the deadline is taken on the monotonic clock.
// PXAT/EXAT are converted once; a time already past gives a past deadline (key deleted, +OK).
std::optional<Millis> ResolveSetExpire(CommandContext& ctx, ExpireKind kind, std::string_view arg,
                                       std::string_view command) {
  const auto value = ParseInt64(arg);
  if (!value) {
    ctx.reply.Error(protocol::kErrNotInteger);
    return std::nullopt;
  }
  const bool seconds = kind == ExpireKind::kEx || kind == ExpireKind::kExAt;
  if (*value <= 0 || (seconds && *value > kInt64Max / 1000)) {
    ReplyInvalidExpire(ctx.reply, command);
    return std::nullopt;
  }
  const int64_t ms = seconds ? *value * 1000 : *value;
  const int64_t wall_ms = WallMs(ctx.wall_us);
  if (kind == ExpireKind::kExAt || kind == ExpireKind::kPxAt) {
    return DeadlineFromUnixMs(ms, ctx.now, wall_ms);
  }
  if (ms > kInt64Max - wall_ms) {
    ReplyInvalidExpire(ctx.reply, command);
    return std::nullopt;
  }
  return DeadlineAfter(ctx.now, ms);
}

enum class SetReply : uint8_t { kOkOrNull, kOneOrZero };

// The lease guard's checks (lease_guard.h): a TTL goes through max-ttl and the restart-safety
// watermark; no TTL through require-ttl. KEEPTTL counts as no TTL unless the key has one.
bool AdmitSet(CommandContext& ctx, std::string_view key, TtlMode ttl, Millis deadline,
              std::string_view command) {
  LeaseGuard& lease = ctx.shard.lease();
  if (ttl == TtlMode::kAt) return lease.AdmitDeadline(deadline, ctx.now, command, ctx.reply);
  if (ttl == TtlMode::kKeep) {
    const auto old = ctx.shard.keyspace().Find(key, ctx.now);
    if (old && old->deadline != kNoDeadline) return true;
  }
  return lease.AdmitNoTtl(ctx.reply);
}

// Redis setGenericCommand after the expire is validated: GET reads the old value first, then
// NX/XX decide. With GET the reply is the old value (or null) whether or not the write
// happened; it is sent before the write because the view dies at the next mutating call.
void SetGeneric(CommandContext& ctx, std::string_view key, std::string_view value,
                const SetParams& params, Millis deadline, SetReply style,
                std::string_view command) {
  keyspace::Keyspace& ks = ctx.shard.keyspace();
  const SetCond cond =
      params.nx ? SetCond::kIfAbsent : (params.xx ? SetCond::kIfPresent : SetCond::kAlways);
  const TtlMode ttl = params.keepttl                       ? TtlMode::kKeep
                      : params.expire != ExpireKind::kNone ? TtlMode::kAt
                                                           : TtlMode::kClear;
  if (!AdmitSet(ctx, key, ttl, deadline, command)) return;
  if (params.get) {
    const auto old = ks.Find(key, ctx.now);
    CountLookup(ctx.shard, old.has_value());
    if (old) {
      ctx.reply.Bulk(old->value);
    } else {
      ctx.reply.Null();
    }
    ks.Set(key, value, cond, ttl, deadline, ctx.now);
    return;
  }
  const bool done = ks.Set(key, value, cond, ttl, deadline, ctx.now);
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
    const auto resolved = ResolveSetExpire(ctx, params.expire, params.expire_arg, "set");
    if (!resolved) return;
    deadline = *resolved;
  }
  SetGeneric(ctx, args[1], args[2], params, deadline, SetReply::kOkOrNull, "set");
}

void CmdSetNx(CommandContext& ctx, ArgList args) {
  SetParams params;
  params.nx = true;
  SetGeneric(ctx, args[1], args[2], params, kNoDeadline, SetReply::kOneOrZero, "setnx");
}

// SETEX key seconds value / PSETEX key milliseconds value: SET with EX/PX (Redis setexCommand).
void SetExGeneric(CommandContext& ctx, ArgList args, ExpireKind kind, std::string_view command) {
  const auto deadline = ResolveSetExpire(ctx, kind, args[2], command);
  if (!deadline) return;
  SetParams params;
  params.expire = kind;
  SetGeneric(ctx, args[1], args[3], params, *deadline, SetReply::kOkOrNull, command);
}

void CmdSetEx(CommandContext& ctx, ArgList args) {
  SetExGeneric(ctx, args, ExpireKind::kEx, "setex");
}

void CmdPSetEx(CommandContext& ctx, ArgList args) {
  SetExGeneric(ctx, args, ExpireKind::kPx, "psetex");
}

void CmdGet(CommandContext& ctx, ArgList args) { ReplyValueOrNull(ctx, args[1]); }

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
     .arguments = "key value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|"
                  "PXAT unix-time-milliseconds|KEEPTTL]",
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

// Key family: DEL, EXISTS, TYPE, OBJECT ENCODING/REFCOUNT/FREQ/HELP, PEXPIRE/EXPIRE/PEXPIREAT/
// EXPIREAT [NX|XX|GT|LT], PTTL/TTL/PEXPIRETIME/EXPIRETIME, PERSIST. Semantics and texts follow
// Redis 7.0 src/db.c, src/object.c and src/expire.c (COMPAT.md §3.2-§3.4).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "locknode/base/strings.h"
#include "locknode/command/arg_cursor.h"
#include "locknode/command/command_table.h"
#include "locknode/command/families.h"
#include "locknode/command/shard.h"
#include "locknode/protocol/errors.h"
#include "locknode/protocol/reply_sink.h"

#include "command/expire_time.h"
#include "command/help_reply.h"
#include "command/read_lookup.h"

namespace locknode::command {
namespace {

// CountLookup (read_lookup.h): EXISTS, TYPE and the TTL family are read lookups in Redis and
// count a hit or miss; write lookups (DEL, EXPIRE, PERSIST) do not.

void CmdDel(CommandContext& ctx, ArgList args) {
  int64_t removed = 0;
  for (size_t i = 1; i < args.size(); ++i) {
    if (ctx.shard.keyspace().Erase(args[i], ctx.now)) ++removed;  // DEL k k counts k once
  }
  ctx.reply.Integer(removed);
}

void CmdExists(CommandContext& ctx, ArgList args) {
  int64_t count = 0;
  for (size_t i = 1; i < args.size(); ++i) {
    const bool hit = ctx.shard.keyspace().Exists(args[i], ctx.now);
    CountLookup(ctx.shard, args[i], hit);
    if (hit) ++count;  // Redis counts a repeated key each time
  }
  ctx.reply.Integer(count);
}

void CmdType(CommandContext& ctx, ArgList args) {
  const auto entry = ctx.shard.keyspace().Find(args[1], ctx.now);
  CountLookup(ctx.shard, args[1], entry.has_value());
  ctx.reply.Simple(entry ? keyspace::TypeName(entry->kind) : "none");  // status, not bulk
}

// OBJECT's key lookup (Redis objectCommandLookupOrReply): a read lookup, counted but with no
// "keymiss" event (LOOKUP_NONOTIFY); a missing key is a null reply.
std::optional<keyspace::EntryView> ObjectLookup(CommandContext& ctx, std::string_view key) {
  auto entry = ctx.shard.keyspace().Find(key, ctx.now);
  CountLookupQuiet(ctx.shard, entry.has_value());
  if (!entry) ctx.reply.Null();
  return entry;
}

void CmdObjectEncoding(CommandContext& ctx, ArgList args) {
  const auto entry = ObjectLookup(ctx, args[2]);
  if (!entry) return;
  if (entry->object != nullptr) {
    ctx.reply.Bulk(entry->object->encoding());
  } else {
    ctx.reply.Bulk(entry->kind == keyspace::ValueKind::kString
                       ? keyspace::StringEncoding(entry->value, entry->encoding)
                       : keyspace::CompactEncoding(entry->kind));
  }
}

// Only strings can be shared in Redis (its shared integers); every other value has one owner.
void CmdObjectRefCount(CommandContext& ctx, ArgList args) {
  const auto entry = ObjectLookup(ctx, args[2]);
  if (!entry) return;
  ctx.reply.Integer(entry->kind == keyspace::ValueKind::kString
                        ? keyspace::StringRefCount(entry->value, entry->encoding)
                        : 1);
}

// Access frequency exists only under an LFU maxmemory policy; locknode has noeviction only, so
// an existing key always gets Redis's error for that case (a missing key: null, as in Redis).
// IDLETIME is not served: an entry has no room for an access clock, so it is an unknown
// subcommand here rather than a made-up number.
void CmdObjectFreq(CommandContext& ctx, ArgList args) {
  if (!ObjectLookup(ctx, args[2])) return;
  ctx.reply.Error(
      "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note "
      "that when switching between policies at runtime LRU and LFU data will take some time to "
      "adjust.");
}

void CmdObjectHelp(CommandContext& ctx, ArgList /*args*/) {
  static constexpr std::string_view kLines[] = {
      "ENCODING <key>",
      "    Return the kind of internal representation used in order to store the value",
      "    associated with a <key>.",
      "FREQ <key>",
      "    Return the access frequency index of the <key>. The returned integer is",
      "    proportional to the logarithm of the recent access frequency of the key.",
      "REFCOUNT <key>",
      "    Return the number of references of the value associated with the specified",
      "    <key>.",
  };
  ReplyHelp(ctx, "OBJECT", kLines);
}

// OBJECT's subcommands name their key at 2, as Redis 7.0 COMMAND INFO reports them.
constexpr CommandSpec ObjectSubcommand(std::string_view name, Handler handler,
                                       std::string_view summary) {
  return CommandSpec{.name = name,
                     .arity = 3,
                     .flags = kReadOnly | kLoading,
                     .first_key = 2,
                     .last_key = 2,
                     .key_step = 1,
                     .handler = handler,
                     .summary = summary,
                     .arguments = "key",
                     .group = "generic"};
}

constexpr CommandSpec kObjectSubcommands[] = {
    ObjectSubcommand("encoding", CmdObjectEncoding,
                     "Inspect the internal encoding of a Redis object"),
    ObjectSubcommand("freq", CmdObjectFreq,
                     "Get the logarithmic access frequency counter of a Redis object"),
    ObjectSubcommand("refcount", CmdObjectRefCount,
                     "Get the number of references to the value of the key"),
    {.name = "help",
     .arity = 2,
     .flags = kLoading,
     .first_key = 0,
     .last_key = 0,
     .key_step = 0,
     .handler = CmdObjectHelp,
     .summary = "Show helpful text about the different subcommands",
     .group = "generic"},
};

// EXPIRE-family flags after parsing (Redis parseExtendedExpireArgumentsOrReply).
struct ExpireFlags {
  bool nx = false;
  bool xx = false;
  bool gt = false;
  bool lt = false;
};

// The flags are validated before the number is even parsed, as in Redis: an unknown token is
// "ERR Unsupported option <opt>"; NX with any other flag, then GT with LT, are rejected.
// Returns false after replying.
bool ParseExpireFlags(CommandContext& ctx, ArgList args, ExpireFlags* flags) {
  ArgCursor cursor(args, 3);
  while (cursor.HasNext()) {
    // Redis compares options as C strings (strcasecmp), so "NX\0junk" counts as NX.
    const std::string_view opt = CStringPrefix(cursor.Next());
    if (EqualsIgnoreCase(opt, "NX")) {
      flags->nx = true;
    } else if (EqualsIgnoreCase(opt, "XX")) {
      flags->xx = true;
    } else if (EqualsIgnoreCase(opt, "GT")) {
      flags->gt = true;
    } else if (EqualsIgnoreCase(opt, "LT")) {
      flags->lt = true;
    } else {
      cursor.FailUnknown(opt);
    }
  }
  if (flags->nx && (flags->xx || flags->gt || flags->lt)) cursor.Fail(protocol::kErrExpireNxXxGtLt);
  if (flags->gt && flags->lt) cursor.Fail(protocol::kErrExpireGtLt);
  if (cursor.ok()) return true;
  if (!cursor.unknown_token().empty()) {
    // Rare error path with an unbounded token: the one place this family allocates. Redis
    // prints the option with "%s" (cut at a NUL) and maps CR/LF to spaces.
    std::string text(protocol::kErrUnsupportedOptionPrefix);
    for (const char c : CStringPrefix(cursor.unknown_token())) {
      text.push_back(c == '\r' || c == '\n' ? ' ' : c);
    }
    ctx.reply.Error(text);
  } else {
    ctx.reply.Error(cursor.error());
  }
  return false;
}

// Redis expireGenericCommand's arithmetic (ExpireDeadline). Negative values are legal and
// simply mean "already expired".
std::optional<Millis> ResolveExpireWhen(CommandContext& ctx, int64_t when, bool seconds,
                                        bool absolute, std::string_view command) {
  const auto deadline = ExpireDeadline(when, seconds, absolute, ctx.now, WallMs(ctx.wall_us));
  if (!deadline) ReplyInvalidExpire(ctx.reply, command);
  return deadline;
}

// NX: only without a TTL; XX: only with one; GT/LT compare deadlines, a missing TTL counting
// as infinite (so GT never passes on it and LT always does).
bool ExpireConditionHolds(const ExpireFlags& flags, Millis current, Millis deadline) {
  const bool has_ttl = current != kNoDeadline;
  if (flags.nx && has_ttl) return false;
  if (flags.xx && !has_ttl) return false;
  if (flags.gt && (!has_ttl || deadline <= current)) return false;
  if (flags.lt && has_ttl && deadline >= current) return false;
  return true;
}

void ExpireGeneric(CommandContext& ctx, ArgList args, bool seconds, bool absolute,
                   std::string_view command) {
  ExpireFlags flags;
  if (!ParseExpireFlags(ctx, args, &flags)) return;
  const auto when = ParseInt64(args[2]);
  if (!when) {
    ctx.reply.Error(protocol::kErrNotInteger);
    return;
  }
  const auto deadline = ResolveExpireWhen(ctx, *when, seconds, absolute, command);
  if (!deadline) return;
  keyspace::Keyspace& ks = ctx.shard.keyspace();
  const auto entry = ks.Find(args[1], ctx.now);
  if (!entry || !ExpireConditionHolds(flags, entry->deadline, *deadline)) {
    ctx.reply.Integer(0);
    return;
  }
  // A deadline already reached deletes the key and still replies 1 (Redis checkAlreadyExpired:
  // PEXPIRE k 0, EXPIRE k -1); SetDeadline does exactly that for deadline <= now.
  ks.SetDeadline(args[1], *deadline, ctx.now);
  ctx.reply.Integer(1);
  // A past deadline deleted the key: the observer reported "del" (Redis: del, no expire).
  // Redis replies before it notifies "expire" (a RESP3 client subscribed to its own key sees
  // the reply first).
  if (*deadline > ctx.now)
    NotifyKeyspaceEvent(ctx.shard.events(), kNotifyGeneric, "expire", args[1]);
}

void CmdPExpire(CommandContext& ctx, ArgList args) {
  ExpireGeneric(ctx, args, false, false, "pexpire");
}
void CmdExpire(CommandContext& ctx, ArgList args) {
  ExpireGeneric(ctx, args, true, false, "expire");
}
void CmdPExpireAt(CommandContext& ctx, ArgList args) {
  ExpireGeneric(ctx, args, false, true, "pexpireat");
}
void CmdExpireAt(CommandContext& ctx, ArgList args) {
  ExpireGeneric(ctx, args, true, true, "expireat");
}

// Redis ttlGenericCommand: -2 missing, -1 no TTL, else the remaining (or, for *EXPIRETIME, the
// absolute unix) time clamped at 0. Seconds round to nearest, (ms + 500) / 1000, computed so it
// cannot overflow: EXPIRETIME of a PXAT 9223372036854775807 key is 9223372036854776 in Redis.
void TtlGeneric(CommandContext& ctx, ArgList args, bool in_ms, bool absolute) {
  const auto entry = ctx.shard.keyspace().Find(args[1], ctx.now);
  CountLookup(ctx.shard, args[1], entry.has_value());
  if (!entry) {
    ctx.reply.Integer(-2);
    return;
  }
  if (entry->deadline == kNoDeadline) {
    ctx.reply.Integer(-1);
    return;
  }
  int64_t ttl = absolute ? UnixMsFromDeadline(entry->deadline, ctx.now, WallMs(ctx.wall_us))
                         : entry->deadline - ctx.now;
  if (ttl < 0) ttl = 0;
  if (!in_ms) ttl = ttl / 1000 + (ttl % 1000 + 500) / 1000;
  ctx.reply.Integer(ttl);
}

void CmdPTtl(CommandContext& ctx, ArgList args) { TtlGeneric(ctx, args, true, false); }
void CmdTtl(CommandContext& ctx, ArgList args) { TtlGeneric(ctx, args, false, false); }
void CmdPExpireTime(CommandContext& ctx, ArgList args) { TtlGeneric(ctx, args, true, true); }
void CmdExpireTime(CommandContext& ctx, ArgList args) { TtlGeneric(ctx, args, false, true); }

// :1 only when a TTL was actually removed (Redis persistCommand).
void CmdPersist(CommandContext& ctx, ArgList args) {
  keyspace::Keyspace& ks = ctx.shard.keyspace();
  const auto entry = ks.Find(args[1], ctx.now);
  if (!entry || entry->deadline == kNoDeadline) {
    ctx.reply.Integer(0);
    return;
  }
  ks.SetDeadline(args[1], kNoDeadline, ctx.now);
  NotifyKeyspaceEvent(ctx.shard.events(), kNotifyGeneric, "persist", args[1]);
  ctx.reply.Integer(1);
}

// One generic-group row with a single key at 1 (DEL/EXISTS: every argument is a key).
// `lifetime`/`ttl_arg`: the write policy declaration (command_table.h Lifetime).
constexpr CommandSpec KeyCommand(std::string_view name, int arity, uint32_t flags, int8_t last_key,
                                 Handler handler, std::string_view summary,
                                 std::string_view arguments, Lifetime lifetime = Lifetime::kNone,
                                 int8_t ttl_arg = 0) {
  return CommandSpec{.name = name,
                     .arity = arity,
                     .flags = flags,
                     .first_key = 1,
                     .last_key = last_key,
                     .key_step = 1,
                     .handler = handler,
                     .summary = summary,
                     .arguments = arguments,
                     .group = "generic",
                     .lifetime = lifetime,
                     .ttl_arg = ttl_arg};
}

// Flags and key positions as Redis 7.0 COMMAND INFO reports them. kLoading: reads are answered
// during the post-restart write refusal (an empty answer is the truth then); writes are not.
constexpr uint32_t kRead = kReadOnly | kFast | kLoading;
constexpr CommandSpec kKeyCommands[] = {
    KeyCommand("del", -2, kWrite, -1, CmdDel, "Delete a key", "key [key ...]", Lifetime::kRemoves),
    // Redis frees big values in the background; here freeing is DEL's own work either way.
    KeyCommand("unlink", -2, kWrite | kFast, -1, CmdDel,
               "Delete a key asynchronously in another thread. Otherwise it is just as DEL, but "
               "non blocking.",
               "key [key ...]", Lifetime::kRemoves),
    KeyCommand("exists", -2, kRead, -1, CmdExists, "Determine if a key exists", "key [key ...]"),
    KeyCommand("type", 2, kRead, 1, CmdType, "Determine the type stored at key", "key"),
    {.name = "object",
     .arity = -2,
     .flags = 0,
     .first_key = 0,
     .last_key = 0,
     .key_step = 0,
     .handler = nullptr,  // a container: the funnel resolves the subcommand row
     .subcommands = kObjectSubcommands,
     .summary = "A container for object introspection commands",
     .group = "generic"},
    KeyCommand("pexpire", -3, kWrite | kFast, 1, CmdPExpire,
               "Set a key's time to live in milliseconds", "key milliseconds [NX|XX|GT|LT]",
               Lifetime::kMillis, 2),
    KeyCommand("expire", -3, kWrite | kFast, 1, CmdExpire, "Set a key's time to live in seconds",
               "key seconds [NX|XX|GT|LT]", Lifetime::kSeconds, 2),
    KeyCommand("pexpireat", -3, kWrite | kFast, 1, CmdPExpireAt,
               "Set the expiration for a key as a UNIX timestamp specified in milliseconds",
               "key unix-time-milliseconds [NX|XX|GT|LT]", Lifetime::kUnixMillis, 2),
    KeyCommand("expireat", -3, kWrite | kFast, 1, CmdExpireAt,
               "Set the expiration for a key as a UNIX timestamp",
               "key unix-time-seconds [NX|XX|GT|LT]", Lifetime::kUnixSeconds, 2),
    KeyCommand("pttl", 2, kRead, 1, CmdPTtl, "Get the time to live for a key in milliseconds",
               "key"),
    KeyCommand("ttl", 2, kRead, 1, CmdTtl, "Get the time to live for a key in seconds", "key"),
    KeyCommand("pexpiretime", 2, kRead, 1, CmdPExpireTime,
               "Get the expiration Unix timestamp for a key in milliseconds", "key"),
    KeyCommand("expiretime", 2, kRead, 1, CmdExpireTime,
               "Get the expiration Unix timestamp for a key", "key"),
    KeyCommand("persist", 2, kWrite | kFast, 1, CmdPersist, "Remove the expiration from a key",
               "key", Lifetime::kNoTtl),
};

}  // namespace

void RegisterKeyCommands(CommandTable& table) {
  for (const CommandSpec& spec : kKeyCommands) table.Add(spec);
}

}  // namespace locknode::command

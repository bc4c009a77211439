// Key family, the commands that move or copy a whole key or only touch it: RENAME, RENAMENX,
// COPY, TOUCH. Semantics and texts follow Redis 7.0 src/db.c (renameGenericCommand,
// copyCommand, touchCommand), checked against redis-server 7.0.15
// (tests/compat/diff/key_move_diff_test.cc). locknode has one database, so COPY's DB option
// accepts only 0, with the error SELECT gives for any other index.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "locknode/base/strings.h"
#include "locknode/command/command_table.h"
#include "locknode/command/families.h"
#include "locknode/command/keyspace_events.h"
#include "locknode/command/shard.h"
#include "locknode/keyspace/keyspace.h"
#include "locknode/protocol/errors.h"
#include "locknode/protocol/reply_sink.h"

#include "command/read_lookup.h"
#include "command/reply_text.h"

namespace locknode::command {
namespace {

using keyspace::SetCond;
using keyspace::TtlMode;
using keyspace::ValueKind;

constexpr std::string_view kErrNoSuchKey = "ERR no such key";
constexpr std::string_view kErrSameObject = "ERR source and destination objects are the same";

// Stores a copy of `src` (a live entry: value, kind, encoding and deadline) under `dst`,
// replacing whatever is there. The string is copied out first: the view dies at the write.
// Other kinds go through Object::Clone, or are copied as bytes when stored compact (a small
// hash lives in its entry, with no object).
void StoreCopy(keyspace::Keyspace& ks, std::string_view dst, const keyspace::EntryView& src,
               Millis now) {
  const TtlMode ttl = src.deadline == kNoDeadline ? TtlMode::kClear : TtlMode::kAt;
  if (src.object != nullptr) {
    ks.SetObject(dst, src.object->Clone(), SetCond::kAlways, ttl, src.deadline, now);
    return;
  }
  const std::string value(src.value);
  if (src.kind == ValueKind::kString) {
    ks.Set(dst, value, SetCond::kAlways, ttl, src.deadline, now, src.encoding);
  } else {
    ks.SetCompact(dst, src.kind, value, SetCond::kAlways, ttl, src.deadline, now);
  }
}

// Redis renameGenericCommand: a missing source is "no such key" (RENAMENX too); the same name
// is a no-op (+OK / :0); RENAMENX onto an existing key is :0; otherwise the value moves with
// its TTL and any old destination is replaced. Write lookups: no hits or misses counted.
// Events as Redis: the old destination goes without "del" (dbDelete), the destination is added
// ("new"), the source goes without "del", then "rename_from" and "rename_to".
void RenameGeneric(CommandContext& ctx, ArgList args, bool nx) {
  keyspace::Keyspace& ks = ctx.shard.keyspace();
  const auto src = ks.Find(args[1], ctx.now);
  if (!src) {
    ctx.reply.Error(kErrNoSuchKey);
    return;
  }
  const bool same = args[1] == args[2];
  if (!same && nx && ks.Exists(args[2], ctx.now)) {
    ctx.reply.Integer(0);
    return;
  }
  if (same) {
    if (nx) {
      ctx.reply.Integer(0);
    } else {
      ctx.reply.Ok();
    }
    return;
  }
  ks.Erase(args[2], ctx.now, keyspace::KeyChange::kRemovedQuiet);
  StoreCopy(ks, args[2], *ks.Find(args[1], ctx.now), ctx.now);  // re-found: Exists may expire
  ks.Erase(args[1], ctx.now, keyspace::KeyChange::kRemovedQuiet);
  NotifyKeyspaceEvent(ctx.shard.events(), kNotifyGeneric, "rename_from", args[1]);
  NotifyKeyspaceEvent(ctx.shard.events(), kNotifyGeneric, "rename_to", args[2]);
  if (nx) {
    ctx.reply.Integer(1);
  } else {
    ctx.reply.Ok();
  }
}

void CmdRename(CommandContext& ctx, ArgList args) { RenameGeneric(ctx, args, false); }
void CmdRenameNx(CommandContext& ctx, ArgList args) { RenameGeneric(ctx, args, true); }

// COPY's options, Redis copyCommand: REPLACE, DB <index> (parsed as a long, then checked like
// SELECT); anything else, or DB without a value, is a syntax error. Replies and returns false
// on error.
bool ParseCopyOptions(CommandContext& ctx, ArgList args, bool* replace) {
  for (size_t i = 3; i < args.size(); ++i) {
    const std::string_view opt = CStringPrefix(args[i]);
    if (EqualsIgnoreCase(opt, "REPLACE")) {
      *replace = true;
    } else if (EqualsIgnoreCase(opt, "DB") && i + 1 < args.size()) {
      const auto db = ParseInt64(args[++i]);
      if (!db) {
        ctx.reply.Error(protocol::kErrNotInteger);
        return false;
      }
      if (*db != 0) {
        ctx.reply.Error(protocol::kErrDbIndex);
        return false;
      }
    } else {
      ctx.reply.Error(protocol::kErrSyntax);
      return false;
    }
  }
  return true;
}

// Redis copyCommand: options; the same key name is an error (checked before any lookup); a
// missing source (a read lookup, counted) is :0; an existing destination is :0 unless REPLACE.
void CmdCopy(CommandContext& ctx, ArgList args) {
  bool replace = false;
  if (!ParseCopyOptions(ctx, args, &replace)) return;
  if (args[1] == args[2]) {
    ctx.reply.Error(kErrSameObject);
    return;
  }
  keyspace::Keyspace& ks = ctx.shard.keyspace();
  const auto src = ks.Find(args[1], ctx.now);
  CountLookup(ctx.shard, args[1], src.has_value());
  if (!src || (!replace && ks.Exists(args[2], ctx.now))) {
    ctx.reply.Integer(0);
    return;
  }
  // Redis copyCommand: dbDelete of an old destination (no "del"), dbAdd ("new"), "copy_to".
  ks.Erase(args[2], ctx.now, keyspace::KeyChange::kRemovedQuiet);
  StoreCopy(ks, args[2], *ks.Find(args[1], ctx.now), ctx.now);
  NotifyKeyspaceEvent(ctx.shard.events(), kNotifyGeneric, "copy_to", args[2]);
  ctx.reply.Integer(1);
}

// Redis touchCommand: counts the keys that exist (read lookups; a repeated key counts again).
// There is no access clock to update (OBJECT IDLETIME is not served), so that is all it does.
void CmdTouch(CommandContext& ctx, ArgList args) {
  int64_t count = 0;
  for (size_t i = 1; i < args.size(); ++i) {
    const bool hit = ctx.shard.keyspace().Exists(args[i], ctx.now);
    CountLookup(ctx.shard, args[i], hit);
    if (hit) ++count;
  }
  ctx.reply.Integer(count);
}

// Flags and key positions as Redis 7.0 COMMAND INFO reports them. RENAME and COPY write the
// destination with the source's TTL: their write policy is the source's (Lifetime::kKeepsTtl
// reads the key at first_key).
constexpr CommandSpec kKeyMoveCommands[] = {
    {.name = "rename",
     .arity = 3,
     .flags = kWrite,
     .first_key = 1,
     .last_key = 2,
     .key_step = 1,
     .handler = CmdRename,
     .summary = "Rename a key",
     .arguments = "key newkey",
     .group = "generic",
     .lifetime = Lifetime::kKeepsTtl},
    {.name = "renamenx",
     .arity = 3,
     .flags = kWrite | kFast,
     .first_key = 1,
     .last_key = 2,
     .key_step = 1,
     .handler = CmdRenameNx,
     .summary = "Rename a key, only if the new key does not exist",
     .arguments = "key newkey",
     .group = "generic",
     .lifetime = Lifetime::kKeepsTtl},
    {.name = "copy",
     .arity = -3,
     .flags = kWrite | kDenyOom,
     .first_key = 1,
     .last_key = 2,
     .key_step = 1,
     .handler = CmdCopy,
     .summary = "Copy a key",
     .arguments = "source destination [DB destination-db] [REPLACE]",
     .group = "generic",
     .lifetime = Lifetime::kKeepsTtl},
    {.name = "touch",
     .arity = -2,
     .flags = kReadOnly | kFast | kLoading,
     .first_key = 1,
     .last_key = -1,
     .key_step = 1,
     .handler = CmdTouch,
     .summary = "Alters the last access time of a key(s). Returns the number of existing keys "
                "specified.",
     .arguments = "key [key ...]",
     .group = "generic"},
};

}  // namespace

void RegisterKeyMoveCommands(CommandTable& table) {
  for (const CommandSpec& spec : kKeyMoveCommands) table.Add(spec);
}

}  // namespace locknode::command

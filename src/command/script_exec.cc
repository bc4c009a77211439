#include "command/script_exec.h"

#include "locknode/base/strings.h"
#include "locknode/protocol/reply_sink.h"
#include "locknode/script/fast_path.h"

#include "command/expire_time.h"
#include "command/funnel.h"
#include "command/read_lookup.h"
#include "command/write_policy.h"

namespace locknode::command {

void UndoLog::Save(keyspace::Keyspace& ks, std::string_view key, Millis now) {
  std::string owned(key);
  if (saved_.contains(owned)) return;
  Saved saved;
  if (const auto entry = ks.Find(key, now)) {
    saved.existed = true;
    saved.kind = entry->kind;
    saved.deadline = entry->deadline;
    if (entry->object != nullptr) {
      saved.object = entry->object->Clone();
    } else {
      saved.value = std::string(entry->value);
    }
  }
  saved_.emplace(std::move(owned), std::move(saved));
}

// Each key is restored to its state before the script's first write, so the order of the
// restores does not matter.
void UndoLog::Rollback(keyspace::Keyspace& ks, Millis now) {
  for (auto& [key, saved] : saved_) {
    if (!saved.existed) {
      ks.Erase(key, now);
      continue;
    }
    const auto ttl =
        saved.deadline == kNoDeadline ? keyspace::TtlMode::kClear : keyspace::TtlMode::kAt;
    const auto always = keyspace::SetCond::kAlways;
    if (saved.object != nullptr) {
      ks.SetObject(key, std::move(saved.object), always, ttl, saved.deadline, now);
    } else if (saved.kind != keyspace::ValueKind::kString) {
      ks.SetCompact(key, saved.kind, saved.value, always, ttl, saved.deadline, now);
    } else {
      ks.Set(key, saved.value, always, ttl, saved.deadline, now);
    }
  }
  saved_.clear();
}

// A write command without key positions (FLUSHALL) could not be undone, so scripts may not
// call it.
bool SaveKeysForUndo(UndoLog& undo, Shard& shard, const CommandSpec& cmd, ArgList args,
                     Millis now) {
  if (cmd.first_key <= 0) return false;
  const int argc = static_cast<int>(args.size());
  const int last = cmd.last_key >= 0 ? cmd.last_key : argc + cmd.last_key;
  const int step = cmd.key_step > 0 ? cmd.key_step : 1;
  for (int i = static_cast<unsigned char>(cmd.first_key); i <= last && i < argc; i += step) {
    undo.Save(shard.keyspace(), args[static_cast<size_t>(i)], now);
  }
  return true;
}

// The same funnel as clients, as the script's own client (Redis scriptCall -> call()).
void ScriptInvoker::Call(std::span<const std::string_view> args, protocol::ReplySink& sink) {
  RunCommand(shard_, args, Caller{Origin::kScript, client_, now_, wall_us_, read_only_, &undo_},
             sink);
}

namespace {

// Compare-and-delete scripts: DEL's policy does not depend on the key's state, so it is asked
// before the single lookup that compares and deletes. The script's GET is a read lookup and
// counts a keyspace hit or miss.
bool NativeRelease(CommandContext& ctx, const script::FastPath& fp, const CommandSpec& del,
                   std::string_view key, std::string_view token) {
  const std::string_view del_args[] = {del.name, key};
  protocol::DiscardSink discard;
  if (!AdmitWrite(ctx.shard, del, del_args, ctx.now, ctx.wall_us, discard)) return false;
  Millis deadline = kNoDeadline;
  const keyspace::CasResult outcome =
      ctx.shard.keyspace().CompareAndDelete(key, token, ctx.now, &deadline);
  // A key of another kind changes nothing and goes to Lua, whose GET fails with WRONGTYPE.
  if (outcome == keyspace::CasResult::kWrongType) return false;
  ctx.shard.lock_stats().CountRelease(outcome == keyspace::CasResult::kDone, deadline, ctx.now);
  CountLookup(ctx.shard, key, outcome != keyspace::CasResult::kMissing);
  if (fp.kind == script::FastPathKind::kCompareAndDeleteOrMinus1 &&
      outcome == keyspace::CasResult::kMissing) {
    ctx.reply.Integer(-1);  // redsync: "lock already expired"
  } else {
    ctx.reply.Integer(outcome == keyspace::CasResult::kDone ? 1 : 0);
  }
  return true;
}

// Compare-and-extend scripts: the write (PEXPIRE key ttl, or SET key token PX ttl) happens only
// when the token matches, so only then is its policy asked, with the arguments the script's
// redis.call would pass: past maxmemory the SET form is refused (denyoom) and PEXPIRE is not,
// as in Redis; quarantine, max-ttl and the lease watermark apply to both.
bool NativeExtend(CommandContext& ctx, const script::FastPath& fp, const CommandSpec& write,
                  std::string_view key, std::string_view token,
                  std::span<const std::string_view> argv) {
  const std::string_view ttl_text = argv[fp.ttl_arg];
  const auto ttl = ParseInt64(ttl_text);
  if (!ttl || *ttl < 1 || *ttl > script::kFastPathMaxTtlMs) return false;
  keyspace::Keyspace& ks = ctx.shard.keyspace();
  const auto entry = ks.Find(key, ctx.now);                                // the script's GET
  if (entry && entry->kind != keyspace::ValueKind::kString) return false;  // Lua: WRONGTYPE
  const bool found = entry.has_value();
  const bool matched = found && entry->value == token;
  if (matched) {
    const std::string_view pexpire_args[] = {write.name, key, ttl_text};
    const std::string_view set_args[] = {write.name, key, token, "PX", ttl_text};
    const ArgList args =
        fp.write == script::FastPathWrite::kSetPx ? ArgList(set_args) : ArgList(pexpire_args);
    protocol::DiscardSink discard;
    if (!AdmitWrite(ctx.shard, write, args, ctx.now, ctx.wall_us, discard)) return false;
    ks.SetDeadline(key, DeadlineAfter(ctx.now, *ttl), ctx.now);
    // What the script's own SET ... PX / PEXPIRE would have notified.
    if (fp.write == script::FastPathWrite::kSetPx) {
      NotifyKeyspaceEvent(ctx.shard.events(), kNotifyString, "set", key);
    }
    NotifyKeyspaceEvent(ctx.shard.events(), kNotifyGeneric, "expire", key);
  }
  ++(matched ? ctx.shard.lock_stats().extended : ctx.shard.lock_stats().extend_missed);
  CountLookup(ctx.shard, key, found);
  ctx.reply.Integer(matched ? 1 : 0);
  return true;
}

}  // namespace

bool TryFastPath(CommandContext& ctx, const script::ScriptEntry& entry,
                 std::span<const std::string_view> keys, std::span<const std::string_view> argv,
                 bool read_only) {
  const script::FastPath& fp = entry.fast_path;
  // While someone monitors, the script runs in Lua so that its commands are shown ([0 lua]).
  if (!ctx.shard.config().lua_fast_path || fp.kind == script::FastPathKind::kNone || read_only ||
      !ctx.shard.monitors().empty() || entry.flags.no_writes || keys.size() != 1 ||
      argv.size() < fp.min_argv) {
    return false;
  }
  const CommandSpec& write = ctx.shard.fast_path_write(fp.write);
  const std::string_view token = argv[fp.token_arg];
  if (fp.kind == script::FastPathKind::kCompareAndPexpire) {
    return NativeExtend(ctx, fp, write, keys[0], token, argv);
  }
  return NativeRelease(ctx, fp, write, keys[0], token);
}

}  // namespace locknode::command

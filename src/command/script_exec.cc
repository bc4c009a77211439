#include "command/script_exec.h"

#include "locknode/base/strings.h"
#include "locknode/protocol/reply_sink.h"
#include "locknode/script/fast_path.h"

#include "command/funnel.h"
#include "command/read_lookup.h"
#include "command/write_policy.h"

namespace locknode::command {

void UndoLog::Save(keyspace::Keyspace& ks, std::string_view key, Millis now) {
  std::string owned(key);
  if (saved_.contains(owned)) return;
  Saved saved{false, {}, kNoDeadline};
  if (const auto entry = ks.Find(key, now)) {
    saved = Saved{true, std::string(entry->value), entry->deadline};
  }
  saved_.emplace(std::move(owned), std::move(saved));
}

// Each key is restored to its state before the script's first write, so the order of the
// restores does not matter.
void UndoLog::Rollback(keyspace::Keyspace& ks, Millis now) {
  for (const auto& [key, saved] : saved_) {
    if (!saved.existed) {
      ks.Erase(key, now);
    } else if (saved.deadline == kNoDeadline) {
      ks.Set(key, saved.value, keyspace::SetCond::kAlways, keyspace::TtlMode::kClear, 0, now);
    } else {
      ks.Set(key, saved.value, keyspace::SetCond::kAlways, keyspace::TtlMode::kAt, saved.deadline,
             now);
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
  for (int i = cmd.first_key; i <= last && i < argc; i += step) {
    undo.Save(shard.keyspace(), args[static_cast<size_t>(i)], now);
  }
  return true;
}

// The same funnel as clients, as the script's own client (Redis scriptCall -> call()).
void ScriptInvoker::Call(std::span<const std::string_view> args, protocol::ReplySink& sink) {
  RunCommand(shard_, args, Caller{Origin::kScript, client_, now_, wall_us_, read_only_, &undo_},
             sink);
}

bool TryFastPath(CommandContext& ctx, const script::ScriptEntry& entry,
                 std::span<const std::string_view> keys, std::span<const std::string_view> argv,
                 bool read_only) {
  const script::FastPath& fp = entry.fast_path;
  if (!ctx.shard.config().lua_fast_path || fp.kind == script::FastPathKind::kNone || read_only ||
      entry.flags.no_writes || keys.size() != 1 || argv.size() < fp.min_argv) {
    return false;
  }
  keyspace::Keyspace& ks = ctx.shard.keyspace();
  const std::string_view key = keys[0];
  const std::string_view token = argv[fp.token_arg];
  switch (fp.kind) {
    case script::FastPathKind::kCompareAndDelete:
      ctx.reply.Integer(ks.CompareAndDelete(key, token, ctx.now) ? 1 : 0);
      return true;
    case script::FastPathKind::kCompareAndDeleteOrMinus1:
      if (!ks.Exists(key, ctx.now)) {
        ctx.reply.Integer(-1);  // redsync: "lock already expired"
      } else {
        ctx.reply.Integer(ks.CompareAndDelete(key, token, ctx.now) ? 1 : 0);
      }
      return true;
    case script::FastPathKind::kCompareAndPexpire: {
      const auto ttl = ParseInt64(argv[fp.ttl_arg]);
      if (!ttl || *ttl < 1 || *ttl > script::kFastPathMaxTtlMs) return false;
      // A refused extend runs in Lua, so its error is exactly the script's own.
      LeaseGuard& lease = ctx.shard.lease();
      if (lease.QuarantineRemaining(ctx.now) > 0 || lease.ExceedsMaxTtl(*ttl)) return false;
      if (!lease.AdmitDeadline(ctx.now + *ttl, ctx.now, "pexpire", ctx.reply)) return true;
      ctx.reply.Integer(ks.CompareAndSetDeadline(key, token, ctx.now + *ttl, ctx.now) ? 1 : 0);
      return true;
    }
    case script::FastPathKind::kNone:
      break;
  }
  return false;
}

}  // namespace locknode::command

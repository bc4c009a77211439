#include "command/script_exec.h"

#include "locknode/base/strings.h"
#include "locknode/protocol/reply_sink.h"
#include "locknode/script/fast_path.h"

#include "command/write_admission.h"

namespace locknode::command {
namespace {

std::string_view ShortName(std::string_view name) {
  const size_t bar = name.find('|');
  return bar == std::string_view::npos ? name : name.substr(bar + 1);
}

bool ArityOk(int arity, size_t argc) {
  return arity > 0 ? argc == static_cast<size_t>(arity) : argc >= static_cast<size_t>(-arity);
}

}  // namespace

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

// Redis lookupCommand: a container with a subcommand argument resolves to the subcommand; an
// unknown subcommand is an unknown command.
const CommandSpec* ScriptInvoker::Lookup(std::span<const std::string_view> args) const {
  const CommandSpec* cmd = shard_.table().Find(args[0]);
  if (cmd == nullptr || cmd->subcommands.empty() || args.size() < 2) return cmd;
  for (const CommandSpec& sub : cmd->subcommands) {
    if (EqualsIgnoreCase(ShortName(sub.name), args[1])) return &sub;
  }
  return nullptr;
}

// Saves every key the command may write. A write command without key positions (FLUSHALL)
// could not be undone, so scripts may not call it.
bool ScriptInvoker::SaveKeys(const CommandSpec& cmd, std::span<const std::string_view> args) {
  if (cmd.first_key <= 0) return false;
  const int argc = static_cast<int>(args.size());
  const int last = cmd.last_key >= 0 ? cmd.last_key : argc + cmd.last_key;
  const int step = cmd.key_step > 0 ? cmd.key_step : 1;
  for (int i = cmd.first_key; i <= last && i < argc; i += step) {
    undo_.Save(shard_.keyspace(), args[static_cast<size_t>(i)], now_);
  }
  return true;
}

// Redis 7.0 scriptCall order: existence, arity, noscript, then the write checks.
void ScriptInvoker::Call(std::span<const std::string_view> args, protocol::ReplySink& sink) {
  const CommandSpec* cmd = Lookup(args);
  if (cmd == nullptr) return sink.Error(script::kErrScriptUnknownCommand);
  if (!ArityOk(cmd->arity, args.size())) return sink.Error(script::kErrScriptWrongArity);
  if ((cmd->flags & kNoScript) != 0) return sink.Error(script::kErrScriptNotAllowed);
  if ((cmd->flags & kWrite) != 0) {
    if (read_only_) return sink.Error(script::kErrScriptWriteInReadOnly);
    if (!SaveKeys(*cmd, args)) return sink.Error(script::kErrScriptNotAllowed);
    if (!AdmitWrite(shard_, *cmd, now_, sink)) return;
  }
  CommandContext ctx{shard_, client_, sink, now_, wall_us_};
  ++shard_.stats().commands_processed;  // Redis counts commands called from scripts too
  cmd->handler(ctx, args);
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
  // A key of another kind changes nothing and goes to Lua, whose GET fails with WRONGTYPE.
  const auto reply_cas = [&](keyspace::CasResult r) {
    if (r == keyspace::CasResult::kWrongType) return false;
    ctx.reply.Integer(r == keyspace::CasResult::kDone ? 1 : 0);
    return true;
  };
  switch (fp.kind) {
    case script::FastPathKind::kCompareAndDelete:
      return reply_cas(ks.CompareAndDelete(key, token, ctx.now));
    case script::FastPathKind::kCompareAndDeleteOrMinus1:
      if (!ks.Exists(key, ctx.now)) {
        ctx.reply.Integer(-1);  // redsync: "lock already expired"
        return true;
      }
      return reply_cas(ks.CompareAndDelete(key, token, ctx.now));
    case script::FastPathKind::kCompareAndPexpire: {
      const auto ttl = ParseInt64(argv[fp.ttl_arg]);
      if (!ttl || *ttl < 1 || *ttl > script::kFastPathMaxTtlMs) return false;
      // A refused extend runs in Lua, so its error is exactly the script's own.
      LeaseGuard& lease = ctx.shard.lease();
      if (lease.QuarantineRemaining(ctx.now) > 0 || lease.ExceedsMaxTtl(*ttl)) return false;
      if (!lease.AdmitDeadline(ctx.now + *ttl, ctx.now, "pexpire", ctx.reply)) return true;
      return reply_cas(ks.CompareAndSetDeadline(key, token, ctx.now + *ttl, ctx.now));
    }
    case script::FastPathKind::kNone:
      break;
  }
  return false;
}

}  // namespace locknode::command

// Scripting family: EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT LOAD|EXISTS|FLUSH|KILL|DEBUG|
// HELP, with Redis 7.0's replies (src/eval.c; COMPAT.md §3.5). Recognised lock scripts run
// natively (TryFastPath); everything else runs in the shard's sandboxed Lua engine, whose
// redis.call comes back through ScriptInvoker. An aborted script is rolled back.

#include <cstdint>
#include <string>
#include <string_view>

#include "locknode/base/strings.h"
#include "locknode/command/command_table.h"
#include "locknode/command/families.h"
#include "locknode/command/scripting.h"
#include "locknode/command/shard.h"
#include "locknode/protocol/errors.h"
#include "locknode/protocol/reply_sink.h"

#include "command/help_reply.h"
#include "command/script_exec.h"

namespace locknode::command {
namespace {

constexpr std::string_view kErrTooManyKeys =
    "ERR Number of keys can't be greater than number of args";
constexpr std::string_view kErrNegativeKeys = "ERR Number of keys can't be negative";
constexpr std::string_view kErrRoWithWriteFlag =
    "ERR Can not execute a script with write flag using *_ro command.";

// evalGenericCommand. EVALSHA with a SHA that is not 40 characters long is NOSCRIPT before
// anything else (evalShaCommand); numkeys is validated before the script is looked up or
// compiled.
void EvalGeneric(CommandContext& ctx, ArgList args, bool by_sha, bool read_only) {
  if (by_sha && args[1].size() != 40) return ctx.reply.Error(protocol::kErrNoScript);
  const auto numkeys = ParseInt64(args[2]);
  if (!numkeys) return ctx.reply.Error(protocol::kErrNotInteger);
  if (*numkeys > static_cast<int64_t>(args.size()) - 3) return ctx.reply.Error(kErrTooManyKeys);
  if (*numkeys < 0) return ctx.reply.Error(kErrNegativeKeys);
  script::ScriptCache& cache = ctx.shard.scripts();
  const script::ScriptEntry* entry = nullptr;
  if (by_sha) {
    entry = cache.Find(args[1]);
    if (entry == nullptr) return ctx.reply.Error(protocol::kErrNoScript);
  } else {
    std::string error;
    entry = cache.Intern(args[1], &error);  // EVAL caches the script (later EVALSHA hits)
    if (entry == nullptr) return ctx.reply.Error(error);
  }
  if (read_only && entry->flags.has_shebang && !entry->flags.no_writes) {
    return ctx.reply.Error(kErrRoWithWriteFlag);
  }
  const auto keys = args.subspan(3, static_cast<size_t>(*numkeys));
  const auto argv = args.subspan(3 + static_cast<size_t>(*numkeys));
  if (TryFastPath(ctx, *entry, keys, argv, read_only)) return;
  UndoLog undo;
  ScriptInvoker invoker(ctx.shard, ctx.now, ctx.wall_us, read_only || entry->flags.no_writes, undo);
  const script::RunStatus status =
      ctx.shard.lua().Run(entry->fn, entry->sha, keys, argv, invoker, ctx.reply);
  if (status == script::RunStatus::kAborted) undo.Rollback(ctx.shard.keyspace(), ctx.now);
}

void CmdEval(CommandContext& ctx, ArgList args) { EvalGeneric(ctx, args, false, false); }
void CmdEvalSha(CommandContext& ctx, ArgList args) { EvalGeneric(ctx, args, true, false); }
void CmdEvalRo(CommandContext& ctx, ArgList args) { EvalGeneric(ctx, args, false, true); }
void CmdEvalShaRo(CommandContext& ctx, ArgList args) { EvalGeneric(ctx, args, true, true); }

void CmdScriptLoad(CommandContext& ctx, ArgList args) {
  std::string error;
  const script::ScriptEntry* entry = ctx.shard.scripts().Intern(args[2], &error);
  if (entry == nullptr) return ctx.reply.Error(error);
  ctx.reply.Bulk(entry->sha);
}

void CmdScriptExists(CommandContext& ctx, ArgList args) {
  ctx.reply.Array(args.size() - 2);
  for (size_t i = 2; i < args.size(); ++i) {
    ctx.reply.Integer(ctx.shard.scripts().Contains(args[i]) ? 1 : 0);
  }
}

// Both modes flush at once: the cache is small and freeing it is cheap.
void CmdScriptFlush(CommandContext& ctx, ArgList args) {
  if (args.size() > 3 || (args.size() == 3 && !EqualsIgnoreCase(args[2], "sync") &&
                          !EqualsIgnoreCase(args[2], "async"))) {
    return ctx.reply.Error("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
  }
  ctx.shard.scripts().Flush();
  ctx.reply.Ok();
}

// Scripts run to completion (or to their budget) inside one command, so no script is ever
// running when SCRIPT KILL is processed.
void CmdScriptKill(CommandContext& ctx, ArgList /*args*/) {
  ctx.reply.Error("NOTBUSY No scripts in execution right now.");
}

// The Lua debugger is not provided; NO (its off switch) is accepted as in Redis.
void CmdScriptDebug(CommandContext& ctx, ArgList args) {
  if (EqualsIgnoreCase(args[2], "no")) return ctx.reply.Ok();
  if (EqualsIgnoreCase(args[2], "yes") || EqualsIgnoreCase(args[2], "sync")) {
    return ctx.reply.Error("ERR SCRIPT DEBUG is not supported by locknode");
  }
  ctx.reply.Error("ERR Use SCRIPT DEBUG YES/SYNC/NO");
}

void CmdScriptHelp(CommandContext& ctx, ArgList /*args*/) {
  static constexpr std::string_view kLines[] = {
      "DEBUG (YES|SYNC|NO)",
      "    Set the debug mode for subsequent scripts executed.",
      "EXISTS <sha1> [<sha1> ...]",
      "    Return information about the existence of the scripts in the script cache.",
      "FLUSH [ASYNC|SYNC]",
      "    Flush the Lua scripts cache. Very dangerous on replicas.",
      "    When called without the optional mode argument, the behavior is determined by the",
      "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
      "    * ASYNC: Asynchronously flush the scripts cache.",
      "    * SYNC: Synchronously flush the scripts cache.",
      "KILL",
      "    Kill the currently executing Lua script.",
      "LOAD <script>",
      "    Load a script into the scripts cache without executing it.",
  };
  ReplyHelp(ctx, "SCRIPT", kLines);
}

constexpr CommandSpec ScriptSub(std::string_view name, int arity, uint32_t flags, Handler handler,
                                std::string_view summary, std::string_view arguments) {
  return CommandSpec{.name = name,
                     .arity = arity,
                     .flags = flags,
                     .first_key = 0,
                     .last_key = 0,
                     .key_step = 0,
                     .handler = handler,
                     .summary = summary,
                     .arguments = arguments,
                     .group = "scripting"};
}

// Flags and arities as Redis 7.0 COMMAND INFO reports them.
constexpr CommandSpec kScriptSubcommands[] = {
    ScriptSub("load", 3, kNoScript, CmdScriptLoad,
              "Load the specified Lua script into the script cache.", "script"),
    ScriptSub("exists", -3, kNoScript, CmdScriptExists,
              "Check existence of scripts in the script cache.", "sha1 [sha1 ...]"),
    ScriptSub("flush", -2, kNoScript, CmdScriptFlush,
              "Remove all the scripts from the script cache.", "[ASYNC|SYNC]"),
    ScriptSub("kill", 2, kNoScript, CmdScriptKill, "Kill the script currently in execution.", ""),
    ScriptSub("debug", 3, kNoScript, CmdScriptDebug, "Set the debug mode for executed scripts.",
              "YES|SYNC|NO"),
    ScriptSub("help", 2, kLoading, CmdScriptHelp,
              "Show helpful text about the different subcommands", ""),
};

// EVAL-family keys are given by numkeys (movable keys in Redis); the table records none.
constexpr CommandSpec EvalSpec(std::string_view name, uint32_t flags, Handler handler,
                               std::string_view summary, std::string_view arguments) {
  return ScriptSub(name, -3, flags, handler, summary, arguments);
}

}  // namespace

script::EngineOptions ScriptEngineOptions(const Config& config, const Clock& clock) {
  script::EngineOptions options;
  options.limits.time_limit_ms = config.lua_time_limit;
  options.limits.instruction_limit = static_cast<uint64_t>(config.lua_instruction_limit);
  options.limits.memory_limit_bytes = static_cast<size_t>(config.lua_memory_limit);
  options.now_ms = [&clock] { return clock.NowMs(); };
  options.redis_version = config.redis_version;
  return options;
}

script::CacheLimits ScriptCacheLimits(const Config& config) {
  return script::CacheLimits{.max_scripts = static_cast<size_t>(config.lua_max_scripts),
                             .max_bytes = static_cast<size_t>(config.lua_cache_max_bytes),
                             .max_script_bytes = static_cast<size_t>(config.lua_max_script_bytes)};
}

void RegisterScriptCommands(CommandTable& table) {
  table.Add(EvalSpec("eval", kNoScript, CmdEval, "Execute a Lua script server side",
                     "script numkeys [key [key ...]] [arg [arg ...]]"));
  table.Add(EvalSpec("evalsha", kNoScript, CmdEvalSha, "Execute a Lua script server side",
                     "sha1 numkeys [key [key ...]] [arg [arg ...]]"));
  table.Add(EvalSpec("eval_ro", kNoScript | kReadOnly, CmdEvalRo,
                     "Execute a read-only Lua script server side",
                     "script numkeys [key [key ...]] [arg [arg ...]]"));
  table.Add(EvalSpec("evalsha_ro", kNoScript | kReadOnly, CmdEvalShaRo,
                     "Execute a read-only Lua script server side",
                     "sha1 numkeys [key [key ...]] [arg [arg ...]]"));
  CommandSpec script =
      ScriptSub("script", -2, 0, nullptr, "A container for Lua scripts management commands", "");
  script.subcommands = kScriptSubcommands;
  table.Add(script);
}

}  // namespace locknode::command

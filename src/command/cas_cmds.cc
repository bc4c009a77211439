// Native compare-and-delete: Redis 8.4's DELEX key [IFEQ v | IFNE v | IFDEQ d | IFDNE d] and
// DIGEST key, and Valkey 9's DELIFEQ key value (../shared/LIBRARIES.md §3). Neither exists in
// Debian's redis-server 7.0, so the replies follow the Redis 8.4 and Valkey docs and pull
// requests (redis#14435, #14502, #14529): tests/unit/command/cas_cmds_test.cc holds them.
// DELEX IFEQ and DELIFEQ end in Keyspace::CompareAndDelete, the operation the lock libraries'
// Lua release scripts run natively (script_exec.cc), so all three releases are one code path.

#include <string_view>

#include "locknode/base/digest.h"
#include "locknode/command/command_table.h"
#include "locknode/command/families.h"
#include "locknode/command/shard.h"
#include "locknode/protocol/errors.h"
#include "locknode/protocol/reply_sink.h"

#include "command/read_lookup.h"
#include "command/set_options.h"

namespace locknode::command {
namespace {

using keyspace::CasResult;
using keyspace::Match;
using keyspace::ValueKind;

// The release: delete iff the key holds exactly `token`. :1 deleted, :0 missing or another
// value, WRONGTYPE for a non-string (nothing changed).
void ReplyCompareAndDelete(CommandContext& ctx, std::string_view key, std::string_view token) {
  Millis deadline = kNoDeadline;
  const CasResult r = ctx.shard.keyspace().CompareAndDelete(key, token, ctx.now, &deadline);
  if (r == CasResult::kWrongType) {
    ctx.reply.Error(protocol::kErrWrongType);
  } else {
    ctx.shard.lock_stats().CountRelease(r == CasResult::kDone, deadline, ctx.now);
    ctx.reply.Integer(r == CasResult::kDone ? 1 : 0);
  }
}

// Redis 8.4 delexCommand (after #14529): the argument count is checked first (a condition
// without its value is a syntax error), then the key: missing -> :0; no condition deletes a key
// of any kind, like DEL; a condition needs a string (WRONGTYPE); a digest must be 16 hex digits.
void CmdDelEx(CommandContext& ctx, ArgList args) {
  if (args.size() != 2 && args.size() != 4) {
    ctx.reply.Error(protocol::kErrSyntax);
    return;
  }
  keyspace::Keyspace& ks = ctx.shard.keyspace();
  const std::string_view key = args[1];
  if (args.size() == 2) {
    ctx.reply.Integer(ks.Erase(key, ctx.now) ? 1 : 0);
    return;
  }
  const ValueCond cond = ValueCondOf(args[2]);
  if (cond == ValueCond::kIfEq) {
    ReplyCompareAndDelete(ctx, key, args[3]);
    return;
  }
  const auto found = LookupTyped(ctx, key, ValueKind::kString, false);
  if (found.match == Match::kWrongType) return;
  if (found.match == Match::kMissing) {
    ctx.reply.Integer(0);
    return;
  }
  if (cond == ValueCond::kNone) {
    // Wording unconfirmed for 8.4 (LIBRARIES.md §3): the generic syntax error.
    ctx.reply.Error(protocol::kErrSyntax);
    return;
  }
  if (IsDigestCond(cond) && !IsDigestText(args[3])) {
    ctx.reply.Error(kErrDigestFormat);
    return;
  }
  const bool holds = ValueCondHolds(cond, true, found.entry.value, args[3]);
  if (holds) ks.Erase(key, ctx.now);
  ctx.reply.Integer(holds ? 1 : 0);
}

// Valkey 9 DELIFEQ key value: DELEX key IFEQ value under its own name.
void CmdDelIfEq(CommandContext& ctx, ArgList args) { ReplyCompareAndDelete(ctx, args[1], args[2]); }

// Redis 8.4 digestCommand: a read lookup; nil for a missing key, WRONGTYPE for a non-string.
void CmdDigest(CommandContext& ctx, ArgList args) {
  const auto found = LookupTyped(ctx, args[1], ValueKind::kString, true);
  if (found.match == Match::kWrongType) return;
  if (found.match == Match::kMissing) {
    ctx.reply.Null();
    return;
  }
  const DigestHex hex = ValueDigest(found.entry.value);
  ctx.reply.Bulk(std::string_view(hex.data(), hex.size()));
}

constexpr CommandSpec kCasCommands[] = {
    {.name = "delex",
     .arity = -2,
     .flags = kWrite | kFast,
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .handler = CmdDelEx,
     .summary = "Conditionally removes the specified key based on value or digest comparison.",
     .arguments = "key [IFEQ value|IFNE value|IFDEQ digest|IFDNE digest]",
     .group = "string",
     .lifetime = Lifetime::kRemoves},
    {.name = "delifeq",
     .arity = 3,
     .flags = kWrite | kFast,
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .handler = CmdDelIfEq,
     .summary = "Delete key if value matches string.",
     .arguments = "key value",
     .group = "string",
     .lifetime = Lifetime::kRemoves},
    {.name = "digest",
     .arity = 2,
     .flags = kReadOnly | kFast | kLoading,
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .handler = CmdDigest,
     .summary = "Returns the XXH3 hash of a string value.",
     .arguments = "key",
     .group = "string"},
};

}  // namespace

void RegisterCasCommands(CommandTable& table) {
  for (const CommandSpec& spec : kCasCommands) table.Add(spec);
}

}  // namespace locknode::command

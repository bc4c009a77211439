// Set family: SADD, SREM, SISMEMBER, SMISMEMBER, SMEMBERS, SCARD, SPOP, SRANDMEMBER, SSCAN.
// Semantics, reply shapes and error texts follow Redis 7.0 src/t_set.c; SINTER, SUNION, SDIFF
// and their STORE forms are in set_algebra_cmds.cc.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "locknode/base/strings.h"
#include "locknode/command/command_table.h"
#include "locknode/command/families.h"
#include "locknode/command/keyspace_events.h"
#include "locknode/command/shard.h"
#include "locknode/keyspace/set.h"
#include "locknode/protocol/errors.h"
#include "locknode/protocol/reply_sink.h"

#include "command/collection_util.h"
#include "command/read_lookup.h"
#include "command/set_family.h"

namespace locknode::command {
namespace {

using keyspace::Match;
using keyspace::Set;
using keyspace::ValueKind;

Set* AsSet(const keyspace::TypedEntry& found) {
  return found.match == Match::kFound ? static_cast<Set*>(found.entry.object) : nullptr;
}

void CmdSAdd(CommandContext& ctx, ArgList args) {
  const auto found = LookupTyped(ctx, args[1], ValueKind::kSet, false);
  if (found.match == Match::kWrongType) return;
  Set* set = AsSet(found);
  std::unique_ptr<Set> created;
  if (set == nullptr) {
    created = std::make_unique<Set>();
    set = created.get();
  }
  int64_t added = 0;
  for (size_t i = 2; i < args.size(); ++i) added += set->Add(args[i]) ? 1 : 0;
  if (created != nullptr) {
    StoreNew(ctx, args[1], std::move(created));
  } else if (added > 0) {
    ctx.shard.keyspace().ObjectChanged(args[1], *set);
  }
  if (added > 0) NotifyKeyspaceEvent(ctx.shard.events(), kNotifySet, "sadd", args[1]);
  ctx.reply.Integer(added);
}

void CmdSRem(CommandContext& ctx, ArgList args) {
  const auto found = LookupTyped(ctx, args[1], ValueKind::kSet, false);
  if (found.match == Match::kWrongType) return;
  Set* set = AsSet(found);
  int64_t removed = 0;
  for (size_t i = 2; set != nullptr && i < args.size() && set->size() > 0; ++i) {
    removed += set->Remove(args[i]) ? 1 : 0;
  }
  if (removed > 0) {
    NotifyKeyspaceEvent(ctx.shard.events(), kNotifySet, "srem", args[1]);  // before any "del"
    AfterRemoval(ctx, args[1], *set);
  }
  ctx.reply.Integer(removed);
}

void CmdSIsMember(CommandContext& ctx, ArgList args) {
  const auto found = LookupTyped(ctx, args[1], ValueKind::kSet, true);
  if (found.match == Match::kWrongType) return;
  const Set* set = AsSet(found);
  ctx.reply.Integer(set != nullptr && set->Contains(args[2]) ? 1 : 0);
}

void CmdSMIsMember(CommandContext& ctx, ArgList args) {
  const auto found = LookupTyped(ctx, args[1], ValueKind::kSet, true);
  if (found.match == Match::kWrongType) return;
  const Set* set = AsSet(found);
  ctx.reply.Array(args.size() - 2);
  for (size_t i = 2; i < args.size(); ++i) {
    ctx.reply.Integer(set != nullptr && set->Contains(args[i]) ? 1 : 0);
  }
}

void CmdSMembers(CommandContext& ctx, ArgList args) {
  const auto found = LookupTyped(ctx, args[1], ValueKind::kSet, true);
  if (found.match == Match::kWrongType) return;
  const Set* set = AsSet(found);
  ReplySetMembers(ctx.reply, set != nullptr ? set->Members() : std::vector<std::string>{});
}

void CmdSCard(CommandContext& ctx, ArgList args) {
  const auto found = LookupTyped(ctx, args[1], ValueKind::kSet, true);
  if (found.match == Match::kWrongType) return;
  const Set* set = AsSet(found);
  ctx.reply.Integer(set != nullptr ? static_cast<int64_t>(set->size()) : 0);
}

size_t RandomPosition(size_t size) {
  return std::uniform_int_distribution<size_t>(0, size - 1)(CollectionRng());
}

// SPOP key [count]: one bulk without a count; with one a set reply (the whole set when count is
// at least its size, as Redis's union of the one set), and the key goes when emptied.
void CmdSPop(CommandContext& ctx, ArgList args) {
  if (args.size() > 3) return ctx.reply.Error(protocol::kErrSyntax);
  const bool has_count = args.size() == 3;
  int64_t count = 1;
  if (has_count) {
    const auto parsed = ParseInt64(args[2]);
    if (!parsed || *parsed < 0) {
      return ctx.reply.Error("ERR value is out of range, must be positive");
    }
    count = *parsed;
  }
  const auto found = LookupTyped(ctx, args[1], ValueKind::kSet, false);
  if (found.match == Match::kWrongType) return;
  Set* set = AsSet(found);
  if (set == nullptr) return has_count ? ctx.reply.Set(0) : ctx.reply.Null();
  if (count == 0) return ctx.reply.Set(0);
  std::vector<std::string> popped;
  if (static_cast<uint64_t>(count) >= set->size()) {
    popped = set->Members();
  } else {
    for (const size_t rank :
         SampleRanks(set->size(), static_cast<size_t>(count), CollectionRng())) {
      popped.push_back(set->At(rank));
    }
  }
  for (const std::string& m : popped) set->Remove(m);
  // Redis spopCommand / spopWithCountCommand: "spop" before the reply, "del" after it.
  NotifyKeyspaceEvent(ctx.shard.events(), kNotifySet, "spop", args[1]);
  if (has_count) {
    ReplySetMembers(ctx.reply, popped);
  } else {
    ctx.reply.Bulk(popped[0]);
  }
  AfterRemoval(ctx, args[1], *set);
}

// SRANDMEMBER key [count]: like ZRANDMEMBER (repetition for a negative count, the whole set in
// iteration order when the count covers it, else distinct members in set order).
void CmdSRandMember(CommandContext& ctx, ArgList args) {
  if (args.size() > 3) return ctx.reply.Error(protocol::kErrSyntax);
  if (args.size() == 2) {
    const auto found = LookupTyped(ctx, args[1], ValueKind::kSet, true);
    if (found.match == Match::kWrongType) return;
    const Set* set = AsSet(found);
    if (set == nullptr) return ctx.reply.Null();
    return ctx.reply.Bulk(set->At(RandomPosition(set->size())));
  }
  const auto l = ParseInt64(args[2]);
  if (!l) return ctx.reply.Error(protocol::kErrNotInteger);
  if (*l == INT64_MIN) return ctx.reply.Error(kErrRandomRange);
  const auto found = LookupTyped(ctx, args[1], ValueKind::kSet, true);
  if (found.match == Match::kWrongType) return;
  const Set* set = AsSet(found);
  if (set == nullptr || *l == 0) return ctx.reply.Array(0);
  const auto count = static_cast<size_t>(*l < 0 ? -*l : *l);
  if (*l < 0 || count == 1) {
    if (count > kMaxRandomReplies) return ctx.reply.Error(kErrRandomCount);
    ctx.reply.Array(count);
    for (size_t i = 0; i < count; ++i) ctx.reply.Bulk(set->At(RandomPosition(set->size())));
    return;
  }
  if (count >= set->size()) {
    const std::vector<std::string> all = set->Members();
    ctx.reply.Array(all.size());
    for (const std::string& m : all) ctx.reply.Bulk(m);
    return;
  }
  const std::vector<size_t> ranks = SampleRanks(set->size(), count, CollectionRng());
  ctx.reply.Array(ranks.size());
  for (const size_t r : ranks) ctx.reply.Bulk(set->At(r));
}

// SSCAN: every member with cursor 0 (Redis answers an intset that way; its hashtable walk by
// cursor is not reproduced: one complete step meets SCAN's guarantees).
void CmdSScan(CommandContext& ctx, ArgList args) {
  if (!ParseScanCursor(args[2])) return ctx.reply.Error(kErrInvalidCursor);
  const auto found = LookupTyped(ctx, args[1], ValueKind::kSet, true);
  if (found.match == Match::kWrongType) return;
  if (found.match == Match::kMissing) return ReplyEmptyScan(ctx.reply);
  ScanOptions options;
  if (!ParseScanOptions(args, 3, &options)) return ctx.reply.Error(options.error);
  std::vector<std::string> out;
  for (std::string& m : AsSet(found)->Members()) {
    if (options.Matches(m)) out.push_back(std::move(m));
  }
  ReplyScan(ctx.reply, out);
}

constexpr CommandSpec SRow(std::string_view name, int arity, uint32_t flags, Handler handler,
                           std::string_view summary, std::string_view arguments,
                           Lifetime lifetime = Lifetime::kNone) {
  return CollectionRow(name, arity, flags, handler, summary, arguments, "set", lifetime);
}

constexpr CommandSpec kSetCommands[] = {
    SRow("sadd", -3, kWrite | kDenyOom | kFast, CmdSAdd, "Add one or more members to a set",
         "key member [member ...]", Lifetime::kKeepsTtl),
    SRow("srem", -3, kWrite | kFast, CmdSRem, "Remove one or more members from a set",
         "key member [member ...]", Lifetime::kRemoves),
    SRow("sismember", 3, kReadOnly | kFast, CmdSIsMember,
         "Determine if a given value is a member of a set", "key member"),
    SRow("smismember", -3, kReadOnly | kFast, CmdSMIsMember,
         "Returns the membership associated with the given elements for a set",
         "key member [member ...]"),
    SRow("smembers", 2, kReadOnly, CmdSMembers, "Get all the members in a set", "key"),
    SRow("scard", 2, kReadOnly | kFast, CmdSCard, "Get the number of members in a set", "key"),
    SRow("spop", -2, kWrite | kFast, CmdSPop,
         "Remove and return one or multiple random members "
         "from a set",
         "key [count]", Lifetime::kRemoves),
    SRow("srandmember", -2, kReadOnly, CmdSRandMember,
         "Get one or multiple random members from a set", "key [count]"),
    SRow("sscan", -3, kReadOnly, CmdSScan, "Incrementally iterate Set elements",
         "key cursor [MATCH pattern] [COUNT count]"),
};

}  // namespace

void RegisterSetCommands(CommandTable& table) {
  for (const CommandSpec& spec : kSetCommands) table.Add(spec);
  RegisterSetAlgebraCommands(table);
}

}  // namespace locknode::command

// Set family, algebra: SINTER, SUNION, SDIFF, SINTERSTORE, SUNIONSTORE, SDIFFSTORE (Redis 7.0
// src/t_set.c sinterGenericCommand, sunionDiffGenericCommand). Missing keys are empty sets; a
// key of another kind fails the whole command with WRONGTYPE before anything is written.

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "locknode/command/command_table.h"
#include "locknode/command/keyspace_events.h"
#include "locknode/command/shard.h"
#include "locknode/keyspace/set.h"
#include "locknode/protocol/reply_sink.h"

#include "command/collection_util.h"
#include "command/read_lookup.h"
#include "command/set_family.h"

namespace locknode::command {
namespace {

using keyspace::Match;
using keyspace::Set;
using keyspace::ValueKind;

enum class Op : uint8_t { kInter, kUnion, kDiff };

// The sets named by `keys` (null for a missing key), or false after WRONGTYPE was replied.
bool LoadSets(CommandContext& ctx, ArgList keys, std::vector<const Set*>* sets) {
  for (const std::string_view key : keys) {
    const auto found = LookupTyped(ctx, key, ValueKind::kSet, true);
    if (found.match == Match::kWrongType) return false;
    sets->push_back(found.match == Match::kFound ? static_cast<Set*>(found.entry.object) : nullptr);
  }
  return true;
}

// The result as a Set, built the way Redis builds its destination set (an intset while every
// member is an integer), so its iteration order (and the STORE form's encoding) match.
std::unique_ptr<Set> Compute(const std::vector<const Set*>& sets, Op op) {
  auto out = std::make_unique<Set>();
  if (op == Op::kInter) {
    if (std::find(sets.begin(), sets.end(), nullptr) != sets.end()) return out;
    // Redis walks the smallest set and keeps what every other set holds.
    const Set* smallest = *std::min_element(
        sets.begin(), sets.end(), [](const Set* a, const Set* b) { return a->size() < b->size(); });
    for (const std::string& m : smallest->Members()) {
      bool everywhere = true;
      for (const Set* s : sets) everywhere = everywhere && (s == smallest || s->Contains(m));
      if (everywhere) out->Add(m);
    }
    return out;
  }
  for (size_t j = 0; j < sets.size(); ++j) {
    if (sets[j] == nullptr) continue;
    if (op == Op::kDiff && j > 0 && out->size() == 0) break;
    if (op == Op::kDiff && j == 0 && sets[0] == nullptr) break;
    for (const std::string& m : sets[j]->Members()) {
      if (op == Op::kUnion || j == 0) {
        out->Add(m);
      } else {
        out->Remove(m);
      }
    }
  }
  if (op == Op::kDiff && sets[0] == nullptr) return std::make_unique<Set>();
  return out;
}

void Generic(CommandContext& ctx, ArgList args, Op op, bool store) {
  std::vector<const Set*> sets;
  const ArgList keys = args.subspan(store ? 2 : 1);
  if (!LoadSets(ctx, keys, &sets)) return;
  std::unique_ptr<Set> result = Compute(sets, op);
  if (!store) return ReplySetMembers(ctx.reply, result->Members());
  // The destination is replaced (its TTL goes, as Redis's setKey) or, if the result is empty,
  // deleted. Redis replies first, then names the event ("sinterstore"... or the erase's "del").
  const auto size = static_cast<int64_t>(result->size());
  if (size > 0) {
    ctx.shard.keyspace().SetObject(args[1], std::move(result), keyspace::SetCond::kAlways,
                                   keyspace::TtlMode::kClear, 0, ctx.now);
    ctx.reply.Integer(size);
    constexpr std::string_view kEvents[] = {"sinterstore", "sunionstore", "sdiffstore"};
    const std::string_view event = op == Op::kInter   ? kEvents[0]
                                   : op == Op::kUnion ? kEvents[1]
                                                      : kEvents[2];
    NotifyKeyspaceEvent(ctx.shard.events(), kNotifySet, event, args[1]);
  } else {
    ctx.reply.Integer(0);
    ctx.shard.keyspace().Erase(args[1], ctx.now);
  }
}

void CmdSInter(CommandContext& ctx, ArgList args) { Generic(ctx, args, Op::kInter, false); }
void CmdSUnion(CommandContext& ctx, ArgList args) { Generic(ctx, args, Op::kUnion, false); }
void CmdSDiff(CommandContext& ctx, ArgList args) { Generic(ctx, args, Op::kDiff, false); }
void CmdSInterStore(CommandContext& ctx, ArgList args) { Generic(ctx, args, Op::kInter, true); }
void CmdSUnionStore(CommandContext& ctx, ArgList args) { Generic(ctx, args, Op::kUnion, true); }
void CmdSDiffStore(CommandContext& ctx, ArgList args) { Generic(ctx, args, Op::kDiff, true); }

// Every argument from the first is a key (the STORE forms: the destination, then the sources).
constexpr CommandSpec AllKeys(std::string_view name, uint32_t flags, Handler handler,
                              std::string_view summary, std::string_view arguments,
                              Lifetime lifetime) {
  CommandSpec spec = CollectionRow(name, lifetime == Lifetime::kNone ? -2 : -3, flags, handler,
                                   summary, arguments, "set", lifetime);
  spec.last_key = -1;
  return spec;
}

constexpr CommandSpec kSetAlgebraCommands[] = {
    AllKeys("sinter", kReadOnly, CmdSInter, "Intersect multiple sets", "key [key ...]",
            Lifetime::kNone),
    AllKeys("sunion", kReadOnly, CmdSUnion, "Add multiple sets", "key [key ...]", Lifetime::kNone),
    AllKeys("sdiff", kReadOnly, CmdSDiff, "Subtract multiple sets", "key [key ...]",
            Lifetime::kNone),
    // The STORE forms replace the destination with a key without a TTL.
    AllKeys("sinterstore", kWrite | kDenyOom, CmdSInterStore,
            "Intersect multiple sets and store the resulting set in a key",
            "destination key [key ...]", Lifetime::kNoTtl),
    AllKeys("sunionstore", kWrite | kDenyOom, CmdSUnionStore,
            "Add multiple sets and store the resulting set in a key", "destination key [key ...]",
            Lifetime::kNoTtl),
    AllKeys("sdiffstore", kWrite | kDenyOom, CmdSDiffStore,
            "Subtract multiple sets and store the resulting set in a key",
            "destination key [key ...]", Lifetime::kNoTtl),
};

}  // namespace

void RegisterSetAlgebraCommands(CommandTable& table) {
  for (const CommandSpec& spec : kSetAlgebraCommands) table.Add(spec);
}

}  // namespace locknode::command

// List family: LPUSH, RPUSH, LPUSHX, RPUSHX, LPOP, RPOP, LLEN, LRANGE, LINDEX, LSET, LREM, LPOS,
// LTRIM, LINSERT, LMOVE, RPOPLPUSH. Semantics, reply shapes and error texts follow Redis 7.0
// src/t_list.c (the blocking pops are not here: they need the session's blocked state).

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "locknode/base/strings.h"
#include "locknode/command/command_table.h"
#include "locknode/command/families.h"
#include "locknode/command/keyspace_events.h"
#include "locknode/command/shard.h"
#include "locknode/keyspace/list.h"
#include "locknode/protocol/errors.h"
#include "locknode/protocol/reply_sink.h"

#include "command/collection_util.h"
#include "command/list_family.h"
#include "command/read_lookup.h"

namespace locknode::command {
namespace {

using keyspace::List;
using keyspace::Match;
using keyspace::ValueKind;

constexpr std::string_view kErrNoSuchKey = "ERR no such key";
constexpr std::string_view kErrIndexRange = "ERR index out of range";
constexpr std::string_view kErrPositive = "ERR value is out of range, must be positive";

// The list a lookup found (null: missing). WRONGTYPE has been replied when match says so.
List* AsList(const keyspace::TypedEntry& found) {
  return found.match == Match::kFound ? static_cast<List*>(found.entry.object) : nullptr;
}

// Redis's list index: negative counts from the tail; nullopt when outside the list.
std::optional<size_t> ListIndex(int64_t index, size_t size) {
  const auto len = static_cast<int64_t>(size);
  if (index < 0) index += len;
  if (index < 0 || index >= len) return std::nullopt;
  return static_cast<size_t>(index);
}

// pushGenericCommand: XX (LPUSHX/RPUSHX) does nothing on a missing key.
void PushGeneric(CommandContext& ctx, ArgList args, bool front, bool xx) {
  const auto found = LookupTyped(ctx, args[1], ValueKind::kList, false);
  if (found.match == Match::kWrongType) return;
  List* list = AsList(found);
  if (list == nullptr && xx) return ctx.reply.Integer(0);
  std::unique_ptr<List> created;
  if (list == nullptr) {
    created = std::make_unique<List>();
    list = created.get();
  }
  for (size_t i = 2; i < args.size(); ++i) {
    if (front) {
      list->PushFront(args[i]);
    } else {
      list->PushBack(args[i]);
    }
  }
  const auto size = static_cast<int64_t>(list->size());
  if (created != nullptr) {
    StoreNew(ctx, args[1], std::move(created));
  } else {
    ctx.shard.keyspace().ObjectChanged(args[1], *list);
  }
  ctx.reply.Integer(size);
  // Redis pushGenericCommand replies, then notifies.
  NotifyKeyspaceEvent(ctx.shard.events(), kNotifyList, front ? "lpush" : "rpush", args[1]);
}

void CmdLPush(CommandContext& ctx, ArgList args) { PushGeneric(ctx, args, true, false); }
void CmdRPush(CommandContext& ctx, ArgList args) { PushGeneric(ctx, args, false, false); }
void CmdLPushX(CommandContext& ctx, ArgList args) { PushGeneric(ctx, args, true, true); }
void CmdRPushX(CommandContext& ctx, ArgList args) { PushGeneric(ctx, args, false, true); }

// addListRangeReply: Redis's rank arguments; `reverse` walks from the end of the range.
void ReplyRange(CommandContext& ctx, const List& list, int64_t start, int64_t end, bool reverse) {
  const RankSpan span = RankArgsSpan(start, end, list.size());
  ctx.reply.Array(span.end - span.begin);
  for (size_t i = 0; i < span.end - span.begin; ++i) {
    ctx.reply.Bulk(list.At(reverse ? span.end - 1 - i : span.begin + i));
  }
}

// popGenericCommand: without a count one bulk (null when missing); with one an array (a null
// array when missing: *-1 in RESP2).
void PopGeneric(CommandContext& ctx, ArgList args, bool front) {
  if (args.size() > 3) {
    return ctx.reply.Error(std::string("ERR wrong number of arguments for '") +
                           (front ? "lpop" : "rpop") + "' command");
  }
  const bool has_count = args.size() == 3;
  int64_t count = 0;
  if (has_count) {
    const auto parsed = ParseInt64(args[2]);
    if (!parsed || *parsed < 0) return ctx.reply.Error(kErrPositive);
    count = *parsed;
  }
  const auto found = LookupTyped(ctx, args[1], ValueKind::kList, false);
  if (found.match == Match::kWrongType) return;
  List* list = AsList(found);
  if (list == nullptr) return has_count ? ctx.reply.NullArray() : ctx.reply.Null();
  if (has_count && count == 0) return ctx.reply.Array(0);
  if (!has_count) {
    ctx.reply.Bulk(front ? list->PopFront() : list->PopBack());
  } else {
    const size_t n = std::min(static_cast<size_t>(count), list->size());
    const auto len = static_cast<int64_t>(list->size());
    const auto taken = static_cast<int64_t>(n);
    ReplyRange(ctx, *list, front ? 0 : len - taken, front ? taken - 1 : len - 1, !front);
    if (front) {
      list->EraseRange(0, n);
    } else {
      list->EraseRange(list->size() - n, list->size());
    }
  }
  // Redis listElementsRemoved: after the reply, "lpop"/"rpop", then "del" for an emptied list
  // (the observer's, when AfterRemoval erases it).
  NotifyKeyspaceEvent(ctx.shard.events(), kNotifyList, front ? "lpop" : "rpop", args[1]);
  AfterRemoval(ctx, args[1], *list);
}

void CmdLPop(CommandContext& ctx, ArgList args) { PopGeneric(ctx, args, true); }
void CmdRPop(CommandContext& ctx, ArgList args) { PopGeneric(ctx, args, false); }

void CmdLLen(CommandContext& ctx, ArgList args) {
  const auto found = LookupTyped(ctx, args[1], ValueKind::kList, true);
  if (found.match == Match::kWrongType) return;
  const List* list = AsList(found);
  ctx.reply.Integer(list != nullptr ? static_cast<int64_t>(list->size()) : 0);
}

// Both indexes parse before the lookup (LRANGE, LTRIM).
bool ParseTwo(CommandContext& ctx, ArgList args, int64_t* a, int64_t* b) {
  const auto x = ParseInt64(args[2]);
  const auto y = x ? ParseInt64(args[3]) : std::nullopt;
  if (!y) {
    ctx.reply.Error(protocol::kErrNotInteger);
    return false;
  }
  *a = *x;
  *b = *y;
  return true;
}

void CmdLRange(CommandContext& ctx, ArgList args) {
  int64_t start = 0, end = 0;
  if (!ParseTwo(ctx, args, &start, &end)) return;
  const auto found = LookupTyped(ctx, args[1], ValueKind::kList, true);
  if (found.match == Match::kWrongType) return;
  if (found.match == Match::kMissing) return ctx.reply.Array(0);
  ReplyRange(ctx, *AsList(found), start, end, false);
}

void CmdLTrim(CommandContext& ctx, ArgList args) {
  int64_t start = 0, end = 0;
  if (!ParseTwo(ctx, args, &start, &end)) return;
  const auto found = LookupTyped(ctx, args[1], ValueKind::kList, false);
  if (found.match == Match::kWrongType) return;
  List* list = AsList(found);
  if (list == nullptr) return ctx.reply.Ok();
  const RankSpan keep = RankArgsSpan(start, end, list->size());
  if (keep.end < list->size()) list->EraseRange(keep.end, list->size());
  list->EraseRange(0, keep.begin);
  NotifyKeyspaceEvent(ctx.shard.events(), kNotifyList, "ltrim", args[1]);  // even if none went
  AfterRemoval(ctx, args[1], *list);
  ctx.reply.Ok();
}

void CmdLIndex(CommandContext& ctx, ArgList args) {
  const auto found = LookupTyped(ctx, args[1], ValueKind::kList, true);
  if (found.match == Match::kWrongType) return;
  if (found.match == Match::kMissing) return ctx.reply.Null();
  const auto index = ParseInt64(args[2]);
  if (!index) return ctx.reply.Error(protocol::kErrNotInteger);
  const List& list = *AsList(found);
  const auto at = ListIndex(*index, list.size());
  if (!at) return ctx.reply.Null();
  ctx.reply.Bulk(list.At(*at));
}

void CmdLSet(CommandContext& ctx, ArgList args) {
  const auto found = LookupTyped(ctx, args[1], ValueKind::kList, false);
  if (found.match == Match::kWrongType) return;
  if (found.match == Match::kMissing) return ctx.reply.Error(kErrNoSuchKey);
  const auto index = ParseInt64(args[2]);
  if (!index) return ctx.reply.Error(protocol::kErrNotInteger);
  List& list = *AsList(found);
  const auto at = ListIndex(*index, list.size());
  if (!at) return ctx.reply.Error(kErrIndexRange);
  list.Set(*at, args[3]);
  ctx.shard.keyspace().ObjectChanged(args[1], list);
  ctx.reply.Ok();
  NotifyKeyspaceEvent(ctx.shard.events(), kNotifyList, "lset", args[1]);  // after the reply
}

void CmdLRem(CommandContext& ctx, ArgList args) {
  const auto parsed = ParseInt64(args[2]);
  if (!parsed) return ctx.reply.Error(protocol::kErrNotInteger);
  const auto found = LookupTyped(ctx, args[1], ValueKind::kList, false);
  if (found.match == Match::kWrongType) return;
  List* list = AsList(found);
  if (list == nullptr) return ctx.reply.Integer(0);
  const bool from_tail = *parsed < 0;
  const uint64_t limit =
      from_tail ? 0 - static_cast<uint64_t>(*parsed) : static_cast<uint64_t>(*parsed);  // 0: all
  int64_t removed = 0;
  for (size_t n = list->size(), k = 0; k < n; ++k) {
    const size_t i = from_tail ? n - 1 - k : k - static_cast<size_t>(removed);
    if (list->At(i) != args[3]) continue;
    list->Erase(i);
    ++removed;
    if (limit != 0 && static_cast<uint64_t>(removed) == limit) break;
  }
  if (removed > 0) {
    NotifyKeyspaceEvent(ctx.shard.events(), kNotifyList, "lrem", args[1]);
    AfterRemoval(ctx, args[1], *list);
  }
  ctx.reply.Integer(removed);
}

void CmdLInsert(CommandContext& ctx, ArgList args) {
  const bool after = EqualsIgnoreCase(args[2], "after");
  if (!after && !EqualsIgnoreCase(args[2], "before")) return ctx.reply.Error(protocol::kErrSyntax);
  const auto found = LookupTyped(ctx, args[1], ValueKind::kList, false);
  if (found.match == Match::kWrongType) return;
  List* list = AsList(found);
  if (list == nullptr) return ctx.reply.Integer(0);
  for (size_t i = 0; i < list->size(); ++i) {
    if (list->At(i) != args[3]) continue;
    list->Insert(after ? i + 1 : i, args[4]);
    ctx.shard.keyspace().ObjectChanged(args[1], *list);
    NotifyKeyspaceEvent(ctx.shard.events(), kNotifyList, "linsert", args[1]);
    return ctx.reply.Integer(static_cast<int64_t>(list->size()));
  }
  ctx.reply.Integer(-1);
}

constexpr CommandSpec LRow(std::string_view name, int arity, uint32_t flags, Handler handler,
                           std::string_view summary, std::string_view arguments,
                           Lifetime lifetime = Lifetime::kNone) {
  return CollectionRow(name, arity, flags, handler, summary, arguments, "list", lifetime);
}

constexpr CommandSpec kListCommands[] = {
    LRow("lpush", -3, kWrite | kDenyOom | kFast, CmdLPush,
         "Prepend one or multiple elements to a list", "key element [element ...]",
         Lifetime::kKeepsTtl),
    LRow("rpush", -3, kWrite | kDenyOom | kFast, CmdRPush,
         "Append one or multiple elements to a list", "key element [element ...]",
         Lifetime::kKeepsTtl),
    LRow("lpushx", -3, kWrite | kDenyOom | kFast, CmdLPushX,
         "Prepend an element to a list, only if the list exists", "key element [element ...]",
         Lifetime::kKeepsTtl),
    LRow("rpushx", -3, kWrite | kDenyOom | kFast, CmdRPushX,
         "Append an element to a list, only if the list exists", "key element [element ...]",
         Lifetime::kKeepsTtl),
    LRow("lpop", -2, kWrite | kFast, CmdLPop, "Remove and get the first elements in a list",
         "key [count]", Lifetime::kRemoves),
    LRow("rpop", -2, kWrite | kFast, CmdRPop, "Remove and get the last elements in a list",
         "key [count]", Lifetime::kRemoves),
    LRow("llen", 2, kReadOnly | kFast, CmdLLen, "Get the length of a list", "key"),
    LRow("lrange", 4, kReadOnly, CmdLRange, "Get a range of elements from a list",
         "key start stop"),
    LRow("lindex", 3, kReadOnly, CmdLIndex, "Get an element from a list by its index", "key index"),
    LRow("lset", 4, kWrite | kDenyOom, CmdLSet,
         "Set the value of an element in a list by its index", "key index element",
         Lifetime::kKeepsTtl),
    LRow("lrem", 4, kWrite, CmdLRem, "Remove elements from a list", "key count element",
         Lifetime::kRemoves),
    LRow("ltrim", 4, kWrite, CmdLTrim, "Trim a list to the specified range", "key start stop",
         Lifetime::kRemoves),
    LRow("linsert", 5, kWrite | kDenyOom, CmdLInsert,
         "Insert an element before or after another element in a list",
         "key BEFORE|AFTER pivot element", Lifetime::kKeepsTtl),
};

}  // namespace

void RegisterListCommands(CommandTable& table) {
  for (const CommandSpec& spec : kListCommands) table.Add(spec);
  RegisterListMoveCommands(table);
}

}  // namespace locknode::command

// List family, second file: LPOS, LMOVE, RPOPLPUSH (Redis 7.0 src/t_list.c lposCommand,
// lmoveGenericCommand).

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "locknode/base/strings.h"
#include "locknode/command/command_table.h"
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

struct PosOptions {
  int64_t rank = 1;
  int64_t count = -1;  // -1: not given (one index or null); 0: every match
  int64_t maxlen = 0;  // 0: the whole list
};

// getPositiveLongFromObjectOrReply with a message: the same text for a non-integer.
bool NonNegative(std::string_view arg, int64_t* out) {
  const auto v = ParseInt64(arg);
  if (!v || *v < 0) return false;
  *out = *v;
  return true;
}

// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]. False after replying.
bool ParsePos(CommandContext& ctx, ArgList args, PosOptions* o) {
  for (size_t j = 3; j < args.size(); ++j) {
    const bool more = j + 1 < args.size();
    if (EqualsIgnoreCase(args[j], "rank") && more) {
      const auto rank = ParseInt64(args[++j]);
      if (!rank) {
        ctx.reply.Error(protocol::kErrNotInteger);
        return false;
      }
      if (*rank == 0) {
        ctx.reply.Error(
            "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
            "or use negative to start from the end of the list");
        return false;
      }
      o->rank = *rank;
    } else if (EqualsIgnoreCase(args[j], "count") && more) {
      if (!NonNegative(args[++j], &o->count)) {
        ctx.reply.Error("ERR COUNT can't be negative");
        return false;
      }
    } else if (EqualsIgnoreCase(args[j], "maxlen") && more) {
      if (!NonNegative(args[++j], &o->maxlen)) {
        ctx.reply.Error("ERR MAXLEN can't be negative");
        return false;
      }
    } else {
      ctx.reply.Error(protocol::kErrSyntax);
      return false;
    }
  }
  return true;
}

void CmdLPos(CommandContext& ctx, ArgList args) {
  PosOptions o;
  if (!ParsePos(ctx, args, &o)) return;
  const bool from_tail = o.rank < 0;
  // A rank of INT64_MIN stays negative in Redis's negation; any match then qualifies.
  const uint64_t rank =
      from_tail ? 0 - static_cast<uint64_t>(o.rank) : static_cast<uint64_t>(o.rank);
  const auto found = LookupTyped(ctx, args[1], ValueKind::kList, true);
  if (found.match == Match::kWrongType) return;
  if (found.match == Match::kMissing) {
    return o.count != -1 ? ctx.reply.Array(0) : ctx.reply.Null();
  }
  const List& list = *static_cast<List*>(found.entry.object);
  const size_t n = list.size();
  std::vector<int64_t> hits;
  uint64_t matches = 0;
  for (size_t k = 0; k < n && (o.maxlen == 0 || k < static_cast<size_t>(o.maxlen)); ++k) {
    const size_t i = from_tail ? n - 1 - k : k;
    if (list.At(i) != args[2]) continue;
    ++matches;
    if (matches < rank) continue;
    hits.push_back(static_cast<int64_t>(i));
    if (o.count == -1) break;
    if (o.count != 0 && matches - rank + 1 >= static_cast<uint64_t>(o.count)) break;
  }
  if (o.count == -1) return hits.empty() ? ctx.reply.Null() : ctx.reply.Integer(hits[0]);
  ctx.reply.Array(hits.size());
  for (const int64_t h : hits) ctx.reply.Integer(h);
}

}  // namespace

// LEFT / RIGHT (getListPositionFromObjectOrReply).
bool ParseListEnd(std::string_view arg, bool* left) {
  *left = EqualsIgnoreCase(arg, "left");
  return *left || EqualsIgnoreCase(arg, "right");
}

// lmoveGenericCommand: the source decides first (missing: null), then the destination's type;
// the element moves (source and destination may be the same list), and an emptied source is
// deleted. Events as Redis orders them: the destination's "new" and push, the reply, then the
// source's pop and "del". Also how a served BLMOVE moves its element (blocking_cmds.cc).
void ListMove(CommandContext& ctx, std::string_view src_key, std::string_view dst_key,
              bool from_left, bool to_left) {
  const auto src_found = LookupTyped(ctx, src_key, ValueKind::kList, false);
  if (src_found.match == Match::kWrongType) return;
  if (src_found.match == Match::kMissing) return ctx.reply.Null();
  List* src = static_cast<List*>(src_found.entry.object);
  const auto dst_found = LookupTyped(ctx, dst_key, ValueKind::kList, false);
  if (dst_found.match == Match::kWrongType) return;
  List* dst =
      dst_found.match == Match::kFound ? static_cast<List*>(dst_found.entry.object) : nullptr;
  const std::string value = from_left ? src->PopFront() : src->PopBack();
  std::unique_ptr<List> created;
  if (dst == nullptr) {
    created = std::make_unique<List>();
    dst = created.get();
  }
  if (to_left) {
    dst->PushFront(value);
  } else {
    dst->PushBack(value);
  }
  // Another key's store leaves `src` where it is (the keyspace never moves objects).
  if (created != nullptr) {
    StoreNew(ctx, dst_key, std::move(created));
  } else {
    ctx.shard.keyspace().ObjectChanged(dst_key, *dst);
  }
  KeyspaceEvents& events = ctx.shard.events();
  NotifyKeyspaceEvent(events, kNotifyList, to_left ? "lpush" : "rpush", dst_key);
  ctx.reply.Bulk(value);
  NotifyKeyspaceEvent(events, kNotifyList, from_left ? "lpop" : "rpop", src_key);
  if (dst != src) AfterRemoval(ctx, src_key, *src);
}

namespace {

void CmdLMove(CommandContext& ctx, ArgList args) {
  bool from_left = false, to_left = false;
  if (!ParseListEnd(args[3], &from_left) || !ParseListEnd(args[4], &to_left)) {
    return ctx.reply.Error(protocol::kErrSyntax);
  }
  ListMove(ctx, args[1], args[2], from_left, to_left);
}

void CmdRPopLPush(CommandContext& ctx, ArgList args) {
  ListMove(ctx, args[1], args[2], false, true);
}

// LMOVE and RPOPLPUSH may create the destination, which then has no TTL: kNoTtl (the TTL rule
// of a key other than args[first_key] is not expressible as kKeepsTtl).
constexpr CommandSpec MoveRow(std::string_view name, int arity, Handler handler,
                              std::string_view summary, std::string_view arguments) {
  CommandSpec spec = CollectionRow(name, arity, kWrite | kDenyOom, handler, summary, arguments,
                                   "list", Lifetime::kNoTtl);
  spec.last_key = 2;
  return spec;
}

constexpr CommandSpec kListMoveCommands[] = {
    CollectionRow("lpos", -3, kReadOnly, CmdLPos, "Return the index of matching elements on a list",
                  "key element [RANK rank] [COUNT num-matches] [MAXLEN len]", "list"),
    MoveRow("lmove", 5, CmdLMove,
            "Pop an element from a list, push it to another list and return it",
            "source destination LEFT|RIGHT LEFT|RIGHT"),
    MoveRow("rpoplpush", 3, CmdRPopLPush,
            "Remove the last element in a list, prepend it to another list and return it",
            "source destination"),
};

}  // namespace

void RegisterListMoveCommands(CommandTable& table) {
  for (const CommandSpec& spec : kListMoveCommands) table.Add(spec);
}

}  // namespace locknode::command

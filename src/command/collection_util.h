#pragma once

// Private to the command module: what the collection families (sorted sets, lists, sets) share:
// their table rows, storing a new collection, deleting one that became empty (Redis deletes a
// key whose collection empties), the *SCAN cursor and options, and random sampling.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "locknode/command/command_table.h"
#include "locknode/command/shard.h"
#include "locknode/keyspace/keyspace.h"
#include "locknode/protocol/reply_sink.h"

namespace locknode::command {

// One key (args[1]) rows; `group` is COMMAND DOCS's group ("sorted-set", "list", "set").
constexpr CommandSpec CollectionRow(std::string_view name, int arity, uint32_t flags,
                                    Handler handler, std::string_view summary,
                                    std::string_view arguments, std::string_view group,
                                    Lifetime lifetime = Lifetime::kNone) {
  return {.name = name,
          .arity = arity,
          .flags = flags,
          .first_key = 1,
          .last_key = 1,
          .key_step = 1,
          .handler = handler,
          .summary = summary,
          .arguments = arguments,
          .group = group,
          .lifetime = lifetime};
}

// Positions [begin, end) of a collection.
struct RankSpan {
  size_t begin = 0, end = 0;
};
// Redis's rank arguments (ZRANGE/LRANGE start stop, ZREMRANGEBYRANK, LTRIM): negatives count from
// the end; an empty span when start > stop or start is past the end.
RankSpan RankArgsSpan(int64_t start, int64_t stop, size_t size);

// Stores a collection built by the command under a key that held nothing (no TTL, as Redis's
// dbAdd). The keyspace charges it at its size now.
inline void StoreNew(CommandContext& ctx, std::string_view key,
                     std::unique_ptr<keyspace::Object> object) {
  ctx.shard.keyspace().SetObject(key, std::move(object), keyspace::SetCond::kAlways,
                                 keyspace::TtlMode::kClear, 0, ctx.now);
}

// After members were removed in place: an empty collection's key is deleted, else recounted.
template <typename Collection>
void AfterRemoval(CommandContext& ctx, std::string_view key, Collection& collection) {
  if (collection.size() == 0) {
    ctx.shard.keyspace().Erase(key, ctx.now);
  } else {
    ctx.shard.keyspace().ObjectChanged(key, collection);
  }
}

// ZRANDMEMBER/SRANDMEMBER/HRANDFIELD with a negative count build the whole reply at once; Redis
// stops only when the client's output limit closes it. A count past this is refused instead, so
// one command cannot take the node's memory (a locknode limit, not Redis's).
inline constexpr size_t kMaxRandomReplies = size_t{1} << 24;
inline constexpr std::string_view kErrRandomCount =
    "ERR count is too large for one reply (locknode allows 16777216)";
// Redis getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX).
inline constexpr std::string_view kErrRandomRange =
    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";

// `count` distinct ranks of [0, size), ascending (count < size).
std::vector<size_t> SampleRanks(size_t size, size_t count, std::mt19937_64& rng);
// The families' random source (ZRANDMEMBER, SPOP, SRANDMEMBER).
std::mt19937_64& CollectionRng();

// Redis parseScanCursorOrReply: strtoul over the whole argument, no leading space, no overflow.
inline constexpr std::string_view kErrInvalidCursor = "ERR invalid cursor";
bool ParseScanCursor(std::string_view arg);

// Redis scanGenericCommand's options for a key's collection: COUNT n (n >= 1) and MATCH pattern,
// each only when followed by a value; anything else is a syntax error. Parsed after the lookup.
struct ScanOptions {
  int64_t count = 10;
  std::string_view pattern;
  bool use_pattern = false;
  std::string_view error;
  bool Matches(std::string_view member) const;
};
bool ParseScanOptions(ArgList args, size_t first, ScanOptions* options);
// [cursor "0", elements]; the reply to a missing key is the same with no elements.
void ReplyScan(protocol::ReplySink& reply, const std::vector<std::string>& elements);
inline void ReplyEmptyScan(protocol::ReplySink& reply) { ReplyScan(reply, {}); }

}  // namespace locknode::command

// HRANDFIELD and HSCAN (Redis 7.0 src/t_hash.c hrandfieldCommand, src/db.c scanGenericCommand).

#include <algorithm>
#include <cstdint>
#include <random>
#include <string_view>
#include <vector>

#include "locknode/base/strings.h"
#include "locknode/command/arg_cursor.h"
#include "locknode/command/client_state.h"
#include "locknode/protocol/errors.h"
#include "locknode/protocol/reply_sink.h"

#include "command/glob_match.h"
#include "command/hash_family.h"

namespace locknode::command {
namespace {

// The family's random source (HRANDFIELD's picks need no reproducibility; Redis uses rand()).
// One per process, like the single thread that serves the keyspace.
std::mt19937_64& Rng() {
  static std::mt19937_64 rng{std::random_device{}()};
  return rng;
}

size_t RandomIndex(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(Rng()); }

// One field (and value): RESP3 nests each WITHVALUES pair in an array of 2, RESP2 is flat.
void ReplyPair(CommandContext& ctx, const HashPair& p, bool with_values) {
  if (with_values && ctx.client.resp_version() > 2) ctx.reply.Array(2);
  ctx.reply.Bulk(p.field);
  if (with_values) ctx.reply.Bulk(p.value);
}

void ReplyPairsHeader(CommandContext& ctx, size_t n, bool with_values) {
  ctx.reply.Array(with_values && ctx.client.resp_version() == 2 ? n * 2 : n);
}

// Redis hrandfieldWithCountCommand: a negative count samples with repetition; a positive one
// returns distinct fields, the whole hash in its order when count >= size.
void RandFieldsWithCount(CommandContext& ctx, std::string_view key, int64_t l, bool with_values) {
  const auto hash = LookupHash(ctx, key, true);
  if (!hash) return;
  if (!hash->exists() || l == 0) {
    ctx.reply.Array(0);  // shared.emptyarray, in RESP3 too
    return;
  }
  const std::vector<HashPair> pairs = hash->Pairs();
  const bool uniq = l > 0;
  const auto count = static_cast<uint64_t>(l > 0 ? l : -l);
  if (!uniq || count == 1) {
    ReplyPairsHeader(ctx, count, with_values);
    for (uint64_t i = 0; i < count; ++i) {
      ReplyPair(ctx, pairs[RandomIndex(pairs.size())], with_values);
    }
    return;
  }
  if (count >= pairs.size()) {
    ReplyPairsHeader(ctx, pairs.size(), with_values);
    for (const HashPair& p : pairs) ReplyPair(ctx, p, with_values);
    return;
  }
  // Distinct picks: a partial Fisher-Yates shuffle of the indices, O(size).
  std::vector<size_t> order(pairs.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  ReplyPairsHeader(ctx, count, with_values);
  for (size_t i = 0; i < count; ++i) {
    std::swap(order[i], order[i + RandomIndex(order.size() - i)]);
    ReplyPair(ctx, pairs[order[i]], with_values);
  }
}

// Redis parseScanCursorOrReply is strtoul: a decimal with an optional sign ("-1" wraps to
// 2^64-1), the empty string is cursor 0; a leading space, any other character or an overflow is
// "invalid cursor".
std::optional<uint64_t> ParseCursor(std::string_view s) {
  if (s.empty()) return 0;
  const bool negative = s[0] == '-';
  if (s[0] == '+' || negative) s.remove_prefix(1);
  if (s.empty()) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return negative ? 0 - v : v;
}

}  // namespace

// Redis hrandfieldCommand: the count and WITHVALUES are parsed before the key is looked up.
void CmdHRandField(CommandContext& ctx, ArgList args) {
  if (args.size() >= 3) {
    const auto l = ParseInt64(args[2]);
    if (!l) {
      ctx.reply.Error(protocol::kErrNotInteger);
      return;
    }
    if (*l == INT64_MIN) {
      ctx.reply.Error(
          "ERR value is out of range, value must between -9223372036854775807 and "
          "9223372036854775807");
      return;
    }
    if (args.size() > 4 || (args.size() == 4 && !EqualsIgnoreCase(args[3], "withvalues"))) {
      ctx.reply.Error(protocol::kErrSyntax);
      return;
    }
    const bool with_values = args.size() == 4;
    if (with_values && (*l < -INT64_MAX / 2 || *l > INT64_MAX / 2)) {
      ctx.reply.Error("ERR value is out of range");
      return;
    }
    RandFieldsWithCount(ctx, args[1], *l, with_values);
    return;
  }
  const auto hash = LookupHash(ctx, args[1], true);
  if (!hash) return;
  if (!hash->exists()) {
    ctx.reply.Null();
    return;
  }
  const std::vector<HashPair> pairs = hash->Pairs();
  ctx.reply.Bulk(pairs[RandomIndex(pairs.size())].field);
}

// Redis scanGenericCommand for a hash: the cursor is parsed first, then the key (missing: an
// empty scan; another kind: WRONGTYPE), then the options. A listpack hash is returned whole with
// cursor 0 whatever the cursor given; a table is walked in fixed-hash order (HashTable::Scan).
// The reply is a flat array in RESP3 too.
void CmdHScan(CommandContext& ctx, ArgList args) {
  const auto cursor = ParseCursor(args[2]);
  if (!cursor) {
    ctx.reply.Error("ERR invalid cursor");
    return;
  }
  const auto hash = LookupHash(ctx, args[1], true);
  if (!hash) return;
  if (!hash->exists()) {
    ctx.reply.Array(2);
    ctx.reply.Bulk("0");
    ctx.reply.Array(0);
    return;
  }
  int64_t count = 10;
  std::string_view pattern;
  bool use_pattern = false;
  for (size_t i = 3; i < args.size(); i += 2) {
    const bool has_value = i + 1 < args.size();
    if (has_value && EqualsIgnoreCase(args[i], "count")) {
      const auto n = ParseInt64(args[i + 1]);
      if (!n) {
        ctx.reply.Error(protocol::kErrNotInteger);
        return;
      }
      if (*n < 1) {
        ctx.reply.Error(protocol::kErrSyntax);
        return;
      }
      count = *n;
    } else if (has_value && EqualsIgnoreCase(args[i], "match")) {
      pattern = args[i + 1];
      use_pattern = pattern != "*";
    } else {
      ctx.reply.Error(protocol::kErrSyntax);
      return;
    }
  }
  std::vector<HashPair> found;
  uint64_t next = 0;
  if (hash->table() != nullptr) {
    next = hash->table()->Scan(*cursor, static_cast<size_t>(count), &found);
  } else {
    found = hash->Pairs();
  }
  if (use_pattern) {
    std::erase_if(found, [&](const HashPair& p) { return !GlobMatch(pattern, p.field, false); });
  }
  ctx.reply.Array(2);
  char buf[24];
  const int len = std::snprintf(buf, sizeof(buf), "%llu", static_cast<unsigned long long>(next));
  ctx.reply.Bulk(std::string_view(buf, static_cast<size_t>(len)));
  ctx.reply.Array(found.size() * 2);
  for (const HashPair& p : found) {
    ctx.reply.Bulk(p.field);
    ctx.reply.Bulk(p.value);
  }
}

}  // namespace locknode::command

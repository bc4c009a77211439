// Hash family: HSET HMSET HSETNX HGET HMGET HDEL HEXISTS HINCRBY HINCRBYFLOAT HLEN HKEYS HVALS
// HGETALL HSTRLEN (HRANDFIELD and HSCAN: hash_scan_cmds.cc). Semantics, reply shapes and error
// texts follow Redis 7.0 src/t_hash.c; the encodings are in hash_value.h. Writes keep the key's
// TTL (Redis never touches it on a hash write), so their rows declare Lifetime::kKeepsTtl.

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "locknode/base/strings.h"
#include "locknode/command/command_table.h"
#include "locknode/command/families.h"
#include "locknode/command/keyspace_events.h"
#include "locknode/command/shard.h"
#include "locknode/protocol/errors.h"
#include "locknode/protocol/reply_sink.h"

#include "command/hash_family.h"
#include "command/hash_value.h"
#include "command/long_double.h"
#include "command/read_lookup.h"

namespace locknode::command {

// Looks up a hash (Redis lookupKeyRead/Write + checkType). nullopt: WRONGTYPE was replied.
std::optional<HashValue> LookupHash(CommandContext& ctx, std::string_view key, bool read) {
  const auto found = LookupTyped(ctx, key, keyspace::ValueKind::kHash, read);
  if (found.match == keyspace::Match::kWrongType) return std::nullopt;
  return HashValue::Of(found);
}

namespace {

// Redis hsetCommand / hmsetCommand check the pairing themselves (arity -4 admits odd counts).
void HashSetGeneric(CommandContext& ctx, ArgList args, std::string_view arity_error, bool ok) {
  if (args.size() % 2 == 1) {
    ctx.reply.Error(arity_error);
    return;
  }
  auto hash = LookupHash(ctx, args[1], false);
  if (!hash) return;
  hash->ConvertIfLong(args.subspan(2));
  int64_t created = 0;
  for (size_t i = 2; i + 1 < args.size(); i += 2) created += hash->Set(args[i], args[i + 1]);
  hash->Commit(ctx.shard.keyspace(), args[1], ctx.now);
  if (ok) {
    ctx.reply.Ok();  // HMSET
  } else {
    ctx.reply.Integer(created);
  }
  // Redis's hash writes reply first, then notify (the order a self-subscribed RESP3 client sees).
  NotifyKeyspaceEvent(ctx.shard.events(), kNotifyHash, "hset", args[1]);  // HMSET's too
}

void CmdHSet(CommandContext& ctx, ArgList args) {
  HashSetGeneric(ctx, args, "ERR wrong number of arguments for 'hset' command", false);
}

void CmdHMSet(CommandContext& ctx, ArgList args) {
  HashSetGeneric(ctx, args, "ERR wrong number of arguments for 'hmset' command", true);
}

// Redis 7.0 hsetnxCommand: an existing field changes nothing (not even the encoding).
void CmdHSetNx(CommandContext& ctx, ArgList args) {
  auto hash = LookupHash(ctx, args[1], false);
  if (!hash) return;
  const bool set = !hash->Get(args[2]).has_value();
  if (set) {
    hash->ConvertIfLong(args.subspan(2, 2));
    hash->Set(args[2], args[3]);
  }
  hash->Commit(ctx.shard.keyspace(), args[1], ctx.now);
  ctx.reply.Integer(set ? 1 : 0);
  if (set) NotifyKeyspaceEvent(ctx.shard.events(), kNotifyHash, "hset", args[1]);
}

void CmdHGet(CommandContext& ctx, ArgList args) {
  const auto hash = LookupHash(ctx, args[1], true);
  if (!hash) return;
  if (const auto v = hash->Get(args[2])) {
    ctx.reply.Bulk(*v);
  } else {
    ctx.reply.Null();
  }
}

// A missing key answers nulls; another kind is WRONGTYPE (Redis hmgetCommand).
void CmdHMGet(CommandContext& ctx, ArgList args) {
  const auto hash = LookupHash(ctx, args[1], true);
  if (!hash) return;
  ctx.reply.Array(args.size() - 2);
  for (size_t i = 2; i < args.size(); ++i) {
    if (const auto v = hash->Get(args[i])) {
      ctx.reply.Bulk(*v);
    } else {
      ctx.reply.Null();
    }
  }
}

void CmdHDel(CommandContext& ctx, ArgList args) {
  auto hash = LookupHash(ctx, args[1], false);
  if (!hash) return;
  int64_t deleted = 0;
  if (hash->exists()) {
    for (size_t i = 2; i < args.size(); ++i) deleted += hash->Erase(args[i]);
    // Redis says "hdel" before the "del" of an emptied key, which the observer reports when
    // Commit erases it.
    if (deleted > 0) NotifyKeyspaceEvent(ctx.shard.events(), kNotifyHash, "hdel", args[1]);
    hash->Commit(ctx.shard.keyspace(), args[1], ctx.now);
  }
  ctx.reply.Integer(deleted);
}

void CmdHExists(CommandContext& ctx, ArgList args) {
  const auto hash = LookupHash(ctx, args[1], true);
  if (!hash) return;
  ctx.reply.Integer(hash->Get(args[2]).has_value() ? 1 : 0);
}

void CmdHLen(CommandContext& ctx, ArgList args) {
  const auto hash = LookupHash(ctx, args[1], true);
  if (!hash) return;
  ctx.reply.Integer(static_cast<int64_t>(hash->size()));
}

void CmdHStrLen(CommandContext& ctx, ArgList args) {
  const auto hash = LookupHash(ctx, args[1], true);
  if (!hash) return;
  const auto v = hash->Get(args[2]);
  ctx.reply.Integer(v ? static_cast<int64_t>(v->size()) : 0);
}

enum class Part : uint8_t { kKeys, kValues, kBoth };

// Redis genericHgetallCommand: HGETALL is a map in RESP3 (a flat array in RESP2), HKEYS and
// HVALS arrays; a missing key is an empty one.
void ReplyParts(CommandContext& ctx, ArgList args, Part part) {
  const auto hash = LookupHash(ctx, args[1], true);
  if (!hash) return;
  if (part == Part::kBoth) {
    ctx.reply.Map(hash->size());
  } else {
    ctx.reply.Array(hash->size());
  }
  hash->ForEach([&](std::string_view f, std::string_view v) {
    if (part != Part::kValues) ctx.reply.Bulk(f);
    if (part != Part::kKeys) ctx.reply.Bulk(v);
  });
}

void CmdHKeys(CommandContext& ctx, ArgList args) { ReplyParts(ctx, args, Part::kKeys); }
void CmdHVals(CommandContext& ctx, ArgList args) { ReplyParts(ctx, args, Part::kValues); }
void CmdHGetAll(CommandContext& ctx, ArgList args) { ReplyParts(ctx, args, Part::kBoth); }

void CmdHIncrBy(CommandContext& ctx, ArgList args) {
  const auto incr = ParseInt64(args[3]);
  if (!incr) {
    ctx.reply.Error(protocol::kErrNotInteger);
    return;
  }
  auto hash = LookupHash(ctx, args[1], false);
  if (!hash) return;
  int64_t value = 0;
  if (const auto old = hash->Get(args[2])) {
    const auto parsed = ParseInt64(*old);
    if (!parsed) {
      ctx.reply.Error("ERR hash value is not an integer");
      return;
    }
    value = *parsed;
  }
  if ((*incr < 0 && value < 0 && *incr < INT64_MIN - value) ||
      (*incr > 0 && value > 0 && *incr > INT64_MAX - value)) {
    ctx.reply.Error("ERR increment or decrement would overflow");
    return;
  }
  value += *incr;
  char buf[24];
  const int len = std::snprintf(buf, sizeof(buf), "%lld", static_cast<long long>(value));
  hash->Set(args[2], std::string_view(buf, static_cast<size_t>(len)));
  hash->Commit(ctx.shard.keyspace(), args[1], ctx.now);
  ctx.reply.Integer(value);
  NotifyKeyspaceEvent(ctx.shard.events(), kNotifyHash, "hincrby", args[1]);
}

// Redis ld2string(LD_STR_HUMAN): "%.17Lf" without trailing zeros (or point); "-0" is "0".
std::string FormatLongDouble(long double value) {
  char buf[size_t{5} * 1024];
  int len = std::snprintf(buf, sizeof(buf), "%.17Lf", value);
  if (len < 0 || static_cast<size_t>(len) >= sizeof(buf)) return "0";
  if (std::memchr(buf, '.', static_cast<size_t>(len)) != nullptr) {
    while (buf[len - 1] == '0') --len;
    if (buf[len - 1] == '.') --len;
  }
  if (len == 2 && buf[0] == '-' && buf[1] == '0') return "0";
  return std::string(buf, static_cast<size_t>(len));
}

void CmdHIncrByFloat(CommandContext& ctx, ArgList args) {
  const auto incr = ParseLongDouble(args[3]);
  if (!incr) {
    ctx.reply.Error("ERR value is not a valid float");
    return;
  }
  if (std::isinf(*incr)) {
    ctx.reply.Error("ERR value is NaN or Infinity");
    return;
  }
  auto hash = LookupHash(ctx, args[1], false);
  if (!hash) return;
  long double value = 0;
  if (const auto old = hash->Get(args[2])) {
    const auto parsed = ParseLongDouble(*old);
    if (!parsed) {
      ctx.reply.Error("ERR hash value is not a float");
      return;
    }
    value = *parsed;
  }
  value += *incr;
  if (std::isnan(value) || std::isinf(value)) {
    ctx.reply.Error("ERR increment would produce NaN or Infinity");
    return;
  }
  const std::string text = FormatLongDouble(value);
  hash->Set(args[2], text);
  hash->Commit(ctx.shard.keyspace(), args[1], ctx.now);
  ctx.reply.Bulk(text);
  NotifyKeyspaceEvent(ctx.shard.events(), kNotifyHash, "hincrbyfloat", args[1]);
}

constexpr uint32_t kRead = kReadOnly | kLoading;

CommandSpec HashRow(std::string_view name, int arity, uint32_t flags, Handler handler,
                    std::string_view summary, std::string_view arguments) {
  const bool write = (flags & kWrite) != 0;
  const bool removes = name == "hdel";
  return CommandSpec{.name = name,
                     .arity = arity,
                     .flags = flags,
                     .first_key = 1,
                     .last_key = 1,
                     .key_step = 1,
                     .handler = handler,
                     .summary = summary,
                     .arguments = arguments,
                     .group = "hash",
                     .lifetime = !write    ? Lifetime::kNone
                                 : removes ? Lifetime::kRemoves
                                           : Lifetime::kKeepsTtl};
}

}  // namespace

void RegisterHashCommands(CommandTable& table) {
  constexpr uint32_t kSetFlags = kWrite | kDenyOom | kFast;
  const CommandSpec rows[] = {
      HashRow("hset", -4, kSetFlags, CmdHSet, "Set the string value of a hash field",
              "key field value [field value ...]"),
      HashRow("hmset", -4, kSetFlags, CmdHMSet, "Set multiple hash fields to multiple values",
              "key field value [field value ...]"),
      HashRow("hsetnx", 4, kSetFlags, CmdHSetNx,
              "Set the value of a hash field, only if the field does not exist", "key field value"),
      HashRow("hget", 3, kRead | kFast, CmdHGet, "Get the value of a hash field", "key field"),
      HashRow("hmget", -3, kRead | kFast, CmdHMGet, "Get the values of all the given hash fields",
              "key field [field ...]"),
      HashRow("hdel", -3, kWrite | kFast, CmdHDel, "Delete one or more hash fields",
              "key field [field ...]"),
      HashRow("hexists", 3, kRead | kFast, CmdHExists, "Determine if a hash field exists",
              "key field"),
      HashRow("hincrby", 4, kSetFlags, CmdHIncrBy,
              "Increment the integer value of a hash field by the given number",
              "key field increment"),
      HashRow("hincrbyfloat", 4, kSetFlags, CmdHIncrByFloat,
              "Increment the float value of a hash field by the given amount",
              "key field increment"),
      HashRow("hlen", 2, kRead | kFast, CmdHLen, "Get the number of fields in a hash", "key"),
      HashRow("hstrlen", 3, kRead | kFast, CmdHStrLen,
              "Get the length of the value of a hash field", "key field"),
      HashRow("hkeys", 2, kRead, CmdHKeys, "Get all the fields in a hash", "key"),
      HashRow("hvals", 2, kRead, CmdHVals, "Get all the values in a hash", "key"),
      HashRow("hgetall", 2, kRead, CmdHGetAll, "Get all the fields and values in a hash", "key"),
      HashRow("hrandfield", -2, kRead, CmdHRandField,
              "Get one or multiple random fields from a hash", "key [count [WITHVALUES]]"),
      HashRow("hscan", -3, kRead, CmdHScan,
              "Incrementally iterate hash fields and associated values",
              "key cursor [MATCH pattern] [COUNT count]"),
  };
  for (const CommandSpec& row : rows) table.Add(row);
}

}  // namespace locknode::command

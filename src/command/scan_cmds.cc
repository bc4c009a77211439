// Key iteration: SCAN [MATCH pattern] [COUNT n] [TYPE type], KEYS pattern, RANDOMKEY. Replies and
// error texts follow Redis 7.0 src/db.c (scanGenericCommand, keysCommand, randomkeyCommand); the
// cursor is locknode's own (a position in hash order: Keyspace::Scan says why it is safe across
// every change of the index).

#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "locknode/base/strings.h"
#include "locknode/command/command_table.h"
#include "locknode/command/families.h"
#include "locknode/command/shard.h"
#include "locknode/keyspace/keyspace.h"
#include "locknode/protocol/errors.h"
#include "locknode/protocol/reply_sink.h"

#include "command/glob_match.h"
#include "command/read_lookup.h"

namespace locknode::command {
namespace {

// Redis parseScanCursorOrReply: strtoul on the C string (so "-1" is 2^64-1, "+5" is 5, "" is 0
// and bytes after a NUL are ignored), refused when it starts with a space, stops before the end
// or overflows.
std::optional<uint64_t> ParseCursor(std::string_view arg) {
  const std::string text(arg);  // NUL-terminated, as Redis's sds is
  if (std::isspace(static_cast<unsigned char>(text.c_str()[0]))) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const unsigned long cursor = std::strtoul(text.c_str(), &end, 10);
  if (*end != '\0' || errno == ERANGE) return std::nullopt;
  return cursor;
}

struct ScanOptions {
  uint64_t cursor = 0;
  int64_t count = 10;  // Redis's default
  std::string_view pattern;
  bool use_pattern = false;
  std::optional<std::string_view> type;
};

// Redis scanGenericCommand step 1: options in any order, the last of each kind wins; an option
// without its value, an unknown token or COUNT < 1 is a syntax error; a non-integer COUNT is
// the integer error. Returns false after replying.
bool ParseScanOptions(CommandContext& ctx, ArgList args, ScanOptions* options) {
  const std::optional<uint64_t> cursor = ParseCursor(args[1]);
  if (!cursor) {
    ctx.reply.Error("ERR invalid cursor");
    return false;
  }
  options->cursor = *cursor;
  for (size_t i = 2; i < args.size(); i += 2) {
    const bool has_value = args.size() - i >= 2;
    if (has_value && EqualsIgnoreCase(args[i], "count")) {
      const std::optional<int64_t> count = ParseInt64(args[i + 1]);
      if (!count) {
        ctx.reply.Error(protocol::kErrNotInteger);
        return false;
      }
      if (*count < 1) {
        ctx.reply.Error(protocol::kErrSyntax);
        return false;
      }
      options->count = *count;
    } else if (has_value && EqualsIgnoreCase(args[i], "match")) {
      options->pattern = args[i + 1];
      options->use_pattern = options->pattern != "*";  // Redis skips matching for "*"
    } else if (has_value && EqualsIgnoreCase(args[i], "type")) {
      options->type = args[i + 1];
    } else {
      ctx.reply.Error(protocol::kErrSyntax);
      return false;
    }
  }
  return true;
}

// Copies the keys of one step that pass MATCH (Redis filters by pattern first, before any
// lookup, so an expired key that does not match is left for the wheel, as in Redis).
class StepCollector final : public keyspace::KeyVisitor {
 public:
  explicit StepCollector(const ScanOptions& options) : options_(options) {}
  void Visit(std::string_view key, Millis deadline) override {
    if (options_.use_pattern && !GlobMatch(options_.pattern, key, false)) return;
    keys_.push_back({std::string(key), deadline});
  }
  struct Key {
    std::string name;
    Millis deadline;
  };
  std::vector<Key>& keys() { return keys_; }

 private:
  const ScanOptions& options_;
  std::vector<Key> keys_;
};

// Redis's filters after the pattern: TYPE looks the key up (a counted read lookup, which also
// expires it), then an expired key is deleted and dropped (expireIfNeeded).
bool KeepScanned(CommandContext& ctx, const ScanOptions& options, const StepCollector::Key& key) {
  keyspace::Keyspace& ks = ctx.shard.keyspace();
  if (options.type) {
    const auto entry = ks.Find(key.name, ctx.now);
    CountLookup(ctx.shard, key.name, entry.has_value());
    const std::string_view type = entry ? keyspace::TypeName(entry->kind) : "none";
    return entry.has_value() && EqualsIgnoreCase(*options.type, type);
  }
  if (ctx.now <= key.deadline) return true;  // live: no lookup needed
  (void)ks.Find(key.name, ctx.now);          // expired: deleted and counted here
  return false;
}

void CmdScan(CommandContext& ctx, ArgList args) {
  ScanOptions options;
  if (!ParseScanOptions(ctx, args, &options)) return;
  const auto count = static_cast<uint64_t>(options.count);
  // Redis: at most COUNT * 10 buckets per call, so a sparse index never stalls the node.
  const size_t max_groups = count > std::numeric_limits<size_t>::max() / 10
                                ? std::numeric_limits<size_t>::max()
                                : static_cast<size_t>(count) * 10;
  StepCollector collector(options);
  const keyspace::ScanResult step =
      ctx.shard.keyspace().Scan(options.cursor, count, max_groups, collector);
  std::vector<StepCollector::Key>& keys = collector.keys();
  size_t kept = 0;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (!KeepScanned(ctx, options, keys[i])) continue;
    if (kept != i) keys[kept] = std::move(keys[i]);
    ++kept;
  }
  ctx.reply.Array(2);
  ctx.reply.Bulk(std::to_string(step.cursor));
  ctx.reply.Array(kept);
  for (size_t i = 0; i < kept; ++i) ctx.reply.Bulk(keys[i].name);
}

// Views into the keyspace: valid because nothing modifies it before the reply is written.
class KeysCollector final : public keyspace::KeyVisitor {
 public:
  KeysCollector(std::string_view pattern, Millis now)
      : pattern_(pattern), all_(pattern == "*"), now_(now) {}
  void Visit(std::string_view key, Millis deadline) override {
    // Redis keysCommand: matching keys that are not expired (keyIsExpired: nothing is deleted).
    if ((all_ || GlobMatch(pattern_, key, false)) && now_ <= deadline) keys_.push_back(key);
  }
  const std::vector<std::string_view>& keys() const { return keys_; }

 private:
  std::string_view pattern_;
  bool all_;
  Millis now_;
  std::vector<std::string_view> keys_;
};

// O(keys): like Redis's KEYS, it blocks the node for the whole walk (README, Commands).
void CmdKeys(CommandContext& ctx, ArgList args) {
  KeysCollector collector(args[1], ctx.now);
  ctx.shard.keyspace().ForEachKey(collector);
  ctx.reply.Array(collector.keys().size());
  for (std::string_view key : collector.keys()) ctx.reply.Bulk(key);
}

// RANDOMKEY only needs unpredictable-enough picks, not a reproducible stream; one generator for
// the serving thread (the keyspace is single-threaded too), seeded once.
uint64_t NextRandom() {
  static std::mt19937_64 generator{std::random_device{}()};
  return generator();
}

void CmdRandomKey(CommandContext& ctx, ArgList /*args*/) {
  const std::optional<std::string_view> key = ctx.shard.keyspace().RandomKey(NextRandom(), ctx.now);
  if (key) {
    ctx.reply.Bulk(*key);
  } else {
    ctx.reply.Null();
  }
}

constexpr CommandSpec kScanCommands[] = {
    {.name = "scan",
     .arity = -2,
     .flags = kReadOnly,
     .first_key = 0,
     .last_key = 0,
     .key_step = 0,
     .handler = CmdScan,
     .summary = "Incrementally iterate the keys space",
     .arguments = "cursor [MATCH pattern] [COUNT count] [TYPE type]",
     .group = "generic"},
    {.name = "keys",
     .arity = 2,
     .flags = kReadOnly,
     .first_key = 0,
     .last_key = 0,
     .key_step = 0,
     .handler = CmdKeys,
     .summary = "Find all keys matching the given pattern",
     .arguments = "pattern",
     .group = "generic"},
    {.name = "randomkey",
     .arity = 1,
     .flags = kReadOnly,
     .first_key = 0,
     .last_key = 0,
     .key_step = 0,
     .handler = CmdRandomKey,
     .summary = "Return a random key from the keyspace",
     .group = "generic"},
};

}  // namespace

void RegisterScanCommands(CommandTable& table) {
  for (const CommandSpec& spec : kScanCommands) table.Add(spec);
}

}  // namespace locknode::command

// STRLEN key (Redis 7.0 strlenCommand): the length of a string value, 0 for a missing key,
// WRONGTYPE for another kind. Alone in its file because `redis-cli --bigkeys` needs it with
// SCAN, while the rest of the string commands live with the string family.

#include <cstdint>

#include "locknode/command/command_table.h"
#include "locknode/command/families.h"
#include "locknode/command/shard.h"
#include "locknode/keyspace/keyspace.h"
#include "locknode/protocol/reply_sink.h"

#include "command/read_lookup.h"

namespace locknode::command {
namespace {

void CmdStrlen(CommandContext& ctx, ArgList args) {
  const auto found = LookupTyped(ctx, args[1], keyspace::ValueKind::kString, true);
  if (found.match == keyspace::Match::kWrongType) return;  // replied
  ctx.reply.Integer(
      found.match == keyspace::Match::kFound ? static_cast<int64_t>(found.entry.value.size()) : 0);
}

}  // namespace

void RegisterStrlenCommand(CommandTable& table) {
  table.Add({.name = "strlen",
             .arity = 2,
             .flags = kReadOnly | kFast,
             .first_key = 1,
             .last_key = 1,
             .key_step = 1,
             .handler = CmdStrlen,
             .summary = "Get the length of the value stored in a key",
             .arguments = "key",
             .group = "string"});
}

}  // namespace locknode::command

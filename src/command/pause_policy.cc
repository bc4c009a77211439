// Which commands CLIENT PAUSE WRITE holds (Redis 7.0 processCommand, is_may_replicate_command).
#include <string_view>

#include "locknode/base/strings.h"
#include "locknode/command/dispatcher.h"

namespace locknode::command {

namespace {

// Redis's CMD_MAY_REPLICATE commands that locknode has: they are not flagged write but may
// write (a script) or propagate (PUBLISH), so a write pause holds them too.
bool MayReplicate(std::string_view name) {
  static constexpr std::string_view kNames[] = {"eval",    "evalsha",  "fcall",
                                                "publish", "spublish", "pfcount"};
  for (std::string_view n : kNames) {
    if (EqualsIgnoreCase(name, n)) return true;
  }
  return false;
}

}  // namespace

bool Dispatcher::HeldByWritePause(ArgList args, const ClientState& client) {
  const ResolvedCommand found = shard_.table().Resolve(args);
  if (found.cmd == nullptr) return false;  // refused at once, as Redis rejects it first
  if ((found.cmd->flags & kWrite) != 0 || MayReplicate(found.container->name)) return true;
  if (found.container->name == std::string_view("exec")) {
    const MultiState* state = shard_.transactions().Find(client.id);
    return state != nullptr && (state->cmd_flags & kWrite) != 0;
  }
  return false;
}

}  // namespace locknode::command

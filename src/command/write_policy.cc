#include "command/write_policy.h"

#include <cstdint>

#include "locknode/protocol/errors.h"

namespace locknode::command {

bool AdmitWrite(Shard& shard, const CommandSpec& cmd, ArgList /*args*/, Millis now,
                int64_t /*wall_us*/, protocol::ReplySink& reply) {
  if ((cmd.flags & kWrite) == 0) return true;
  const int64_t maxmemory = shard.config().maxmemory;
  if ((cmd.flags & kDenyOom) != 0 && maxmemory > 0 &&
      shard.keyspace().used_bytes() > static_cast<uint64_t>(maxmemory)) {
    reply.Error(protocol::kErrOom);
    return false;
  }
  if (cmd.lifetime != Lifetime::kRemoves && shard.lease().QuarantineRemaining(now) > 0) {
    shard.lease().ReplyQuarantine(now, reply);
    return false;
  }
  return true;
}

}  // namespace locknode::command

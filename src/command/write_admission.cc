#include "command/write_admission.h"

#include <cstdint>

#include "locknode/protocol/errors.h"

namespace locknode::command {

bool AdmitWrite(Shard& shard, const CommandSpec& cmd, Millis now, protocol::ReplySink& reply) {
  if ((cmd.flags & kWrite) == 0) return true;
  const int64_t maxmemory = shard.config().maxmemory;
  if ((cmd.flags & kDenyOom) != 0 && maxmemory > 0 &&
      shard.keyspace().used_bytes() > static_cast<uint64_t>(maxmemory)) {
    reply.Error(protocol::kErrOom);
    return false;
  }
  if ((cmd.flags & kOnlyRemoves) == 0 && shard.lease().QuarantineRemaining(now) > 0) {
    shard.lease().ReplyQuarantine(now, reply);
    return false;
  }
  return true;
}

}  // namespace locknode::command

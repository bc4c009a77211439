#pragma once

#include <cstdint>

#include "locknode/base/millis.h"
#include "locknode/command/command_table.h"
#include "locknode/command/shard.h"
#include "locknode/protocol/reply_sink.h"

namespace locknode::command {

// Redis processCommand's write refusals, for clients and for redis.call alike: past maxmemory
// a denyoom command gets Redis's -OOM (nothing is ever evicted, so every existing lock stays
// exactly as it was); during the restart quarantine every write that could create or extend a
// key gets -QUARANTINE (reads, DEL and FLUSHALL still run). False after replying.
bool AdmitWrite(Shard& shard, const CommandSpec& cmd, ArgList args, Millis now, int64_t wall_us,
                protocol::ReplySink& reply);

}  // namespace locknode::command

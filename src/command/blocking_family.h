#pragma once

// Private to the command module: the blocking pops' side that runs outside their own handlers
// (blocking_cmds.cc): serving the clients blocked on keys that got data, and unblocking one.

#include <cstdint>

#include "locknode/base/millis.h"
#include "locknode/command/client_state.h"
#include "locknode/command/shard.h"

namespace locknode::command {

// Redis handleClientsBlockedOnKeys: for every ready key (in the order the keys were written),
// its waiters in the order they blocked each take one element while the key has data of the
// kind they wait for; a waiter of another kind is skipped and stays blocked. A served BLMOVE's
// push may make its destination ready: the loop runs until no key is ready. `now`/`wall_us`:
// the time snapshot of the command that wrote the keys.
void ServeBlockedClients(Shard& shard, Millis now, int64_t wall_us);

// Ends `client`'s wait with the timeout reply (a null array), or with `-UNBLOCKED ...` when
// `error` (CLIENT UNBLOCK id ERROR), and lets it resume. False if it was not blocked.
bool UnblockClient(Shard& shard, ClientState& client, bool error);

}  // namespace locknode::command

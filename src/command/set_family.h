#pragma once

// Private to the command module: what the set family's two files share.

#include <string>
#include <vector>

#include "locknode/command/command_table.h"
#include "locknode/protocol/reply_sink.h"

namespace locknode::command {

// A set reply (RESP3 '~', RESP2 an array), as Redis's SMEMBERS/SINTER/SUNION/SDIFF/SPOP send.
inline void ReplySetMembers(protocol::ReplySink& reply, const std::vector<std::string>& members) {
  reply.Set(members.size());
  for (const std::string& m : members) reply.Bulk(m);
}

// SINTER, SUNION, SDIFF and their STORE forms (set_algebra_cmds.cc).
void RegisterSetAlgebraCommands(CommandTable& table);

}  // namespace locknode::command

#pragma once

// Private to the command module: the list family's second file (LPOS, LMOVE, RPOPLPUSH), which
// list_cmds.cc registers with the rest of the family.

#include "locknode/command/command_table.h"

namespace locknode::command {

void RegisterListMoveCommands(CommandTable& table);

}  // namespace locknode::command

#pragma once

// Private to the command module: the list family's second file (LPOS, LMOVE, RPOPLPUSH), which
// list_cmds.cc registers with the rest of the family.

#include <string_view>

#include "locknode/command/command_table.h"

namespace locknode::command {

void RegisterListMoveCommands(CommandTable& table);

// LEFT / RIGHT (getListPositionFromObjectOrReply): false for anything else.
bool ParseListEnd(std::string_view arg, bool* left);

// Redis lmoveGenericCommand (LMOVE, RPOPLPUSH, BLMOVE with data, and a served BLMOVE): the
// source decides first (missing: null), then the destination's type (WRONGTYPE moves nothing);
// the element moves and is replied, and an emptied source is deleted.
void ListMove(CommandContext& ctx, std::string_view src_key, std::string_view dst_key,
              bool from_left, bool to_left);

}  // namespace locknode::command

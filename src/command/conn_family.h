#pragma once

#include <span>
#include <string_view>

#include "locknode/command/command_table.h"

// Internal to the connection family: conn_cmds.cc registers the rows, client_cmds.cc holds CLIENT.
namespace locknode::command {

std::span<const CommandSpec> ClientSubcommands();

// client_admin_cmds.cc: the handlers of the operator subcommands, rows in client_cmds.cc.
void CmdClientKill(CommandContext& ctx, ArgList args);
void CmdClientPause(CommandContext& ctx, ArgList args);
void CmdClientUnpause(CommandContext& ctx, ArgList args);
void CmdClientNoTouch(CommandContext& ctx, ArgList args);

// Redis validateClientAttr / clientSetNameOrReply: client names and SETINFO values are printable
// ASCII without spaces ('!'..'~'), so CLIENT LIST stays one space-separated line per client.
inline bool ValidClientAttr(std::string_view s) {
  for (char c : s) {
    if (c < '!' || c > '~') return false;
  }
  return true;
}

}  // namespace locknode::command

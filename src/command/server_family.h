#pragma once

#include <span>

#include "locknode/command/command_table.h"

// Internal to the server family (server_cmds.cc registers the rows; INFO and COMMAND live in
// their own files to keep each under the size limit).
namespace locknode::command {

void CmdInfo(CommandContext& ctx, ArgList args);     // info_cmd.cc
void CmdCommand(CommandContext& ctx, ArgList args);  // command_docs.cc
std::span<const CommandSpec> CommandSubcommands();   // command_docs.cc: COMMAND DOCS|INFO|...

}  // namespace locknode::command

#pragma once

#include <span>
#include <string_view>

#include "locknode/command/command_table.h"

namespace locknode::command {

// Finds the row of `args[1]` among a container's subcommands (case-insensitive), or nullptr.
const CommandSpec* FindSubcommand(std::span<const CommandSpec> subcommands, std::string_view name);

// Runs `args[1]` as a subcommand of the container `args[0]` (CLIENT, CONFIG, COMMAND) with
// Redis's checks and texts (server.c commandCheckExistence / commandCheckArity):
//   unknown -> "ERR unknown subcommand 'foo'. Try CLIENT HELP."
//   arity   -> "ERR wrong number of arguments for 'client|setname' command".
// The subcommand's handler gets the full argument list, as in Redis (args[1] is its name).
// Containers route through this themselves so they work whether or not the dispatcher already
// resolved the subcommand; a dispatcher that does resolve it simply never reaches this.
void RunSubcommand(CommandContext& ctx, ArgList args, std::span<const CommandSpec> subcommands);

// Replies to "<CONTAINER> HELP" the way Redis's addReplyHelp does: a status line naming the
// container, then `lines`, then "HELP" / "    Prints this help.", all as simple strings.
void ReplyHelp(CommandContext& ctx, std::string_view container_upper,
               std::span<const std::string_view> lines);

}  // namespace locknode::command

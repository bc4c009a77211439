#pragma once

// Private to the command module: the reply of "<CONTAINER> HELP" (CLIENT, CONFIG, COMMAND,
// SCRIPT), the one piece of the old subcommand router that containers still need.

#include <span>
#include <string>
#include <string_view>

#include "locknode/command/command_table.h"
#include "locknode/protocol/reply_sink.h"

namespace locknode::command {

// As Redis's addReplyHelp: a status line naming the container, then `lines`, then "HELP" /
// "    Prints this help.", all as simple strings.
inline void ReplyHelp(CommandContext& ctx, std::string_view container_upper,
                      std::span<const std::string_view> lines) {
  ctx.reply.Array(lines.size() + 3);
  ctx.reply.Simple(std::string(container_upper) +
                   " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  for (std::string_view line : lines) ctx.reply.Simple(line);
  ctx.reply.Simple("HELP");
  ctx.reply.Simple("    Prints this help.");
}

}  // namespace locknode::command

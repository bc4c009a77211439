#pragma once

#include <span>
#include <string_view>

#include "locknode/command/command_table.h"

// Internal to the connection family: conn_cmds.cc registers the rows, client_cmds.cc holds CLIENT.
namespace locknode::command {

std::span<const CommandSpec> ClientSubcommands();

// Redis validateClientAttr / clientSetNameOrReply: client names and SETINFO values are printable
// ASCII without spaces ('!'..'~'), so CLIENT LIST stays one space-separated line per client.
inline bool ValidClientAttr(std::string_view s) {
  for (char c : s) {
    if (c < '!' || c > '~') return false;
  }
  return true;
}

}  // namespace locknode::command

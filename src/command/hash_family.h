#pragma once

// Private to the command module: what the hash family's two files share.

#include <optional>
#include <string_view>

#include "locknode/command/command_table.h"

#include "command/hash_value.h"

namespace locknode::command {

// The hash under `key` (Redis lookupKeyRead/lookupKeyWrite + checkType): empty when missing;
// nullopt after replying WRONGTYPE. `read` counts a keyspace hit or miss.
std::optional<HashValue> LookupHash(CommandContext& ctx, std::string_view key, bool read);

void CmdHRandField(CommandContext& ctx, ArgList args);
void CmdHScan(CommandContext& ctx, ArgList args);

}  // namespace locknode::command

#pragma once

#include "locknode/command/command_table.h"

// One Register* per command family file (src/command/<family>_cmds.cc). BuildCommandTable calls
// them all; a family adds its rows and knows nothing of the others.
namespace locknode::command {

void RegisterStringCommands(CommandTable& table);       // SET SETNX SETEX PSETEX GET
void RegisterMultiStringCommands(CommandTable& table);  // MSET MSETNX MGET GETRANGE
void RegisterKeyCommands(CommandTable& table);          // DEL EXISTS TYPE *EXPIRE* *TTL PERSIST
void RegisterConnectionCommands(
    CommandTable& table);  // PING ECHO HELLO AUTH CLIENT SELECT QUIT RESET
void RegisterServerCommands(
    CommandTable& table);                       // INFO CONFIG COMMAND DBSIZE FLUSH* TIME SHUTDOWN
void RegisterMemoryCommands(CommandTable& table);  // MEMORY STATS DOCTOR HELP
void RegisterOpsCommands(CommandTable& table);  // SLOWLOG LATENCY ROLE WAIT LASTSAVE SAVE ...
void RegisterScriptCommands(CommandTable& table);  // EVAL EVALSHA EVAL_RO EVALSHA_RO SCRIPT

}  // namespace locknode::command

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
    CommandTable& table);  // INFO CONFIG COMMAND DBSIZE FLUSH* TIME SHUTDOWN
void RegisterScriptCommands(CommandTable& table);   // EVAL EVALSHA EVAL_RO EVALSHA_RO SCRIPT
void RegisterScanCommands(CommandTable& table);     // SCAN KEYS RANDOMKEY
void RegisterMemoryCommands(CommandTable& table);   // MEMORY USAGE STATS DOCTOR HELP
void RegisterOpsCommands(CommandTable& table);      // SLOWLOG LATENCY ROLE WAIT LASTSAVE SAVE ...
void RegisterZSetCommands(CommandTable& table);     // ZADD ZRANGE ZREM ZPOP* ... (sorted sets)
void RegisterListCommands(CommandTable& table);     // LPUSH RPUSH LPOP LRANGE LMOVE ... (lists)
void RegisterSetCommands(CommandTable& table);      // SADD SREM SMEMBERS SINTER ... (sets)
void RegisterHashCommands(CommandTable& table);     // HSET HGET HDEL HINCRBY ... HSCAN
void RegisterCounterCommands(CommandTable& table);  // INCR INCRBY DECR DECRBY INCRBYFLOAT
void RegisterStringEditCommands(CommandTable& table);  // APPEND STRLEN GETDEL GETEX GETSET SETRANGE
void RegisterKeyMoveCommands(CommandTable& table);     // RENAME RENAMENX COPY TOUCH
void RegisterCasCommands(CommandTable& table);         // DELEX DELIFEQ DIGEST
void RegisterPubSubCommands(CommandTable& table);      // (P|S)(UN)SUBSCRIBE (S)PUBLISH PUBSUB
void RegisterTransactionCommands(CommandTable& table);  // MULTI EXEC DISCARD WATCH UNWATCH
void RegisterMonitorCommands(CommandTable& table);      // MONITOR
void RegisterBlockingCommands(CommandTable& table);     // BLPOP BRPOP BLMOVE BRPOPLPUSH BZPOP*

}  // namespace locknode::command

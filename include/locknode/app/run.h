#pragma once

#include "locknode/base/config.h"

namespace locknode::net {
class Server;
}

namespace locknode::app {

// Configures spdlog once: stderr, colored level (%^%l%$), level from config.log_level.
void SetupLogging(const Config& config);

// Startup banner at info: version and pid first, then (once bound) config file, the actual
// bind:port, limits and clock source. Nothing else is logged at info until shutdown.
void LogStarting();
void LogBanner(const Config& config, const net::Server& server);

// Wires the server (io_context with one thread, Server, Shard, Dispatcher, signal handling),
// logs the banner and runs until SIGTERM/SIGINT or SHUTDOWN. maxclients is first fitted to the
// open-file limit (file_limit.h). Returns the exit status (0 after a clean stop). Throws
// std::system_error at startup if an address cannot be bound, std::runtime_error if the file
// limit leaves no room for a client.
int Run(const Config& requested);

}  // namespace locknode::app

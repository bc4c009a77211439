#pragma once

#include "locknode/base/config.h"

namespace locknode::app {

// Configures spdlog once: stderr, colored level (%^%l%$), level from config.log_level.
void SetupLogging(const Config& config);

// Wires the server (io_context with one thread, Server, Shard, Dispatcher, signal handling),
// logs the banner and runs until SIGTERM/SIGINT or SHUTDOWN. Returns the exit status (0 after a
// clean stop). Throws std::system_error at startup if an address cannot be bound.
int Run(const Config& config);

}  // namespace locknode::app

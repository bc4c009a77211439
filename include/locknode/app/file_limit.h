#pragma once

#include <cstdint>

#include "locknode/base/config.h"

namespace locknode::app {

// Descriptors kept back for everything that is not a client: listeners, the epoll and timer
// fds, the lease file, logs (Redis CONFIG_MIN_RESERVED_FDS).
inline constexpr int64_t kReservedFds = 32;

// The largest maxclients that fits `fd_limit` descriptors together with the loopback reserve
// and kReservedFds; `maxclients` itself if it fits. Below 1 means no client fits.
int64_t MaxclientsForFileLimit(int64_t maxclients, int64_t loopback_reserve, uint64_t fd_limit);

// Redis adjustOpenFilesLimit: raises RLIMIT_NOFILE to maxclients + reserve + kReservedFds if
// the process may, else lowers maxclients to what the limit allows and logs a warning. Returns
// `config` with the effective maxclients, which INFO and CONFIG GET then report. Throws
// std::runtime_error when not even one client fits.
Config FitToFileLimit(const Config& config);

}  // namespace locknode::app

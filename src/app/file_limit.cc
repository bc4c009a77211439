// Fitting maxclients to the open-file limit at startup (Redis adjustOpenFilesLimit).
#include "locknode/app/file_limit.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <sys/resource.h>

#include <spdlog/spdlog.h>

namespace locknode::app {

int64_t MaxclientsForFileLimit(int64_t maxclients, int64_t loopback_reserve, uint64_t fd_limit) {
  const auto usable = static_cast<int64_t>(std::min<uint64_t>(fd_limit, INT64_MAX / 2));
  return std::min(maxclients, usable - kReservedFds - loopback_reserve);
}

namespace {

// Tries to make `wanted` descriptors available; returns the soft limit in force afterwards.
// Raising the soft limit up to the hard one is always allowed; beyond it only with
// CAP_SYS_RESOURCE, and then the hard limit is raised too (never lowered, unlike Redis, so a
// later raise stays possible).
uint64_t RaiseFileLimit(rlimit current, uint64_t wanted, int* error) {
  if (current.rlim_max != RLIM_INFINITY && current.rlim_max < wanted) {
    const rlimit both = {wanted, wanted};
    if (setrlimit(RLIMIT_NOFILE, &both) == 0) return wanted;
    *error = errno;
    wanted = current.rlim_max;  // the most an unprivileged process can have
  }
  const rlimit soft = {wanted, current.rlim_max};
  if (setrlimit(RLIMIT_NOFILE, &soft) == 0) return wanted;
  *error = errno;
  return current.rlim_cur;
}

}  // namespace

Config FitToFileLimit(const Config& config) {
  Config fitted = config;
  const uint64_t wanted =
      static_cast<uint64_t>(config.maxclients + config.maxclients_loopback_reserve + kReservedFds);
  rlimit current{};
  uint64_t available = 1024;  // Redis's assumption when the limit cannot be read
  int error = 0;
  if (getrlimit(RLIMIT_NOFILE, &current) != 0) {
    spdlog::warn("cannot read the open-file limit ({}); assuming {}", std::strerror(errno),
                 available);
  } else if (current.rlim_cur == RLIM_INFINITY || current.rlim_cur >= wanted) {
    return fitted;
  } else {
    available = RaiseFileLimit(current, wanted, &error);
    if (available >= wanted) {
      spdlog::info("increased the open-file limit to {} (it was {})", available,
                   static_cast<uint64_t>(current.rlim_cur));
      return fitted;
    }
  }
  fitted.maxclients =
      MaxclientsForFileLimit(config.maxclients, config.maxclients_loopback_reserve, available);
  if (fitted.maxclients < 1) {
    throw std::runtime_error("the open-file limit ('ulimit -n') of " + std::to_string(available) +
                             " is too low: at least " +
                             std::to_string(kReservedFds + config.maxclients_loopback_reserve + 1) +
                             " are needed");
  }
  spdlog::warn(
      "maxclients {} (+{} loopback reserve) needs {} open files, but the limit is {} and cannot "
      "be raised ({}): maxclients lowered to {}; raise 'ulimit -n' for more",
      config.maxclients, config.maxclients_loopback_reserve, wanted, available,
      error != 0 ? std::strerror(error) : "unknown", fitted.maxclients);
  return fitted;
}

}  // namespace locknode::app

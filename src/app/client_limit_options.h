#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <CLI/App.hpp>

#include "locknode/base/config.h"

// The client resource limit options (client-output-buffer-limit, client-request-timeout-ms,
// maxmemory-clients): their flags, their Redis-syntax parsing and their range checks.
namespace locknode::app {

// Redis memtoull: digits with an optional unit, case-insensitive: b, k/m/g (powers of 1000),
// kb/mb/gb (powers of 1024). nullopt on anything else, including a sign or overflow.
std::optional<int64_t> ParseMemorySize(std::string_view text);

// Applies a client-output-buffer-limit value: one or more `<class> <hard> <soft> <seconds>`
// groups. Only `normal` is stored; `replica`/`slave`/`pubsub` are accepted and ignored
// (locknode has neither replicas nor pub/sub), so a line copied from redis.conf works. Returns
// "" on success, else Redis's reason ("Invalid client class specified in buffer limit
// configuration.").
std::string ApplyOutputBufferLimit(std::string_view text, Config* config);

// Registers the three flags (also read from the --config file).
void AddClientLimitOptions(CLI::App& cli, Config* config);

}  // namespace locknode::app

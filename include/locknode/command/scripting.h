#pragma once

#include "locknode/base/clock.h"
#include "locknode/base/config.h"
#include "locknode/script/lua_engine.h"
#include "locknode/script/script_cache.h"

namespace locknode::command {

// Engine budgets and cache bounds from the config (lua-time-limit, lua-instruction-limit,
// lua-memory-limit, lua-max-scripts, lua-cache-max-bytes, lua-max-script-bytes). The budget's
// clock is the shard's monotonic clock; the `clock` must outlive the engine.
script::EngineOptions ScriptEngineOptions(const Config& config, const Clock& clock);
script::CacheLimits ScriptCacheLimits(const Config& config);

}  // namespace locknode::command

// Wiring: one io_context on one thread, the server, the shard, signals.
#include "locknode/app/run.h"

#include <csignal>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <spdlog/spdlog.h>

#include "locknode/app/file_limit.h"
#include "locknode/base/clock.h"
#include "locknode/command/dispatcher.h"
#include "locknode/command/shard.h"
#include "locknode/net/server.h"

namespace locknode::app {

int Run(const Config& requested) {
  SetupLogging(requested);
  LogStarting();
  // From here on maxclients is the effective one, so INFO and CONFIG GET report what applies.
  // Not const: CONFIG SET writes the options flagged kOptMutable into it (every reader of those
  // reads it live, on this one thread).
  Config config = FitToFileLimit(requested);
  // Asio sends with MSG_NOSIGNAL already; this also covers any other write to a closed pipe.
  std::signal(SIGPIPE, SIG_IGN);

  // One thread (GUIDE §2.6): every socket is served on it, so the per-descriptor reactor
  // mutex is pure overhead (callgrind: ~8% of the user-space instructions of a SET round trip).
  // UNSAFE_IO drops only that lock; scheduler and registration locking stay, so posting from
  // elsewhere would still be safe.
  boost::asio::io_context io(BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO);
  const SteadyClock clock;
  net::Server server(io, config, clock);
  command::Shard shard(config, clock, &server);
  shard.set_mutable_config(&config);
  command::Dispatcher dispatcher(shard);
  // redis.log from scripts: Redis's LOG_DEBUG..LOG_WARNING (0..3) onto spdlog's levels.
  shard.lua().set_log([](int level, std::string_view message) {
    static constexpr spdlog::level::level_enum kLevels[] = {
        spdlog::level::debug, spdlog::level::debug, spdlog::level::info, spdlog::level::warn};
    spdlog::log(kLevels[level < 0 ? 0 : (level > 3 ? 3 : level)], "script: {}", message);
  });
  server.Bind();
  LogBanner(config, server);

  // Without a SIGTERM handler a container stop waits 10 s and then SIGKILLs (CONTAINERS.md).
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&server](const boost::system::error_code& ec, int signal_number) {
    if (ec) return;
    spdlog::info("received {}", signal_number == SIGTERM ? "SIGTERM" : "SIGINT");
    server.Shutdown();
  });

  server.Start(dispatcher);
  spdlog::info("ready to accept connections");
  io.run();
  spdlog::info("bye");
  return 0;
}

}  // namespace locknode::app

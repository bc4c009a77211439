#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include <boost/asio/io_context.hpp>

#include "locknode/base/clock.h"
#include "locknode/base/config.h"
#include "locknode/command/dispatcher.h"
#include "locknode/net/client_limits.h"
#include "locknode/net/client_pause.h"
#include "locknode/net/expiry_driver.h"
#include "locknode/net/log_limiter.h"
#include "locknode/net/poller.h"
#include "locknode/protocol/request_parser.h"

namespace locknode::net {

// Where a closed session gives up the registry's reference to itself (the Server).
class SessionRegistry {
 public:
  virtual void Unregister(uint64_t id) = 0;

 protected:
  ~SessionRegistry() = default;
};

// The rate-limited warnings sessions log: one limiter per limit, so a slowloris flood cannot
// hide an output-limit warning.
struct SessionLogs {
  LogLimiter protocol_error;
  std::array<LogLimiter, static_cast<size_t>(ClientLimit::kEvicted) + 1> by_limit;
  LogLimiter& limit(ClientLimit which) { return by_limit[static_cast<size_t>(which)]; }
};

// Everything a session uses of the server, fixed when the server starts (Asio http/server hands a
// connection its manager and request handler; a session here needs a few more services). The
// session sees neither the Server nor the Shard: commands go through the dispatcher, and what
// changes per command reaches the session through command::SessionSignals.
struct SessionContext {
  boost::asio::io_context& io;  // the one thread everything runs on (posting a resume)
  const Config& config;
  const Clock& clock;
  command::Dispatcher& dispatcher;       // runs commands; its stats take the limit counters
  ExpiryDriver& expiry;                  // re-armed after each batch if the earliest deadline moved
  Poller& poller;                        // plain-TCP I/O
  const protocol::ParserLimits& limits;  // authenticated clients
  const protocol::ParserLimits& unauth_limits;  // before AUTH (CVE-2021-32675)
  const OutputLimits& output_limits;
  const OutputLimits& pubsub_output_limits;  // for a client while it has subscriptions
  SessionLogs& logs;
  SessionRegistry& registry;
  ClientPause& pause;  // CLIENT PAUSE: checked before each command
};

}  // namespace locknode::net

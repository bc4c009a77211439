// Session side of the client limits (net/client_limits.h): what the sweep checks and how a limit
// closes a client. The checks on the hot path (output limit per reply, request deadline per
// parse) sit in session_read.cc.
#include <spdlog/spdlog.h>

#include "locknode/net/server.h"
#include "locknode/net/session.h"

namespace locknode::net {

namespace {

struct LimitText {
  const char* reason;  // Close() reason, also the tail of the warning
  uint64_t command::Stats::*counter;
};

LimitText Describe(ClientLimit limit) {
  using S = command::Stats;
  switch (limit) {
    case ClientLimit::kIdle:
      return {"idle timeout", nullptr};
    case ClientLimit::kRequestTimeout:
      return {"request still incomplete after client-request-timeout-ms",
              &S::client_request_timeout_disconnections};
    case ClientLimit::kQueryBuffer:
      return {"query buffer reached client-query-buffer-limit",
              &S::client_query_buffer_limit_disconnections};
    case ClientLimit::kOutputBuffer:
      // Redis: "Client ... scheduled to be closed ASAP for overcoming of output buffer limits."
      return {"overcoming of output buffer limits", &S::client_output_buffer_limit_disconnections};
    case ClientLimit::kEvicted:
      return {"evicted: all clients' memory over maxmemory-clients", &S::evicted_clients};
  }
  return {"limit", nullptr};
}

}  // namespace

// Includes what the shard holds for this client: a queued transaction and its watched keys
// (Redis getClientMemoryUsage adds multiStateMemOverhead).
size_t Session::MemoryUsage() const {
  return rbuf_.capacity() + pending_.capacity() + in_flight_.capacity() +
         argv_.capacity() * sizeof(std::string_view) + ctx_.dispatcher.ClientMemory(client_);
}

std::optional<ClientLimit> Session::SweepCheck(Millis now) {
  const Config& config = ctx_.config;
  // A client held by CLIENT PAUSE is waiting for us, and a blocked one waits as long as its own
  // command's timeout says: neither is idle (Redis clientsCron skips CLIENT_BLOCKED clients).
  if (config.timeout > 0 && held_bytes_ == 0 && client_.mode() != command::SessionMode::kBlocked &&
      now - client_.last_interaction_ms > config.timeout * 1000) {
    return ClientLimit::kIdle;
  }
  if (request_deadline_.Expired(now, config.client_request_timeout_ms)) {
    return ClientLimit::kRequestTimeout;
  }
  // Also what ends a soft-limit overrun when no new reply arrives to trigger the check.
  if (output_limit_.Exceeded(OutputBytes(), now, output_limits())) {
    return ClientLimit::kOutputBuffer;
  }
  return std::nullopt;
}

void Session::CloseForLimit(ClientLimit limit) {
  if (closed_) return;
  const LimitText text = Describe(limit);
  // Idle clients close quietly, as in Redis; the others are an operator's business.
  if (text.counter != nullptr) {
    ++(ctx_.dispatcher.stats().*text.counter);
    if (ctx_.logs.limit(limit).Allow(ctx_.clock.NowMs())) {
      spdlog::warn("closing client id={} addr={} name={} for {} (qbuf={} omem={} tot-mem={})",
                   client_.id, client_.peer, client_.name, text.reason, rbuf_.unparsed_size(),
                   OutputBytes(), MemoryUsage());
    }
  }
  Close(text.reason);
}

void Session::RefreshBufferStats() {
  client_.qbuf = static_cast<int64_t>(rbuf_.unparsed_size());
  client_.qbuf_free = static_cast<int64_t>(rbuf_.free_size());
  client_.omem = static_cast<int64_t>(OutputBytes());
  client_.tot_mem = static_cast<int64_t>(MemoryUsage());
}

}  // namespace locknode::net

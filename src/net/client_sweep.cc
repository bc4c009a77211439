// The once-a-second client sweep (Redis clientsCron): idle timeout, the partial-request
// deadline, the output soft limit, and client eviction under maxmemory-clients. One timer for all
// clients, never one per session re-armed per read.
#include <chrono>
#include <utility>
#include <vector>

#include "locknode/net/server.h"
#include "locknode/net/session.h"

namespace locknode::net {

using boost::system::error_code;

bool Server::SweepNeeded() const {
  return config_.timeout > 0 || config_.client_request_timeout_ms > 0 || output_limits_.soft != 0 ||
         pubsub_output_limits_.soft != 0 || config_.maxmemory_clients > 0;
}

void Server::ScheduleSweep() {
  idle_timer_.expires_after(std::chrono::seconds(1));
  idle_timer_.async_wait([this](const error_code& ec) {
    if (ec || stopping_) return;
    SweepClients();
    ScheduleSweep();
  });
}

void Server::SweepClients() {
  const Millis now = clock_.NowMs();
  std::vector<std::pair<std::shared_ptr<Session>, ClientLimit>> over;
  std::vector<ClientMemory> usage;
  if (config_.maxmemory_clients > 0) usage.reserve(sessions_.size());
  for (const auto& [id, session] : sessions_) {
    if (std::optional<ClientLimit> limit = session->SweepCheck(now)) {
      over.emplace_back(session, *limit);
    } else if (config_.maxmemory_clients > 0) {
      usage.push_back({id, session->MemoryUsage()});
    }
  }
  // Close() unregisters: close from the copies, never while walking the registry.
  for (auto& [session, limit] : over) session->CloseForLimit(limit);
  if (config_.maxmemory_clients > 0) EvictClients(std::move(usage));
}

// The total is taken here, once a second, not kept current per read: between two sweeps each
// client can grow by at most its own caps (client-query-buffer-limit, the output hard limit).
void Server::EvictClients(std::vector<ClientMemory> usage) {
  const auto limit = static_cast<size_t>(config_.maxmemory_clients);
  for (uint64_t id : PickClientsToEvict(std::move(usage), limit)) {
    const auto it = sessions_.find(id);
    if (it == sessions_.end()) continue;
    const std::shared_ptr<Session> session = it->second;  // outlives its Close()
    session->CloseForLimit(ClientLimit::kEvicted);
  }
}

}  // namespace locknode::net

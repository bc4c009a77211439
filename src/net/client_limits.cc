#include "locknode/net/client_limits.h"

#include <algorithm>

namespace locknode::net {

OutputLimits OutputLimits::FromConfig(const Config& config) {
  return {static_cast<size_t>(config.client_output_hard_limit),
          static_cast<size_t>(config.client_output_soft_limit),
          config.client_output_soft_seconds * 1000};
}

OutputLimits OutputLimits::PubSubFromConfig(const Config& config) {
  return {static_cast<size_t>(config.client_output_pubsub_hard_limit),
          static_cast<size_t>(config.client_output_pubsub_soft_limit),
          config.client_output_pubsub_soft_seconds * 1000};
}

bool OutputLimitTracker::Exceeded(size_t queued, Millis now, const OutputLimits& limits) {
  if (limits.hard != 0 && queued >= limits.hard) return true;
  if (limits.soft == 0 || queued < limits.soft) {
    soft_since_ = -1;
    return false;
  }
  if (soft_since_ < 0) {
    soft_since_ = now;  // first sighting: the clock starts, the client stays
    return false;
  }
  return now - soft_since_ > limits.soft_ms;
}

std::vector<uint64_t> PickClientsToEvict(std::vector<ClientMemory> clients, size_t limit) {
  std::vector<uint64_t> evict;
  if (limit == 0) return evict;
  size_t total = 0;
  for (const ClientMemory& c : clients) total += c.bytes;
  if (total <= limit) return evict;
  std::sort(clients.begin(), clients.end(), [](const ClientMemory& a, const ClientMemory& b) {
    return a.bytes != b.bytes ? a.bytes > b.bytes : a.id > b.id;
  });
  for (const ClientMemory& c : clients) {
    if (total <= limit) break;
    evict.push_back(c.id);
    total -= c.bytes;
  }
  return evict;
}

}  // namespace locknode::net

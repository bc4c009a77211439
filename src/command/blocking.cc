// The blocked-clients registry (command/blocking.h): Redis 7.0 blocking.c's bookkeeping.
#include "locknode/command/blocking.h"

#include <algorithm>

#include "locknode/command/client_state.h"

namespace locknode::command {

Blocking::~Blocking() { events_.Unsubscribe(this); }

void Blocking::Block(ClientState& client, BlockedPop pop) {
  Entry& entry = clients_[&client];
  entry.pop = std::move(pop);
  std::vector<std::string>& keys = entry.pop.keys;
  // Redis blockForKeys ignores a key given twice (BLPOP k k 0 waits once on k).
  for (size_t i = 0; i < keys.size(); ++i) {
    if (std::find(keys.begin(), keys.begin() + static_cast<ptrdiff_t>(i), keys[i]) !=
        keys.begin() + static_cast<ptrdiff_t>(i)) {
      keys.erase(keys.begin() + static_cast<ptrdiff_t>(i--));
      continue;
    }
    auto it = by_key_.find(keys[i]);
    if (it == by_key_.end()) it = by_key_.emplace(keys[i], Waiters{}).first;
    it->second.push_back(&client);
    entry.positions.push_back(std::prev(it->second.end()));
  }
  events_.Subscribe(this);  // idempotent
}

std::optional<BlockedPop> Blocking::Take(ClientState& client) {
  auto cit = clients_.find(&client);
  if (cit == clients_.end()) return std::nullopt;
  Entry& entry = cit->second;
  for (size_t i = 0; i < entry.pop.keys.size(); ++i) {
    auto it = by_key_.find(entry.pop.keys[i]);
    it->second.erase(entry.positions[i]);
    if (it->second.empty()) by_key_.erase(it);
  }
  BlockedPop pop = std::move(entry.pop);
  clients_.erase(cit);
  // Nobody waits: stop listening (ready keys left are dropped by the next TakeReady's reader,
  // which finds no waiters).
  if (clients_.empty()) events_.Unsubscribe(this);
  return pop;
}

const BlockedPop* Blocking::Find(const ClientState& client) const {
  auto it = clients_.find(&client);
  return it == clients_.end() ? nullptr : &it->second.pop;
}

ClientState* Blocking::FindById(uint64_t id) const {
  for (const auto& [client, entry] : clients_) {
    if (client->id == id) return const_cast<ClientState*>(client);
  }
  return nullptr;
}

std::vector<std::string> Blocking::TakeReady() {
  ready_set_.clear();
  return std::exchange(ready_, {});
}

// Redis signalKeyAsReady: only a stored (new or over a live key) or changed value can feed a
// waiter, and a key is queued once until it is served.
void Blocking::OnKeyChanged(std::string_view key, keyspace::KeyChange change) {
  if (change != keyspace::KeyChange::kWritten && change != keyspace::KeyChange::kCreated) return;
  if (!by_key_.contains(key) || ready_set_.contains(key)) return;
  ready_set_.emplace(key);
  ready_.emplace_back(key);
}

}  // namespace locknode::command
